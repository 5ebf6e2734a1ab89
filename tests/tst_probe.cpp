// The connectivity test against real servers: every tier green through Sentinel with its steps
// timed, the drill moving to the next tier and back, the verdicts (first tier, fallback only,
// none), and no probe key left behind, also when a step fails (ACL users refused one command
// each).

#include "core/lab/locallauncher.h"
#include "core/lab/realdrill.h"
#include "core/store/connectivityprobe.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace sdcore;

namespace {

QStringList stepNames(const ProbeTier &tier)
{
    QStringList names;
    for (const ProbeStep &s : tier.steps)
        names << s.name;
    return names;
}

} // namespace

class TestProbe : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment;
    LocalLauncher m_single;
    std::unique_ptr<RedisConnection> m_admin;

    qint64 probeKeysLeft(const RedisUrl &url)
    {
        auto c = RedisConnection::open(url);
        if (!c)
            return -1;
        qint64 n = 0;
        QByteArray cursor = "0";
        do {
            auto r = (*c)->command(Command{"SCAN", cursor, "MATCH", "*sessiondeck-probe-*", "COUNT", "1000"});
            if (!r)
                return -1;
            cursor = r->at(0).bytes();
            n += r->at(1).size();
        } while (cursor != "0");
        return n;
    }

    RedisUrl refusedUrl() const { return RedisUrl::tcp(QStringLiteral("127.0.0.1"), findFreePort()); }

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_deployment.startSentinelDeployment();
        QVERIFY_OK(s);
        QVERIFY(m_single.startStandalone());
        auto c = RedisConnection::open(m_single.standaloneUrl());
        QVERIFY(c);
        m_admin = std::move(*c);
    }

    void everyTierGreenThroughSentinel()
    {
        const ProbeReport r = ConnectivityProbe::run(m_deployment.sentinelUrl(), {m_single.standaloneUrl()});
        QCOMPARE(r.tiers.size(), 3);
        QCOMPARE(stepNames(r.tiers.at(0)),
                 QStringList({"resolve", "connect", "auth", "role", "set", "get", "touch", "destroy"}));
        for (const ProbeTier &t : r.tiers) {
            QVERIFY2(t.ok, qPrintable(t.name + ": " + t.error));
            for (const ProbeStep &s : t.steps)
                QVERIFY(s.ms >= 0);
        }
        QVERIFY(r.tiers.at(0).steps.at(0).detail.contains(
            QStringLiteral("master 127.0.0.1:%1").arg(m_deployment.nodes().at(0).port)));
        QCOMPARE(r.tiers.at(2).name, QStringLiteral("memory"));
        QCOMPARE(r.servedBy, QStringLiteral("primary"));
        QCOMPARE(r.verdict(), 0);
        QVERIFY(r.switches.isEmpty());
        QCOMPARE(probeKeysLeft(m_deployment.nodeUrl(0)), 0);
        QCOMPARE(probeKeysLeft(m_single.standaloneUrl()), 0);
        const QJsonObject json = r.toJson();
        QCOMPARE(json.value("served_by").toString(), QStringLiteral("primary"));
        QCOMPARE(json.value("tiers").toArray().size(), 3);
    }

    void drillSwitchesAndFailsBack()
    {
        ProbeOptions options;
        options.drill = true;
        options.drillFailMs = 600;
        const ProbeReport r = ConnectivityProbe::run(m_deployment.sentinelUrl(), {m_single.standaloneUrl()}, options);
        QCOMPARE(r.drill.size(), 3);
        QCOMPARE(r.drill.at(0).servedBy, QStringLiteral("primary"));
        QCOMPARE(r.drill.at(1).servedBy, QStringLiteral("fallback 1"));
        QVERIFY(r.drill.at(1).ok);
        QCOMPARE(r.drill.at(2).servedBy, QStringLiteral("primary"));
        QVERIFY(r.drill.at(2).ok);
        QCOMPARE(r.switches.size(), 2);
        QVERIFY(r.switches.at(0).reason.contains(QStringLiteral("drill")));
        QCOMPARE(r.switches.at(1).reason, QStringLiteral("the drill is over"));
        QCOMPARE(probeKeysLeft(m_deployment.nodeUrl(0)), 0);
        QCOMPARE(probeKeysLeft(m_single.standaloneUrl()), 0);
    }

    void verdicts()
    {
        const ProbeReport fallbackOnly = ConnectivityProbe::run(refusedUrl(), {m_single.standaloneUrl()});
        QVERIFY(!fallbackOnly.tiers.at(0).ok);
        QVERIFY(fallbackOnly.tiers.at(0).error.startsWith(QStringLiteral("connect:")));
        QCOMPARE(fallbackOnly.servedBy, QStringLiteral("fallback 1"));
        QCOMPARE(fallbackOnly.verdict(), 1);

        const ProbeReport none = ConnectivityProbe::run(refusedUrl(), {refusedUrl()});
        QCOMPARE(none.servedBy, QStringLiteral("memory"));
        QVERIFY(none.tiers.last().ok);
        QCOMPARE(none.verdict(), 2);

        RedisUrl wrong = m_deployment.nodeUrl(1);   // a replica: the store cannot write there
        const ProbeReport replica = ConnectivityProbe::run(wrong, {});
        QVERIFY(replica.tiers.at(0).error.startsWith(QStringLiteral("role:")));
        QCOMPARE(replica.verdict(), 2);
    }

    // The real drill on a cluster of its own: the master killed under a stream of writes, none
    // fails, memory serves the gap, and the chain is back on the new master.
    void realDrill()
    {
        LocalLauncher cluster;
        auto started = cluster.startSentinelDeployment();
        QVERIFY_OK(started);
        const RealDrillReport r = RealDrill::run(cluster);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.failed, 0);
        QVERIFY(r.writes > 50);
        QCOMPARE(r.oldMaster.port, cluster.nodes().at(0).port);
        QVERIFY(r.newMaster.port != 0 && r.newMaster != r.oldMaster);
        QVERIFY(r.toMemoryMs >= 0 && r.toMemoryMs < r.onNewMasterMs);
        QVERIFY(r.phases.size() >= 2);
        QCOMPARE(r.phases.first().tier, QStringLiteral("memory"));
        QCOMPARE(r.phases.last().tier, QStringLiteral("primary %1").arg(r.newMaster.toString()));
        int sum = 0;
        for (const RealDrillPhase &p : r.phases)
            sum += p.writes;
        QCOMPARE(sum, r.writes);
        QVERIFY(r.switchSeenMs > 0);
        QCOMPARE(probeKeysLeft(cluster.sentinelUrl().withNode(r.newMaster)), 0);
    }

    void noKeyLeftWhenAStepFails_data()
    {
        QTest::addColumn<QByteArray>("refused");
        QTest::addColumn<QString>("failingStep");
        QTest::newRow("set") << QByteArray("set") << QStringLiteral("set");
        QTest::newRow("get") << QByteArray("get") << QStringLiteral("get");
        QTest::newRow("touch") << QByteArray("expire") << QStringLiteral("touch");
        QTest::newRow("destroy") << QByteArray("del") << QStringLiteral("destroy");
    }

    void noKeyLeftWhenAStepFails()
    {
        QFETCH(QByteArray, refused);
        QFETCH(QString, failingStep);
        const QByteArray user = "no" + refused;
        QVERIFY(m_admin->command(Command{"ACL", "SETUSER", user, "on", ">Probe-Pw", "~*", "+@all", "-" + refused}));
        RedisUrl url = m_single.standaloneUrl();
        url.setUsername(QString::fromUtf8(user));
        url.setPassword(QStringLiteral("Probe-Pw"));
        const ProbeReport r = ConnectivityProbe::run(url, {});
        const ProbeTier &tier = r.tiers.at(0);
        QVERIFY(!tier.ok);
        QVERIFY2(tier.error.startsWith(failingStep + QLatin1Char(':')), qPrintable(tier.error));
        QVERIFY(tier.error.contains(QStringLiteral("NOPERM")) || tier.error.contains(QStringLiteral("permission")));
        QVERIFY(!tier.leftKey);
        QCOMPARE(probeKeysLeft(m_single.standaloneUrl()), 0);
    }
};

QTEST_GUILESS_MAIN(TestProbe)
#include "tst_probe.moc"
