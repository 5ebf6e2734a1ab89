#include "core/sessions/sessiondeleter.h"

#include "core/redis/scanbound.h"
#include "core/sessions/sessiondecoder.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <QCryptographicHash>
#include <QSet>

#include <algorithm>

namespace sdcore {

QString DeleteResult::fingerprint() const
{
    return fingerprintOf(keys);
}

QString DeleteResult::fingerprintOf(QList<QByteArray> keys)
{
    std::sort(keys.begin(), keys.end());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QByteArray &k : std::as_const(keys)) {
        const quint32 n = quint32(k.size());
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&n), sizeof n));
        hash.addData(k);
    }
    return QStringLiteral("%1:%2").arg(keys.size()).arg(QString::fromLatin1(hash.result().toHex().left(16)));
}

namespace {

// Sends UNLINK (or DEL once UNLINK proved unknown) for `keys`; returns how many were removed.
Result<qint64> unlinkBatch(RedisConnection &connection, const QList<QByteArray> &keys, bool &useDel)
{
    Command argv;
    argv.reserve(keys.size() + 1);
    argv << (useDel ? QByteArray("DEL") : QByteArray("UNLINK"));
    argv << keys;
    auto reply = connection.reply(argv);
    if (!reply)
        return reply.error();
    // Servers before 4.0 have no UNLINK; an ACL user may be allowed DEL but not UNLINK.
    if (reply->isError() && !useDel
        && (reply->bytes().startsWith("ERR unknown command") || reply->bytes().startsWith("NOPERM"))) {
        useDel = true;
        argv[0] = "DEL";
        reply = connection.reply(argv);
        if (!reply)
            return reply.error();
    }
    if (reply->isError())
        return connection.errorFromReply(*reply, Command{argv.at(0)});
    if (!reply->isInteger())
        return makeError(ErrorKind::Protocol, QStringLiteral("unexpected reply to %1: %2")
                                                  .arg(QString::fromLatin1(argv.at(0)), reply->debugString()));
    return reply->toInteger();
}

} // namespace

DeleteResult SessionDeleter::deleteKeys(RedisConnection &connection, const QList<QByteArray> &keys,
                                        const std::atomic_bool *cancel, const Progress &progress,
                                        const BatchDone &batchDone, int keysPerSecond)
{
    QElapsedTimer clock;
    clock.start();
    DeleteResult r;
    r.mode = DeleteResult::Mode::Keys;
    r.keys = keys;
    r.requested = keys.size();
    r.node = connection.url().hosts().value(0);
    bool useDel = false;
    qint64 done = 0;
    // A fixed batch size (the pacer only sleeps for the rate limit) keeps the audit trail's
    // progress entries one per MaxBatch keys.
    ScanPacer pacer(MaxBatch, MaxBatch, MaxBatch, 20, keysPerSecond, false);
    for (qsizetype from = 0; from < keys.size(); from += MaxBatch) {
        if (cancel && cancel->load()) {
            r.error = QStringLiteral("cancelled");
            break;
        }
        QElapsedTimer batchClock;
        batchClock.start();
        const QList<QByteArray> batch = keys.mid(from, MaxBatch);
        auto n = unlinkBatch(connection, batch, useDel);
        if (!n) {
            r.error = n.errorMessage();
            break;
        }
        r.deleted += *n;
        done += batch.size();
        if (batchDone)
            batchDone(r.deleted, done);
        if (progress)
            progress(done, keys.size());
        if (keysPerSecond > 0 && from + MaxBatch < keys.size())
            pacer.afterBatch(batchClock.elapsed(), batch.size(), cancel);
    }
    r.complete = r.error.isEmpty();
    r.durationMs = clock.elapsed();
    return r;
}

namespace {

// Walks SCAN MATCH `pattern` once; calls `found` with each distinct key. Empty on success, else
// why it stopped ("cancelled" included).
QString walkMatching(RedisConnection &connection, const QByteArray &pattern, const std::atomic_bool *cancel,
                     int keysPerSecond, const std::function<void(const QByteArray &key)> &found,
                     const std::function<void(qint64 seen, qint64 dbSize)> &progress)
{
    qint64 dbSize = -1;
    if (auto size = connection.command(Command{"DBSIZE"}); size && size->isInteger())
        dbSize = size->toInteger();
    ScanPacer pacer(1000, 100, SessionDeleter::MaxBatch, 20, keysPerSecond, true);
    ScanBound bound(dbSize);
    KeySeenSet seen;
    QByteArray cursor = "0";
    do {
        if (cancel && cancel->load())
            return QStringLiteral("cancelled");
        QElapsedTimer batchClock;
        batchClock.start();
        const int count = pacer.count();
        auto scan = connection.command(Command{"SCAN", cursor, "MATCH", pattern, "COUNT", QByteArray::number(count)});
        if (!scan)
            return scan.errorMessage();
        if (scan->size() != 2)
            return QStringLiteral("unexpected SCAN reply: %1").arg(scan->debugString().left(200));
        cursor = scan->at(0).bytes();
        qint64 fresh = 0;
        for (const RedisValue &k : scan->at(1).elements()) {
            if (!seen.insert(k.bytes()))
                continue;
            ++fresh;
            found(k.bytes());
        }
        if (!bound.step(cursor, count, seen.size()))
            return bound.error();
        if (progress)
            progress(seen.size(), dbSize);
        pacer.afterBatch(batchClock.elapsed(), qMax<qint64>(fresh, 1), cancel);
    } while (cursor != "0");
    return {};
}

} // namespace

DeleteResult SessionDeleter::previewMatching(RedisConnection &connection, const QByteArray &prefix,
                                             const QByteArray &glob, const std::atomic_bool *cancel,
                                             const Progress &progress, int sampleCount, int keysPerSecond)
{
    QElapsedTimer clock;
    clock.start();
    DeleteResult r;
    r.mode = DeleteResult::Mode::Pattern;
    r.dryRun = true;
    r.prefix = prefix;
    r.glob = glob;
    r.node = connection.url().hosts().value(0);
    if (glob.isEmpty()) {
        r.error = QStringLiteral("an empty pattern matches nothing: give a glob for the session ids, "
                                 "such as * for every session");
        return r;
    }
    r.pattern = SessionScanner::matchPattern(prefix, glob);
    r.error = walkMatching(
        connection, r.pattern, cancel, keysPerSecond,
        [&](const QByteArray &key) {
            r.keys << key;
            if (r.samples.size() < sampleCount)
                r.samples << key;
        },
        progress);
    r.requested = r.keys.size();
    r.complete = r.error.isEmpty();
    r.durationMs = clock.elapsed();
    return r;
}

QStringList SessionDeleter::userNames(const SessionRow &row, const RedisValue &value, const QByteArray &prefix)
{
    QStringList names;
    if (row.type == SessionRow::String && value.isBulk()) {
        const QJsonDocument doc = QJsonDocument::fromJson(value.bytes());
        if (doc.isObject())
            names = SessionDecoder::userIdentities(doc.object());
    } else if (row.type == SessionRow::Hash && value.isArray()) {
        QList<QByteArray> flat;
        for (const RedisValue &e : value.elements())
            flat << e.bytes();
        const DecodedSession d = SessionDecoder::decodeHash(row.key, prefix, flat);
        if (!d.user.isEmpty())
            names << d.user;
    }
    return names;
}

Command SessionDeleter::userReadCommand(const SessionRow &row)
{
    if (row.type == SessionRow::String)
        return Command{"GET", row.key};
    if (row.type == SessionRow::Hash)
        return Command{"HGETALL", row.key};
    return {};
}

DeleteResult SessionDeleter::previewUser(RedisConnection &scan, RedisConnection &read, const QByteArray &prefix,
                                         const QString &user, const std::atomic_bool *cancel,
                                         const Progress &progress, int sampleCount, int keysPerSecond)
{
    QElapsedTimer clock;
    clock.start();
    DeleteResult r;
    r.mode = DeleteResult::Mode::Keys;
    r.dryRun = true;
    r.prefix = prefix;
    r.user = user;
    r.node = scan.url().hosts().value(0);
    if (user.isEmpty()) {
        r.error = QStringLiteral("an empty user name matches nothing: give the user as the User column shows it");
        return r;
    }
    ScanOptions options;
    options.prefix = prefix;
    options.previewBytes = 0;
    options.keysPerSecond = keysPerSecond;
    QString readError;
    const ScanSummary summary = SessionScanner::scan(scan, options, cancel, [&](ScanBatch &&batch) {
        QList<Command> commands;
        QList<const SessionRow *> rows;
        for (const SessionRow &row : std::as_const(batch.rows)) {
            const Command get = userReadCommand(row);
            if (get.isEmpty())
                continue;
            commands << get;
            rows << &row;
        }
        auto replies = read.pipeline(commands);
        if (!replies) {
            readError = replies.errorMessage();
            return false;
        }
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const QStringList names = userNames(*rows.at(i), replies->at(i), prefix);
            if (!names.contains(user))
                continue;
            r.keys << rows.at(i)->key;
            if (r.samples.size() < sampleCount)
                r.samples << rows.at(i)->key;
        }
        if (progress)
            progress(batch.keysSeen, batch.dbSize);
        return true;
    });
    r.error = !readError.isEmpty() ? readError : summary.error;
    r.requested = r.keys.size();
    r.complete = r.error.isEmpty() && summary.complete;
    r.durationMs = clock.elapsed();
    return r;
}

DeleteResult SessionDeleter::deletePreviewed(RedisConnection &connection, const DeleteResult &preview,
                                             const std::atomic_bool *cancel, const Progress &progress,
                                             const BatchDone &batchDone, int keysPerSecond)
{
    QElapsedTimer clock;
    clock.start();
    DeleteResult r = deleteKeys(connection, preview.keys, cancel, progress, batchDone, keysPerSecond);
    r.mode = preview.mode;
    r.prefix = preview.prefix;
    r.glob = preview.glob;
    r.pattern = preview.pattern;
    r.user = preview.user;
    r.samples = preview.samples;
    if (r.complete && preview.mode == DeleteResult::Mode::Pattern && !preview.pattern.isEmpty()) {
        // What matches now and was not shown: created since the preview; left alone.
        QSet<QByteArray> shown(preview.keys.cbegin(), preview.keys.cend());
        qint64 more = 0;
        const QString stopped = walkMatching(
            connection, preview.pattern, cancel, keysPerSecond,
            [&](const QByteArray &key) {
                if (!shown.contains(key))
                    ++more;
            },
            {});
        r.alsoMatching = stopped.isEmpty() ? more : -1;
    }
    r.durationMs = clock.elapsed();
    return r;
}

} // namespace sdcore
