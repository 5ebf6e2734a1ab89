#include "sessioncensus.h"

#include <QElapsedTimer>
#include <QSet>

namespace sdcore {

QString CensusResult::ttlBucketName(int bucket)
{
    static const char *names[] = {"< 1 min", "< 10 min", "< 1 h", "< 1 day", "< 7 days", "longer", "no TTL"};
    return bucket >= 0 && bucket < TtlBuckets ? QString::fromLatin1(names[bucket]) : QString();
}

QString CensusResult::sizeBucketName(int bucket)
{
    static const char *names[] = {"< 256 B", "< 1 KiB", "< 4 KiB", "< 16 KiB", "< 64 KiB", "< 1 MiB", "larger"};
    return bucket >= 0 && bucket < SizeBuckets ? QString::fromLatin1(names[bucket]) : QString();
}

int CensusResult::ttlBucketOf(qint64 pttlMs)
{
    if (pttlMs < 0)
        return NoTtl;
    const qint64 s = pttlMs / 1000;
    if (s < 60)
        return UnderMinute;
    if (s < 600)
        return Under10Minutes;
    if (s < 3600)
        return UnderHour;
    if (s < 86400)
        return UnderDay;
    if (s < 7 * 86400)
        return UnderWeek;
    return Longer;
}

int CensusResult::sizeBucketOf(qint64 bytes)
{
    static const qint64 limits[] = {256, 1024, 4096, 16384, 65536, 1048576};
    for (int i = 0; i < 6; ++i) {
        if (bytes < limits[i])
            return i;
    }
    return Larger;
}

CensusResult SessionCensus::run(RedisConnection &connection, const QString &prefix,
                                const std::atomic_bool *cancel, CensusOptions options,
                                const Progress &progress)
{
    QElapsedTimer elapsed;
    elapsed.start();
    CensusResult r;
    r.prefix = prefix;
    const QByteArray pattern = prefix.toUtf8() + '*';
    QByteArray cursor = "0";
    int count = qBound(options.minScanCount, options.scanCount, options.maxScanCount);
    // 64-bit hashes of the keys seen: SCAN may return a key twice while the keyspace rehashes.
    QSet<quint64> seen;
    qint64 keysSeen = 0;
    do {
        if (cancel && cancel->load()) {
            r.error = QStringLiteral("cancelled");
            break;
        }
        QElapsedTimer batch;
        batch.start();
        auto scan = connection.command(
            Command{"SCAN", cursor, "MATCH", pattern, "COUNT", QByteArray::number(count)});
        if (!scan) {
            r.error = scan.errorMessage();
            break;
        }
        if (scan->size() != 2) {
            r.error = QStringLiteral("unexpected SCAN reply: %1").arg(scan->debugString().left(200));
            break;
        }
        cursor = scan->at(0).bytes();
        QList<QByteArray> keys;
        for (const RedisValue &k : scan->at(1).elements()) {
            const QByteArray &key = k.bytes();
            const quint64 h = (quint64(qHash(key, 0x9e3779b9u)) << 32) ^ quint64(qHash(key, 0x85ebca6bu));
            if (seen.contains(h))
                continue;
            seen.insert(h);
            keys << key;
        }
        keysSeen += keys.size();
        if (!keys.isEmpty()) {
            QList<Command> details;
            details.reserve(keys.size() * 2);
            for (const QByteArray &key : std::as_const(keys)) {
                details << Command{"PTTL", key} << Command{"STRLEN", key};
            }
            auto replies = connection.pipeline(details);
            if (!replies) {
                r.error = replies.errorMessage();
                break;
            }
            for (qsizetype i = 0; i < keys.size(); ++i) {
                const qint64 pttl = replies->at(2 * i).toInteger();
                if (replies->at(2 * i).isInteger() && pttl == -2)
                    continue;   // expired or deleted since SCAN saw it
                ++r.count;
                ++r.ttl[CensusResult::ttlBucketOf(pttl)];
                const RedisValue &len = replies->at(2 * i + 1);
                if (len.isInteger()) {
                    r.totalBytes += len.toInteger();
                    ++r.sizes[CensusResult::sizeBucketOf(len.toInteger())];
                } else {
                    ++r.otherTypes;   // WRONGTYPE: a hash or other type under the prefix
                }
            }
        }
        if (progress)
            progress(keysSeen);
        // Adapt COUNT so each round trip stays short: a busy server answers slower, and then
        // gets smaller batches.
        const qint64 ms = batch.elapsed();
        if (ms < options.targetBatchMs / 2)
            count = qMin(options.maxScanCount, count * 2);
        else if (ms > options.targetBatchMs * 2)
            count = qMax(options.minScanCount, count / 2);
    } while (cursor != "0");
    r.complete = cursor == "0" && r.error.isEmpty();
    r.node = connection.url().hosts().value(0);
    r.at = QDateTime::currentDateTimeUtc();
    r.durationMs = elapsed.elapsed();
    return r;
}

} // namespace sdcore
