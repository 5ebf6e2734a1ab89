// The poller against a real Sentinel deployment: the snapshot matches the launcher's cluster,
// a killed replica or sentinel shows down with the reason while the cycle still completes, and
// a stopped (SIGSTOP) master cannot hold a cycle past its time budget.

#include "core/lab/locallauncher.h"
#include "core/monitor/topologypoller.h"

#include <QElapsedTimer>
#include <QTest>

using namespace sdcore;

class TestTopologyPoller : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment;

    quint16 portOf(const QString &name) const { return m_deployment.nodes().at(m_deployment.indexOf(name)).port; }
    static const SentinelState *sentinelAt(const TopologySnapshot &s, quint16 port)
    {
        for (const SentinelState &st : s.sentinels) {
            if (st.address.port == port)
                return &st;
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_deployment.startSentinelDeployment();
        QVERIFY2(s, qPrintable(s.errorMessage()));
    }

    void snapshotMatchesCluster()
    {
        TopologyPoller poller(m_deployment.sentinelUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n')));
        QVERIFY(s.sentinelManaged);
        QCOMPARE(s.masterName, m_deployment.options().masterName);
        QVERIFY(s.hasMaster);
        QCOMPARE(s.master.address.port, portOf("master"));
        QVERIFY(s.master.up);
        QCOMPARE(s.master.role, QStringLiteral("master"));
        QVERIFY(s.master.rttMs > 0);
        QVERIFY(s.master.usedMemory > 0);
        QVERIFY(s.master.connectedClients >= 1);
        QVERIFY(s.master.version.startsWith("7."));
        QVERIFY(s.master.flags.contains("master"));

        QCOMPARE(s.replicas.size(), 2);
        QSet<quint16> replicaPorts;
        for (const RedisNodeState &r : s.replicas) {
            replicaPorts << r.address.port;
            QVERIFY(r.up);
            QCOMPARE(r.role, QStringLiteral("slave"));
            QCOMPARE(r.masterLinkStatus, QStringLiteral("up"));
            QVERIFY(r.lagBytes >= 0);
            QVERIFY(r.lagSeconds >= 0);
        }
        QCOMPARE(replicaPorts, (QSet<quint16>{portOf("replica-1"), portOf("replica-2")}));

        QCOMPARE(s.sentinels.size(), 3);
        for (int i : m_deployment.sentinelIndexes()) {
            const SentinelState *st = sentinelAt(s, m_deployment.nodes().at(i).port);
            QVERIFY2(st, qPrintable(m_deployment.nodes().at(i).name));
            QVERIFY(st->up);
        }
        QCOMPARE(s.quorum, 2);
        QVERIFY(s.quorumOk);
        QVERIFY2(s.quorumText.startsWith("OK"), qPrintable(s.quorumText));

        const QJsonObject json = s.toJson();
        QCOMPARE(json.value("health").toString(), QStringLiteral("ok"));
        QCOMPARE(json.value("master").toObject().value("port").toInt(), int(portOf("master")));
    }

    void plainUrlListsReplicasFromInfo()
    {
        TopologyPoller poller(m_deployment.nodeUrl(m_deployment.indexOf("master")), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n')));
        QVERIFY(!s.sentinelManaged);
        QCOMPARE(s.replicas.size(), 2);
        QVERIFY(s.sentinels.isEmpty());
    }

    void killedReplicaShowsDown()
    {
        const int index = m_deployment.indexOf("replica-2");
        QVERIFY(m_deployment.kill(index));
        TopologyPoller poller(m_deployment.sentinelUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QCOMPARE(s.health, Health::Degraded);
        const RedisNodeState *r = s.node(HostPort{"127.0.0.1", portOf("replica-2")});
        QVERIFY(r);
        QVERIFY(!r->up);
        QVERIFY2(r->reason.contains("refused"), qPrintable(r->reason));
        QVERIFY(s.problems.join('\n').contains(QString::number(portOf("replica-2"))));
        QVERIFY(m_deployment.restart(index));
    }

    void killedSentinelStillCompletes()
    {
        // The first sentinel of the URL: the poller must move on to another.
        const int index = m_deployment.sentinelIndexes().first();
        const quint16 port = m_deployment.nodes().at(index).port;
        QVERIFY(m_deployment.kill(index));
        TopologyPoller poller(m_deployment.sentinelUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QVERIFY(s.hasMaster && s.master.up);
        QVERIFY(s.answeredBy.port != port);
        const SentinelState *st = sentinelAt(s, port);
        QVERIFY(st);
        QVERIFY(!st->up);
        QVERIFY2(st->reason.contains("refused"), qPrintable(st->reason));
        QCOMPARE(s.health, Health::Degraded);   // two of three sentinels still make the quorum
        QVERIFY(s.quorumOk);
        QVERIFY(m_deployment.restart(index));
    }

    void stoppedMasterDoesNotStallTheCycle()
    {
        PollerOptions options;
        options.nodeTimeoutMs = 500;
        options.cycleBudgetMs = 2000;
        TopologyPoller poller(m_deployment.sentinelUrl(), options);
        QVERIFY(poller.pollOnce().master.up);   // connections open
        const int index = m_deployment.indexOf("master");
        QVERIFY(m_deployment.pause(index));
        QElapsedTimer timer;
        timer.start();
        const TopologySnapshot s = poller.pollOnce();
        const qint64 took = timer.elapsed();
        QVERIFY(m_deployment.resume(index));
        QVERIFY2(!s.master.up, qPrintable(s.master.reason));
        QVERIFY2(s.master.reason.contains("did not answer"), qPrintable(s.master.reason));
        QCOMPARE(s.health, Health::Critical);
        // The budget is a bound the poller enforces, not a speed goal: allow for scheduling.
        QVERIFY2(took < options.cycleBudgetMs + 1000, qPrintable(QString::number(took)));
        QVERIFY(s.replicas.size() == 2 && s.sentinels.size() == 3);
    }
};

QTEST_GUILESS_MAIN(TestTopologyPoller)
#include "tst_topologypoller.moc"
