#include "core/cluster/clusterfailover.h"

#include "core/cluster/clustercensus.h"
#include "core/redis/redisconnection.h"

#include <QElapsedTimer>
#include <QThread>

namespace sdcore {

QString failoverModeName(ClusterFailoverRequest::Mode mode)
{
    switch (mode) {
    case ClusterFailoverRequest::Mode::Force: return QStringLiteral("force");
    case ClusterFailoverRequest::Mode::Takeover: return QStringLiteral("takeover");
    case ClusterFailoverRequest::Mode::Default: break;
    }
    return QStringLiteral("default");
}

QString failoverModeRisk(ClusterFailoverRequest::Mode mode)
{
    switch (mode) {
    case ClusterFailoverRequest::Mode::Force:
        return QStringLiteral("FORCE promotes the replica without the primary's agreement: the primary is not "
                              "asked to stop taking writes first, so writes it accepted that the replica had "
                              "not yet received are lost. Use it when the primary is down or unreachable.");
    case ClusterFailoverRequest::Mode::Takeover:
        return QStringLiteral("TAKEOVER promotes the replica without the primary and without the other "
                              "primaries' vote: the replica gives itself a new epoch. Writes the old primary "
                              "accepted may be lost, and if the old primary is still serving clients elsewhere "
                              "the cluster's last-failover-wins rule no longer protects against two primaries "
                              "for the same slots. Use it only when most primaries are unreachable.");
    case ClusterFailoverRequest::Mode::Default: break;
    }
    return QStringLiteral("The replica and the primary agree on the switch: the primary stops taking writes until "
                          "the replica has them all, so no write is lost.");
}

QString ClusterFailoverPlan::description() const
{
    return QStringLiteral("Fail over shard %1: promote replica %2%3 in place of primary %4")
        .arg(shard, replica.toString(),
             mode == ClusterFailoverRequest::Mode::Default ? QString()
                                                           : QStringLiteral(" with %1").arg(failoverModeName(mode).toUpper()),
             primary.toString());
}

Result<ClusterFailoverPlan> ClusterFailover::plan(const TopologySnapshot &s, const ClusterFailoverRequest &request)
{
    const auto refuse = [](const QString &why) { return makeError(ErrorKind::Refused, why); };
    if (!s.isCluster())
        return makeError(ErrorKind::Unsupported, QStringLiteral("Not a Redis Cluster"));
    if (s.shards.isEmpty())
        return refuse(s.error.isEmpty() ? QStringLiteral("No cluster node answered") : s.error);
    const ShardState *shard = nullptr;
    if (!request.primary.host.isEmpty()) {
        for (const ShardState &candidate : s.shards) {
            if (candidate.hasPrimary && candidate.primary.address == request.primary)
                shard = &candidate;
        }
        if (!shard) {
            const ShardState *of = s.shardOf(request.primary);
            return refuse(of ? QStringLiteral("%1 is a replica, not a primary (shard %2's primary is %3)")
                                   .arg(request.primary.toString(), of->name, of->primary.address.toString())
                             : QStringLiteral("%1 is not a primary of this cluster").arg(request.primary.toString()));
        }
    }
    if (!request.replica.host.isEmpty()) {
        const ShardState *of = s.shardOf(request.replica);
        if (!of || (of->hasPrimary && of->primary.address == request.replica))
            return refuse(of ? QStringLiteral("%1 is already the primary of shard %2").arg(request.replica.toString(), of->name)
                             : QStringLiteral("%1 is not a replica of this cluster").arg(request.replica.toString()));
        if (shard && shard != of)
            return refuse(QStringLiteral("%1 is a replica of shard %2, not of %3's shard")
                              .arg(request.replica.toString(), of->name, request.primary.toString()));
        shard = of;
    }
    if (!shard)
        return makeError(ErrorKind::BadUrl, QStringLiteral("Name the shard by its primary or the replica to promote"));
    if (shard->slots.isEmpty())
        return refuse(QStringLiteral("%1 serves no slots: there is nothing to fail over").arg(shard->primary.address.toString()));
    if (shard->replicas.isEmpty())
        return refuse(QStringLiteral("Shard %1 has no replica to promote").arg(shard->name));

    ClusterFailoverPlan plan;
    plan.shard = shard->name;
    plan.primary = shard->primary.address;
    plan.mode = request.mode;
    plan.timeoutMs = request.timeoutMs;
    const RedisNodeState *replica = nullptr;
    if (!request.replica.host.isEmpty()) {
        for (const RedisNodeState &r : shard->replicas) {
            if (r.address == request.replica)
                replica = &r;
        }
        if (!replica->up)
            return refuse(QStringLiteral("Replica %1 is down: %2").arg(replica->address.toString(), replica->reason));
    } else {
        replica = ClusterCensus::healthyReplica(*shard);
        if (!replica)
            return refuse(QStringLiteral("Shard %1 has no healthy replica (each is down, flagged failing, or has lost "
                                         "its link to the primary)")
                              .arg(shard->name));
    }
    plan.replica = replica->address;
    plan.primaryId = shard->primary.nodeId;
    plan.replicaId = replica->nodeId;
    const bool force = request.mode != ClusterFailoverRequest::Mode::Default;
    if (!force && !shard->primaryUp())
        return refuse(QStringLiteral("Primary %1 is down: a default failover needs its agreement; FORCE does "
                                     "without it")
                          .arg(shard->primary.address.toString()));
    if (!force && replica->masterLinkStatus != QLatin1String("up"))
        return refuse(QStringLiteral("Replica %1 is not in sync (its link to the primary is %2): a default failover "
                                     "would wait for it and time out; FORCE does without it")
                          .arg(replica->address.toString(),
                               replica->masterLinkStatus.isEmpty() ? QStringLiteral("unknown") : replica->masterLinkStatus));
    if (replica->lagBytes > 0)
        plan.warnings << QStringLiteral("Replica %1 is %2 bytes behind the primary").arg(replica->address.toString()).arg(replica->lagBytes);
    if (replica->flags.contains(QLatin1String("nofailover")))
        plan.warnings << QStringLiteral("Replica %1 is set not to fail over by itself (nofailover); a manual failover "
                                        "still promotes it")
                             .arg(replica->address.toString());
    return plan;
}

namespace {

QByteArray roleOf(RedisConnection &conn)
{
    auto role = conn.command(Command{"ROLE"});
    return role && role->isArray() && role->size() > 0 ? role->at(0).bytes() : QByteArray();
}

} // namespace

FailoverOutcome ClusterFailover::run(const RedisUrl &url, const ClusterFailoverPlan &plan,
                                     const std::function<void(const QString &)> &progress, const std::atomic_bool *cancel)
{
    FailoverOutcome out;
    out.cluster = true;
    out.masterName = plan.shard;
    out.oldMaster = plan.primary;
    QElapsedTimer elapsed;
    elapsed.start();
    const auto step = [&](const QString &text) {
        out.steps << text;
        if (progress)
            progress(text);
    };
    const auto finish = [&](bool ok, const QString &error) {
        out.ok = ok;
        out.error = error;
        out.elapsedMs = elapsed.elapsed();
        return out;
    };
    ConnectionOptions options;
    options.clientName = "sessiondeck-failover";
    options.connectTimeoutMs = 2000;
    options.commandTimeoutMs = 2000;
    auto replica = RedisConnection::open(url.withNode(plan.replica), options);
    if (!replica)
        return finish(false, QStringLiteral("cannot reach replica %1: %2").arg(plan.replica.toString(), replica.errorMessage()));
    if (plan.mode == ClusterFailoverRequest::Mode::Default && !plan.primaryId.isEmpty()) {
        auto primary = RedisConnection::open(url.withNode(plan.primary), options);
        if (!primary)
            return finish(false, QStringLiteral("cannot reach primary %1: %2 (FORCE does without it)")
                                     .arg(plan.primary.toString(), primary.errorMessage()));
        QElapsedTimer settle;
        settle.start();
        bool listed = false;
        while (!listed && settle.elapsed() < 3000 && !(cancel && cancel->load())) {
            auto replicas = (*primary)->command(Command{"CLUSTER", "REPLICAS", plan.primaryId.toLatin1()});
            if (replicas) {
                for (const RedisValue &line : replicas->elements())
                    listed = listed || line.bytes().startsWith(plan.replicaId.toLatin1() + ' ');
            }
            if (!listed)
                QThread::msleep(50);
        }
        if (!listed)
            return finish(false, QStringLiteral("primary %1 does not count %2 among its replicas yet (the cluster has not "
                                                "settled since its last change); try again in a few seconds")
                                     .arg(plan.primary.toString(), plan.replica.toString()));
        if (settle.elapsed() >= 100)
            step(QStringLiteral("waited %1 ms for %2 to count %3 as its replica")
                     .arg(settle.elapsed())
                     .arg(plan.primary.toString(), plan.replica.toString()));
    }
    Command failover{"CLUSTER", "FAILOVER"};
    if (plan.mode == ClusterFailoverRequest::Mode::Force)
        failover << "FORCE";
    else if (plan.mode == ClusterFailoverRequest::Mode::Takeover)
        failover << "TAKEOVER";
    step(QStringLiteral("asking %1 to take over shard %2 from %3 (CLUSTER FAILOVER%4)")
             .arg(plan.replica.toString(), plan.shard, plan.primary.toString(),
                  plan.mode == ClusterFailoverRequest::Mode::Default ? QString()
                                                                      : QStringLiteral(" ") + failoverModeName(plan.mode).toUpper()));
    auto reply = (*replica)->command(failover);
    if (!reply)
        return finish(false, QStringLiteral("%1 refused: %2").arg(plan.replica.toString(), reply.errorMessage()));
    step(QStringLiteral("%1 accepted; waiting for it to report role master").arg(plan.replica.toString()));

    // The server gives a default failover 5 s from its acceptance; the caller's timeout bounds
    // every mode.
    QElapsedTimer accepted;
    accepted.start();
    const qint64 remaining = qMax<qint64>(1000, plan.timeoutMs - elapsed.elapsed());
    const qint64 limit = plan.mode == ClusterFailoverRequest::Mode::Default ? qMin<qint64>(remaining, 6000) : remaining;
    QByteArray role;
    while (accepted.elapsed() < limit) {
        if (cancel && cancel->load())
            return finish(false, QStringLiteral("cancelled; the replica may still take over"));
        role = roleOf(**replica);
        if (role == "master")
            break;
        if ((*replica)->isBroken()) {
            if (auto again = RedisConnection::open(url.withNode(plan.replica), options))
                replica = std::move(again);
        }
        QThread::msleep(20);
    }
    if (role != "master") {
        if (plan.mode == ClusterFailoverRequest::Mode::Default && limit < remaining)
            return finish(false, QStringLiteral("%1 did not take over within the cluster's 5 s manual-failover "
                                                "timeout (is it in sync, and can it reach the primary %2?)")
                                     .arg(plan.replica.toString(), plan.primary.toString()));
        return finish(false, QStringLiteral("%1 did not take over within %2 s").arg(plan.replica.toString()).arg(plan.timeoutMs / 1000));
    }
    out.newMaster = plan.replica;
    step(QStringLiteral("%1 reports role master after %2 ms").arg(plan.replica.toString()).arg(elapsed.elapsed()));
    out.elapsedMs = elapsed.elapsed();

    // The old primary, if it answers, turns into the new one's replica a moment later.
    if (auto old = RedisConnection::open(url.withNode(plan.primary), options)) {
        QElapsedTimer wait;
        wait.start();
        QByteArray oldRole;
        while (wait.elapsed() < 3000 && !(cancel && cancel->load())) {
            oldRole = roleOf(**old);
            if (oldRole == "slave")
                break;
            QThread::msleep(20);
        }
        step(oldRole == "slave" ? QStringLiteral("%1 is now a replica of %2").arg(plan.primary.toString(), plan.replica.toString())
                                : QStringLiteral("%1 still reports role %2").arg(plan.primary.toString(), QString::fromUtf8(oldRole)));
    } else {
        step(QStringLiteral("old primary %1 does not answer: %2").arg(plan.primary.toString(), old.errorMessage()));
    }
    out.ok = true;
    return out;
}

} // namespace sdcore
