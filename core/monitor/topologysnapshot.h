#pragma once

// One poll cycle of a deployment as a plain value, the same shape for standalone, Sentinel and
// Redis Cluster: a list of shards (each a primary with its replicas, each node with its state,
// INFO figures and reasons), plus the sentinels and quorum where there are any, and Pub/Sub.
// Built by TopologyPoller on its worker thread and handed to the UI over a queued signal.

#include "core/redis/redisurl.h"
#include "core/sentinel/sentinelevent.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace sdcore {

enum class Health { Unknown, Ok, Degraded, Critical };
QString healthName(Health health);   // "ok", "degraded", "critical", "unknown"

struct RedisNodeState
{
    HostPort address;
    bool up = false;
    QString reason;             // why it is down, or a warning while up
    ErrorKind failure = ErrorKind::None;   // what kind of failure `reason` describes
    QString role;               // as the node reports it ("master", "slave"), else Sentinel's view
    QStringList flags;          // Sentinel's flags for it: s_down, o_down, disconnected, …
    QString version;
    double rttMs = -1;          // PING round trip
    qint64 connectedClients = -1;
    qint64 usedMemory = -1;
    qint64 opsPerSec = -1;
    qint64 uptimeSeconds = -1;
    qint64 keys = -1;           // in the URL's db
    qint64 replOffset = -1;     // master_repl_offset (master) or slave_repl_offset (replica)
    // Replicas: the link to the master and how far behind they are.
    QString masterLinkStatus;   // "up" / "down"
    qint64 masterLinkDownSeconds = -1;
    qint64 lagBytes = -1;       // master's offset minus this replica's
    qint64 lagSeconds = -1;     // seconds since the master last heard from it
    qint64 lastOkPingMs = -1;   // Sentinel's last-ok-ping-reply
    QString roleReported;       // Sentinel's role-reported
    // Redis Cluster: what CLUSTER NODES says of the node (flags go in `flags`).
    QString nodeId;
    qint64 configEpoch = -1;
    QString linkState;          // "connected" / "disconnected", as the answering node sees it
    QString clusterHealth;      // CLUSTER SHARDS' "online", "failed", "loading"
    // Not visited this cycle: the time budget went to slower nodes. Neither up nor down.
    bool skipped = false;
};

struct SentinelState
{
    HostPort address;
    QString runId;
    bool up = false;
    QString reason;
    ErrorKind failure = ErrorKind::None;
    double rttMs = -1;
    QStringList flags;
    qint64 lastOkPingMs = -1;   // as another sentinel sees it
};

// A channel's subscribers on one cluster node: a classic channel (PUBSUB NUMSUB on that node),
// or a shard channel (SSUBSCRIBE, PUBSUB SHARDNUMSUB, Redis 7), which lives on its slot's shard.
struct PubSubChannel
{
    QString channel;
    HostPort node;
    bool sharded = false;
    qint64 subscribers = 0;
};

struct PubSubState
{
    bool valid = false;
    QString error;
    // channel → subscribers (PUBSUB NUMSUB); on a cluster each channel's subscribers on every
    // node added up (a message published anywhere reaches them all).
    QList<QPair<QString, qint64>> channels;
    qint64 patterns = -1;                     // PUBSUB NUMPAT (a cluster's: every node's)
    // A cluster's, node by node: every classic and shard channel with its subscribers there.
    bool perNode = false;
    QList<PubSubChannel> nodes;
};

// What the connection's user may do, found with harmless probes (see TopologyPoller): UNLINK
// (then DEL) of a key that does not exist, SENTINEL FAILOVER of a master name nobody monitors.
// A NOPERM answer turns the control off; the reason says so in words.
struct AccessState
{
    bool known = false;
    bool canDelete = true;
    bool canFailover = true;
    QString deleteReason;       // why not, when not
    QString failoverReason;
    QStringList denied;         // other commands this user may not run, explained
};

// What a connection targets. Standalone and Sentinel deployments are one shard that owns every
// key; a Redis Cluster is several, each with its slot ranges.
enum class DeploymentKind { Standalone, Sentinel, Cluster };
QString deploymentKindName(DeploymentKind kind);   // "standalone", "sentinel", "cluster"

struct SlotRange
{
    int first = 0;
    int last = 16383;

    int count() const { return last - first + 1; }
    bool contains(int slot) const { return slot >= first && slot <= last; }
    bool operator==(const SlotRange &other) const = default;
};

// "0-5460", "0-5460 10923", "" for none.
QString slotRangesText(const QList<SlotRange> &ranges);

// A slot moving between two primaries while a reshard runs: `[slot->-id]` on the source
// (migrating), `[slot-<-id]` on the target (importing).
struct SlotMigration
{
    int slot = 0;
    bool importing = false;     // false: migrating away
    QString peerId;             // the other primary's node id
    QString peer;               // its address when known
};

// A primary and its replicas.
struct ShardState
{
    QString name;                 // the master group's name under Sentinel; "" standalone
    QList<SlotRange> slots;       // standalone, Sentinel: empty (every key); Cluster: its ranges
    QList<SlotMigration> migrations;
    bool hasPrimary = false;      // a primary address is known (reachable or not)
    RedisNodeState primary;
    QList<RedisNodeState> replicas;

    bool primaryUp() const { return hasPrimary && primary.up; }
};

// The sentinels of a Sentinel deployment and what they agree on.
struct SentinelGroup
{
    QString masterName;
    QList<SentinelState> sentinels;
    HostPort answeredBy;          // the sentinel this cycle asked
    int quorum = -1;
    bool quorumOk = false;
    QString quorumText;           // CKQUORUM's answer
    // The sentinels answered but monitor no master by masterName; the names they do monitor.
    bool masterNameUnknown = false;
    QStringList monitoredNames;
};

// A Redis Cluster as CLUSTER INFO reports it (from the node that answered this cycle).
struct ClusterGroup
{
    HostPort answeredBy;
    QString state;                // cluster_state: "ok" / "fail"
    int slotsAssigned = -1;
    int slotsOk = -1;
    int slotsPfail = -1;
    int slotsFail = -1;
    int knownNodes = -1;
    int size = -1;                // primaries serving slots
    qint64 currentEpoch = -1;
    qint64 myEpoch = -1;
    bool fromShards = false;      // CLUSTER SHARDS answered (Redis 7)
};

// The deployment's primaries that answered, added up: ops/s, memory and clients summed, the
// round trip the slowest one's. One shard: its primary's figures.
struct PrimaryTotals
{
    int up = 0;
    qint64 opsPerSec = 0;
    qint64 usedMemory = 0;
    qint64 connectedClients = 0;
    double maxRttMs = 0;
};

struct TopologySnapshot
{
    quint64 generation = 0;
    QDateTime at;                 // when the cycle started (UTC)
    qint64 cycleMs = 0;           // how long it took
    QString target;               // the URL, password redacted
    DeploymentKind kind = DeploymentKind::Standalone;

    Health health = Health::Unknown;
    QStringList problems;         // why degraded or critical, one line each

    QList<ShardState> shards;     // one for standalone and Sentinel
    SentinelGroup sentinel;       // filled when kind is Sentinel
    ClusterGroup cluster;         // filled when kind is Cluster
    // Cluster nodes that serve no slots and replicate no known primary: a failed old primary
    // after its replica took over, a node still in handshake.
    QList<RedisNodeState> spareNodes;
    // What this cycle saw change in a cluster (a failover, a node marked fail), as timeline
    // events; a cluster publishes none of its own. Filled by the poller.
    QList<SentinelEvent> events;
    QString error;                // nothing could be reached: why
    ErrorKind errorKind = ErrorKind::None;

    PubSubState pubsub;
    AccessState access;

    bool hasSentinels() const { return kind == DeploymentKind::Sentinel; }
    bool isCluster() const { return kind == DeploymentKind::Cluster; }
    // A server or sentinel refused the connection's credentials (NOAUTH, WRONGPASS): its words,
    // else "". The user is to be asked for the password again.
    QString authProblem() const;
    // A primary answered in this snapshot: the connection works.
    bool reachedPrimary() const;
    // Every data node, each shard's primary (when known) first, then its replicas; then the
    // cluster's spare nodes.
    QList<RedisNodeState> nodes() const;
    int primariesKnown() const;
    int primariesUp() const;
    PrimaryTotals primaryTotals() const;
    const RedisNodeState *node(const HostPort &address) const;
    // The shard whose primary or replica is at `address`, else null.
    const ShardState *shardOf(const HostPort &address) const;
    // The shard that serves `slot` (a cluster), or the one shard; null when none does.
    const ShardState *shardOfSlot(int slot) const;
    // Health and problems from the parts above (called by the poller; pure).
    void evaluate();
    QJsonObject toJson() const;

private:
    void evaluateCluster();
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::TopologySnapshot)
