#pragma once

// DemoDeployment's worker: owns the launcher and the traffic generator on the demo thread.

#include "core/lab/demodeployment.h"
#include "core/lab/demotraffic.h"
#include "core/lab/realdrill.h"

#include <QObject>

class QTimer;

namespace sdcore {

class DemoWorker final : public QObject
{
    Q_OBJECT
public:
    explicit DemoWorker(DemoOptions options);
    ~DemoWorker() override;

    // Thread-safe: makes a start() in progress give up soon.
    void cancel() { m_launcher->cancel(); }

public Q_SLOTS:
    void start();
    // The real drill on the demo cluster: kills its master under a stream of writes through the
    // store chain, then starts the old master again (it rejoins as a replica).
    void runRealDrill();

Q_SIGNALS:
    void realDrillFinished(const sdcore::RealDrillReport &report);
    void progress(const QString &message);
    void ready(const sdcore::RedisUrl &sentinelUrl);
    void failed(const QString &message);

private:
    void trafficTick();

    DemoOptions m_options;
    std::unique_ptr<LocalLauncher> m_launcher;
    std::unique_ptr<DemoTraffic> m_traffic;
    QTimer *m_timer = nullptr;
    QString m_lastError;
};

} // namespace sdcore
