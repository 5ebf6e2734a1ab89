#include "core/cluster/clusterscan.h"

#include "core/cluster/clustercensus.h"
#include "core/cluster/clusterrouter.h"
#include "core/redis/redisconnection.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSet>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace sdcore {

Result<std::unique_ptr<RedisConnection>> ClusterScan::openShard(const RedisUrl &url, const ShardState &shard,
                                                                bool fromReplicas, const QByteArray &clientName,
                                                                HostPort *node)
{
    *node = shard.primary.address;
    if (fromReplicas) {
        const RedisNodeState *replica = ClusterCensus::healthyReplica(shard);
        if (!replica) {
            *node = {};   // nothing is read
            return makeError(ErrorKind::Refused, QStringLiteral("no healthy replica to read from"));
        }
        *node = replica->address;
    } else if (!shard.primaryUp() && !shard.primary.skipped) {
        return makeError(ErrorKind::Refused, QStringLiteral("primary %1 is down").arg(node->toString()));
    }
    ConnectionOptions options;
    options.clientName = clientName;
    auto conn = RedisConnection::open(url.withNode(*node), options);
    if (!conn)
        return conn.error();
    if (fromReplicas) {
        // A replica refuses reads until told that this connection may read stale data.
        if (auto ro = (*conn)->command(Command{"READONLY"}); !ro)
            return ro.error();
    }
    return conn;
}

QList<QByteArray> ClusterScan::distinct(const QList<QList<QByteArray>> &lists)
{
    QSet<QByteArray> seen;
    QList<QByteArray> out;
    for (const QList<QByteArray> &list : lists) {
        for (const QByteArray &key : list) {
            if (!seen.contains(key)) {
                seen.insert(key);
                out << key;
            }
        }
    }
    return out;
}

Result<QList<SessionRow>> ClusterScan::readWhereTheyLive(const RedisUrl &url, const QList<QByteArray> &keys)
{
    QList<SessionRow> rows;
    if (keys.isEmpty())
        return rows;
    ConnectionOptions options;
    options.clientName = "sessiondeck-scan";
    ClusterRouter router(url, options);
    if (Status s = router.refresh(); !s)
        return s.error();
    for (qsizetype from = 0; from < keys.size(); from += 500) {
        QList<QPair<QByteArray, Command>> commands;
        const QList<QByteArray> chunk = keys.mid(from, 500);
        for (const QByteArray &key : chunk) {
            commands.append({key, Command{"PTTL", key}});
            commands.append({key, Command{"STRLEN", key}});
        }
        auto replies = router.pipeline(commands);
        if (!replies)
            return replies.error();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (qsizetype i = 0; i < chunk.size(); ++i) {
            const RedisValue &pttl = replies->at(2 * i);
            const RedisValue &len = replies->at(2 * i + 1);
            if (!pttl.isInteger() || pttl.toInteger() == -2)
                continue;   // gone meanwhile, or unreadable
            SessionRow row;
            row.key = chunk.at(i);
            row.pttlMs = pttl.toInteger();
            row.fetchedAtMs = now;
            if (len.isInteger())
                row.size = len.toInteger();
            else
                row.type = SessionRow::Other;
            rows << row;
        }
    }
    return rows;
}

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
    std::atomic_int finished{0};
    std::mutex doneLock;
    std::condition_variable doneSignal;
    std::atomic<qint64> rows{0};
    // Each scanner's own cancel flag: the user's, or the sink's "enough".
    std::vector<ScanSummary> results(size_t(shards.size()));
    std::vector<std::thread> threads;
    for (qsizetype i = 0; i < shards.size(); ++i) {
        threads.emplace_back([&, i] {
            // Counted however the thread ends, so that the waiting thread wakes.
            struct Finished
            {
                std::atomic_int &count;
                std::mutex &lock;
                std::condition_variable &signal;
                ~Finished()
                {
                    {
                        std::lock_guard guard(lock);
                        ++count;
                    }
                    signal.notify_all();
                }
            } finishedGuard{finished, doneLock, doneSignal};
            const ShardState &shard = *shards.at(i);
            ScanSummary &result = results[size_t(i)];
            HostPort node;
            auto conn = openShard(url, shard, fromReplicas, "sessiondeck-scan", &node);
            result.node = node;
            if (!conn) {
                result.error = conn.errorMessage();
                return;
            }
            ScanOptions own = options;
            own.limit = 0;   // counted across shards below
            // A rate limit is the whole cluster's: each shard takes its part.
            if (options.keysPerSecond > 0)
                own.keysPerSecond = qMax(1, options.keysPerSecond / int(shards.size()));
            // Every scanner polls `stop`: set by the user's cancel (relayed by the waiting thread),
            // by the limit, or by the sink.
            result = SessionScanner::scan(**conn, own, &stop, [&](ScanBatch &&batch) {
                std::lock_guard lock(sinkLock);
                if (stop.load())
                    return false;
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
    // Wait for the scanners, passing a cancel on to them within 50 ms.
    while (finished.load() < int(threads.size())) {
        if (cancel && cancel->load())
            stop = true;
        std::unique_lock lock(doneLock);
        doneSignal.wait_for(lock, std::chrono::milliseconds(50));
    }
    for (std::thread &t : threads)
        t.join();
    const bool userCancelled = cancel && cancel->load();

    // Keys whose slot was moving while the scanners passed: read where they are now, once.
    QList<QList<QByteArray>> setAside;
    for (const ScanSummary &r : results)
        setAside << r.redirected;
    const QList<QByteArray> redirected = distinct(setAside);
    QString migrationError;
    if (!redirected.isEmpty() && fromReplicas) {
        // Reading them where they live would read primaries, which the user did not ask for.
        migrationError = QStringLiteral("%1 keys in migrating slots were not listed (the replicas redirect them; "
                                        "list from the primaries to include them)")
                             .arg(redirected.size());
    } else if (!redirected.isEmpty() && !stop.load() && !userCancelled) {
        auto moved = readWhereTheyLive(url, redirected);
        if (!moved) {
            migrationError = QStringLiteral("%1 keys in migrating slots could not be read: %2")
                                 .arg(redirected.size())
                                 .arg(moved.errorMessage());
        } else if (!moved->isEmpty()) {
            ScanBatch batch;
            batch.rows = *moved;
            if (options.limit > 0 && rows.load() + batch.rows.size() > options.limit)
                batch.rows.resize(qMax<qint64>(0, options.limit - rows.load()));
            rows += batch.rows.size();
            if (!batch.rows.isEmpty())
                sink(QStringLiteral("migrating"), std::move(batch));
        }
    }

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
                errors << QStringLiteral("shard %1 (%2): %3")
                              .arg(shards.at(i)->name,
                                   (r.node.host.isEmpty() ? shards.at(i)->primary.address : r.node).toString(), r.error);
        }
    }
    if (userCancelled)
        summary.error = QStringLiteral("cancelled");
    else if (shards.isEmpty())
        summary.error = QStringLiteral("no shard serves slots");
    else {
        if (!migrationError.isEmpty()) {
            errors << migrationError;
            summary.complete = false;
        }
        summary.error = errors.join(QStringLiteral("; "));
    }
    summary.durationMs = wall.elapsed();
    return summary;
}

} // namespace sdcore
