#pragma once

// A session scan of a whole cluster: one SessionScanner per primary (or per healthy replica),
// all at once, each with its own connection and SCAN cursor, their batches handed to one sink
// one at a time (never two at once), tagged with the shard they came from. A limit counts rows
// across shards. Blocking; cancellable like the scanner.

#include "core/monitor/topologysnapshot.h"
#include "core/redis/redisconnection.h"
#include "core/sessions/sessionscanner.h"

#include <functional>
#include <memory>

namespace sdcore {

struct ClusterScanSummary
{
    bool complete = false;            // every shard walked to its end
    QString error;                    // "cancelled", or the shards that failed and why
    qint64 rows = 0;
    qint64 durationMs = 0;
    QList<QPair<QString, ScanSummary>> shards;   // each shard's slots and its scan
};

class ClusterScan
{
public:
    // The batch and the shard (its slots) it came from; false stops every scanner.
    using Sink = std::function<bool(const QString &shard, ScanBatch &&batch)>;
    // Keys a node redirected during the scan (their slot was being migrated) are read at the
    // end through a ClusterRouter, which follows ASK, once each, and handed on as shard
    // "migrating".
    static ClusterScanSummary run(const RedisUrl &url, const TopologySnapshot &snapshot, const ScanOptions &options,
                                  const std::atomic_bool *cancel, const Sink &sink, bool fromReplicas = false);
    // The connection a shard is read on: its primary, or with `fromReplicas` a healthy replica
    // (READONLY sent). `node` gets the node chosen (empty when no replica is healthy); the error
    // says why the shard cannot be read.
    static Result<std::unique_ptr<RedisConnection>> openShard(const RedisUrl &url, const ShardState &shard,
                                                              bool fromReplicas, const QByteArray &clientName,
                                                              HostPort *node);
    // The keys in `lists`, each once, in order of first appearance.
    static QList<QByteArray> distinct(const QList<QList<QByteArray>> &lists);
    // `keys` (distinct) read where they live now (PTTL, and STRLEN or TYPE): the rows of those
    // that exist. Fails only when the cluster cannot be reached.
    static Result<QList<SessionRow>> readWhereTheyLive(const RedisUrl &url, const QList<QByteArray> &keys);
};

} // namespace sdcore
