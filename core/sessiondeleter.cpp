#include "sessiondeleter.h"

namespace sdcore {

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
                                        const std::atomic_bool *cancel, const Progress &progress)
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
    for (qsizetype from = 0; from < keys.size(); from += MaxBatch) {
        if (cancel && cancel->load()) {
            r.error = QStringLiteral("cancelled");
            break;
        }
        const QList<QByteArray> batch = keys.mid(from, MaxBatch);
        auto n = unlinkBatch(connection, batch, useDel);
        if (!n) {
            r.error = n.errorMessage();
            break;
        }
        r.deleted += *n;
        done += batch.size();
        if (progress)
            progress(done, keys.size());
    }
    r.complete = r.error.isEmpty();
    r.durationMs = clock.elapsed();
    return r;
}

DeleteResult SessionDeleter::deleteMatching(RedisConnection &connection, const QByteArray &pattern, bool dryRun,
                                            const std::atomic_bool *cancel, const Progress &progress,
                                            int sampleCount, int keysPerSecond)
{
    QElapsedTimer clock;
    clock.start();
    DeleteResult r;
    r.mode = DeleteResult::Mode::Pattern;
    r.dryRun = dryRun;
    r.pattern = pattern;
    r.node = connection.url().hosts().value(0);
    if (pattern.isEmpty()) {
        r.error = QStringLiteral("an empty pattern matches nothing");
        return r;
    }
    qint64 dbSize = -1;
    if (auto size = connection.command(Command{"DBSIZE"}); size && size->isInteger())
        dbSize = size->toInteger();
    ScanPacer pacer(1000, 100, MaxBatch, 20, keysPerSecond, true);
    KeySeenSet seen;
    bool useDel = false;
    QByteArray cursor = "0";
    do {
        if (cancel && cancel->load()) {
            r.error = QStringLiteral("cancelled");
            break;
        }
        QElapsedTimer batchClock;
        batchClock.start();
        auto scan = connection.command(
            Command{"SCAN", cursor, "MATCH", pattern, "COUNT", QByteArray::number(pacer.count())});
        if (!scan) {
            r.error = scan.errorMessage();
            break;
        }
        if (scan->size() != 2) {
            r.error = QStringLiteral("unexpected SCAN reply: %1").arg(scan->debugString().left(200));
            break;
        }
        cursor = scan->at(0).bytes();
        QList<QByteArray> batch;
        for (const RedisValue &k : scan->at(1).elements()) {
            if (!seen.insert(k.bytes()))
                continue;
            batch << k.bytes();
            if (r.samples.size() < sampleCount)
                r.samples << k.bytes();
        }
        r.requested += batch.size();
        if (!dryRun && !batch.isEmpty()) {
            auto n = unlinkBatch(connection, batch, useDel);
            if (!n) {
                r.error = n.errorMessage();
                break;
            }
            r.deleted += *n;
        }
        if (progress)
            progress(r.requested, dbSize);
        pacer.afterBatch(batchClock.elapsed(), qMax<qsizetype>(batch.size(), 1), cancel);
    } while (cursor != "0");
    r.complete = r.error.isEmpty();
    r.durationMs = clock.elapsed();
    return r;
}

} // namespace sdcore
