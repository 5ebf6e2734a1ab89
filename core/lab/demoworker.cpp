#include "core/lab/demoworker.h"

#include <QTimer>

#include <spdlog/spdlog.h>

namespace sdcore {

DemoWorker::DemoWorker(DemoOptions options)
    : m_options(std::move(options)),
      m_launcher(std::make_unique<LocalLauncher>(m_options.launcher))
{
}

DemoWorker::~DemoWorker()
{
    m_traffic.reset();
    if (!m_launcher->nodes().isEmpty())
        spdlog::info("demo: stopping the demo cluster");
    m_launcher->stop();
}

void DemoWorker::start()
{
    if (m_options.cluster) {
        Q_EMIT progress(tr("Starting a demo Redis Cluster: %1 primaries with %2 replica(s) each…")
                            .arg(m_options.launcher.clusterPrimaries)
                            .arg(m_options.launcher.clusterReplicas));
    } else {
        Q_EMIT progress(tr("Starting a demo Sentinel deployment: 1 master, %1 replicas, %2 sentinels…")
                            .arg(m_options.launcher.replicas)
                            .arg(m_options.launcher.sentinels));
    }
    if (Status s = m_options.cluster ? m_launcher->startCluster() : m_launcher->startSentinelDeployment(); !s) {
        spdlog::error("demo: {}", s.errorMessage().toStdString());
        Q_EMIT failed(s.errorMessage());
        return;
    }
    const RedisUrl url = m_options.cluster ? m_launcher->clusterUrl() : m_launcher->sentinelUrl();
    spdlog::info("demo: cluster up at {} (files in {})", url.toString().toStdString(),
                 m_launcher->directory().toStdString());

    Q_EMIT progress(tr("Writing %1 demo sessions…").arg(m_options.seedSessions));
    m_traffic = std::make_unique<DemoTraffic>(url);
    if (Status s = m_traffic->seed(m_options.seedSessions); !s)
        spdlog::warn("demo: seeding sessions failed: {}", s.errorMessage().toStdString());

    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &DemoWorker::trafficTick);
    m_timer->start(100);
    Q_EMIT ready(url);
}

void DemoWorker::trafficTick()
{
    const int perTick = qMax(1, m_options.operationsPerSecond / 10);
    Status s = m_traffic->tick(perTick);
    // Log a failure once per distinct message: during a failover every tick fails alike.
    if (!s && s.errorMessage() != m_lastError) {
        spdlog::warn("demo traffic: {}", s.errorMessage().toStdString());
        m_lastError = s.errorMessage();
    } else if (s && !m_lastError.isEmpty()) {
        spdlog::info("demo traffic: writing again");
        m_lastError.clear();
    }
}

void DemoWorker::runRealDrill()
{
    RealDrillReport report;
    if (!m_launcher || m_launcher->nodes().isEmpty()) {
        report.error = QStringLiteral("the demo cluster is not running");
        Q_EMIT realDrillFinished(report);
        return;
    }
    if (m_options.cluster) {
        report.error = QStringLiteral("the real drill runs on the Sentinel demo; on the cluster demo, fail a shard "
                                      "over from the dashboard (Failover…)");
        Q_EMIT realDrillFinished(report);
        return;
    }
    report = RealDrill::run(*m_launcher);
    for (int i = 0; i < m_launcher->nodes().size(); ++i) {
        const LocalLauncher::Node &node = m_launcher->nodes().at(i);
        if (node.port == report.oldMaster.port && node.pid == 0) {
            if (Status s = m_launcher->restart(i); !s)
                report.error = QStringLiteral("the old master did not start again: %1").arg(s.errorMessage());
        }
    }
    Q_EMIT realDrillFinished(report);
}

} // namespace sdcore
