#include "core/lab/demodeployment.h"

#include "core/lab/demoworker.h"

namespace sdcore {

DemoDeployment::DemoDeployment(DemoOptions options, QObject *parent)
    : DemoHost(parent), m_options(std::move(options))
{
    qRegisterMetaType<RedisUrl>();
    qRegisterMetaType<RealDrillReport>();
}

DemoDeployment::~DemoDeployment()
{
    // The worker may be blocked starting the cluster; make it give up instead of waiting for
    // the start-up timeout.
    if (m_worker)
        m_worker->cancel();
    m_thread.stop();
}

void DemoDeployment::start()
{
    if (m_worker)
        return;
    m_worker = new DemoWorker(m_options);
    m_thread.adopt(m_worker);
    connect(m_worker, &DemoWorker::progress, this, &DemoDeployment::progress);
    connect(m_worker, &DemoWorker::realDrillFinished, this, &DemoDeployment::realDrillFinished);
    connect(m_worker, &DemoWorker::failed, this, &DemoDeployment::failed);
    connect(m_worker, &DemoWorker::ready, this, [this](const RedisUrl &url) {
        m_url = url;
        m_ready = true;
        Q_EMIT ready(url);
    });
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &DemoWorker::start, Qt::QueuedConnection);
}

void DemoDeployment::runRealDrill()
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
