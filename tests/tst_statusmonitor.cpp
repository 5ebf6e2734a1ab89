// Status polling on a worker thread: live values, a stopped or killed node reported as down with
// the reason, recovery, and results of a previous target dropped.

#include "clusterlauncher.h"
#include "statusmonitor.h"
#include "statuspoller.h"

#include <QSignalSpy>
#include <QTest>

using namespace sdcore;

class TestStatusMonitor : public QObject
{
    Q_OBJECT

    ClusterLauncher m_server;
    std::optional<NodeStatus> m_last;
    QList<NodeStatus> m_all;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_server.startStandalone()); }

    void pollOnceReadsInfo()
    {
        StatusPoller poller;
        poller.setTarget(m_server.standaloneUrl(), 1, 60000);
        poller.stopPolling();
        poller.setTarget(m_server.standaloneUrl(), 2, 60000);
        const NodeStatus s = poller.pollOnce();
        QVERIFY2(s.reachable, qPrintable(s.error));
        QCOMPARE(s.generation, 2u);
        QCOMPARE(s.role, QStringLiteral("master"));
        QVERIFY(s.version.startsWith("7.") || s.version.startsWith("6."));
        QVERIFY(s.rttMs > 0);
        QVERIFY(s.connectedClients >= 1);
        QVERIFY(s.usedMemory > 0);
        QCOMPARE(s.node.port, m_server.nodes().at(0).port);
    }

    void monitorReportsDownAndRecovery()
    {
        StatusMonitor monitor;
        connect(&monitor, &StatusMonitor::statusUpdated, this, [this](const NodeStatus &s) {
            m_last = s;
            m_all << s;
        });
        monitor.setTarget(m_server.standaloneUrl(), 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_last && m_last->reachable, 10000);

        // A stopped server: the poll ends with a timeout and says so.
        QVERIFY(m_server.pause(0));
        QTRY_VERIFY_WITH_TIMEOUT(m_last && !m_last->reachable, 15000);
        QVERIFY2(m_last->error.contains("did not answer") || m_last->error.contains("timed out"),
                 qPrintable(m_last->error));
        QVERIFY(m_server.resume(0));
        QTRY_VERIFY_WITH_TIMEOUT(m_last && m_last->reachable, 15000);

        // A killed server: refused.
        QVERIFY(m_server.kill(0));
        QTRY_VERIFY_WITH_TIMEOUT(m_last && !m_last->reachable
                                     && m_last->error.contains("refused"), 15000);
        QVERIFY(m_server.restart(0));
        QTRY_VERIFY_WITH_TIMEOUT(m_last && m_last->reachable, 15000);

        // Switching target: nothing from the old target arrives afterwards.
        ClusterLauncher other;
        QVERIFY(other.startStandalone());
        monitor.setTarget(other.standaloneUrl(), 200);
        const quint64 generation = monitor.generation();
        m_all.clear();
        QTRY_VERIFY_WITH_TIMEOUT(m_all.size() >= 3, 10000);
        for (const NodeStatus &s : std::as_const(m_all)) {
            QCOMPARE(s.generation, generation);
            QCOMPARE(s.node.port, other.nodes().at(0).port);
        }
    }
};

QTEST_GUILESS_MAIN(TestStatusMonitor)
#include "tst_statusmonitor.moc"
