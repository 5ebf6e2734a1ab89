#pragma once

// A manual failover of one Redis Cluster shard: CLUSTER FAILOVER sent to the replica to promote
// (the most up-to-date healthy one unless the user chose), then followed by asking the replica
// and the old primary for their ROLE until the replica is primary and the old primary its
// replica, or the time runs out. The default handshakes with the primary (no write is lost;
// the cluster gives up after 5 s); FORCE does without the primary (it may be down), TAKEOVER
// also without the election (the replica bumps its own epoch: writes the old primary took may
// be lost, and the last-failover-wins rule is broken). Blocking; run it on a worker thread.

#include "core/monitor/topologysnapshot.h"
#include "core/sentinel/failovercontroller.h"

#include <atomic>
#include <functional>

namespace sdcore {

struct ClusterFailoverRequest
{
    enum class Mode { Default, Force, Takeover };
    HostPort primary;           // the shard, by its primary (or leave empty and name the replica)
    HostPort replica;           // the replica to promote; empty: the most up-to-date healthy one
    Mode mode = Mode::Default;
    int timeoutMs = 15000;
};

QString failoverModeName(ClusterFailoverRequest::Mode mode);   // "default", "force", "takeover"
// What FORCE and TAKEOVER risk, in words, for the second confirmation.
QString failoverModeRisk(ClusterFailoverRequest::Mode mode);

// What a failover would do, checked against one poll: the shard, its primary, the replica.
struct ClusterFailoverPlan
{
    QString shard;              // its slots, "0-5460"
    HostPort primary;
    HostPort replica;
    QString primaryId;          // node ids, as the cluster lists them
    QString replicaId;
    ClusterFailoverRequest::Mode mode = ClusterFailoverRequest::Mode::Default;
    int timeoutMs = 15000;
    QStringList warnings;       // said before confirming (the replica lags, …)

    QString description() const;
};

class ClusterFailover
{
public:
    // Fails with a reason in words: no such primary or replica, no replica, the replica down
    // or not in sync, the primary down (the default needs it; FORCE does not).
    static Result<ClusterFailoverPlan> plan(const TopologySnapshot &snapshot, const ClusterFailoverRequest &request);
    // Runs a plan; `progress` is called with each step (on the calling thread). The default
    // mode first waits (up to 3 s) until the primary itself counts the replica as its own: right
    // after a change the cluster is still settling, and the primary would ignore the request.
    static FailoverOutcome run(const RedisUrl &url, const ClusterFailoverPlan &plan,
                               const std::function<void(const QString &)> &progress = {},
                               const std::atomic_bool *cancel = nullptr);
};

} // namespace sdcore
