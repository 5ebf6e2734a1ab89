#include "core/monitor/topologysnapshot.h"

#include <QJsonArray>

#include <vector>

#include <algorithm>

namespace sdcore {

QString healthName(Health health)
{
    switch (health) {
    case Health::Ok: return QStringLiteral("ok");
    case Health::Degraded: return QStringLiteral("degraded");
    case Health::Critical: return QStringLiteral("critical");
    case Health::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QString deploymentKindName(DeploymentKind kind)
{
    switch (kind) {
    case DeploymentKind::Sentinel: return QStringLiteral("sentinel");
    case DeploymentKind::Cluster: return QStringLiteral("cluster");
    case DeploymentKind::Standalone: break;
    }
    return QStringLiteral("standalone");
}

const ShardState *TopologySnapshot::shardOf(const HostPort &address) const
{
    for (const ShardState &shard : shards) {
        if (shard.hasPrimary && shard.primary.address == address)
            return &shard;
        for (const RedisNodeState &r : shard.replicas) {
            if (r.address == address)
                return &shard;
        }
    }
    return nullptr;
}

const ShardState *TopologySnapshot::shardOfSlot(int slot) const
{
    if (!isCluster())
        return shards.isEmpty() ? nullptr : &shards.first();
    for (const ShardState &shard : shards) {
        for (const SlotRange &range : shard.slots) {
            if (range.contains(slot))
                return &shard;
        }
    }
    return nullptr;
}

const RedisNodeState *TopologySnapshot::node(const HostPort &address) const
{
    for (const ShardState &shard : shards) {
        if (shard.hasPrimary && shard.primary.address == address)
            return &shard.primary;
        for (const RedisNodeState &r : shard.replicas) {
            if (r.address == address)
                return &r;
        }
    }
    for (const RedisNodeState &n : spareNodes) {
        if (n.address == address)
            return &n;
    }
    return nullptr;
}

QList<RedisNodeState> TopologySnapshot::nodes() const
{
    QList<RedisNodeState> all;
    for (const ShardState &shard : shards) {
        if (shard.hasPrimary)
            all << shard.primary;
        all << shard.replicas;
    }
    all << spareNodes;
    return all;
}

int TopologySnapshot::primariesKnown() const
{
    return int(std::count_if(shards.begin(), shards.end(), [](const ShardState &s) { return s.hasPrimary; }));
}

int TopologySnapshot::primariesUp() const
{
    return int(std::count_if(shards.begin(), shards.end(), [](const ShardState &s) { return s.primaryUp(); }));
}

PrimaryTotals TopologySnapshot::primaryTotals() const
{
    PrimaryTotals t;
    for (const ShardState &shard : shards) {
        if (!shard.primaryUp())
            continue;
        ++t.up;
        t.opsPerSec += qMax<qint64>(0, shard.primary.opsPerSec);
        t.usedMemory += qMax<qint64>(0, shard.primary.usedMemory);
        t.connectedClients += qMax<qint64>(0, shard.primary.connectedClients);
        t.maxRttMs = qMax(t.maxRttMs, shard.primary.rttMs);
    }
    return t;
}

bool TopologySnapshot::reachedPrimary() const
{
    return primariesUp() > 0;
}

QString TopologySnapshot::authProblem() const
{
    const auto isAuth = [](ErrorKind k) { return k == ErrorKind::AuthFailed || k == ErrorKind::NoAuth; };
    for (const ShardState &shard : shards) {
        if (shard.hasPrimary && !shard.primary.up && isAuth(shard.primary.failure))
            return shard.primary.reason;
    }
    for (const SentinelState &s : sentinel.sentinels) {
        if (!s.up && isAuth(s.failure))
            return s.reason;
    }
    if (isAuth(errorKind))
        return error;
    return {};
}

QString slotRangesText(const QList<SlotRange> &ranges)
{
    QStringList parts;
    for (const SlotRange &r : ranges)
        parts << (r.first == r.last ? QString::number(r.first)
                                    : QStringLiteral("%1-%2").arg(r.first).arg(r.last));
    return parts.join(u' ');
}

namespace {

// Why the cluster flags a node, in words.
QString clusterFlagText(const QStringList &flags)
{
    if (flags.contains(QLatin1String("fail")))
        return QStringLiteral("marked fail by the cluster");
    if (flags.contains(QLatin1String("fail?")))
        return QStringLiteral("suspected failing (fail?) by the node that answered");
    if (flags.contains(QLatin1String("handshake")))
        return QStringLiteral("still in handshake");
    if (flags.contains(QLatin1String("noaddr")))
        return QStringLiteral("has no known address");
    return {};
}

} // namespace

void TopologySnapshot::evaluateCluster()
{
    bool critical = false;
    if (shards.isEmpty()) {
        health = Health::Critical;
        problems << (error.isEmpty() ? QStringLiteral("No cluster node answered") : error);
        return;
    }
    if (!cluster.state.isEmpty() && cluster.state != QLatin1String("ok")) {
        critical = true;
        problems << QStringLiteral("cluster_state is %1 (as %2 sees it): the cluster refuses commands")
                        .arg(cluster.state, cluster.answeredBy.toString());
    }
    int covered = 0;
    std::vector<const ShardState *> owner(16384, nullptr);
    QStringList overlaps;
    for (const ShardState &shard : shards) {
        for (const SlotRange &r : shard.slots) {
            for (int slot = r.first; slot <= r.last; ++slot) {
                if (owner[size_t(slot)] && owner[size_t(slot)] != &shard) {
                    const QString pair = QStringLiteral("%1 and %2").arg(owner[size_t(slot)]->primary.address.toString(),
                                                                          shard.primary.address.toString());
                    if (!overlaps.contains(pair))
                        overlaps << pair;
                    continue;
                }
                if (!owner[size_t(slot)])
                    ++covered;
                owner[size_t(slot)] = &shard;
            }
        }
    }
    for (const QString &pair : std::as_const(overlaps)) {
        critical = true;
        problems << QStringLiteral("Slots claimed by two primaries, %1 (as %2 sees it): writes may go to either")
                        .arg(pair, cluster.answeredBy.toString());
    }
    if (covered < 16384) {
        critical = true;
        problems << QStringLiteral("%1 of 16384 slots are served by no primary").arg(16384 - covered);
    }
    if (cluster.slotsFail > 0) {
        critical = true;
        problems << QStringLiteral("%1 slots are in failed shards").arg(cluster.slotsFail);
    }
    int skipped = 0;
    for (const RedisNodeState &n : nodes())
        skipped += n.skipped ? 1 : 0;
    if (skipped > 0)
        problems << QStringLiteral("%1 node(s) not polled this cycle: slower nodes used up its time budget").arg(skipped);
    for (const ShardState &shard : shards) {
        const QString slots = shard.slots.isEmpty() ? QStringLiteral("no slots") : slotRangesText(shard.slots);
        const RedisNodeState &p = shard.primary;
        if (p.skipped) {
            // Said once above; the cluster's own view (flags, cluster_state) still counts.
        } else if (!p.up) {
            if (!shard.slots.isEmpty())
                critical = true;
            const QString flag = clusterFlagText(p.flags);
            problems << QStringLiteral("Shard %1: primary %2 is down: %3%4")
                            .arg(slots, p.address.toString(), p.reason,
                                 flag.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(flag));
        } else if (p.role != QLatin1String("master")) {
            critical = true;
            problems << QStringLiteral("Shard %1: %2 reports role '%3', not master")
                            .arg(slots, p.address.toString(), p.role);
        } else if (const QString flag = clusterFlagText(p.flags); !flag.isEmpty()) {
            problems << QStringLiteral("Shard %1: primary %2 is %3").arg(slots, p.address.toString(), flag);
        }
        int replicasUp = 0;
        for (const RedisNodeState &r : shard.replicas) {
            const QString flag = clusterFlagText(r.flags);
            if (r.skipped) {
                ++replicasUp;   // not known to be down
                continue;
            }
            if (!r.up) {
                problems << QStringLiteral("Shard %1: replica %2 is down: %3%4")
                                .arg(slots, r.address.toString(), r.reason,
                                     flag.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(flag));
                continue;
            }
            if (!flag.isEmpty())
                problems << QStringLiteral("Shard %1: replica %2 is %3").arg(slots, r.address.toString(), flag);
            else if (r.masterLinkStatus == QLatin1String("down"))
                problems << QStringLiteral("Shard %1: replica %2 has lost its link to the primary")
                                .arg(slots, r.address.toString());
            else
                ++replicasUp;
        }
        if (!shard.slots.isEmpty() && shard.replicas.isEmpty() && p.up)
            problems << QStringLiteral("Shard %1 has no replica: a failure of %2 loses its slots")
                            .arg(slots, p.address.toString());
        else if (!shard.slots.isEmpty() && replicasUp == 0 && p.up)
            problems << QStringLiteral("Shard %1 has no healthy replica").arg(slots);
    }
    for (const RedisNodeState &n : spareNodes) {
        const QString flag = clusterFlagText(n.flags);
        if (n.skipped)
            continue;
        if (!n.up)
            problems << QStringLiteral("Node %1 (no slots) is down: %2%3")
                            .arg(n.address.toString(), n.reason,
                                 flag.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(flag));
        else if (!flag.isEmpty())
            problems << QStringLiteral("Node %1 (no slots) is %2").arg(n.address.toString(), flag);
    }
    if (critical)
        health = Health::Critical;
    else
        health = problems.isEmpty() ? Health::Ok : Health::Degraded;
}

void TopologySnapshot::evaluate()
{
    problems.clear();
    if (isCluster()) {
        evaluateCluster();
        return;
    }
    bool critical = false;
    if (hasSentinels() && sentinel.masterNameUnknown) {
        // One problem, said once: nothing else (quorum, roles) means anything without a master.
        problems << error;
        health = Health::Critical;
        return;
    }
    // One shard is "the master"; several are named by their primaries.
    const bool single = shards.size() <= 1;
    if (shards.isEmpty() || primariesKnown() == 0) {
        critical = true;
        problems << (error.isEmpty() ? QStringLiteral("No master known") : error);
    }
    for (const ShardState &shard : shards) {
        if (!shard.hasPrimary)
            continue;
        const RedisNodeState &p = shard.primary;
        if (!p.up) {
            critical = true;
            problems << (single ? QStringLiteral("Master %1 is down: %2")
                                : QStringLiteral("Primary %1 is down: %2"))
                            .arg(p.address.toString(), p.reason);
        } else if (kind != DeploymentKind::Standalone && p.role != QLatin1String("master")) {
            critical = true;
            problems << QStringLiteral("%1 reports role '%2', not master").arg(p.address.toString(), p.role);
        }
    }
    if (hasSentinels() && !sentinel.quorumOk) {
        critical = true;
        problems << QStringLiteral("Quorum not met: %1")
                        .arg(sentinel.quorumText.isEmpty() ? QStringLiteral("no sentinel answered")
                                                           : sentinel.quorumText);
    }
    for (const ShardState &shard : shards) {
        for (const RedisNodeState &r : shard.replicas) {
            if (!r.up)
                problems << QStringLiteral("Replica %1 is down: %2").arg(r.address.toString(), r.reason);
            else if (r.masterLinkStatus == QLatin1String("down"))
                problems << QStringLiteral("Replica %1 has lost its link to the master").arg(r.address.toString());
        }
    }
    for (const SentinelState &s : sentinel.sentinels) {
        if (!s.up)
            problems << QStringLiteral("Sentinel %1 is down: %2").arg(s.address.toString(), s.reason);
    }
    if (critical)
        health = Health::Critical;
    else
        health = problems.isEmpty() ? Health::Ok : Health::Degraded;
}

namespace {

QJsonObject nodeJson(const RedisNodeState &n)
{
    QJsonObject o{{"host", n.address.host},
                  {"port", int(n.address.port)},
                  {"address", n.address.toString()},
                  {"up", n.up},
                  {"role", n.role},
                  {"flags", QJsonArray::fromStringList(n.flags)}};
    if (!n.reason.isEmpty())
        o.insert("reason", n.reason);
    if (n.up) {
        o.insert("version", n.version);
        o.insert("rtt_ms", n.rttMs);
        o.insert("connected_clients", n.connectedClients);
        o.insert("used_memory", n.usedMemory);
        o.insert("ops_per_sec", n.opsPerSec);
        o.insert("keys", n.keys);
        o.insert("repl_offset", n.replOffset);
    }
    if (!n.masterLinkStatus.isEmpty())
        o.insert("master_link_status", n.masterLinkStatus);
    if (!n.nodeId.isEmpty()) {
        o.insert("node_id", n.nodeId);
        o.insert("config_epoch", n.configEpoch);
        o.insert("link_state", n.linkState);
        if (!n.clusterHealth.isEmpty())
            o.insert("cluster_health", n.clusterHealth);
    }
    if (n.lagBytes >= 0)
        o.insert("lag_bytes", n.lagBytes);
    if (n.lagSeconds >= 0)
        o.insert("lag_seconds", n.lagSeconds);
    return o;
}

} // namespace

QJsonObject TopologySnapshot::toJson() const
{
    // "master", "replicas" and "sentinel_managed" are the one shard's of a standalone or Sentinel
    // deployment, as before shards were; "kind" and "shards" say the whole deployment. A
    // cluster has no one master: it gives "shards" only.
    const ShardState *first = shards.isEmpty() ? nullptr : &shards.first();
    QJsonObject o{{"health", healthName(health)},
                  {"problems", QJsonArray::fromStringList(problems)},
                  {"url", target},
                  {"at", at.toString(Qt::ISODateWithMs)},
                  {"cycle_ms", cycleMs},
                  {"kind", deploymentKindName(kind)}};
    if (!isCluster()) {
        o.insert("sentinel_managed", hasSentinels());
        if (first && first->hasPrimary)
            o.insert("master", nodeJson(first->primary));
        else
            o.insert("master", QJsonValue::Null);
        QJsonArray rs;
        if (first) {
            for (const RedisNodeState &r : first->replicas)
                rs.append(nodeJson(r));
        }
        o.insert("replicas", rs);
    }
    QJsonArray shardArray;
    for (const ShardState &shard : shards) {
        QJsonArray slots;
        for (const SlotRange &range : shard.slots)
            slots.append(QJsonArray{range.first, range.last});
        QJsonArray replicas;
        for (const RedisNodeState &r : shard.replicas)
            replicas.append(nodeJson(r));
        QJsonObject so{{"name", shard.name},
                       {"slots", slots},
                       {"primary", shard.hasPrimary ? QJsonValue(nodeJson(shard.primary))
                                                    : QJsonValue(QJsonValue::Null)},
                       {"replicas", replicas}};
        if (!shard.migrations.isEmpty()) {
            QJsonArray migrations;
            for (const SlotMigration &m : shard.migrations)
                migrations.append(QJsonObject{{"slot", m.slot},
                                              {"direction", m.importing ? "importing" : "migrating"},
                                              {"peer_id", m.peerId},
                                              {"peer", m.peer}});
            so.insert("migrations", migrations);
        }
        shardArray.append(so);
    }
    o.insert("shards", shardArray);
    if (isCluster()) {
        QJsonArray spare;
        for (const RedisNodeState &n : spareNodes)
            spare.append(nodeJson(n));
        o.insert("spare_nodes", spare);
        o.insert("cluster_state", cluster.state);
        o.insert("cluster", QJsonObject{{"state", cluster.state},
                                        {"answered_by", cluster.answeredBy.toString()},
                                        {"slots_assigned", cluster.slotsAssigned},
                                        {"slots_ok", cluster.slotsOk},
                                        {"slots_pfail", cluster.slotsPfail},
                                        {"slots_fail", cluster.slotsFail},
                                        {"known_nodes", cluster.knownNodes},
                                        {"size", cluster.size},
                                        {"current_epoch", cluster.currentEpoch}});
    }
    QJsonArray ss;
    for (const SentinelState &s : sentinel.sentinels) {
        QJsonObject so{{"host", s.address.host},
                       {"port", int(s.address.port)},
                       {"address", s.address.toString()},
                       {"up", s.up},
                       {"flags", QJsonArray::fromStringList(s.flags)}};
        if (!s.runId.isEmpty())
            so.insert("run_id", s.runId);
        if (s.up)
            so.insert("rtt_ms", s.rttMs);
        else
            so.insert("reason", s.reason);
        ss.append(so);
    }
    if (!isCluster())
        o.insert("sentinels", ss);
    if (hasSentinels()) {
        o.insert("master_name", sentinel.masterName);
        if (sentinel.masterNameUnknown) {
            o.insert("master_name_unknown", true);
            o.insert("monitored_names", QJsonArray::fromStringList(sentinel.monitoredNames));
        }
        o.insert("quorum", sentinel.quorum);
        o.insert("quorum_ok", sentinel.quorumOk);
        o.insert("quorum_text", sentinel.quorumText);
        o.insert("answered_by", sentinel.answeredBy.toString());
    }
    if (!error.isEmpty())
        o.insert("error", error);
    return o;
}

} // namespace sdcore
