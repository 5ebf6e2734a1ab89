// The poller against a real Sentinel deployment: the snapshot matches the launcher's cluster,
// a killed replica or sentinel shows down with the reason while the cycle still completes, and
// a stopped (SIGSTOP) master cannot hold a cycle past its time budget.

#include "core/lab/locallauncher.h"
#include "core/monitor/topologypoller.h"
#include "tests/support/testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

using namespace sdcore;

class TestTopologyPoller : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment;

    quint16 portOf(const QString &name) const { return m_deployment.nodes().at(m_deployment.indexOf(name)).port; }
    static const SentinelState *sentinelAt(const TopologySnapshot &s, quint16 port)
    {
        for (const SentinelState &st : s.sentinel.sentinels) {
            if (st.address.port == port)
                return &st;
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_deployment.startSentinelDeployment();
        QVERIFY_OK(s);
    }

    // A Sentinel deployment is one shard owning every key, plus the sentinels' group.
    void snapshotMatchesDeployment()
    {
        TopologyPoller poller(m_deployment.sentinelUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n')));
        QCOMPARE(s.kind, DeploymentKind::Sentinel);
        QVERIFY(s.hasSentinels());
        QCOMPARE(s.shards.size(), 1);
        QCOMPARE(s.shards.first().name, m_deployment.options().masterName);
        QVERIFY(s.shards.first().slots.isEmpty());
        QCOMPARE(s.nodes().size(), 3);
        QCOMPARE(s.primariesUp(), 1);
        QVERIFY(s.reachedPrimary());
        QCOMPARE(s.shardOf(HostPort{QStringLiteral("127.0.0.1"), portOf("replica-1")}), &s.shards.first());
        QCOMPARE(s.sentinel.masterName, m_deployment.options().masterName);
        QVERIFY(firstShard(s).hasPrimary);
        QCOMPARE(firstShard(s).primary.address.port, portOf("master"));
        QVERIFY(firstShard(s).primary.up);
        QCOMPARE(firstShard(s).primary.role, QStringLiteral("master"));
        QVERIFY(firstShard(s).primary.rttMs > 0);
        QVERIFY(firstShard(s).primary.usedMemory > 0);
        QVERIFY(firstShard(s).primary.connectedClients >= 1);
        QVERIFY(firstShard(s).primary.version.startsWith("7."));
        QVERIFY(firstShard(s).primary.flags.contains("master"));

        QCOMPARE(firstShard(s).replicas.size(), 2);
        QSet<quint16> replicaPorts;
        for (const RedisNodeState &r : firstShard(s).replicas) {
            replicaPorts << r.address.port;
            QVERIFY(r.up);
            QCOMPARE(r.role, QStringLiteral("slave"));
            QCOMPARE(r.masterLinkStatus, QStringLiteral("up"));
            QVERIFY(r.lagBytes >= 0);
            QVERIFY(r.lagSeconds >= 0);
        }
        QCOMPARE(replicaPorts, (QSet<quint16>{portOf("replica-1"), portOf("replica-2")}));

        QCOMPARE(s.sentinel.sentinels.size(), 3);
        for (int i : m_deployment.sentinelIndexes()) {
            const SentinelState *st = sentinelAt(s, m_deployment.nodes().at(i).port);
            QVERIFY2(st, qPrintable(m_deployment.nodes().at(i).name));
            QVERIFY(st->up);
        }
        QCOMPARE(s.sentinel.quorum, 2);
        QVERIFY(s.sentinel.quorumOk);
        QVERIFY2(s.sentinel.quorumText.startsWith("OK"), qPrintable(s.sentinel.quorumText));

        const QJsonObject json = s.toJson();
        QCOMPARE(json.value("health").toString(), QStringLiteral("ok"));
        QCOMPARE(json.value("master").toObject().value("port").toInt(), int(portOf("master")));
        // The fields from before shards stay; kind and shards are added.
        QCOMPARE(json.value("replicas").toArray().size(), 2);
        QCOMPARE(json.value("sentinels").toArray().size(), 3);
        QCOMPARE(json.value("sentinel_managed").toBool(), true);
        QCOMPARE(json.value("kind").toString(), QStringLiteral("sentinel"));
        const QJsonArray shards = json.value("shards").toArray();
        QCOMPARE(shards.size(), 1);
        QCOMPARE(shards.first().toObject().value("primary").toObject().value("port").toInt(), int(portOf("master")));
        QCOMPARE(shards.first().toObject().value("replicas").toArray().size(), 2);
    }

    void plainUrlListsReplicasFromInfo()
    {
        TopologyPoller poller(m_deployment.nodeUrl(m_deployment.indexOf("master")), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n')));
        QCOMPARE(s.kind, DeploymentKind::Standalone);
        QVERIFY(!s.hasSentinels());
        QCOMPARE(s.shards.size(), 1);
        QCOMPARE(firstShard(s).replicas.size(), 2);
        QVERIFY(s.sentinel.sentinels.isEmpty());
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
        QVERIFY(firstShard(s).hasPrimary && firstShard(s).primary.up);
        QVERIFY(s.sentinel.answeredBy.port != port);
        const SentinelState *st = sentinelAt(s, port);
        QVERIFY(st);
        QVERIFY(!st->up);
        QVERIFY2(st->reason.contains("refused"), qPrintable(st->reason));
        QCOMPARE(s.health, Health::Degraded);   // two of three sentinels still make the quorum
        QVERIFY(s.sentinel.quorumOk);
        QVERIFY(m_deployment.restart(index));
    }

    void stoppedMasterDoesNotStallTheCycle()
    {
        PollerOptions options;
        options.nodeTimeoutMs = 500;
        options.cycleBudgetMs = 2000;
        TopologyPoller poller(m_deployment.sentinelUrl(), options);
        QVERIFY(firstShard(poller.pollOnce()).primary.up);   // connections open
        const int index = m_deployment.indexOf("master");
        QVERIFY(m_deployment.pause(index));
        QElapsedTimer timer;
        timer.start();
        const TopologySnapshot s = poller.pollOnce();
        const qint64 took = timer.elapsed();
        QVERIFY(m_deployment.resume(index));
        QVERIFY2(!firstShard(s).primary.up, qPrintable(firstShard(s).primary.reason));
        QVERIFY2(firstShard(s).primary.reason.contains("did not answer"), qPrintable(firstShard(s).primary.reason));
        QCOMPARE(s.health, Health::Critical);
        // The budget is a bound the poller enforces, not a speed goal: allow for scheduling.
        QVERIFY2(took < options.cycleBudgetMs + 1000, qPrintable(QString::number(took)));
        QVERIFY(firstShard(s).replicas.size() == 2 && s.sentinel.sentinels.size() == 3);
    }
};

QTEST_GUILESS_MAIN(TestTopologyPoller)
#include "tst_topologypoller.moc"
