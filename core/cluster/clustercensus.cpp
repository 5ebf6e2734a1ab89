#include "core/cluster/clustercensus.h"

#include "core/redis/redisconnection.h"

#include <QElapsedTimer>

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

CensusResult ClusterCensus::run(const RedisUrl &url, const TopologySnapshot &snapshot, const QString &prefix,
                                const std::atomic_bool *cancel, ScanOptions options, bool fromReplicas)
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
            part.node = shard.primary.address;
            if (fromReplicas) {
                const RedisNodeState *replica = healthyReplica(shard);
                if (!replica) {
                    part.error = QStringLiteral("no healthy replica to read from");
                    return;
                }
                part.node = replica->address;
            } else if (!shard.primaryUp()) {
                part.error = QStringLiteral("primary %1 is down").arg(shard.primary.address.toString());
                return;
            }
            ConnectionOptions connectionOptions;
            connectionOptions.clientName = "sessiondeck-census";
            const HostPort node = part.node;
            auto conn = RedisConnection::open(url.withNode(node), connectionOptions);
            if (!conn) {
                part.error = conn.errorMessage();
                return;
            }
            if (fromReplicas) {
                // A replica refuses reads until told that this connection may read stale data.
                if (auto ro = (*conn)->command(Command{"READONLY"}); !ro) {
                    part.error = ro.errorMessage();
                    return;
                }
            }
            part = SessionCensus::run(**conn, prefix, cancel, options);
            part.node = node;
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
        total.shards << sc;
        if (!part.complete) {
            total.complete = false;
            errors << QStringLiteral("shard %1 (%2): %3")
                          .arg(sc.name, sc.node.toString(),
                               part.error.isEmpty() ? QStringLiteral("not finished") : part.error);
        }
    }
    if (shards.isEmpty())
        errors << QStringLiteral("no shard serves slots");
    total.error = errors.join(QStringLiteral("; "));
    total.at = QDateTime::currentDateTimeUtc();
    total.durationMs = wall.elapsed();
    return total;
}

} // namespace sdcore
