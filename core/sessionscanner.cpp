#include "sessionscanner.h"

#include "sessiondecoder.h"

#include <QDateTime>
#include <QHash>
#include <QThread>

namespace sdcore {

QString SessionRow::typeName(Type type)
{
    static const char *names[] = {"string", "hash", "list", "set", "zset", "stream", "other"};
    return QString::fromLatin1(names[qBound(0, int(type), int(Other))]);
}

SessionRow::Type SessionRow::typeFromName(QByteArrayView name)
{
    if (name == "string")
        return String;
    if (name == "hash")
        return Hash;
    if (name == "list")
        return List;
    if (name == "set")
        return Set;
    if (name == "zset")
        return ZSet;
    if (name == "stream")
        return Stream;
    return Other;
}

// KeySeenSet ---------------------------------------------------------------------------------

static quint64 keyHash(QByteArrayView key)
{
    // Two independent 32-bit hashes; 0 is reserved for empty slots.
    const quint64 h = (quint64(qHash(key, 0x9e3779b9u)) << 32) ^ quint64(qHash(key, 0x85ebca6bu));
    return h ? h : 1;
}

bool KeySeenSet::insert(QByteArrayView key)
{
    if (qsizetype(m_slots.size()) < 2 * (m_size + 1))
        grow();
    const quint64 h = keyHash(key);
    const size_t mask = m_slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (m_slots[i] == h)
            return false;
        if (m_slots[i] == 0) {
            m_slots[i] = h;
            ++m_size;
            return true;
        }
    }
}

void KeySeenSet::grow()
{
    std::vector<quint64> old = std::move(m_slots);
    m_slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
    const size_t mask = m_slots.size() - 1;
    for (quint64 h : old) {
        if (!h)
            continue;
        size_t i = h & mask;
        while (m_slots[i])
            i = (i + 1) & mask;
        m_slots[i] = h;
    }
}

// ScanPacer ----------------------------------------------------------------------------------

ScanPacer::ScanPacer(int scanCount, int minCount, int maxCount, int targetBatchMs, int keysPerSecond,
                     bool backoff)
    : m_count(qBound(minCount, scanCount, maxCount))
    , m_min(minCount)
    , m_max(maxCount)
    , m_targetMs(qMax(1, targetBatchMs))
    , m_keysPerSecond(qMax(0, keysPerSecond))
    , m_backoff(backoff)
{
    m_clock.start();
}

void ScanPacer::sleep(qint64 ms, const std::atomic_bool *cancel)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms && !(cancel && cancel->load()))
        QThread::msleep(quint64(qMin<qint64>(20, ms - t.elapsed())));
    m_pausedMs += t.elapsed();
}

void ScanPacer::afterBatch(qint64 ms, qint64 keys, const std::atomic_bool *cancel)
{
    m_keys += keys;
    // A busy server answers slower and then gets smaller batches.
    if (ms < m_targetMs / 2)
        m_count = qMin(m_max, m_count * 2);
    else if (ms > m_targetMs * 2)
        m_count = qMax(m_min, m_count / 2);

    if (m_backoff && keys >= 50) {
        const double perKey = double(qMax<qint64>(ms, 1)) / double(keys);
        if (m_baselineMsPerKey < 0 || perKey < m_baselineMsPerKey)
            m_baselineMsPerKey = perKey;
        else if (perKey > 4 * m_baselineMsPerKey && ms >= 5) {
            // The server is slower than it was: give it as much idle time as the batch took.
            m_count = qMax(m_min, m_count / 2);
            sleep(qMin<qint64>(ms, 1000), cancel);
        }
    }
    if (m_keysPerSecond > 0) {
        const qint64 due = m_keys * 1000 / m_keysPerSecond;
        const qint64 ahead = due - m_clock.elapsed();
        if (ahead > 0)
            sleep(ahead, cancel);
        // A rate-limited scan is meant to be felt as little as possible: many small batches
        // (each holds the server for a fraction of a millisecond) rather than a few large ones.
        m_count = qMin(m_count, qMax(m_min, m_keysPerSecond / 200));
    }
}

// SessionScanner -----------------------------------------------------------------------------

QByteArray SessionScanner::escapeGlob(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

QByteArray SessionScanner::matchPattern(const QByteArray &prefix, const QByteArray &match)
{
    if (match.isEmpty())
        return escapeGlob(prefix) + '*';
    if (!prefix.isEmpty() && match.startsWith(prefix))
        return match;
    return escapeGlob(prefix) + match;
}

namespace {

struct Details
{
    int perKey = 0;
    int pttl = -1;
    int strlen = -1;
    int getrange = -1;
};

} // namespace

ScanSummary SessionScanner::scan(RedisConnection &connection, const ScanOptions &options,
                                 const std::atomic_bool *cancel, const Sink &sink)
{
    QElapsedTimer elapsed;
    elapsed.start();
    ScanSummary summary;
    summary.node = connection.url().hosts().value(0);
    const QByteArray pattern = matchPattern(options.prefix, options.match);

    Details d;
    d.pttl = d.perKey++;
    d.strlen = d.perKey++;
    if (options.previewBytes > 0)
        d.getrange = d.perKey++;
    const QByteArray rangeEnd = QByteArray::number(options.previewBytes - 1);

    if (auto size = connection.command(Command{"DBSIZE"}); size && size->isInteger())
        summary.dbSize = size->toInteger();

    ScanPacer pacer(options.scanCount, options.minScanCount, options.maxScanCount,
                    options.targetBatchMs, options.keysPerSecond, options.backoff);
    KeySeenSet seen;
    QByteArray cursor = "0";
    bool scanning = true;       // a SCAN is still to be sent
    QList<QByteArray> pending;  // keys whose details go with the next round trip
    bool stop = false;
    bool limited = false;       // stopped at options.limit

    while ((scanning || !pending.isEmpty()) && !stop) {
        if (cancel && cancel->load()) {
            summary.error = QStringLiteral("cancelled");
            break;
        }
        QElapsedTimer batchClock;
        batchClock.start();
        // One round trip: the next SCAN together with the details of the keys it returned last.
        QList<Command> commands;
        commands.reserve(1 + pending.size() * d.perKey);
        if (scanning) {
            commands << Command{"SCAN", cursor, "MATCH", pattern, "COUNT", QByteArray::number(pacer.count())};
        }
        for (const QByteArray &key : std::as_const(pending)) {
            commands << Command{"PTTL", key} << Command{"STRLEN", key};
            if (d.getrange >= 0)
                commands << Command{"GETRANGE", key, "0", rangeEnd};
        }
        const qsizetype detailKeys = pending.size();
        auto replies = connection.pipeline(commands);
        if (!replies) {
            summary.error = replies.errorMessage();
            break;
        }
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const int base = scanning ? 1 : 0;

        ScanBatch batch;
        batch.rows.reserve(pending.size());
        QList<qsizetype> needType;
        for (qsizetype i = 0; i < pending.size(); ++i) {
            const RedisValue &pttl = replies->at(base + i * d.perKey + d.pttl);
            if (pttl.isError()) {
                summary.error = connection.errorFromReply(pttl, Command{"PTTL"}).message;
                stop = true;
                break;
            }
            if (pttl.toInteger() == -2) {
                ++summary.vanished;
                continue;
            }
            SessionRow row;
            row.key = pending.at(i);
            row.pttlMs = pttl.toInteger();
            row.fetchedAtMs = now;
            const RedisValue &len = replies->at(base + i * d.perKey + d.strlen);
            if (len.isInteger()) {
                row.size = len.toInteger();
                if (d.getrange >= 0) {
                    const RedisValue &head = replies->at(base + i * d.perKey + d.getrange);
                    if (head.isBulk())
                        row.user = SessionDecoder::quickUser(head.bytes());
                }
            } else {
                needType << batch.rows.size();   // WRONGTYPE: not a string
            }
            batch.rows << std::move(row);
        }
        if (!needType.isEmpty() && !stop) {
            // Rare: a second round trip for the type and, where the server has it, MEMORY USAGE
            // as their size.
            QList<Command> types;
            for (qsizetype i : std::as_const(needType)) {
                types << Command{"TYPE", batch.rows.at(i).key}
                      << Command{"MEMORY", "USAGE", batch.rows.at(i).key, "SAMPLES", "0"};
            }
            auto typeReplies = connection.pipeline(types);
            if (!typeReplies) {
                summary.error = typeReplies.errorMessage();
                break;
            }
            for (qsizetype j = 0; j < needType.size(); ++j) {
                SessionRow &row = batch.rows[needType.at(j)];
                row.type = SessionRow::typeFromName(typeReplies->at(2 * j).bytes());
                const RedisValue &memory = typeReplies->at(2 * j + 1);
                if (memory.isInteger())
                    row.size = memory.toInteger();
            }
            // A key whose TYPE is now "none" vanished in between; keep the row as the scan saw it.
        }
        if (stop)
            break;

        pending.clear();
        if (scanning) {
            const RedisValue &scan = replies->at(0);
            if (scan.isError() || scan.size() != 2) {
                summary.error = scan.isError() ? connection.errorFromReply(scan, Command{"SCAN"}).message
                                               : QStringLiteral("unexpected SCAN reply: %1").arg(scan.debugString().left(200));
                break;
            }
            cursor = scan.at(0).bytes();
            for (const RedisValue &k : scan.at(1).elements()) {
                if (seen.insert(k.bytes()))
                    pending << k.bytes();
            }
            scanning = cursor != "0";
        }
        if (options.limit > 0 && summary.rows + batch.rows.size() >= options.limit) {
            batch.rows.resize(qMax<qsizetype>(0, options.limit - summary.rows));
            scanning = false;
            pending.clear();
            stop = true;
            limited = true;
        }
        summary.rows += batch.rows.size();
        summary.keysSeen = seen.size();
        ++summary.batches;
        batch.keysSeen = seen.size();
        batch.dbSize = summary.dbSize;
        if (!sink(std::move(batch))) {
            summary.error = QStringLiteral("stopped");
            break;
        }
        pacer.afterBatch(batchClock.elapsed(), qMax<qsizetype>(detailKeys, 1), cancel);
    }
    summary.complete = summary.error.isEmpty() && !scanning && pending.isEmpty() && !limited;
    summary.durationMs = elapsed.elapsed();
    summary.pausedMs = pacer.pausedMs();
    return summary;
}

} // namespace sdcore
