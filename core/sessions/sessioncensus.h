#pragma once

// Counts the sessions under a key prefix without keeping them: the SessionScanner's batches
// (SCAN with each batch's PTTL and STRLEN pipelined, duplicates removed, paced) folded into the
// exact count, a TTL histogram, a size histogram and the total bytes; no row outlives its
// batch. Blocking; runs on a worker thread, cancellable through an atomic flag.

#include "core/sessions/sessionscanner.h"

#include <QDateTime>
#include <QMetaType>

#include <array>
#include <atomic>
#include <functional>

namespace sdcore {

// One shard's part of a cluster census.
struct ShardCensus
{
    QString name;                   // the shard's slots, "0-5460"
    HostPort node;                  // the primary counted
    qint64 count = 0;
    qint64 totalBytes = 0;
    qint64 durationMs = 0;
    bool complete = false;
    QString error;
    HostPort failedNode;            // the primary that failed midway, when counted again on `node`
};

struct CensusResult
{
    enum TtlBucket { UnderMinute, Under10Minutes, UnderHour, UnderDay, UnderWeek, Longer, NoTtl, TtlBuckets };
    enum SizeBucket { Under256B, Under1K, Under4K, Under16K, Under64K, Under1M, Larger, SizeBuckets };

    QString prefix;
    HostPort node;                  // where it was counted
    HostPort failedNode;            // a cluster shard's: the primary that died midway (counted again on node)
    QDateTime at;                   // when it finished (UTC)
    qint64 durationMs = 0;
    bool complete = false;          // false: cancelled or failed midway (figures are partial)
    QString error;
    qint64 count = 0;               // distinct keys that still existed when looked at
    qint64 totalBytes = 0;          // of string values (STRLEN)
    qint64 otherTypes = 0;          // keys under the prefix that are not strings
    qint64 vanished = 0;            // expired or deleted between SCAN and PTTL
    qint64 pausedMs = 0;            // waited for the rate limit or a backoff
    std::array<qint64, TtlBuckets> ttl{};
    std::array<qint64, SizeBuckets> sizes{};
    // A cluster: each shard's figures (the ones above are their sum); empty for one node.
    QList<ShardCensus> shards;
    // Keys a node listed but redirected (its slot in migration): not counted here; a cluster
    // census reads them where they live and counts them once (migrating says how many).
    QList<QByteArray> redirected;
    qint64 migrating = 0;

    // Adds `other`'s figures to these (counts, bytes and histograms; the longer pause).
    void add(const CensusResult &other);

    static QString ttlBucketName(int bucket);
    static QString sizeBucketName(int bucket);
    static int ttlBucketOf(qint64 pttlMs);     // -1 (no TTL) goes to NoTtl
    static int sizeBucketOf(qint64 bytes);
};

class SessionCensus
{
public:
    using Progress = std::function<void(qint64 keysSeen)>;
    // options.prefix is replaced by `prefix`; no value bytes are read (previewBytes 0).
    static CensusResult run(RedisConnection &connection, const QString &prefix,
                            const std::atomic_bool *cancel = nullptr, ScanOptions options = {},
                            const Progress &progress = {});
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::CensusResult)
