#include "core/cluster/clustercensus.h"

#include "core/redis/redisconnection.h"

#include <QElapsedTimer>

#include <thread>
#include <vector>

namespace sdcore {

CensusResult ClusterCensus::run(const RedisUrl &url, const TopologySnapshot &snapshot, const QString &prefix,
                                const std::atomic_bool *cancel, ScanOptions options)
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
            if (!shard.primaryUp()) {
                part.error = QStringLiteral("primary %1 is down").arg(shard.primary.address.toString());
                return;
            }
            ConnectionOptions connectionOptions;
            connectionOptions.clientName = "sessiondeck-census";
            auto conn = RedisConnection::open(url.withNode(shard.primary.address), connectionOptions);
            if (!conn) {
                part.error = conn.errorMessage();
                return;
            }
            part = SessionCensus::run(**conn, prefix, cancel, options);
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
