#include "core/sessions/sessioncensus.h"


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

void CensusResult::add(const CensusResult &other)
{
    count += other.count;
    totalBytes += other.totalBytes;
    otherTypes += other.otherTypes;
    vanished += other.vanished;
    pausedMs = qMax(pausedMs, other.pausedMs);
    for (int i = 0; i < TtlBuckets; ++i)
        ttl[i] += other.ttl[i];
    for (int i = 0; i < SizeBuckets; ++i)
        sizes[i] += other.sizes[i];
}

CensusResult SessionCensus::run(RedisConnection &connection, const QString &prefix,
                                const std::atomic_bool *cancel, ScanOptions options,
                                const Progress &progress)
{
    CensusResult r;
    r.prefix = prefix;
    options.prefix = prefix.toUtf8();
    options.match.clear();
    options.previewBytes = 0;
    options.limit = 0;
    const ScanSummary summary = SessionScanner::scan(connection, options, cancel, [&](ScanBatch &&batch) {
        for (const SessionRow &row : std::as_const(batch.rows)) {
            ++r.count;
            ++r.ttl[CensusResult::ttlBucketOf(row.pttlMs)];
            if (row.type == SessionRow::String) {
                r.totalBytes += row.size;
                ++r.sizes[CensusResult::sizeBucketOf(row.size)];
            } else {
                ++r.otherTypes;
            }
        }
        if (progress)
            progress(batch.keysSeen);
        return true;
    });
    r.complete = summary.complete;
    r.error = summary.error;
    r.vanished = summary.vanished;
    r.redirected = summary.redirected;
    r.pausedMs = summary.pausedMs;
    r.node = summary.node;
    r.at = QDateTime::currentDateTimeUtc();
    r.durationMs = summary.durationMs;
    return r;
}

} // namespace sdcore
