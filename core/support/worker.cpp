#include "core/support/worker.h"

namespace sdcore {

Worker::Worker(const QString &threadName)
{
    m_thread.setObjectName(threadName);
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
}

Worker::~Worker()
{
    stop();
}

void Worker::start()
{
    if (!m_thread.isRunning() && !m_thread.isFinished())
        m_thread.start();
}

void Worker::stop()
{
    if (m_thread.isRunning()) {
        m_thread.quit();
        m_thread.wait();
        // The finished() deleteLaters ran on the thread's last event loop pass.
    } else if (!m_thread.isFinished()) {
        // Never started: nothing runs their deleteLater, so they go here.
        qDeleteAll(m_adopted);
        delete m_context;
    }
    m_adopted.clear();
    m_context = nullptr;
}

void Worker::adopt(QObject *object)
{
    object->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, object, &QObject::deleteLater);
    m_adopted << object;
}

bool InFlight::acquire(const std::atomic_bool *cancel)
{
    QMutexLocker lock(&m_mutex);
    while (m_count >= m_limit) {
        if (cancel && cancel->load())
            return false;
        m_freed.wait(&m_mutex, 50);
    }
    if (cancel && cancel->load())
        return false;
    ++m_count;
    m_high = qMax(m_high, m_count);
    return true;
}

void InFlight::release()
{
    QMutexLocker lock(&m_mutex);
    if (m_count > 0)
        --m_count;
    m_freed.wakeAll();
}

int InFlight::highWater() const
{
    QMutexLocker lock(&m_mutex);
    return m_high;
}

} // namespace sdcore
