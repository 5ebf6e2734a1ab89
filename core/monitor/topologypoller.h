#pragma once

// Polls one connection target and publishes a TopologySnapshot per cycle. For a Sentinel URL it
// asks a sentinel for the topology (master, replicas, other sentinels, quorum) and then visits
// every node: PING round trip and INFO for Redis nodes, PING for sentinels. A plain URL is one
// node, plus the replicas its INFO lists. A cluster URL asks one node (the one that answered
// last, else each seed, else each node learned) for CLUSTER INFO, NODES and SHARDS, visits every
// node it lists, and compares the result with the last poll for the cluster's events. Any node may be down, stopped or refusing auth: each
// visit has a short timeout and the whole cycle a time budget, so a cycle always completes.
// Lives on a worker thread (DeploymentMonitor's); slots are invoked through queued connections.

#include "core/cluster/clusterevents.h"
#include "core/monitor/topologysnapshot.h"
#include "core/redis/redisconnection.h"
#include "core/sentinel/sentinelclient.h"

#include <QDeadlineTimer>
#include <QObject>

#include <map>
#include <memory>
#include <optional>

class QTimer;

namespace sdcore {

struct PollerOptions
{
    int intervalMs = 1000;
    int nodeTimeoutMs = 500;      // connect and command timeout for each node
    int cycleBudgetMs = 3000;     // a cycle never takes longer than this
    bool pubsub = true;           // PUBSUB CHANNELS / NUMSUB / NUMPAT on the master
    int maxPubSubChannels = 200;
};

class TopologyPoller final : public QObject
{
    Q_OBJECT
public:
    TopologyPoller(RedisUrl url, PollerOptions options, QObject *parent = nullptr);
    ~TopologyPoller() override;

    // One cycle, synchronously (the timer calls it; tests may too).
    TopologySnapshot pollOnce();
    QList<HostPort> knownSentinels() const { return m_knownSentinels; }
    // Cluster nodes learned from CLUSTER NODES (the seeds first).
    QList<HostPort> knownClusterNodes() const { return m_knownNodes; }

public Q_SLOTS:
    void start(quint64 generation);
    void stop();
    void pollNow();
    void setIntervalMs(int ms);

Q_SIGNALS:
    void polled(const sdcore::TopologySnapshot &snapshot);
    // Sentinels learned from SENTINEL SENTINELS, for the event stream to subscribe to.
    void sentinelsDiscovered(const QList<sdcore::HostPort> &sentinels);

private:
    void pollSentinelManaged(TopologySnapshot &s, const QDeadlineTimer &deadline);
    void pollPlain(TopologySnapshot &s, const QDeadlineTimer &deadline);
    void pollCluster(TopologySnapshot &s, const QDeadlineTimer &deadline);
    RedisNodeState pollNode(const HostPort &address, const RedisUrl &url, const QDeadlineTimer &deadline,
                            QByteArray *infoText = nullptr);
    SentinelState pollSentinel(const HostPort &address, const QDeadlineTimer &deadline);
    void pollPubSub(TopologySnapshot &s, const QDeadlineTimer &deadline);
    // A cluster's: every node that is up, its classic and shard channels.
    void pollClusterPubSub(TopologySnapshot &s, const QDeadlineTimer &deadline);
    // Once a minute at most: what the user may do (AccessState).
    void checkAccess(TopologySnapshot &s, const QDeadlineTimer &deadline);
    RedisConnection *connection(const QString &key, const RedisUrl &url, bool sentinel,
                                const QDeadlineTimer &deadline, Error *error);
    // The cached (or a new) connection to the snapshot's master.
    RedisConnection *masterConnection(const TopologySnapshot &s, const QDeadlineTimer &deadline, Error *error);
    // The cached (or a new) connection after a timed PING; null with `error` set on failure.
    RedisConnection *ping(const QString &key, const RedisUrl &url, bool sentinel,
                          const QDeadlineTimer &deadline, double *rttMs, Error *error);
    int timeoutFor(const QDeadlineTimer &deadline) const;
    void forget(const QString &key);

    RedisUrl m_url;
    PollerOptions m_options;
    QTimer *m_timer = nullptr;
    quint64 m_generation = 0;
    std::optional<SentinelClient> m_sentinel;
    QList<HostPort> m_knownSentinels;
    QList<HostPort> m_knownNodes;
    HostPort m_clusterAnswered;
    ClusterEventDetector m_clusterEvents;
    std::map<QString, std::unique_ptr<RedisConnection>> m_connections;
    AccessState m_access;
    QDeadlineTimer m_accessRecheck;
    // A command the user may not run is not asked again (no error loop); its explanation stays.
    QString m_pubsubDenied;
};

} // namespace sdcore
