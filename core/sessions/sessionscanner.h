#pragma once

// Streams the sessions under a key prefix as rows: SCAN cursor MATCH <pattern> COUNT n, and for
// each batch the per-key details pipelined in the same round trip as the next SCAN (PTTL,
// STRLEN and the first bytes of the value, from which the user is read; TYPE and MEMORY USAGE
// only for the keys that are not strings). Never KEYS, never one round trip per key. Duplicates that SCAN may
// return are dropped; keys that vanish between SCAN and PTTL (-2) are counted, not shown.
// Blocking; runs on a worker thread, cancellable at any moment through an atomic flag.
//
// ScanPacer keeps scans gentle on production servers; the census uses it too: COUNT adapts so
// that a round trip stays short, an optional keys-per-second limit, and a pause whenever the
// server answers markedly slower than it did at the start of the scan.

#include "core/redis/redisconnection.h"

#include <QElapsedTimer>
#include <QMetaType>

#include <atomic>
#include <functional>
#include <vector>

namespace sdcore {

struct ScanOptions
{
    QByteArray prefix = "sess:";
    QByteArray match;               // glob for the id part ("" = all); see matchPattern()
    // A walk the server never ends (cursor repeats, more buckets or keys than DBSIZE allows)
    // stops with an error: see ScanBound.
    int scanCount = 500;            // SCAN COUNT to start with; adapts between min and max
    int minScanCount = 100;
    int maxScanCount = 10000;
    int targetBatchMs = 20;         // aim for round trips about this long
    int keysPerSecond = 0;          // 0: no limit
    bool backoff = true;            // pause when the server's latency rises
    int previewBytes = 512;         // first bytes of each value read for the user column (0: none)
    qint64 limit = 0;               // stop after this many rows (0: all)
};

// One session as the scanner saw it. `fetchedAtMs` is the wall clock (ms since the epoch) when
// PTTL was answered, so the remaining TTL at any later time is pttlMs - (now - fetchedAtMs).
struct SessionRow
{
    enum Type : quint8 { String, Hash, List, Set, ZSet, Stream, Other };
    QByteArray key;
    qint64 pttlMs = -1;             // -1: no TTL
    qint64 fetchedAtMs = 0;
    qint64 size = -1;               // STRLEN for strings, MEMORY USAGE for other types (-1 unknown)
    Type type = String;
    QString user;

    static QString typeName(Type type);
    static Type typeFromName(QByteArrayView name);
};

struct ScanBatch
{
    QList<SessionRow> rows;
    qint64 keysSeen = 0;            // distinct keys so far
    qint64 dbSize = -1;             // DBSIZE at the start (all keys of the db, not only sessions)
    QString shard;                  // a cluster's: the slots of the shard the rows came from
};

struct ScanSummary
{
    bool complete = false;          // the whole keyspace was walked
    QString error;                  // empty, "cancelled", or why it stopped
    HostPort node;
    qint64 rows = 0;
    qint64 keysSeen = 0;
    qint64 vanished = 0;            // expired or deleted between SCAN and PTTL
    qint64 dbSize = -1;
    int batches = 0;
    qint64 durationMs = 0;
    qint64 pausedMs = 0;            // time spent waiting for the rate limit or a backoff
    int maxBatchesInFlight = 0;     // the most batches handed on and not yet taken (browser scans)
    int shards = 0;                 // a cluster's: the shards scanned, one scanner each
    // Cluster nodes: keys the node listed but redirected (MOVED/ASK) when asked about them, as
    // its slot is being migrated; not in the rows, for the caller to read where they live now.
    QList<QByteArray> redirected;
};

// Remembers 64-bit hashes of the keys seen, in an open-addressing table (16 bytes a key at
// most), so that a key SCAN returns twice is counted once.
class KeySeenSet
{
public:
    // True when `key` was not seen before (and remembers it).
    bool insert(QByteArrayView key);
    qsizetype size() const { return m_size; }

private:
    void grow();
    std::vector<quint64> m_slots;   // 0 marks an empty slot
    qsizetype m_size = 0;
};

class ScanPacer
{
public:
    ScanPacer(int scanCount, int minCount, int maxCount, int targetBatchMs, int keysPerSecond, bool backoff);

    int count() const { return m_count; }
    // After a round trip that took `ms` and returned `keys` keys: adapts COUNT and sleeps as long
    // as the rate limit or a backoff asks. Returns early when `cancel` is set.
    void afterBatch(qint64 ms, qint64 keys, const std::atomic_bool *cancel);
    qint64 pausedMs() const { return m_pausedMs; }

private:
    void sleep(qint64 ms, const std::atomic_bool *cancel);

    int m_count;
    int m_start;
    int m_min;
    int m_max;
    int m_targetMs;
    int m_keysPerSecond;
    bool m_backoff;
    double m_baselineMsPerKey = -1;   // the fastest per-key time seen so far
    QElapsedTimer m_clock;
    qint64 m_keys = 0;
    qint64 m_pausedMs = 0;
};

class SessionScanner
{
public:
    // Return false from the sink to stop the scan.
    using Sink = std::function<bool(ScanBatch &&batch)>;
    static ScanSummary scan(RedisConnection &connection, const ScanOptions &options,
                            const std::atomic_bool *cancel, const Sink &sink);

    // The SCAN MATCH pattern: the prefix, always matched literally (its glob characters
    // escaped), then `match`, always a glob on the id after it ("" = every id: "*"). Callers
    // that delete refuse an empty glob before they get here (see SessionDeleter).
    static QByteArray matchPattern(const QByteArray &prefix, const QByteArray &match);
    static QByteArray escapeGlob(QByteArrayView text);
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::ScanBatch)
Q_DECLARE_METATYPE(sdcore::ScanSummary)
