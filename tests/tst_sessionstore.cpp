// The store chain's stores against real Redis: RedisSessionStore writes what connect-redis
// writes (key, value byte for byte, TTL from cookie.expires or the default, a past expiry
// deleting the key, disableTTL and disableTouch), walks 10,000 sessions with SCAN and MGET, and
// behind a Sentinel URL follows a failover; MemorySessionStore expires sessions by TTL.

#include "core/lab/locallauncher.h"
#include "core/sentinel/sentinelclient.h"
#include "core/store/failoversessionstore.h"
#include "core/store/masterfollower.h"
#include "core/store/memorysessionstore.h"
#include "core/store/redissessionstore.h"
#include "core/support/jsontext.h"
#include "tests/support/testsupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <thread>

using namespace sdcore;

namespace {

// `extra`: more members after the cookie, each with its leading comma.
QByteArray sessionExpiringIn(qint64 seconds, const QByteArray &extra = {})
{
    return sessionJson(extra.startsWith(',') ? extra.mid(1) : extra, seconds * 1000);
}

} // namespace

class TestSessionStore : public QObject
{
    Q_OBJECT

    LocalLauncher m_redis;
    std::unique_ptr<RedisConnection> m_raw;

    qint64 ttlOf(const QByteArray &key)
    {
        auto r = m_raw->command(Command{"TTL", key});
        return r ? r->toInteger() : -100;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_redis.startStandalone();
        QVERIFY_OK(s);
        auto c = RedisConnection::open(m_redis.standaloneUrl());
        QVERIFY(c);
        m_raw = std::move(*c);
    }

    void ttlRule_data()
    {
        QTest::addColumn<QByteArray>("session");
        QTest::addColumn<qint64>("ttl");   // -100: an error
        const QDateTime now = QDateTime::fromString(QStringLiteral("2026-11-24T12:00:00.000Z"), Qt::ISODateWithMs);
        Q_UNUSED(now);
        QTest::newRow("js date") << QByteArray("{\"cookie\":{\"expires\":\"2026-11-24T13:00:00.500Z\"}}") << qint64(3601);
        QTest::newRow("leap day") << QByteArray("{\"cookie\":{\"expires\":\"2028-02-29T12:00:00.000Z\"}}") << qint64(462 * 86400);   // 365 + 92 + 5 days
        QTest::newRow("other date form") << QByteArray("{\"cookie\":{\"expires\":\"2026-11-24T12:01:00+00:00\"}}") << qint64(60);
        QTest::newRow("escaped") << QByteArray("{\"cookie\":{\"expires\":\"2026-11-24T12:00:10.000\\u005a\"}}") << qint64(10);
        QTest::newRow("ms number") << QByteArray("{\"cookie\":{\"expires\":1795521620000}}") << qint64(1795521620000LL / 1000 - 1795521600000LL / 1000);
        QTest::newRow("past") << QByteArray("{\"cookie\":{\"expires\":\"2026-11-24T11:00:00.000Z\"}}") << qint64(-3600);
        QTest::newRow("garbage date") << QByteArray("{\"cookie\":{\"expires\":\"soon\"}}") << qint64(0);
        QTest::newRow("null") << QByteArray("{\"cookie\":{\"expires\":null}}") << qint64(86400);
        QTest::newRow("empty string") << QByteArray("{\"cookie\":{\"expires\":\"\"}}") << qint64(86400);
        QTest::newRow("zero") << QByteArray("{\"cookie\":{\"expires\":0}}") << qint64(86400);
        QTest::newRow("no cookie") << QByteArray("{\"views\":1}") << qint64(86400);
        QTest::newRow("cookie not object") << QByteArray("{\"cookie\":\"x\"}") << qint64(86400);
        QTest::newRow("nested expires ignored") << QByteArray("{\"a\":{\"cookie\":{\"expires\":1}},\"cookie\":{}}") << qint64(86400);
        QTest::newRow("not json") << QByteArray("not json") << qint64(-100);
        QTest::newRow("array") << QByteArray("[1,2]") << qint64(-100);
        QTest::newRow("bad literal") << QByteArray("{\"a\":tru}") << qint64(-100);
        QTest::newRow("truncated") << QByteArray("{\"cookie\":{\"expires\":\"2026") << qint64(-100);
        QTest::newRow("trailing") << QByteArray("{} x") << qint64(-100);
        QTest::newRow("control char") << QByteArray("{\"a\":\"\x01\"}") << qint64(-100);
    }

    void ttlRule()
    {
        QFETCH(QByteArray, session);
        QFETCH(qint64, ttl);
        const QDateTime now = QDateTime::fromString(QStringLiteral("2026-11-24T12:00:00.000Z"), Qt::ISODateWithMs);
        const auto r = SessionStore::ttlSeconds(session, 86400, now);
        if (ttl == -100) {
            QVERIFY(!r);
            QVERIFY(r.errorMessage().startsWith(QStringLiteral("The session is")));
        } else {
            QVERIFY_OK(r);
            QCOMPARE(*r, ttl);
        }
        QCOMPARE(JsonText::isValid(session), ttl != -100 || session == "[1,2]");
    }

    void writesWhatConnectRedisWrites()
    {
        RedisSessionStore store(m_redis.standaloneUrl());
        // Key order and spacing are the app's: kept byte for byte.
        const QByteArray session = sessionExpiringIn(3600, ",\"zeta\":1,\"alpha\":{\"b\":2,\"a\":1},\"pi\":3.140");
        QVERIFY(store.set("abc", session));
        QCOMPARE(m_raw->command(Command{"GET", "sess:abc"})->bytes(), session);
        const qint64 ttl = ttlOf("sess:abc");
        QVERIFY2(ttl == 3600 || ttl == 3599, qPrintable(QString::number(ttl)));
        auto got = store.get("abc");
        QVERIFY(got && got->has_value());
        QCOMPARE(**got, session);
        QVERIFY(store.get("missing") && !store.get("missing")->has_value());

        // No cookie.expires: the default TTL (86400 s), or the option's.
        QVERIFY(store.set("plain", "{\"views\":1}"));
        QCOMPARE(ttlOf("sess:plain"), 86400);
        RedisStoreOptions options;
        options.ttl = 120;
        options.prefix = "app1:";
        RedisSessionStore custom(m_redis.standaloneUrl(), options);
        QVERIFY(custom.set("x", "{\"cookie\":{\"expires\":null}}"));
        QCOMPARE(ttlOf("app1:x"), 120);

        // An expiry in the past deletes the key instead of writing it.
        QVERIFY(store.set("abc", sessionExpiringIn(-5)));
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:abc"})->toInteger(), 0);

        // touch is EXPIRE with the same rule.
        QVERIFY(store.set("t", sessionExpiringIn(100)));
        QVERIFY(store.touch("t", sessionExpiringIn(5000)));
        QVERIFY(ttlOf("sess:t") > 4990);

        // Not JSON, or not an object: an error, nothing written.
        QVERIFY(!store.set("bad", "not json"));
        QVERIFY(!store.set("bad", "[1,2]"));
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:bad"})->toInteger(), 0);

        QVERIFY(store.destroy("t"));
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:t"})->toInteger(), 0);
    }

    void disableTtlAndTouch()
    {
        RedisStoreOptions noTtl;
        noTtl.disableTTL = true;
        RedisSessionStore a(m_redis.standaloneUrl(), noTtl);
        QVERIFY(a.set("nottl", sessionExpiringIn(600)));
        QCOMPARE(ttlOf("sess:nottl"), -1);
        QVERIFY(a.touch("nottl", sessionExpiringIn(600)));
        QCOMPARE(ttlOf("sess:nottl"), -1);
        QVERIFY(a.set("nottl", sessionExpiringIn(-1)));   // still deleted when expired
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:nottl"})->toInteger(), 0);

        RedisStoreOptions noTouch;
        noTouch.disableTouch = true;
        RedisSessionStore b(m_redis.standaloneUrl(), noTouch);
        QVERIFY(b.set("notouch", sessionExpiringIn(600)));
        QVERIFY(b.touch("notouch", sessionExpiringIn(9000)));
        QVERIFY(ttlOf("sess:notouch") <= 600);
    }

    void allOverTenThousandSessions()
    {
        RedisStoreOptions options;
        options.prefix = "bulk:";
        RedisSessionStore store(m_redis.standaloneUrl(), options);
        QList<Command> seed;
        for (int i = 0; i < 10000; ++i)
            seed << Command{"SET", "bulk:s" + QByteArray::number(i), "{\"n\":" + QByteArray::number(i) + "}", "EX", "600"};
        QVERIFY(m_raw->pipeline(seed));
        QVERIFY(m_raw->command(Command{"SET", "other:keep", "1"}));

        QCOMPARE(*store.length(), 10000);
        const auto ids = store.ids();
        QVERIFY(ids);
        QCOMPARE(QSet<QByteArray>(ids->cbegin(), ids->cend()).size(), 10000);
        const auto all = store.all();
        QVERIFY_OK(all);
        QCOMPARE(all->size(), 10000);
        for (const StoredSession &s : *all)
            QCOMPARE(s.json, "{\"n\":" + s.id.mid(1) + "}");

        QVERIFY(store.clear());
        QCOMPARE(*store.length(), 0);
        QCOMPARE(m_raw->command(Command{"EXISTS", "other:keep"})->toInteger(), 1);
    }

    void memoryStoreExpires()
    {
        MemorySessionStore store;
        qint64 now = QDateTime::currentMSecsSinceEpoch();
        store.setClock([&now] { return now; });
        QVERIFY(store.set("a", sessionExpiringIn(10)));
        QVERIFY(store.set("b", "{\"views\":2}"));   // default TTL: a day
        QCOMPARE(*store.length(), 2);
        QVERIFY(store.get("a")->has_value());
        now += 11000;
        QVERIFY(!store.get("a")->has_value());
        QCOMPARE(*store.length(), 1);
        QVERIFY(store.touch("b", "{}"));
        now += 86000 * 1000LL;
        QVERIFY(store.get("b")->has_value());
        now += 1000 * 1000LL;
        QVERIFY(!store.get("b")->has_value());
        QVERIFY(!store.set("c", "nope"));
        QVERIFY(store.set("c", sessionExpiringIn(-1)));
        QCOMPARE(*store.length(), 0);
    }

    void chainFailsOverAndBack()
    {
        LocalLauncher a, b;
        QVERIFY(a.startStandalone());
        QVERIFY(b.startStandalone());
        RedisStoreOptions fast;
        fast.connection.connectTimeoutMs = fast.connection.commandTimeoutMs = 300;
        auto storeA = std::make_unique<RedisSessionStore>(a.standaloneUrl(), fast, QStringLiteral("A"));
        auto storeB = std::make_unique<RedisSessionStore>(b.standaloneUrl(), fast, QStringLiteral("B"));
        std::vector<StoreTier> tiers;
        auto checkA = storeA->healthCheck();
        auto checkB = storeB->healthCheck();
        tiers.push_back({std::move(storeA), checkA});
        tiers.push_back({std::move(storeB), checkB});
        tiers.push_back({std::make_unique<MemorySessionStore>(), {}});
        FailoverSessionStore chain(std::move(tiers), ChainOptions{true, 100});
        QList<StoreSwitch> heard;
        chain.setSwitchListener([&heard](const StoreSwitch &s) { heard << s; });

        QVERIFY(chain.set("s1", "{\"n\":1}"));
        QCOMPARE(chain.lastServedBy(), 0);
        QVERIFY(a.kill(0));
        QVERIFY(chain.set("s2", "{\"n\":2}"));
        QCOMPARE(chain.lastServedBy(), 1);
        QCOMPARE(heard.size(), 1);
        QCOMPARE(heard.last().fromName, QStringLiteral("A"));
        QCOMPARE(heard.last().toName, QStringLiteral("B"));
        QVERIFY2(heard.last().reason.contains(QStringLiteral("A:")), qPrintable(heard.last().reason));
        QVERIFY(b.kill(0));
        QVERIFY(chain.set("s3", "{\"n\":3}"));   // every Redis down: memory serves
        QCOMPARE(chain.lastServedBy(), 2);
        QVERIFY(chain.get("s3")->has_value());

        QVERIFY(a.restart(0));
        QTRY_VERIFY_WITH_TIMEOUT(!chain.isDown(0), 5000);
        QVERIFY(chain.set("s4", "{\"n\":4}"));
        QCOMPARE(chain.lastServedBy(), 0);   // failed back to the first tier
        QCOMPARE(heard.last().reason, QStringLiteral("health check passed"));
        QCOMPARE(chain.switches().size(), 3);

        // A bad session is the caller's error: no tier is blamed, nothing switches.
        QVERIFY(!chain.set("bad", "not json"));
        QCOMPARE(chain.activeTier(), 0);
        QCOMPARE(chain.switches().size(), 3);
    }

    void drillLeavesTheServerAlone()
    {
        auto primary = std::make_unique<RedisSessionStore>(m_redis.standaloneUrl(), RedisStoreOptions{}, QStringLiteral("primary"));
        auto check = primary->healthCheck();
        FailoverSessionStore chain(withMemoryFallback(std::move(primary), check), ChainOptions{true, 50});
        QVERIFY(chain.set("d1", "{}"));
        QCOMPARE(chain.lastServedBy(), 0);
        chain.failActiveTier(400);
        QVERIFY(chain.set("d2", "{}"));
        QCOMPARE(chain.lastServedBy(), 1);
        QVERIFY(chain.switches().last().reason.contains(QStringLiteral("drill")));
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:d2"})->toInteger(), 0);
        QTest::qWait(500);
        QTRY_VERIFY_WITH_TIMEOUT(chain.set("d3", "{}").ok() && chain.lastServedBy() == 0, 5000);
        QCOMPARE(m_raw->command(Command{"EXISTS", "sess:d3"})->toInteger(), 1);
    }

    // 10,000 mixed operations through [Sentinel master, memory] while the master is killed:
    // none hangs, none fails (memory serves the gap), and the chain is back on the new master.
    void masterKilledDuringTenThousandOperations()
    {
        LocalLauncher cluster;
        auto started = cluster.startSentinelDeployment();
        QVERIFY_OK(started);
        RedisStoreOptions options;
        options.connection.connectTimeoutMs = options.connection.commandTimeoutMs = 500;
        auto primary = std::make_unique<RedisSessionStore>(cluster.sentinelUrl(), options, QStringLiteral("sentinel"));
        auto check = primary->healthCheck();
        FailoverSessionStore chain(withMemoryFallback(std::move(primary), check), ChainOptions{true, 100});

        int ok = 0, failed = 0, byMemory = 0;
        qint64 slowest = 0;
        const int killAt = 1500;
        for (int i = 0; i < 10000; ++i) {
            if (i == killAt)
                QVERIFY(cluster.kill(0));
            const QByteArray sid = "op" + QByteArray::number(i % 500);
            QElapsedTimer t;
            t.start();
            bool good = false;
            switch (i % 4) {
            case 0: good = chain.set(sid, sessionExpiringIn(600)).ok(); break;
            case 1: good = chain.get(sid).ok(); break;
            case 2: good = chain.touch(sid, sessionExpiringIn(600)).ok(); break;
            default: good = chain.destroy(sid).ok(); break;
            }
            slowest = qMax(slowest, t.elapsed());
            good ? ++ok : ++failed;
            byMemory += chain.lastServedBy() == 1 ? 1 : 0;
            std::this_thread::sleep_for(std::chrono::microseconds(800));
        }
        qInfo("10000 operations: %d ok, %d failed, %d served by memory, slowest %lld ms", ok, failed, byMemory, slowest);
        QCOMPARE(failed, 0);
        QVERIFY(byMemory > 0);
        // Each operation stays within a few connection timeouts (500 ms each).
        QVERIFY2(slowest < 3000, qPrintable(QString::number(slowest)));
        QTRY_VERIFY_WITH_TIMEOUT(chain.set("after", "{}").ok() && chain.lastServedBy() == 0, 30000);
        QVERIFY(static_cast<RedisSessionStore &>(chain.tier(0)).node().port != cluster.nodes().at(0).port);
    }

    void followsTheMasterThroughAFailover()
    {
        LocalLauncher cluster;
        auto started = cluster.startSentinelDeployment();
        QVERIFY_OK(started);
        RedisSessionStore store(cluster.sentinelUrl(), {}, QStringLiteral("sentinel"));
        QVERIFY(store.set("f1", sessionExpiringIn(600)));
        const HostPort before = store.node();
        QCOMPARE(before.port, cluster.nodes().at(0).port);

        auto sentinel = SentinelClient::connectAny(cluster.sentinelUrl(), cluster.sentinelUrl().hosts());
        QVERIFY(sentinel);
        QVERIFY(sentinel->failover(cluster.sentinelUrl().masterName()));
        QTRY_VERIFY_WITH_TIMEOUT(sentinel->masterAddress(cluster.sentinelUrl().masterName())
                                     && *sentinel->masterAddress(cluster.sentinelUrl().masterName()) != before,
                                 30000);
        // Once Sentinel has turned the old master into a replica, the store's next write gets
        // READONLY (or a dropped connection); it resolves the master again and retries once, and
        // the operation succeeds. (Before that, the old master still takes writes: the window
        // that following +switch-master closes.)
        const auto roleOfOldMaster = [&]() -> QByteArray {
            auto c = RedisConnection::open(cluster.sentinelUrl().withNode(before));
            auto role = c ? (*c)->command(Command{"ROLE"}) : Result<RedisValue>(c.error());
            return role && role->isArray() && role->size() > 0 ? role->at(0).bytes() : QByteArray();
        };
        QTRY_COMPARE_WITH_TIMEOUT(roleOfOldMaster(), QByteArray("slave"), 30000);
        const Status written = store.set("f2", sessionExpiringIn(600));
        QVERIFY_OK(written);
        QVERIFY(store.node() != before);
        auto got = store.get("f1");
        QVERIFY(got && got->has_value());

        // A hint from the event stream (+switch-master names the new master) is followed
        // without asking the sentinels.
        const HostPort now = *sentinel->masterAddress(cluster.sentinelUrl().masterName());
        store.switchMaster(now);
        QVERIFY(store.get("f2") && store.get("f2")->has_value());
        QCOMPARE(store.node(), now);
    }
    // The apps' Sentinel client follows +switch-master: with the chain's health checks out of
    // the way (every 10 minutes), only the follower can bring the chain back from memory, and
    // it does so on the first operation after the switch, on the new master.
    void chainFollowsSwitchMaster()
    {
        LocalLauncher cluster;
        auto started = cluster.startSentinelDeployment();
        QVERIFY_OK(started);
        RedisStoreOptions options;
        options.connection.connectTimeoutMs = options.connection.commandTimeoutMs = 500;
        auto primary = std::make_unique<RedisSessionStore>(cluster.sentinelUrl(), options, QStringLiteral("sentinel"));
        RedisSessionStore *primaryStore = primary.get();
        auto check = primary->healthCheck();
        FailoverSessionStore chain(withMemoryFallback(std::move(primary), check), ChainOptions{true, 600000});
        QVERIFY(chain.set("w0", sessionExpiringIn(600)));
        QCOMPARE(chain.lastServedBy(), 0);
        const HostPort oldMaster = primaryStore->node();

        MasterFollower follower(cluster.sentinelUrl(), MasterFollower::forChain(chain, 0, *primaryStore));
        QTRY_COMPARE_WITH_TIMEOUT(follower.subscribed(), 3, 10000);
        QVERIFY(cluster.kill(0));
        int writes = 0, failed = 0, byMemory = 0;
        QElapsedTimer clock;
        clock.start();
        while (follower.switches() == 0 && clock.elapsed() < 30000) {
            const bool ok = chain.set("w" + QByteArray::number(writes % 20), sessionExpiringIn(600)).ok();
            ++writes;
            failed += ok ? 0 : 1;
            byMemory += chain.lastServedBy() == 1 ? 1 : 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        qInfo("%d writes before +switch-master (%lld ms): %d failed, %d by memory", writes, clock.elapsed(), failed,
              byMemory);
        QCOMPARE(follower.switches(), 1);
        QCOMPARE(failed, 0);
        QVERIFY(byMemory > 0);
        QCOMPARE(chain.activeTier(), 1);
        const Status next = chain.set("after-switch", sessionExpiringIn(600));
        QVERIFY_OK(next);
        QCOMPARE(chain.lastServedBy(), 0);
        QVERIFY(primaryStore->node() != oldMaster);
        QCOMPARE(chain.switches().size(), 2);
        QVERIFY2(chain.switches().last().reason.startsWith("+switch-master: the master is now"),
                 qPrintable(chain.switches().last().reason));
        // The other sentinels' copies of the same switch are not announced again.
        QTest::qWait(500);
        QCOMPARE(follower.switches(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSessionStore)
#include "tst_sessionstore.moc"
