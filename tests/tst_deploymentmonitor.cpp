// DeploymentMonitor against a real Sentinel deployment: snapshots and the session census arrive
// on the UI thread, a manual failover is followed to its end and shows up once on the timeline
// (seen by every sentinel), the snapshot follows the switch at once, an automatic failover
// after kill -9 of the master is seen as its sequence of events, in order, and a sentinel killed
// under the event stream is reported and subscribed to again when it is back.

#include "core/lab/demotraffic.h"
#include "core/lab/locallauncher.h"
#include "core/monitor/deploymentmonitor.h"
#include "tests/support/testsupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace sdcore;

namespace {

qsizetype firstIndexOf(const EventTimeline &timeline, const QString &type, quint64 afterId)
{
    qsizetype i = 0;
    for (const TimelineEntry &e : timeline.entries()) {
        if (e.id > afterId && e.event.type == type)
            return i;
        ++i;
    }
    return -1;
}

} // namespace

class TestDeploymentMonitor : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment;

    int nodeIndexOfPort(quint16 port) const
    {
        for (int i = 0; i < m_deployment.nodes().size(); ++i) {
            if (m_deployment.nodes().at(i).port == port)
                return i;
        }
        return -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_deployment.startSentinelDeployment();
        QVERIFY_OK(s);
    }

    void snapshotsAndCensus()
    {
        DemoTraffic traffic(m_deployment.sentinelUrl());
        QVERIFY(traffic.seed(321));
        MonitorOptions options;
        options.poller.intervalMs = 250;
        options.censusMinIntervalMs = 500;
        DeploymentMonitor monitor(m_deployment.sentinelUrl(), options);
        QSignalSpy snapshots(&monitor, &DeploymentMonitor::snapshotUpdated);
        monitor.start();
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.count() >= 3, 20000);
        QCOMPARE(monitor.lastSnapshot()->health, Health::Ok);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.lastCensus("sess:"), 20000);
        const CensusResult census = *monitor.lastCensus("sess:");
        QVERIFY(census.complete);
        QCOMPARE(census.count, 321);
        qint64 inBuckets = 0;
        for (qint64 n : census.ttl)
            inBuckets += n;
        QCOMPARE(inBuckets, 321);
        QVERIFY(census.totalBytes > 321 * 50);
        QVERIFY(monitor.history().value(Series::Rtt).size() >= 3);
        QVERIFY(monitor.history().value(Series::sessions("sess:")).lastValue() == 321);
    }

    void manualFailoverIsFollowed()
    {
        MonitorOptions options;
        options.poller.intervalMs = 1000;
        options.census = false;
        DeploymentMonitor monitor(m_deployment.sentinelUrl(), options);
        QSignalSpy finished(&monitor, &DeploymentMonitor::failoverFinished);
        QSignalSpy progress(&monitor, &DeploymentMonitor::failoverProgress);
        monitor.start();
        // Subscribed to every sentinel, and a first snapshot.
        QTRY_VERIFY_WITH_TIMEOUT(countOf(monitor.timeline(), "events-restored") == 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.lastSnapshot() && monitor.lastSnapshot()->health == Health::Ok, 20000);
        const HostPort before = firstShard(*monitor.lastSnapshot()).primary.address;

        HostPort switchedTo;
        connect(&monitor, &DeploymentMonitor::snapshotUpdated, this, [&](const TopologySnapshot &s) {
            if (switchedTo.port == 0 && firstShard(s).primary.address != before)
                switchedTo = firstShard(s).primary.address;
        });
        monitor.requestFailover(60000);
        QVERIFY(monitor.failoverRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const auto outcome = finished.first().first().value<FailoverOutcome>();
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QCOMPARE(outcome.oldMaster, before);
        QVERIFY(outcome.newMaster != before);
        QVERIFY(progress.count() >= 3);
        QVERIFY(!monitor.failoverRunning());

        // The switch reached the snapshot, and the timeline has it once, from every sentinel.
        QTRY_COMPARE_WITH_TIMEOUT(switchedTo, outcome.newMaster, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(countOf(monitor.timeline(), "+switch-master") == 1
                                     && std::find_if(monitor.timeline().entries().begin(),
                                                     monitor.timeline().entries().end(),
                                                     [](const TimelineEntry &e) {
                                                         return e.event.type == "+switch-master";
                                                     })->seenCount() == 3,
                                 10000);
        QCOMPARE(countOf(monitor.timeline(), "+switch-master"), 1);
        QCOMPARE(m_deployment.waitForNewMaster(before, 10000)->port, outcome.newMaster.port);
        QTRY_VERIFY_WITH_TIMEOUT(firstShard(*monitor.lastSnapshot()).primary.address == outcome.newMaster
                                     && firstShard(*monitor.lastSnapshot()).primary.up,
                                 10000);
    }

    void killedMasterFailsOverInOrder()
    {
        MonitorOptions options;
        options.census = false;
        DeploymentMonitor monitor(m_deployment.sentinelUrl(), options);
        monitor.start();
        QTRY_VERIFY_WITH_TIMEOUT(countOf(monitor.timeline(), "events-restored") == 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.lastSnapshot() && monitor.lastSnapshot()->health == Health::Ok, 30000);
        const HostPort before = firstShard(*monitor.lastSnapshot()).primary.address;
        const quint64 mark = monitor.timeline().entries().back().id;

        QVERIFY(m_deployment.kill(nodeIndexOfPort(before.port)));
        QTRY_VERIFY_WITH_TIMEOUT(firstIndexOf(monitor.timeline(), "+switch-master", mark) >= 0, 60000);
        const QStringList order{"+sdown", "+odown", "+try-failover", "+elected-leader",
                                "+failover-state-select-slave", "+selected-slave",
                                "+promoted-slave", "+switch-master"};
        qsizetype previous = -1;
        for (const QString &type : order) {
            const qsizetype at = firstIndexOf(monitor.timeline(), type, mark);
            QVERIFY2(at > previous, qPrintable(QStringLiteral("%1 at %2, after %3").arg(type).arg(at).arg(previous)));
            previous = at;
        }
        const TimelineEntry &sdown = monitor.timeline().entries().at(firstIndexOf(monitor.timeline(), "+sdown", mark));
        QCOMPARE(sdown.event.address, before);
        QTRY_VERIFY_WITH_TIMEOUT(firstShard(*monitor.lastSnapshot()).primary.address != before
                                     && firstShard(*monitor.lastSnapshot()).primary.up,
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(firstIndexOf(monitor.timeline(), "+failover-end", mark) >= 0, 30000);
    }

    // A sentinel dies under the event stream: its link is reported lost, the other sentinels
    // keep the events coming (a failover is still seen, once), and the restarted sentinel is
    // subscribed to again. Runs last: the master killed above stays dead, so the cluster may be
    // degraded here.
    void sentinelKilledUnderTheEventStream()
    {
        MonitorOptions options;
        options.census = false;
        DeploymentMonitor monitor(m_deployment.sentinelUrl(), options);
        QSignalSpy finished(&monitor, &DeploymentMonitor::failoverFinished);
        monitor.start();
        QTRY_VERIFY_WITH_TIMEOUT(countOf(monitor.timeline(), "events-restored") == 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.lastSnapshot() && firstShard(*monitor.lastSnapshot()).primary.up, 30000);

        const int victim = m_deployment.sentinelIndexes().first();
        QVERIFY(m_deployment.kill(victim));
        QTRY_COMPARE_WITH_TIMEOUT(countOf(monitor.timeline(), "events-lost"), 1, 20000);
        QVERIFY(monitor.timeline().entries().back().event.detail.contains(
            QString::number(m_deployment.nodes().at(victim).port)));

        // The two sentinels left still deliver a failover, and it is recorded once.
        const HostPort before = firstShard(*monitor.lastSnapshot()).primary.address;
        monitor.requestFailover(60000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const auto outcome = finished.first().first().value<FailoverOutcome>();
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QCOMPARE(outcome.oldMaster, before);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(monitor.timeline(), "+switch-master"), 1, 10000);

        QVERIFY(m_deployment.restart(victim));
        QTRY_COMPARE_WITH_TIMEOUT(countOf(monitor.timeline(), "events-restored"), 4, 30000);
        QCOMPARE(countOf(monitor.timeline(), "+switch-master"), 1);
    }
};

QTEST_GUILESS_MAIN(TestDeploymentMonitor)
#include "tst_deploymentmonitor.moc"
