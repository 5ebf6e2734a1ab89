#include "democluster.h"

#include "demoworker.h"

namespace sdcore {

DemoCluster::DemoCluster(DemoOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    qRegisterMetaType<RedisUrl>();
    qRegisterMetaType<RealDrillReport>();
    m_thread.setObjectName(QStringLiteral("demo-cluster"));
}

DemoCluster::~DemoCluster()
{
    // The worker may be blocked starting the cluster; make it give up instead of waiting for
    // the start-up timeout.
    if (m_worker)
        m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

void DemoCluster::start()
{
    if (m_worker)
        return;
    m_worker = new DemoWorker(m_options);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DemoWorker::progress, this, &DemoCluster::progress);
    connect(m_worker, &DemoWorker::realDrillFinished, this, &DemoCluster::realDrillFinished);
    connect(m_worker, &DemoWorker::failed, this, &DemoCluster::failed);
    connect(m_worker, &DemoWorker::ready, this, [this](const RedisUrl &url) {
        m_url = url;
        m_ready = true;
        Q_EMIT ready(url);
    });
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &DemoWorker::start, Qt::QueuedConnection);
}

void DemoCluster::runRealDrill()
{
    if (!m_worker || !m_ready) {
        RealDrillReport report;
        report.error = QStringLiteral("the demo cluster is not running");
        Q_EMIT realDrillFinished(report);
        return;
    }
    QMetaObject::invokeMethod(m_worker, &DemoWorker::runRealDrill, Qt::QueuedConnection);
}

} // namespace sdcore
