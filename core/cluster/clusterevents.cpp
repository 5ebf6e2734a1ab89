#include "core/cluster/clusterevents.h"

#include <QHash>

namespace sdcore {

namespace {

SentinelEvent event(const TopologySnapshot &s, const QString &type, const QString &text,
                    SentinelEvent::Severity severity)
{
    SentinelEvent e;
    e.type = type;
    e.payload = text;
    e.detail = text;
    e.at = s.at.isValid() ? s.at : QDateTime::currentDateTimeUtc();
    e.source = s.cluster.answeredBy;
    // Not from a stream: SessionDeck saw it, so its severity is its own and it is never merged
    // with another event.
    e.local = true;
    e.localSeverity = severity;
    return e;
}

struct NodeView
{
    const RedisNodeState *state = nullptr;
    QString primaryOf;   // the slots it serves as a primary, else ""
};

QHash<QString, NodeView> nodesById(const TopologySnapshot &s)
{
    QHash<QString, NodeView> out;
    for (const ShardState &shard : s.shards) {
        if (shard.hasPrimary && !shard.primary.nodeId.isEmpty())
            out.insert(shard.primary.nodeId, NodeView{&shard.primary, shard.name});
        for (const RedisNodeState &r : shard.replicas) {
            if (!r.nodeId.isEmpty())
                out.insert(r.nodeId, NodeView{&r, {}});
        }
    }
    for (const RedisNodeState &n : s.spareNodes) {
        if (!n.nodeId.isEmpty())
            out.insert(n.nodeId, NodeView{&n, {}});
    }
    return out;
}

bool has(const RedisNodeState &n, const char *flag)
{
    return n.flags.contains(QLatin1String(flag));
}

} // namespace

QList<SentinelEvent> ClusterEventDetector::observe(const TopologySnapshot &current)
{
    QList<SentinelEvent> events;
    if (!current.isCluster() || current.shards.isEmpty())
        return events;
    if (!m_last) {
        m_last = current;
        m_maxEpoch = current.cluster.currentEpoch;
        return events;
    }
    const TopologySnapshot &last = *m_last;
    using Sev = SentinelEvent::Severity;

    // Failovers: the primary that served a shard's slots last time is not the one now, and the
    // new one was its replica.
    for (const ShardState &before : last.shards) {
        if (!before.hasPrimary || before.slots.isEmpty())
            continue;
        const ShardState *after = current.shardOfSlot(before.slots.first().first);
        if (!after || !after->hasPrimary || after->primary.nodeId == before.primary.nodeId)
            continue;
        const bool wasReplica = std::any_of(before.replicas.begin(), before.replicas.end(),
                                            [&](const RedisNodeState &r) { return r.nodeId == after->primary.nodeId; });
        if (!wasReplica)
            continue;   // slots handed to another primary: a reshard, shown as migrations
        SentinelEvent e = event(current, ClusterEventType::Failover,
                                QStringLiteral("failover of shard %1: %2 → %3, epoch %4")
                                    .arg(before.name, before.primary.address.toString(),
                                         after->primary.address.toString())
                                    .arg(after->primary.configEpoch),
                                Sev::Failover);
        e.oldMaster = before.primary.address;
        e.newMaster = after->primary.address;
        e.address = after->primary.address;
        e.instance = SentinelEvent::Instance::Master;
        e.name = before.name;
        events << e;
    }

    const auto beforeNodes = nodesById(last);
    const auto afterNodes = nodesById(current);
    for (auto it = afterNodes.cbegin(); it != afterNodes.cend(); ++it) {
        const RedisNodeState &now = *it->state;
        const QString who = now.address.toString();
        const auto was = beforeNodes.constFind(it.key());
        if (was == beforeNodes.cend()) {
            events << event(current, ClusterEventType::NodeAdded,
                            QStringLiteral("%1 joined the cluster as %2").arg(who, now.role), Sev::Info);
            continue;
        }
        const RedisNodeState &then = *was->state;
        if (has(now, "fail") && !has(then, "fail"))
            events << event(current, ClusterEventType::NodeFail,
                            QStringLiteral("%1 marked fail by the cluster").arg(who), Sev::Warning);
        else if (has(now, "fail?") && !has(then, "fail?") && !has(then, "fail"))
            events << event(current, ClusterEventType::NodePfail,
                            QStringLiteral("%1 suspected failing (fail?) by %2")
                                .arg(who, current.cluster.answeredBy.toString()),
                            Sev::Warning);
        if (!has(now, "fail") && !has(now, "fail?") && (has(then, "fail") || has(then, "fail?")))
            events << event(current, ClusterEventType::NodeFailCleared,
                            QStringLiteral("%1 no longer flagged %2").arg(who, has(then, "fail") ? "fail" : "fail?"),
                            Sev::Info);
        if (now.skipped || then.skipped) {
            // Not visited this time: its reachability is as last known (kept below).
        } else if (then.up && !now.up)
            events << event(current, ClusterEventType::NodeDown,
                            QStringLiteral("%1 unreachable: %2").arg(who, now.reason), Sev::Warning);
        else if (!then.up && now.up)
            events << event(current, ClusterEventType::NodeUp,
                            QStringLiteral("%1 reachable again (%2)").arg(who, now.role), Sev::Info);
    }
    for (auto it = beforeNodes.cbegin(); it != beforeNodes.cend(); ++it) {
        if (!afterNodes.contains(it.key()))
            events << event(current, ClusterEventType::NodeRemoved,
                            QStringLiteral("%1 left the cluster (forgotten)").arg(it->state->address.toString()),
                            Sev::Info);
    }

    // The highest epoch seen: a node that answers with an older view does not repeat it.
    if (m_maxEpoch >= 0 && current.cluster.currentEpoch > m_maxEpoch)
        events << event(current, ClusterEventType::NewEpoch,
                        QStringLiteral("cluster current epoch %1 → %2").arg(m_maxEpoch).arg(current.cluster.currentEpoch),
                        Sev::Info);
    m_maxEpoch = qMax(m_maxEpoch, current.cluster.currentEpoch);
    if (!last.cluster.state.isEmpty() && !current.cluster.state.isEmpty()
        && last.cluster.state != current.cluster.state)
        events << event(current, ClusterEventType::ClusterState,
                        QStringLiteral("cluster_state %1 → %2").arg(last.cluster.state, current.cluster.state),
                        current.cluster.state == QLatin1String("ok") ? Sev::Info : Sev::Warning);
    // A node not visited this poll keeps, for the next comparison, what was last known of it.
    TopologySnapshot remembered = current;
    const auto keep = [&](RedisNodeState &n) {
        if (!n.skipped)
            return;
        const auto was = beforeNodes.constFind(n.nodeId);
        if (was != beforeNodes.cend()) {
            n.up = was->state->up;
            n.reason = was->state->reason;
        }
        n.skipped = false;
    };
    for (ShardState &shard : remembered.shards) {
        keep(shard.primary);
        for (RedisNodeState &r : shard.replicas)
            keep(r);
    }
    for (RedisNodeState &n : remembered.spareNodes)
        keep(n);
    m_last = std::move(remembered);
    return events;
}

} // namespace sdcore
