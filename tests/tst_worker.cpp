// The worker helper without a server: jobs run on the named thread and their results come back
// on the caller's; adopted objects live and die with the thread; and the in-flight bound holds
// between a producer that is faster than its consumer, counted independently by the test.

#include "core/support/worker.h"

#include <QCoreApplication>
#include <QTest>

#include <atomic>
#include <thread>

using namespace sdcore;

namespace {

class Probe : public QObject
{
public:
    explicit Probe(std::atomic_bool *destroyed, QThread **threadAtDeath)
        : m_destroyed(destroyed), m_threadAtDeath(threadAtDeath)
    {
    }
    ~Probe() override
    {
        *m_threadAtDeath = QThread::currentThread();
        m_destroyed->store(true);
    }

private:
    std::atomic_bool *m_destroyed;
    QThread **m_threadAtDeath;
};

} // namespace

class TestWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jobRunsThereAndResultComesBack()
    {
        Worker worker(QStringLiteral("test-worker"));
        worker.start();
        QThread *ranOn = nullptr;
        QThread *deliveredOn = nullptr;
        QObject receiver;
        worker.run([&] {
            ranOn = QThread::currentThread();
            deliver(&receiver, [&] { deliveredOn = QThread::currentThread(); });
        });
        QTRY_VERIFY(deliveredOn != nullptr);
        QCOMPARE(ranOn, worker.thread());
        QCOMPARE(ranOn->objectName(), QStringLiteral("test-worker"));
        QCOMPARE(deliveredOn, QThread::currentThread());
    }

    void adoptedObjectsDieWithTheThread()
    {
        std::atomic_bool destroyed{false};
        QThread *diedOn = nullptr;
        QThread *workerThread = nullptr;
        {
            Worker worker(QStringLiteral("adopting"));
            worker.adopt(new Probe(&destroyed, &diedOn));
            workerThread = worker.thread();
            worker.start();
            QTest::qWait(20);
            QVERIFY(!destroyed);
        }
        QVERIFY(destroyed);
        QCOMPARE(diedOn, workerThread);

        // A worker that never started deletes what it adopted itself.
        destroyed = false;
        {
            Worker idle(QStringLiteral("idle"));
            idle.adopt(new Probe(&destroyed, &diedOn));
        }
        QVERIFY(destroyed);
    }

    // A producer 20 times faster than its consumer: the bound holds. The test counts what is
    // posted and not yet handled on its own, next to InFlight's count.
    void boundHoldsForAFastProducer()
    {
        constexpr int Limit = 3;
        constexpr int Items = 60;
        InFlight flow(Limit);
        Worker worker(QStringLiteral("producer"));
        worker.start();
        QObject consumer;
        std::atomic_int pending{0};
        int maxPending = 0;
        int handled = 0;
        std::atomic_bool cancel{false};
        worker.run([&] {
            for (int i = 0; i < Items; ++i) {
                if (!flow.acquire(&cancel))
                    return;
                pending.fetch_add(1);
                deliver(&consumer, [&] {
                    maxPending = qMax(maxPending, pending.load());
                    QThread::msleep(2);
                    ++handled;
                    pending.fetch_sub(1);
                    flow.release();
                });
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(handled, Items, 20000);
        QVERIFY2(maxPending <= Limit, qPrintable(QString::number(maxPending)));
        QCOMPARE(maxPending, Limit);   // the producer did get ahead
        QCOMPARE(flow.highWater(), Limit);
    }

    // A producer waiting for a consumer that takes nothing gives up on the cancel.
    void cancelWakesAWaitingProducer()
    {
        InFlight flow(1);
        QVERIFY(flow.acquire());
        std::atomic_bool cancel{false};
        std::atomic_bool gaveUp{false};
        std::thread producer([&] { gaveUp = !flow.acquire(&cancel); });
        QTest::qWait(100);
        QVERIFY(!gaveUp);
        cancel = true;
        producer.join();
        QVERIFY(gaveUp);
        flow.release();
        QVERIFY(flow.acquire(&cancel) == false);   // cancelled stays cancelled
    }
};

QTEST_GUILESS_MAIN(TestWorker)
#include "tst_worker.moc"
