// MetricSeries: a day at one point per second fits, and the buffer never grows past its bound
// however long it runs; ranges come back in time order across the wrap.

#include "core/monitor/metricseries.h"

#include <QTest>

using namespace sdcore;

class TestMetricSeries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void holdsADayAndStaysBounded()
    {
        MetricSeries s;
        QVERIFY(s.capacity() >= 24 * 3600);
        const double start = 1.7e9;
        for (int i = 0; i < 24 * 3600; ++i)
            s.append(start + i, i);
        QCOMPARE(s.size(), 24 * 3600);
        QCOMPARE(s.timeAt(0), start);
        const qsizetype bound = s.capacity() * qsizetype(2 * sizeof(double));
        QVERIFY(s.bytesReserved() <= bound);
        // Two more days: the oldest points go, memory stays where it was.
        for (int i = 24 * 3600; i < 3 * 24 * 3600; ++i)
            s.append(start + i, i);
        QCOMPARE(s.size(), s.capacity());
        QVERIFY(s.bytesReserved() <= bound);
        QCOMPARE(s.lastValue(), double(3 * 24 * 3600 - 1));
        QCOMPARE(s.timeAt(0), start + 3 * 24 * 3600 - s.capacity());
    }

    void rangeAcrossTheWrap()
    {
        MetricSeries s(10);
        for (int i = 0; i < 25; ++i)
            s.append(i, i * 10);
        QList<double> t, v;
        s.copyRange(17, 21, &t, &v);
        QCOMPARE(t, (QList<double>{17, 18, 19, 20, 21}));
        QCOMPARE(v, (QList<double>{170, 180, 190, 200, 210}));
        s.copyRange(0, 100, &t, &v);
        QCOMPARE(t.size(), 10);
        QCOMPARE(t.first(), 15.0);
        s.append(3, 0);   // older than the last point: ignored
        QCOMPARE(s.lastTime(), 24.0);
    }
};

QTEST_GUILESS_MAIN(TestMetricSeries)
#include "tst_metricseries.moc"
