#include "core/cluster/clustercensus.h"

#include "core/cluster/clusterrouter.h"
#include "core/cluster/clusterscan.h"
#include "core/redis/redisconnection.h"

#include <QElapsedTimer>
#include <QSet>
#include <QThread>

#include <thread>
#include <vector>

namespace sdcore {

const RedisNodeState *ClusterCensus::healthyReplica(const ShardState &shard)
{
    const RedisNodeState *best = nullptr;
    for (const RedisNodeState &r : shard.replicas) {
        if (!r.up || r.masterLinkStatus != QLatin1String("up") || r.flags.contains(QLatin1String("fail"))
            || r.flags.contains(QLatin1String("fail?")))
            continue;
        if (!best || (r.lagBytes >= 0 && (best->lagBytes < 0 || r.lagBytes < best->lagBytes)))
            best = &r;
    }
    return best;
}

namespace {

ConnectionOptions probeOptions()
{
    ConnectionOptions options;
    options.connectTimeoutMs = 1000;
    options.commandTimeoutMs = 1000;
    options.clientName = "sessiondeck-census";
    return options;
}

// True when `node` answers PING within a second.
bool answers(const RedisUrl &url, const HostPort &node)
{
    auto conn = RedisConnection::open(url.withNode(node), probeOptions());
    return conn && (*conn)->command(Command{"PING"});
}

// True when `node` answers and says cluster_state:ok.
bool servesOk(const RedisUrl &url, const HostPort &node)
{
    auto conn = RedisConnection::open(url.withNode(node), probeOptions());
    if (!conn)
        return false;
    auto info = (*conn)->command(Command{"CLUSTER", "INFO"});
    return info && info->bytes().contains("cluster_state:ok");
}

} // namespace

HostPort ClusterCensus::awaitServing(const RedisUrl &url, const ShardState &shard, const std::atomic_bool *cancel,
                                     int waitMs)
{
    if (shard.slots.isEmpty())
        return {};
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < waitMs && !(cancel && cancel->load())) {
        ClusterRouter router(url, probeOptions());
        if (router.refresh()) {
            const HostPort now = router.nodeOfSlot(shard.slots.first().first);
            // The node that died, back before the cluster failed it over (a restart, a blip),
            // serves again too.
            if (!now.host.isEmpty() && servesOk(url, now))
                return now;
        }
        for (int i = 0; i < 5 && !(cancel && cancel->load()); ++i)
            QThread::msleep(50);
    }
    return {};
}

CensusResult ClusterCensus::run(const RedisUrl &url, const TopologySnapshot &snapshot, const QString &prefix,
                                const std::atomic_bool *cancel, ScanOptions options, bool fromReplicas,
                                int failoverWaitMs)
{
    QElapsedTimer wall;
    wall.start();
    QList<const ShardState *> shards;
    for (const ShardState &shard : snapshot.shards) {
        if (!shard.slots.isEmpty())
            shards << &shard;
    }
    std::vector<CensusResult> parts(size_t(shards.size()));
    std::vector<std::thread> threads;
    threads.reserve(size_t(shards.size()));
    for (qsizetype i = 0; i < shards.size(); ++i) {
        threads.emplace_back([&, i] {
            const ShardState &shard = *shards.at(i);
            CensusResult &part = parts[size_t(i)];
            part.prefix = prefix;
            HostPort node;
            auto conn = ClusterScan::openShard(url, shard, fromReplicas, "sessiondeck-census", &node);
            part.node = node;
            if (!conn) {
                part.error = conn.errorMessage();
                return;
            }
            ScanOptions own = options;
            // A rate limit is the whole cluster's: each shard takes its part.
            if (options.keysPerSecond > 0)
                own.keysPerSecond = qMax(1, options.keysPerSecond / int(shards.size()));
            part = SessionCensus::run(**conn, prefix, cancel, own);
            part.node = node;
            if (part.complete || fromReplicas || (cancel && cancel->load()))
                return;
            // A primary died midway, this one or another (the cluster refuses every command
            // with CLUSTERDOWN until a replica takes over): once the cluster serves the slots
            // again the shard is counted again, from the start, on the primary serving them
            // then (the replica promoted holds the same sessions).
            const bool dead = !answers(url, node);
            if (!dead && !part.error.contains(QLatin1String("CLUSTERDOWN")))
                return;   // not a failover: the error stands
            const QString first = part.error;
            const HostPort serving = awaitServing(url, shard, cancel, failoverWaitMs);
            if (serving.host.isEmpty()) {
                part.error = QStringLiteral("%1; the cluster did not serve the shard's slots again within %2 s")
                                 .arg(first)
                                 .arg(failoverWaitMs / 1000);
                return;
            }
            auto again = RedisConnection::open(url.withNode(serving));
            if (!again) {
                part.error = QStringLiteral("%1; then %2: %3").arg(first, serving.toString(), again.errorMessage());
                return;
            }
            part = SessionCensus::run(**again, prefix, cancel, own);
            part.node = serving;
            if (dead && !(serving == node))
                part.failedNode = node;
        });
    }
    for (std::thread &t : threads)
        t.join();

    CensusResult total;
    total.prefix = prefix;
    total.complete = !shards.isEmpty();
    QStringList errors;
    for (qsizetype i = 0; i < shards.size(); ++i) {
        const CensusResult &part = parts[size_t(i)];
        total.add(part);
        ShardCensus sc;
        sc.name = shards.at(i)->name;
        sc.node = part.node;
        sc.count = part.count;
        sc.totalBytes = part.totalBytes;
        sc.durationMs = part.durationMs;
        sc.complete = part.complete;
        sc.error = part.error;
        sc.failedNode = part.failedNode;
        total.shards << sc;
        if (!part.complete) {
            total.complete = false;
            errors << QStringLiteral("shard %1 (%2): %3")
                          .arg(sc.name, sc.node.toString(),
                               part.error.isEmpty() ? QStringLiteral("not finished") : part.error);
        }
    }
    // Keys whose slot was moving while the scanners passed: counted once, where they are now.
    QList<QList<QByteArray>> setAside;
    for (const CensusResult &part : parts)
        setAside << part.redirected;
    const QList<QByteArray> redirected = ClusterScan::distinct(setAside);
    if (!redirected.isEmpty() && fromReplicas) {
        // Reading them where they live would read primaries, which the user did not ask for.
        total.complete = false;
        errors << QStringLiteral("%1 keys in migrating slots were not counted (the replicas redirect them; count "
                                 "on the primaries to include them)")
                      .arg(redirected.size());
    } else if (!redirected.isEmpty() && !(cancel && cancel->load())) {
        auto moved = ClusterScan::readWhereTheyLive(url, redirected);
        if (!moved) {
            total.complete = false;
            errors << QStringLiteral("%1 keys in migrating slots could not be read: %2")
                          .arg(redirected.size())
                          .arg(moved.errorMessage());
        } else {
            for (const SessionRow &row : std::as_const(*moved)) {
                ++total.count;
                ++total.migrating;
                ++total.ttl[CensusResult::ttlBucketOf(row.pttlMs)];
                if (row.type == SessionRow::String) {
                    total.totalBytes += row.size;
                    ++total.sizes[CensusResult::sizeBucketOf(row.size)];
                } else {
                    ++total.otherTypes;
                }
            }
        }
    }
    if (shards.isEmpty())
        errors << QStringLiteral("no shard serves slots");
    total.error = cancel && cancel->load() ? QStringLiteral("cancelled") : errors.join(QStringLiteral("; "));
    total.at = QDateTime::currentDateTimeUtc();
    total.durationMs = wall.elapsed();
    return total;
}

} // namespace sdcore
