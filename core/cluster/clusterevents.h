#pragma once

// A Redis Cluster publishes no event when it fails over (no Pub/Sub channel, no keyspace
// notification), so SessionDeck finds its events by comparing one poll with the last good one:
// a replica that became primary of its shard's slots, `fail?`/`fail` flags appearing and
// clearing, a node unreachable or back, the current epoch and cluster_state changing, nodes
// joining and leaving. Each change is reported once, as a timeline event stamped with the poll
// that saw it. Pure; the poller owns one per connection.

#include "core/monitor/topologysnapshot.h"
#include "core/sentinel/sentinelevent.h"

#include <QList>
#include <optional>

namespace sdcore {

// Event types (SentinelEvent::type) of cluster-detected events.
namespace ClusterEventType {
inline const QString Failover = QStringLiteral("failover");
inline const QString NodeFail = QStringLiteral("node-fail");
inline const QString NodePfail = QStringLiteral("node-pfail");
inline const QString NodeFailCleared = QStringLiteral("node-fail-cleared");
inline const QString NodeDown = QStringLiteral("node-down");
inline const QString NodeUp = QStringLiteral("node-up");
inline const QString NodeAdded = QStringLiteral("node-added");
inline const QString NodeRemoved = QStringLiteral("node-removed");
inline const QString NewEpoch = QStringLiteral("new-epoch");
inline const QString ClusterState = QStringLiteral("cluster-state");
}

class ClusterEventDetector
{
public:
    // The events between the last good snapshot and `current`; `current` becomes the last good
    // one when a node answered (a cycle that reached nobody is compared with nothing).
    QList<SentinelEvent> observe(const TopologySnapshot &current);
    void reset()
    {
        m_last.reset();
        m_maxEpoch = -1;
    }

private:
    std::optional<TopologySnapshot> m_last;
    qint64 m_maxEpoch = -1;
};

} // namespace sdcore
