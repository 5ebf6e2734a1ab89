// Resolving the master through real sentinels, and following a failover.

#include "core/lab/demotraffic.h"
#include "core/lab/locallauncher.h"
#include "core/sentinel/masterresolver.h"
#include "tests/support/testsupport.h"

#include <QDeadlineTimer>
#include <QTest>
#include <QThread>

using namespace sdcore;

class TestMasterResolver : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment;

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_deployment.startSentinelDeployment();
        QVERIFY_OK(s);
    }

    void resolvesTheMaster()
    {
        auto resolved = MasterResolver::resolve(m_deployment.sentinelUrl());
        QVERIFY_OK(resolved);
        QCOMPARE(resolved->master.port, m_deployment.nodes().at(0).port);
        QCOMPARE(resolved->answeredBy, m_deployment.sentinelUrl().hosts().first());
        QVERIFY(resolved->skipped.isEmpty());

        auto node = MasterResolver::connect(m_deployment.sentinelUrl());
        QVERIFY_OK(node);
        QCOMPARE(node->role, QByteArray("master"));
        QVERIFY(node->via.has_value());
        QVERIFY(node->connection->command({"SET", "resolver", "ok"}));
    }

    void skipsDeadSentinels()
    {
        QList<HostPort> sentinels{{"127.0.0.1", findFreePort()}};
        sentinels << m_deployment.sentinelUrl().hosts();
        auto resolved = MasterResolver::resolve(RedisUrl::sentinel(sentinels, "sessiondeck"));
        QVERIFY_OK(resolved);
        QCOMPARE(resolved->answeredBy, sentinels.at(1));
        QCOMPARE(resolved->skipped.size(), 1);
        QVERIFY(resolved->skipped.first().contains("refused"));
    }

    void unknownMasterName()
    {
        auto resolved = MasterResolver::resolve(
            RedisUrl::sentinel(m_deployment.sentinelUrl().hosts(), "no-such-master"));
        QVERIFY(!resolved);
        QCOMPARE(resolved.error().kind, ErrorKind::NotFound);
        QVERIFY(resolved.errorMessage().contains("no-such-master"));
    }

    void noSentinelReachable()
    {
        ConnectionOptions quick;
        quick.connectTimeoutMs = 500;
        auto resolved = MasterResolver::resolve(
            RedisUrl::sentinel({{"127.0.0.1", findFreePort()}, {"127.0.0.1", findFreePort()}}, "m"),
            quick);
        QVERIFY(!resolved);
        QCOMPARE(resolved.error().kind, ErrorKind::Refused);
        QVERIFY(resolved.errorMessage().contains("No sentinel could resolve"));
    }

    void writesToAReplicaAreReadOnly()
    {
        auto replica = RedisConnection::open(m_deployment.nodeUrl(1));
        QVERIFY(replica);
        auto w = (*replica)->command({"SET", "x", "y"});
        QVERIFY(!w);
        QCOMPARE(w.error().kind, ErrorKind::ReadOnly);
        QVERIFY(w.errorMessage().contains("read-only replica"));
    }

    // Last: it changes the master.
    void followsAFailover()
    {
        auto before = MasterResolver::resolve(m_deployment.sentinelUrl());
        QVERIFY(before);
        DemoTraffic traffic(m_deployment.sentinelUrl());
        QVERIFY(traffic.seed(50));

        auto sentinel = RedisConnection::open(m_deployment.nodeUrl(m_deployment.sentinelIndexes().first()));
        QVERIFY(sentinel);
        QVERIFY((*sentinel)->command({"SENTINEL", "FAILOVER", "sessiondeck"}));
        auto newMaster = m_deployment.waitForNewMaster(before->master, 60000);
        QVERIFY_OK(newMaster);

        auto after = MasterResolver::resolve(m_deployment.sentinelUrl());
        QVERIFY(after);
        QCOMPARE(after->master, *newMaster);

        // The traffic generator follows: the old master is demoted (its writes then fail with
        // READONLY), the generator resolves again and writes to the new master.
        QDeadlineTimer deadline(30000);
        bool following = false;
        while (!deadline.hasExpired() && !following) {
            following = traffic.tick(20).ok() && traffic.stats().reconnects >= 2;
            if (!following)
                QThread::msleep(100);
        }
        QVERIFY2(following, qPrintable(traffic.stats().lastError));
        auto master = RedisConnection::open(RedisUrl::tcp(newMaster->host, newMaster->port));
        QVERIFY(master);
        QVERIFY((*master)->command({"DBSIZE"})->toInteger() > 0);
    }
};

QTEST_GUILESS_MAIN(TestMasterResolver)
#include "tst_masterresolver.moc"
