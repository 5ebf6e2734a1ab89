#include "core/sessions/sessionscanner.h"

#include "core/redis/scanbound.h"
#include "core/sessions/sessiondecoder.h"

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
    , m_start(m_count)
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
    // A busy server answers slower and then gets smaller batches. Where few keys match the
    // pattern, COUNT grows so that a round trip still brings about `scanCount` keys; where most
    // do, it stays there: small batches keep the keys SCAN just visited in the server's CPU
    // cache for the PTTL and STRLEN that follow (500 measured faster than 2,000 per batch).
    if (ms > m_targetMs * 2)
        m_count = qMax(m_min, m_count / 2);
    else if (keys < m_count / 4)
        m_count = qMin(m_max, m_count * 2);
    else if (keys > m_start && m_count > m_start)
        m_count = qMax(m_start, m_count / 2);

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
    // Never "match alone when it starts with the prefix": `--match 'sess:*'` means ids that
    // start with sess:, and a prefix such as * or [cu] must not widen the walk.
    return escapeGlob(prefix) + (match.isEmpty() ? QByteArray("*") : match);
}

namespace {

// One write on the connection: the SCAN that continues the walk, the details of the keys the
// SCAN before it returned, and TYPE + MEMORY USAGE for the non-string keys found before that.
// While the server works on one round, the scanner reads and decodes the replies of the last.
struct Round
{
    bool scan = false;
    QList<QByteArray> details;
    QList<SessionRow> typed;    // rows waiting for their type

    bool isEmpty() const { return !scan && details.isEmpty() && typed.isEmpty(); }
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
    const bool preview = options.previewBytes > 0;
    const int perKey = preview ? 3 : 2;   // PTTL, STRLEN[, GETRANGE]
    const QByteArray rangeEnd = QByteArray::number(options.previewBytes - 1);

    if (auto size = connection.command(Command{"DBSIZE"}); size && size->isInteger())
        summary.dbSize = size->toInteger();

    ScanPacer pacer(options.scanCount, options.minScanCount, options.maxScanCount,
                    options.targetBatchMs, options.keysPerSecond, options.backoff);
    KeySeenSet seen;
    ScanBound bound(summary.dbSize);
    int lastCount = pacer.count();
    QByteArray cursor = "0";
    bool scanning = true;       // the walk has not reached cursor 0 yet
    bool limited = false;       // stopped at options.limit
    qsizetype outstanding = 0;  // replies written for and not read yet
    QList<SessionRow> untyped;  // non-string rows waiting for a round to carry their TYPE

    const auto send = [&](const Round &round) {
        QList<Command> commands;
        commands.reserve(1 + round.details.size() * perKey + round.typed.size() * 2);
        if (round.scan) {
            lastCount = pacer.count();
            commands << Command{"SCAN", cursor, "MATCH", pattern, "COUNT", QByteArray::number(lastCount)};
        }
        for (const QByteArray &key : round.details) {
            commands << Command{"PTTL", key} << Command{"STRLEN", key};
            if (preview)
                commands << Command{"GETRANGE", key, "0", rangeEnd};
        }
        for (const SessionRow &row : round.typed)
            commands << Command{"TYPE", row.key} << Command{"MEMORY", "USAGE", row.key, "SAMPLES", "0"};
        const Status written = connection.write(commands);
        if (!written) {
            summary.error = written.errorMessage();
            return false;
        }
        outstanding += commands.size();
        return true;
    };
    const auto next = [&]() {
        auto reply = connection.receive();
        if (reply)
            --outstanding;
        else if (summary.error.isEmpty())
            summary.error = reply.errorMessage();
        return reply;
    };

    Round current;
    current.scan = true;
    QElapsedTimer batchClock;
    batchClock.start();
    bool ok = send(current);
    while (ok) {
        if (cancel && cancel->load()) {
            summary.error = QStringLiteral("cancelled");
            break;
        }
        // 1. The SCAN reply comes first: it says what the next round asks for, so that round
        //    goes out before this one's details are decoded.
        QList<QByteArray> fresh;
        if (current.scan) {
            auto scan = next();
            if (!scan)
                break;
            if (scan->isError() || scan->size() != 2) {
                summary.error = scan->isError() ? connection.errorFromReply(*scan, Command{"SCAN"}).message
                                                : QStringLiteral("unexpected SCAN reply: %1").arg(scan->debugString().left(200));
                break;
            }
            cursor = scan->at(0).bytes();
            for (const RedisValue &k : scan->at(1).elements()) {
                if (seen.insert(k.bytes()))
                    fresh << k.bytes();
            }
            scanning = cursor != "0";
            if (!bound.step(cursor, lastCount, seen.size())) {
                summary.error = bound.error();
                break;
            }
        }
        Round following;
        following.scan = current.scan && scanning;
        following.details = std::move(fresh);
        following.typed = std::move(untyped);
        untyped.clear();
        const bool sent = !following.isEmpty();
        if (sent && !send(following))
            break;

        // 2. This round's details and types, decoded while the server works on the next.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        ScanBatch batch;
        batch.rows.reserve(current.details.size() + current.typed.size());
        bool failed = false;
        for (const QByteArray &key : std::as_const(current.details)) {
            auto pttl = next();
            auto len = pttl ? next() : pttl;
            auto head = len && preview ? next() : len;
            if (!pttl || !len || !head) {
                failed = true;
                break;
            }
            if (pttl->isError() && (pttl->bytes().startsWith("MOVED ") || pttl->bytes().startsWith("ASK "))) {
                // A cluster slot in migration: the key is read where it lives by the caller.
                summary.redirected << key;
                continue;
            }
            if (pttl->isError()) {
                if (summary.error.isEmpty())
                    summary.error = connection.errorFromReply(*pttl, Command{"PTTL"}).message;
                failed = true;
                continue;   // keep reading, so the connection stays in step
            }
            if (pttl->toInteger() == -2) {
                ++summary.vanished;
                continue;
            }
            SessionRow row;
            row.key = key;
            row.pttlMs = pttl->toInteger();
            row.fetchedAtMs = now;
            if (len->isInteger()) {
                row.size = len->toInteger();
                if (preview && head->isBulk())
                    row.user = SessionDecoder::quickUser(head->bytes());
                batch.rows << std::move(row);
            } else {
                untyped << std::move(row);   // WRONGTYPE: not a string; typed next round
            }
        }
        for (SessionRow &row : current.typed) {
            if (failed)
                break;
            auto type = next();
            auto memory = type ? next() : type;
            if (!type || !memory) {
                failed = true;
                break;
            }
            // A key whose TYPE is now "none" vanished in between; kept as the scan saw it.
            row.type = SessionRow::typeFromName(type->bytes());
            if (memory->isInteger())
                row.size = memory->toInteger();
            batch.rows << std::move(row);
        }
        if (failed)
            break;

        if (options.limit > 0 && summary.rows + batch.rows.size() >= options.limit) {
            batch.rows.resize(qMax<qsizetype>(0, options.limit - summary.rows));
            limited = true;
        }
        summary.rows += batch.rows.size();
        summary.keysSeen = seen.size();
        ++summary.batches;
        batch.keysSeen = seen.size();
        batch.dbSize = summary.dbSize;
        if (!batch.rows.isEmpty() || !sent) {
            if (!sink(std::move(batch))) {
                summary.error = QStringLiteral("stopped");
                break;
            }
        }
        if (limited)
            break;
        pacer.afterBatch(batchClock.elapsed(), qMax<qsizetype>(current.details.size(), 1), cancel);
        batchClock.restart();
        if (!sent) {
            if (untyped.isEmpty())
                break;   // the walk is over and every row delivered
            current = Round{};
            current.typed = std::move(untyped);
            untyped.clear();
            ok = send(current);
            continue;
        }
        current = std::move(following);
    }
    // Leave the connection usable: read what is still on its way.
    while (outstanding > 0 && !connection.isBroken()) {
        if (!connection.receive())
            break;
        --outstanding;
    }
    summary.complete = summary.error.isEmpty() && !scanning && !limited && untyped.isEmpty();
    summary.durationMs = elapsed.elapsed();
    summary.pausedMs = pacer.pausedMs();
    return summary;
}

} // namespace sdcore
