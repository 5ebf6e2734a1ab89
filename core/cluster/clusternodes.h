#pragma once

// What a cluster node says about the cluster, parsed: CLUSTER NODES (one line per node the node
// knows: id, address, flags, its primary, config epoch, link state, slots and the slots being
// migrated), CLUSTER SHARDS (Redis 7: the shards with each node's replication offset and
// health) and CLUSTER INFO (cluster_state, slot counts, epochs). Pure parsing, no I/O.

#include "core/monitor/topologysnapshot.h"
#include "core/redis/redisurl.h"
#include "core/redis/redisvalue.h"
#include "core/support/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace sdcore {

struct ClusterNodeLine
{
    QByteArray id;
    HostPort address;           // empty host for a node without an address (flag noaddr)
    quint16 busPort = 0;
    QString hostname;           // announced hostname (Redis 7), else ""
    QStringList flags;          // as listed: myself, master, slave, fail?, fail, handshake, noaddr, nofailover
    QByteArray primaryId;       // for a replica; empty for a primary ("-")
    qint64 pingSentMs = 0;
    qint64 pongReceivedMs = 0;
    qint64 configEpoch = 0;
    bool linkConnected = false; // link-state "connected"
    QList<SlotRange> slots;
    QList<SlotMigration> migrations;

    bool isPrimary() const { return flags.contains(QLatin1String("master")); }
    bool isReplica() const { return flags.contains(QLatin1String("slave")); }
    bool isMyself() const { return flags.contains(QLatin1String("myself")); }
    // Flags that say the cluster cannot use the node now: fail?, fail, handshake, noaddr.
    bool isFailing() const;
    int slotCount() const;
};

// Redis Cluster's own limit is about 1000 nodes; a reply with more is refused as hostile.
inline constexpr int MaxClusterNodes = 2000;

// Every line of a CLUSTER NODES reply. Fails with ErrorKind::Protocol naming the first line that
// cannot be read.
Result<QList<ClusterNodeLine>> parseClusterNodes(QByteArrayView text);

struct ClusterShardNode
{
    QByteArray id;
    HostPort address;
    QString role;               // "master" / "replica"
    qint64 replicationOffset = -1;
    QString health;             // "online", "failed", "loading"
};

struct ClusterShardEntry
{
    QList<SlotRange> slots;
    QList<ClusterShardNode> nodes;
};

// CLUSTER SHARDS over RESP2: each shard a flat key/value array ("slots", [first, last, ...],
// "nodes", [[key, value, ...], ...]); slots as integers or (7.0.0) strings.
Result<QList<ClusterShardEntry>> parseClusterShards(const RedisValue &reply);

// CLUSTER INFO's fields.
ClusterGroup parseClusterInfo(QByteArrayView text);

// The nodes of one CLUSTER NODES reply as shards: every primary that serves slots (or has
// replicas) with its replicas, ordered by first slot; the other nodes (a failed old primary that
// lost its slots, a replica of an unknown primary) as spare. Nodes are not visited: each
// RedisNodeState carries only what the line says (address, id, flags, epoch, link, role).
struct ClusterLayout
{
    QList<ShardState> shards;
    QList<RedisNodeState> spare;
};
ClusterLayout clusterLayout(const QList<ClusterNodeLine> &lines);

} // namespace sdcore
