#pragma once

// Where core's network work runs: one named thread with a context object on it. A job posted
// with run() executes on that thread; deliver() hands a result back to an object on its own
// thread (the caller's, usually the UI thread). Objects that live on the thread for good (a
// poller, an event stream) are adopt()ed: moved there and deleted with it. A cancel token says
// "stop" to a job from any thread; InFlight bounds the results posted and not yet taken, so a
// fast producer waits for a slow consumer instead of flooding its event queue.
//
// A Worker is created, started and stopped by its owner on the owner's thread. stop() (and the
// destructor) ends the thread after the job running now: cancel long jobs first.

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <memory>
#include <utility>

namespace sdcore {

using CancelToken = std::shared_ptr<std::atomic_bool>;
inline CancelToken newCancelToken() { return std::make_shared<std::atomic_bool>(false); }

class Worker
{
public:
    explicit Worker(const QString &threadName);
    ~Worker();
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    void start();
    // Quits the thread and waits for it; objects adopted and the context are deleted on it.
    void stop();
    bool isRunning() const { return m_thread.isRunning(); }

    // Runs `job` on the worker thread (queued: after what was posted before it).
    template <typename Job>
    void run(Job &&job)
    {
        QMetaObject::invokeMethod(m_context, std::forward<Job>(job), Qt::QueuedConnection);
    }
    // Moves `object` (without a parent) to the worker thread; it is deleted when the thread ends,
    // or by stop() when the thread never ran.
    void adopt(QObject *object);
    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
    QObject *m_context = nullptr;
    QList<QObject *> m_adopted;
};

// Runs `fn` on `receiver`'s thread, unless the receiver is gone by then.
template <typename Fn>
void deliver(QObject *receiver, Fn &&fn)
{
    QMetaObject::invokeMethod(receiver, std::forward<Fn>(fn), Qt::QueuedConnection);
}

// A bound on the results in flight between a producer thread and a consumer: the producer
// acquire()s before posting one, the consumer release()s each it has handled. Thread-safe.
class InFlight
{
public:
    explicit InFlight(int limit) : m_limit(qMax(1, limit)) {}

    // Waits until fewer than the limit are in flight, then counts one more. False, without
    // counting, once `cancel` is set (checked at least every 50 ms).
    bool acquire(const std::atomic_bool *cancel = nullptr);
    void release();
    int limit() const { return m_limit; }
    // The most that were in flight at once.
    int highWater() const;

private:
    const int m_limit;
    mutable QMutex m_mutex;
    QWaitCondition m_freed;
    int m_count = 0;
    int m_high = 0;
};

} // namespace sdcore
