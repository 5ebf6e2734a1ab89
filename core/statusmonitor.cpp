#include "statusmonitor.h"

#include "statuspoller.h"

namespace sdcore {

StatusMonitor::StatusMonitor(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<NodeStatus>();
    qRegisterMetaType<RedisUrl>();
    m_thread.setObjectName(QStringLiteral("status-poller"));
    m_poller = new StatusPoller;
    m_poller->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_poller, &QObject::deleteLater);
    connect(m_poller, &StatusPoller::polled, this, &StatusMonitor::onPolled, Qt::QueuedConnection);
    m_thread.start();
}

StatusMonitor::~StatusMonitor()
{
    m_thread.quit();
    m_thread.wait();
}

void StatusMonitor::setTarget(const RedisUrl &url, int intervalMs)
{
    const quint64 generation = ++m_generation;
    QMetaObject::invokeMethod(m_poller, [poller = m_poller, url, generation, intervalMs] {
        poller->setTarget(url, generation, intervalMs);
    }, Qt::QueuedConnection);
}

void StatusMonitor::stop()
{
    ++m_generation;
    QMetaObject::invokeMethod(m_poller, &StatusPoller::stopPolling, Qt::QueuedConnection);
}

void StatusMonitor::onPolled(const NodeStatus &status)
{
    if (status.generation == m_generation)
        Q_EMIT statusUpdated(status);
}

} // namespace sdcore
