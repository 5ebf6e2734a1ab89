// The session browser's core against a real redis-server: 100,000 seeded sessions counted
// exactly with the right TTL and size buckets, listed once each; deletes that remove exactly the
// chosen keys while another client keeps writing; pattern delete after a dry run, written to the
// audit log; read-only refusing; bad data under the prefix (binary keys and values, odd key
// names, a 20 MB value, non-JSON, a hash, a list, keys expiring mid-scan) shown without a crash;
// reads from a replica of a Sentinel deployment.

#include "core/lab/locallauncher.h"
#include "core/sessions/auditlog.h"
#include "core/sessions/sessionbrowser.h"
#include "core/sessions/sessioncensus.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace sdcore;

namespace {

constexpr int Seeded = 100000;

// TTL class of session i: one per census bucket, "no TTL" included.
qint64 ttlMsOf(int i)
{
    static const qint64 ttls[] = {30000, 300000, 1800000, 5 * 3600000LL, 3 * 86400000LL,
                                  30 * 86400000LL, -1};
    return ttls[i % 7];
}

QByteArray idOf(int i)
{
    return QByteArray("id") + QByteArray::number(i).rightJustified(6, '0');
}

// A connect-redis session; every 10th one carries a 5 KiB cart so two size buckets are used.
QByteArray valueOf(int i)
{
    QByteArray fields = "\"passport\":{\"user\":\"user-" + QByteArray::number(i) + "\"},\"views\":"
        + QByteArray::number(i % 13);
    if (i % 10 == 0)
        fields += ",\"cart\":\"" + QByteArray(5000, 'x') + '"';
    return sessionJson(fields, 86400000, QDateTime(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC));
}

std::unique_ptr<RedisConnection> openOrFail(const RedisUrl &url)
{
    auto c = RedisConnection::open(url);
    if (!c)
        qWarning("%s", qPrintable(c.errorMessage()));
    return c ? std::move(*c) : nullptr;
}

QList<SessionRow> scanAll(RedisConnection &c, ScanOptions options, ScanSummary *summary = nullptr)
{
    QList<SessionRow> rows;
    const ScanSummary s = SessionScanner::scan(c, options, nullptr, [&](ScanBatch &&b) {
        rows << b.rows;
        return true;
    });
    if (summary)
        *summary = s;
    return rows;
}

qint64 existing(RedisConnection &c, const QList<QByteArray> &keys)
{
    QList<Command> cmds;
    for (const QByteArray &k : keys)
        cmds << Command{"EXISTS", k};
    qint64 n = 0;
    for (qsizetype from = 0; from < cmds.size(); from += 5000) {
        auto r = c.pipeline(cmds.mid(from, 5000));
        if (!r)
            return -1;
        for (const RedisValue &v : *r)
            n += v.toInteger();
    }
    return n;
}

} // namespace

class TestSessions : public QObject
{
    Q_OBJECT

    LocalLauncher m_redis;
    std::unique_ptr<RedisConnection> m_conn;
    QList<QByteArray> m_keys;   // the seeded sessions that tests have not deleted

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_redis.startStandalone();
        QVERIFY_OK(s);
        m_conn = openOrFail(m_redis.standaloneUrl());
        QVERIFY(m_conn);
        QList<Command> batch;
        for (int i = 0; i < Seeded; ++i) {
            const QByteArray key = "sess:" + idOf(i);
            m_keys << key;
            const qint64 ttl = ttlMsOf(i);
            if (ttl > 0)
                batch << Command{"SET", key, valueOf(i), "PX", QByteArray::number(ttl)};
            else
                batch << Command{"SET", key, valueOf(i)};
            if (batch.size() == 2000 || i == Seeded - 1) {
                auto r = m_conn->pipeline(batch);
                QVERIFY_OK(r);
                batch.clear();
            }
        }
        // Keys of another prefix must not be counted.
        for (int i = 0; i < 3000; ++i)
            batch << Command{"SET", "cache:" + QByteArray::number(i), "x"};
        QVERIFY(m_conn->pipeline(batch));
    }

    void censusIsExact()
    {
        const CensusResult r = SessionCensus::run(*m_conn, QStringLiteral("sess:"));
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.count, Seeded);
        for (int b = 0; b < CensusResult::TtlBuckets; ++b) {
            // Session i sits in bucket i % 7, and the buckets are in the same order.
            const qint64 expected = Seeded / 7 + (b < Seeded % 7 ? 1 : 0);
            QCOMPARE(r.ttl[b], expected);
        }
        qint64 bytes = 0;
        std::array<qint64, CensusResult::SizeBuckets> sizes{};
        for (int i = 0; i < Seeded; ++i) {
            bytes += valueOf(i).size();
            ++sizes[CensusResult::sizeBucketOf(valueOf(i).size())];
        }
        QCOMPARE(r.totalBytes, bytes);
        QVERIFY(r.sizes == sizes);
        QVERIFY(r.sizes[CensusResult::Under256B] > 0 && r.sizes[CensusResult::Under16K] == Seeded / 10);
        QCOMPARE(r.otherTypes, 0);
    }

    void listReturnsEachKeyOnce()
    {
        ScanSummary summary;
        const QList<SessionRow> rows = scanAll(*m_conn, ScanOptions{}, &summary);
        QVERIFY2(summary.complete, qPrintable(summary.error));
        QCOMPARE(rows.size(), Seeded);
        QSet<QByteArray> keys;
        for (const SessionRow &row : rows) {
            QVERIFY2(!keys.contains(row.key), row.key.constData());
            keys.insert(row.key);
        }
        QCOMPARE(keys, QSet<QByteArray>(m_keys.cbegin(), m_keys.cend()));
        QCOMPARE(summary.dbSize, Seeded + 3000);
        // Each row's details belong to its key.
        for (const SessionRow &row : rows.mid(0, 2000)) {
            const int i = row.key.mid(7).toInt();
            QCOMPARE(row.type, SessionRow::String);
            QCOMPARE(row.size, valueOf(i).size());
            QCOMPARE(row.user, QStringLiteral("user-%1").arg(i));
            if (ttlMsOf(i) < 0)
                QCOMPARE(row.pttlMs, -1);
            else
                QVERIFY(row.pttlMs > 0 && row.pttlMs <= ttlMsOf(i));
        }
    }

    void matchAndLimit()
    {
        ScanOptions options;
        options.match = "id00012*";
        QList<SessionRow> rows = scanAll(*m_conn, options);
        QCOMPARE(rows.size(), 10);
        for (const SessionRow &row : rows)
            QVERIFY(row.key.startsWith("sess:id00012"));
        // The glob always applies to the id after the prefix: one that starts with the prefix
        // means ids that start with it, never the whole key.
        options.match = "sess:id00013?";
        QCOMPARE(scanAll(*m_conn, options).size(), 0);
        QVERIFY(m_conn->command(Command{"SET", "sess:sess:id000130", "{}", "EX", "600"}));
        rows = scanAll(*m_conn, options);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().key, QByteArray("sess:sess:id000130"));
        QVERIFY(m_conn->command(Command{"DEL", "sess:sess:id000130"}));

        options = {};
        options.limit = 50;
        ScanSummary summary;
        rows = scanAll(*m_conn, options, &summary);
        QCOMPARE(rows.size(), 50);
        QVERIFY(!summary.complete);
    }

    void rateLimitPauses()
    {
        ScanOptions options;
        options.keysPerSecond = 50000;
        options.previewBytes = 0;
        ScanSummary summary;
        const QList<SessionRow> rows = scanAll(*m_conn, options, &summary);
        QCOMPARE(rows.size(), Seeded);
        QVERIFY2(summary.pausedMs > 0, "the rate limit never made the scan wait");
    }

    void cancelStopsAScan()
    {
        std::atomic_bool cancel{false};
        ScanOptions options;
        options.scanCount = 100;
        options.maxScanCount = 100;
        int batches = 0;
        const ScanSummary s = SessionScanner::scan(*m_conn, options, &cancel, [&](ScanBatch &&) {
            if (++batches == 3)
                cancel = true;
            return true;
        });
        QCOMPARE(s.error, QStringLiteral("cancelled"));
        QVERIFY(!s.complete);
        QCOMPARE(batches, 3);
        QVERIFY(s.rows < Seeded);
    }

    void deleteExactKeysWhileAnotherClientWrites()
    {
        // 2,500 chosen keys: three UNLINK batches.
        QList<QByteArray> chosen;
        for (int i = 5; i < Seeded && chosen.size() < 2500; i += 37)
            chosen << m_keys.at(i);
        const QSet<QByteArray> chosenSet(chosen.cbegin(), chosen.cend());

        std::atomic_bool stop{false};
        std::atomic<int> written{0};
        const RedisUrl url = m_redis.standaloneUrl();
        std::thread writer([&] {
            auto c = RedisConnection::open(url);
            if (!c)
                return;
            while (!stop) {
                const int n = written;
                if (!(*c)->command(Command{"SET", "sess:writer-" + QByteArray::number(n), valueOf(n), "EX", "600"}))
                    return;
                written = n + 1;
            }
        });
        QTRY_VERIFY(written > 100);
        int progressCalls = 0;
        const DeleteResult r = SessionDeleter::deleteKeys(*m_conn, chosen, nullptr, [&](qint64, qint64 total) {
            ++progressCalls;
            QCOMPARE(total, 2500);
        });
        QTRY_VERIFY(written > 500);
        stop = true;
        writer.join();
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.deleted, 2500);
        QCOMPARE(progressCalls, 3);
        QCOMPARE(existing(*m_conn, chosen), 0);

        QList<QByteArray> rest;
        for (const QByteArray &k : std::as_const(m_keys)) {
            if (!chosenSet.contains(k))
                rest << k;
        }
        QCOMPARE(existing(*m_conn, rest), rest.size());
        QList<QByteArray> writerKeys;
        for (int n = 0; n < written; ++n)
            writerKeys << "sess:writer-" + QByteArray::number(n);
        QCOMPARE(existing(*m_conn, writerKeys), writerKeys.size());
        m_keys = rest;
        auto cleanup = SessionDeleter::deleteKeys(*m_conn, writerKeys);
        QCOMPARE(cleanup.deleted, writerKeys.size());
    }

    void patternDeleteAfterDryRun()
    {
        const QString auditPath = AuditLog::defaultPath();
        const qsizetype auditBefore = AuditLog::read(auditPath).size();
        const QByteArray pattern = SessionScanner::matchPattern("sess:", "id00099*");
        QCOMPARE(pattern, QByteArray("sess:id00099*"));

        const DeleteResult dry = SessionDeleter::previewMatching(*m_conn, "sess:", "id00099*");
        QVERIFY(dry.complete && dry.dryRun);
        QCOMPARE(dry.requested, 10);
        QCOMPARE(dry.keys.size(), 10);
        QCOMPARE(dry.deleted, 0);
        QCOMPARE(dry.samples.size(), 10);
        QCOMPARE(existing(*m_conn, dry.samples), 10);
        QCOMPARE(AuditLog::read(auditPath).size(), auditBefore);   // a dry run is not logged

        // A session created after the preview matches too, and is left.
        QVERIFY(m_conn->command(Command{"SET", "sess:id00099-late", "{}", "EX", "600"}));
        const DeleteResult r = AuditLog::deleteRecorded(*m_conn, dry, QStringLiteral("test"));
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.deleted, 10);
        QCOMPARE(r.alsoMatching, 1);
        QCOMPARE(existing(*m_conn, dry.samples), 0);
        QCOMPARE(existing(*m_conn, {"sess:id00099-late"}), 1);
        QVERIFY(m_conn->command(Command{"DEL", "sess:id00099-late"}));
        const QList<QJsonObject> audit = AuditLog::read(auditPath);
        QCOMPARE(audit.size(), auditBefore + 3);   // begin, one batch, end
        QCOMPARE(audit.at(auditBefore).value("phase").toString(), QStringLiteral("begin"));
        QCOMPARE(audit.at(auditBefore).value("expected").toInt(), 10);
        QCOMPARE(audit.at(auditBefore + 1).value("phase").toString(), QStringLiteral("progress"));
        QCOMPARE(audit.last().value("phase").toString(), QStringLiteral("end"));
        QCOMPARE(audit.last().value("op").toString(), audit.at(auditBefore).value("op").toString());
        QCOMPARE(audit.last().value("action").toString(), QStringLiteral("delete-pattern"));
        QCOMPARE(audit.last().value("pattern").toString(), QStringLiteral("sess:id00099*"));
        QCOMPARE(audit.last().value("deleted").toInt(), 10);
        QCOMPARE(audit.last().value("also_matching_left").toInt(), 1);
        QCOMPARE(QFile(auditPath).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());

        // Everything else is still there.
        QList<QByteArray> rest;
        for (const QByteArray &k : std::as_const(m_keys)) {
            if (!k.startsWith("sess:id00099"))
                rest << k;
        }
        QCOMPARE(existing(*m_conn, rest), rest.size());
        m_keys = rest;
    }

    void browserDeletesAndAudits()
    {
        SessionBrowser browser;
        browser.setTarget(m_redis.standaloneUrl(), QStringLiteral("local test"));
        QSignalSpy finished(&browser, &SessionBrowser::deleteFinished);
        const QList<QByteArray> two{m_keys.at(0), m_keys.at(1)};
        browser.deleteKeys(two);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        const auto r = finished.at(0).at(0).value<DeleteResult>();
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.deleted, 2);
        QVERIFY(r.auditError.isEmpty());
        QCOMPARE(existing(*m_conn, two), 0);
        const QList<QJsonObject> audit = AuditLog::read();
        const QJsonObject begin = audit.at(audit.size() - 3);
        QCOMPARE(begin.value("phase").toString(), QStringLiteral("begin"));
        QCOMPARE(begin.value("connection").toString(), QStringLiteral("local test"));
        QCOMPARE(begin.value("keys").toArray().size(), 2);
        QCOMPARE(audit.last().value("deleted").toInt(), 2);
        m_keys.remove(0, 2);
    }

    void readOnlyRefuses()
    {
        SessionBrowser browser;
        browser.setTarget(m_redis.standaloneUrl(), QStringLiteral("prod"));
        browser.setReadOnly(true);
        const qsizetype auditBefore = AuditLog::read().size();
        QSignalSpy finished(&browser, &SessionBrowser::deleteFinished);
        browser.deleteKeys({m_keys.at(0)});
        DeleteResult preview;
        preview.mode = DeleteResult::Mode::Pattern;
        preview.prefix = "sess:";
        preview.glob = "*";
        preview.pattern = "sess:*";
        preview.keys = m_keys;
        preview.requested = m_keys.size();
        browser.deletePreviewed(preview);
        QTRY_COMPARE(finished.count(), 2);
        for (const auto &args : finished) {
            const auto r = args.at(0).value<DeleteResult>();
            QCOMPARE(r.deleted, 0);
            QVERIFY2(r.error.contains(QStringLiteral("read-only")), qPrintable(r.error));
        }
        QCOMPARE(existing(*m_conn, m_keys), m_keys.size());
        QCOMPARE(AuditLog::read().size(), auditBefore);
        // A dry run reads only, so it is allowed.
        browser.previewPattern("sess:", "id00001*");
        QTRY_COMPARE(finished.count(), 3);
        QCOMPARE(finished.at(2).at(0).value<DeleteResult>().requested, 10);
    }

    void browserStreamsBatches()
    {
        SessionBrowser browser;
        browser.setTarget(m_redis.standaloneUrl(), QStringLiteral("local test"));
        QSignalSpy batches(&browser, &SessionBrowser::scanBatch);
        QSignalSpy finished(&browser, &SessionBrowser::scanFinished);
        const quint64 id = browser.startScan(ScanOptions{});
        QVERIFY(browser.isScanning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY(!browser.isScanning());
        qint64 rows = 0;
        for (const auto &args : batches) {
            QCOMPARE(args.at(0).toULongLong(), id);
            rows += args.at(1).value<ScanBatch>().rows.size();
        }
        QVERIFY(batches.count() > 5);
        QCOMPARE(rows, m_keys.size());
        QCOMPARE(finished.at(0).at(1).value<ScanSummary>().rows, m_keys.size());

        // A second scan replaces the first: nothing more arrives under the old id.
        batches.clear();
        finished.clear();
        ScanOptions slow;
        slow.keysPerSecond = 2000;
        const quint64 first = browser.startScan(slow);
        const quint64 second = browser.startScan(ScanOptions{});
        QVERIFY(second != first);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(finished.at(0).at(0).toULongLong(), second);
        for (const auto &args : batches)
            QCOMPARE(args.at(0).toULongLong(), second);
    }

    // A fast scan and a slow UI thread: the scan waits for the UI to take its batches, so that
    // no more than MaxBatchesInFlight are ever queued for it, and every row still arrives once.
    void scanWaitsForASlowConsumer()
    {
        SessionBrowser browser;
        browser.setTarget(m_redis.standaloneUrl(), QStringLiteral("local test"));
        qint64 taken = 0;
        int batches = 0;
        connect(&browser, &SessionBrowser::scanBatch, this, [&](quint64, const ScanBatch &batch) {
            taken += batch.rows.size();
            ++batches;
            QThread::msleep(10);   // a busy UI thread
        });
        // Small batches, read quickly: the scan is faster than this UI by far.
        ScanOptions fast;
        fast.scanCount = fast.minScanCount = fast.maxScanCount = 100;
        fast.limit = 5000;
        QSignalSpy finished(&browser, &SessionBrowser::scanFinished);
        browser.startScan(fast);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        const ScanSummary summary = finished.at(0).at(1).value<ScanSummary>();
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        QCOMPARE(summary.rows, fast.limit);
        QCOMPARE(taken, fast.limit);
        QVERIFY(batches > 2 * SessionBrowser::MaxBatchesInFlight);
        // The scan was faster than the UI: it got ahead, and was held at the bound.
        QCOMPARE(summary.maxBatchesInFlight, SessionBrowser::MaxBatchesInFlight);

        // Cancelled while it waits for the UI: it ends at once, as cancelled.
        QSignalSpy again(&browser, &SessionBrowser::scanFinished);
        batches = 0;
        taken = 0;
        fast.limit = 0;
        browser.startScan(fast);
        QTRY_VERIFY_WITH_TIMEOUT(batches > 0 && taken > 0, 10000);
        browser.cancelScan();
        QTRY_COMPARE_WITH_TIMEOUT(again.count(), 1, 10000);
        QCOMPARE(again.at(0).at(1).value<ScanSummary>().error, QStringLiteral("cancelled"));
    }

    void badDataIsShownNotFatal()
    {
        const QByteArray huge(20 * 1024 * 1024, 'h');
        const QByteArray binaryKey("bad:bin\0key\xff", 12);
        const QList<QPair<QByteArray, QByteArray>> strings{
            {binaryKey, QByteArray("\x00\x01\x02\xfe\xff session", 13)},
            {"bad:with space", "{\"cookie\":{\"originalMaxAge\":1000},\"user\":\"space\"}"},
            {"bad:new\nline", "plain text, not JSON"},
            {"bad:ünïcödé", "{\"userId\":42}"},
            {"bad:huge", huge},
            {"bad:broken", "{\"cookie\":{\"originalMaxAge\":"},
        };
        for (const auto &kv : strings)
            QVERIFY(m_conn->command(Command{"SET", kv.first, kv.second}));
        QVERIFY(m_conn->command(Command{"HSET", "bad:hash", "user", "hash-user", "cookie", "{}"}));
        QVERIFY(m_conn->command(Command{"RPUSH", "bad:list", "a", "b"}));
        QList<Command> expiring;
        for (int i = 0; i < 3000; ++i)
            expiring << Command{"SET", "bad:exp" + QByteArray::number(i), "x", "PX", QByteArray::number(1 + i % 40)};
        QVERIFY(m_conn->pipeline(expiring));

        ScanOptions options;
        options.prefix = "bad:";
        options.scanCount = 100;
        options.maxScanCount = 100;
        ScanSummary summary;
        const QList<SessionRow> rows = scanAll(*m_conn, options, &summary);
        QVERIFY2(summary.complete, qPrintable(summary.error));
        QMap<QByteArray, SessionRow> byKey;
        for (const SessionRow &r : rows)
            byKey.insert(r.key, r);
        for (const auto &kv : strings)
            QVERIFY2(byKey.contains(kv.first), kv.first.constData());
        QCOMPARE(byKey.value("bad:huge").size, huge.size());
        QCOMPARE(byKey.value("bad:hash").type, SessionRow::Hash);
        QVERIFY(byKey.value("bad:hash").size > 0);   // MEMORY USAGE
        QCOMPARE(byKey.value("bad:list").type, SessionRow::List);
        QCOMPARE(byKey.value("bad:with space").user, QStringLiteral("space"));
        QCOMPARE(byKey.value("bad:ünïcödé").user, QStringLiteral("42"));

        auto fetch = [&](const QByteArray &key, bool whole = false) {
            auto s = SessionBrowser::fetchSession(*m_conn, key, "bad:", whole);
            if (!s)
                qWarning("%s", qPrintable(s.errorMessage()));
            return s ? *s : DecodedSession{};
        };
        const DecodedSession big = fetch("bad:huge");
        QVERIFY(big.truncated);
        QCOMPARE(big.raw.size(), SessionBrowser::PreviewBytes);
        QCOMPARE(big.size, huge.size());
        QCOMPARE(fetch("bad:huge", true).raw.size(), huge.size());
        const DecodedSession bin = fetch(binaryKey);
        QCOMPARE(bin.kind, DecodedSession::Kind::Binary);
        QCOMPARE(bin.key, binaryKey);
        QCOMPARE(fetch("bad:with space").kind, DecodedSession::Kind::ConnectRedis);
        QCOMPARE(fetch("bad:new\nline").kind, DecodedSession::Kind::Text);
        QVERIFY(!fetch("bad:broken").note.isEmpty());
        const DecodedSession hash = fetch("bad:hash");
        QCOMPARE(hash.kind, DecodedSession::Kind::Hash);
        QCOMPARE(hash.user, QStringLiteral("hash-user"));
        QCOMPARE(fetch("bad:list").kind, DecodedSession::Kind::OtherType);
        QCOMPARE(fetch("bad:gone").kind, DecodedSession::Kind::Missing);

        // Exact delete of the binary key removes it and only it.
        const DeleteResult r = SessionDeleter::deleteKeys(*m_conn, {binaryKey});
        QCOMPARE(r.deleted, 1);
        QCOMPARE(existing(*m_conn, {binaryKey, "bad:with space", "bad:huge"}), 2);
        QVERIFY(KeyText::printable(binaryKey).contains(QStringLiteral("\\x00")));
    }

    void delFallbackWithoutUnlink()
    {
        // An ACL user that may DEL but not UNLINK: the deleter falls back and still deletes
        // exactly the chosen keys.
        QVERIFY(m_conn->command(Command{"ACL", "SETUSER", "nounlink", "on", ">Fallback-Pw", "~*", "+@all", "-unlink"}));
        RedisUrl url = m_redis.standaloneUrl();
        url.setUsername(QStringLiteral("nounlink"));
        url.setPassword(QStringLiteral("Fallback-Pw"));
        auto limited = RedisConnection::open(url);
        QVERIFY_OK(limited);
        auto refused = (*limited)->reply(Command{"UNLINK", "nothing"});
        QVERIFY(refused && refused->isError() && refused->bytes().startsWith("NOPERM"));
        const QList<QByteArray> chosen = m_keys.mid(100, 1500);
        const DeleteResult r = SessionDeleter::deleteKeys(**limited, chosen);
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.deleted, 1500);
        QCOMPARE(existing(*m_conn, chosen), 0);
        QCOMPARE(existing(*m_conn, m_keys.mid(0, 100)), 100);
        QCOMPARE(existing(*m_conn, m_keys.mid(1600, 100)), 100);
        m_keys.remove(100, 1500);
    }

    void pacerBacksOffWhenTheServerSlows()
    {
        ScanPacer pacer(1000, 100, 2000, 20, 0, true);
        pacer.afterBatch(10, 1000, nullptr);   // 10 µs a key: the baseline
        QCOMPARE(pacer.pausedMs(), 0);
        const int before = pacer.count();
        pacer.afterBatch(12, 1000, nullptr);   // about as fast: no pause
        QCOMPARE(pacer.pausedMs(), 0);
        pacer.afterBatch(80, 1000, nullptr);   // 8 × slower: pause as long as the batch took
        QVERIFY(pacer.pausedMs() >= 75);
        QVERIFY(pacer.count() < before);
        ScanPacer off(1000, 100, 2000, 20, 0, false);
        off.afterBatch(10, 1000, nullptr);
        off.afterBatch(80, 1000, nullptr);
        QCOMPARE(off.pausedMs(), 0);
    }

    void readsFromAReplica()
    {
        QVERIFY(!MasterResolver::connectReplica(m_redis.standaloneUrl()));
        LocalLauncher cluster;
        auto s = cluster.startSentinelDeployment();
        QVERIFY_OK(s);
        auto master = MasterResolver::connect(cluster.sentinelUrl());
        QVERIFY_OK(master);
        QList<Command> seed;
        for (int i = 0; i < 500; ++i)
            seed << Command{"SET", "sess:" + idOf(i), valueOf(i), "EX", "600"};
        QVERIFY(master->connection->pipeline(seed));
        QVERIFY(master->connection->command(Command{"WAIT", "2", "5000"}));

        SessionBrowser browser;
        browser.setTarget(cluster.sentinelUrl(), QStringLiteral("cluster"));
        browser.setReadFromReplica(true);
        QSignalSpy finished(&browser, &SessionBrowser::scanFinished);
        browser.startScan(ScanOptions{});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const auto summary = finished.at(0).at(1).value<ScanSummary>();
        QVERIFY2(summary.complete, qPrintable(summary.error));
        QCOMPARE(summary.rows, 500);
        QVERIFY(summary.node != master->node);
        auto replica = RedisConnection::open(cluster.sentinelUrl().withNode(summary.node));
        QVERIFY(replica);
        auto role = (*replica)->command(Command{"ROLE"});
        QVERIFY(role && role->at(0).bytes() == "slave");
    }
};

QTEST_GUILESS_MAIN(TestSessions)
#include "tst_sessions.moc"
