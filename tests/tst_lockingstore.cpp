// The locking store against a real redis-server: the merge keeps each request's changes to
// different properties, two writers in parallel threads lose none of each other's changes, a
// destroyed session stays destroyed when a parallel request writes late, an unchanged session is
// not written, and a lock held by another owner is waited for, not taken.

#include "core/lab/locallauncher.h"
#include "core/store/lockingsessionstore.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <atomic>
#include <thread>

using namespace sdcore;

class TestLockingStore : public QObject
{
    Q_OBJECT

    LocalLauncher m_redis;
    std::unique_ptr<RedisConnection> m_raw;

    QJsonObject stored(const QByteArray &key)
    {
        auto v = m_raw->command(Command{"GET", key});
        return v && v->isBulk() ? QJsonDocument::fromJson(v->bytes()).object() : QJsonObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_redis.startStandalone());
        auto c = RedisConnection::open(m_redis.standaloneUrl());
        QVERIFY(c);
        m_raw = std::move(*c);
    }

    void mergeAppliesOnlyThisRequestsChanges()
    {
        const QByteArray original = "{\"cookie\":{\"path\":\"/\"},\"a\":1,\"b\":{\"x\":[1,\"}\"]},\"gone\":true}";
        const QByteArray mine = "{\"cookie\":{\"path\":\"/\"},\"a\":2,\"b\":{\"x\":[1,\"}\"]},\"new\":\"n\"}";
        const QByteArray current = "{\"cookie\":{\"path\":\"/\"},\"a\":1,\"b\":{\"x\":[9]},\"gone\":true,\"other\":5}";
        const auto merged = LockingSessionStore::merge(original, mine, current);
        QVERIFY(merged);
        // a changed here; b changed elsewhere (kept); gone removed here; other added elsewhere; new added here.
        QCOMPARE(*merged, QByteArray("{\"cookie\":{\"path\":\"/\"},\"a\":2,\"b\":{\"x\":[9]},\"other\":5,\"new\":\"n\"}"));
        QVERIFY(!LockingSessionStore::merge("not json", mine, current));
        QVERIFY(!LockingSessionStore::merge(original, mine, "{\"a\":"));
    }

    void parallelWritersKeepEachOthersChanges()
    {
        const RedisUrl url = m_redis.standaloneUrl();
        {
            LockingSessionStore setup(url);
            for (int s = 0; s < 20; ++s)
                QVERIFY(setup.set("p" + QByteArray::number(s), "{\"cookie\":{},\"a\":0,\"b\":0}"));
        }
        // Two "app instances", each its own store and connection, each incrementing its own
        // property of the same 20 sessions 15 times, interleaved as parallel requests would be.
        std::atomic_int failures{0};
        const auto writer = [&](const QByteArray &property) {
            LockOptions lock;
            lock.retryTimeMs = 5;
            LockingSessionStore store(url, {}, lock);
            for (int round = 0; round < 15; ++round) {
                for (int s = 0; s < 20; ++s) {
                    const QByteArray sid = "p" + QByteArray::number(s);
                    auto got = store.get(sid);
                    if (!got || !got->has_value()) {
                        ++failures;
                        continue;
                    }
                    // Read, modify, write: a change another request overwrote would be lost for good.
                    QJsonObject o = QJsonDocument::fromJson(**got).object();
                    const QString name = QString::fromUtf8(property);
                    o[name] = o.value(name).toInt() + 1;
                    std::this_thread::sleep_for(std::chrono::microseconds(200));   // the request's work
                    if (!store.set(sid, QJsonDocument(o).toJson(QJsonDocument::Compact)))
                        ++failures;
                }
            }
        };
        std::thread a(writer, QByteArray("a"));
        std::thread b(writer, QByteArray("b"));
        a.join();
        b.join();
        QCOMPARE(failures.load(), 0);
        for (int s = 0; s < 20; ++s) {
            const QJsonObject o = stored("sess:p" + QByteArray::number(s));
            QCOMPARE(o.value("a").toInt(), 15);
            QCOMPARE(o.value("b").toInt(), 15);
        }
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:lock:p0"})->toInteger(), 0);   // locks released
    }

    void destroyedStaysDestroyed()
    {
        LockOptions lock;
        lock.deleteExpiryMs = 800;
        LockingSessionStore first(m_redis.standaloneUrl(), {}, lock);
        LockingSessionStore second(m_redis.standaloneUrl(), {}, lock);
        QVERIFY(first.set("d", "{\"cookie\":{},\"n\":1}"));
        QVERIFY(first.get("d")->has_value());
        QVERIFY(second.get("d")->has_value());
        QVERIFY(second.destroy("d"));   // logout in one request…
        QVERIFY(first.set("d", "{\"cookie\":{},\"n\":2}"));   // …a slower parallel request writes late
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:d"})->toInteger(), 0);
        QVERIFY(m_raw->command(Command{"PTTL", "sess:tomb:d"})->toInteger() > 0);
        // ids() leaves the tombstone out.
        const auto ids = first.ids();
        QVERIFY(ids && !ids->contains("tomb:d"));
        // Once the tombstone is gone, the id can be used again.
        QTest::qWait(900);
        QVERIFY(first.set("d", "{\"cookie\":{},\"n\":3}"));
        QCOMPARE(stored("sess:d").value("n").toInt(), 3);
    }

    void unchangedIsNotWritten()
    {
        LockingSessionStore store(m_redis.standaloneUrl());
        QVERIFY(store.set("u", "{\"cookie\":{},\"n\":1}"));
        QVERIFY(m_raw->command(Command{"EXPIRE", "sess:u", "77"}));
        QVERIFY(store.get("u")->has_value());
        QVERIFY(store.set("u", "{\"cookie\":{},\"n\":1}"));
        QCOMPARE(store.unchangedSkips(), 1);
        QVERIFY(m_raw->command(Command{"TTL", "sess:u"})->toInteger() <= 77);   // no SET happened
        QVERIFY(store.set("u", "{\"cookie\":{},\"n\":2}"));
        QCOMPARE(m_raw->command(Command{"TTL", "sess:u"})->toInteger(), 86400);
    }

    void waitsForAnotherOwnersLock()
    {
        QVERIFY(m_raw->command(Command{"SET", "sess:lock:w", "someone-else", "PX", "300"}));
        LockOptions lock;
        lock.retryTimeMs = 20;
        LockingSessionStore store(m_redis.standaloneUrl(), {}, lock);
        QElapsedTimer t;
        t.start();
        QVERIFY(store.set("w", "{\"cookie\":{},\"n\":1}"));
        QVERIFY2(t.elapsed() >= 200, "wrote while another owner held the lock");
        QCOMPARE(stored("sess:w").value("n").toInt(), 1);
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:lock:w"})->toInteger(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLockingStore)
#include "tst_lockingstore.moc"
