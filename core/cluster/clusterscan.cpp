#include "core/cluster/clusterscan.h"

#include "core/cluster/clustercensus.h"
#include "core/redis/redisconnection.h"

#include <QElapsedTimer>

#include <mutex>
#include <thread>
#include <vector>

namespace sdcore {

ClusterScanSummary ClusterScan::run(const RedisUrl &url, const TopologySnapshot &snapshot, const ScanOptions &options,
                                    const std::atomic_bool *cancel, const Sink &sink, bool fromReplicas)
{
    QElapsedTimer wall;
    wall.start();
    QList<const ShardState *> shards;
    for (const ShardState &shard : snapshot.shards) {
        if (!shard.slots.isEmpty())
            shards << &shard;
    }
    std::mutex sinkLock;
    std::atomic_bool stop{false};
    std::atomic<qint64> rows{0};
    // Each scanner's own cancel flag: the user's, or the sink's "enough".
    std::vector<ScanSummary> results(size_t(shards.size()));
    std::vector<std::thread> threads;
    for (qsizetype i = 0; i < shards.size(); ++i) {
        threads.emplace_back([&, i] {
            const ShardState &shard = *shards.at(i);
            ScanSummary &result = results[size_t(i)];
            HostPort node = shard.primary.address;
            if (fromReplicas) {
                const RedisNodeState *replica = ClusterCensus::healthyReplica(shard);
                if (!replica) {
                    result.error = QStringLiteral("no healthy replica to read from");
                    return;
                }
                node = replica->address;
            } else if (!shard.primaryUp()) {
                result.error = QStringLiteral("primary %1 is down").arg(node.toString());
                return;
            }
            result.node = node;
            ConnectionOptions connectionOptions;
            connectionOptions.clientName = "sessiondeck-scan";
            auto conn = RedisConnection::open(url.withNode(node), connectionOptions);
            if (!conn) {
                result.error = conn.errorMessage();
                return;
            }
            if (fromReplicas) {
                if (auto ro = (*conn)->command(Command{"READONLY"}); !ro) {
                    result.error = ro.errorMessage();
                    return;
                }
            }
            // The scanner polls one flag: set when the user cancels or another shard's rows
            // reached the limit.
            std::atomic_bool mine{false};
            ScanOptions own = options;
            own.limit = 0;   // counted across shards below
            result = SessionScanner::scan(**conn, own, &mine, [&](ScanBatch &&batch) {
                if (stop.load() || (cancel && cancel->load())) {
                    mine = true;
                    return false;
                }
                std::lock_guard lock(sinkLock);
                if (options.limit > 0) {
                    const qint64 room = options.limit - rows.load();
                    if (room <= 0) {
                        stop = true;
                        return false;
                    }
                    if (batch.rows.size() > room)
                        batch.rows.resize(room);
                }
                rows += batch.rows.size();
                const bool more = sink(shard.name, std::move(batch));
                if (!more || (options.limit > 0 && rows.load() >= options.limit))
                    stop = true;
                return !stop.load();
            });
            result.node = node;
        });
    }
    for (std::thread &t : threads)
        t.join();

    ClusterScanSummary summary;
    summary.rows = rows.load();
    summary.complete = !shards.isEmpty();
    QStringList errors;
    const bool limited = options.limit > 0 && summary.rows >= options.limit;
    for (qsizetype i = 0; i < shards.size(); ++i) {
        const ScanSummary &r = results[size_t(i)];
        summary.shards.append({shards.at(i)->name, r});
        if (!r.complete) {
            summary.complete = false;
            if (!limited && !r.error.isEmpty() && r.error != QStringLiteral("cancelled"))
                errors << QStringLiteral("shard %1 (%2): %3").arg(shards.at(i)->name, r.node.toString(), r.error);
        }
    }
    if (cancel && cancel->load())
        summary.error = QStringLiteral("cancelled");
    else if (shards.isEmpty())
        summary.error = QStringLiteral("no shard serves slots");
    else
        summary.error = errors.join(QStringLiteral("; "));
    summary.durationMs = wall.elapsed();
    return summary;
}

} // namespace sdcore
