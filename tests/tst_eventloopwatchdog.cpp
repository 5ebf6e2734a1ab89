// The watchdog sees a stalled event loop, measures it, and reports it once it ends.

#include "core/support/eventloopwatchdog.h"

#include <QTest>
#include <QThread>

using namespace sdcore;

class TestEventLoopWatchdog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quietLoopHasNoStall()
    {
        EventLoopWatchdog watchdog(20, 250);
        QTest::qWait(500);
        QVERIFY2(watchdog.longestStallMs() < 200, qPrintable(QString::number(watchdog.longestStallMs())));
        QCOMPARE(watchdog.reportedStalls(), 0);
    }

    void blockedLoopIsMeasuredAndReported()
    {
        EventLoopWatchdog watchdog(20, 250);
        QTest::qWait(100);
        QThread::msleep(600);   // the loop does not run
        // Seen while it is still going on, before the loop runs again.
        QVERIFY2(watchdog.longestStallMs() >= 550, qPrintable(QString::number(watchdog.longestStallMs())));
        QTest::qWait(200);
        QCOMPARE(watchdog.reportedStalls(), 1);
        const qint64 longest = watchdog.longestStallMs();
        QVERIFY2(longest >= 550 && longest < 1500, qPrintable(QString::number(longest)));

        watchdog.reset();
        QTest::qWait(200);
        QVERIFY(watchdog.longestStallMs() < 200);
        QCOMPARE(watchdog.reportedStalls(), 0);
    }
};

QTEST_GUILESS_MAIN(TestEventLoopWatchdog)
#include "tst_eventloopwatchdog.moc"
