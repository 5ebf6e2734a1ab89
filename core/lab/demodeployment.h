#pragma once

// The local demo: starts a Sentinel deployment with LocalLauncher and keeps demo session traffic
// flowing, all on a worker thread this object owns, so the window never waits. Reports progress,
// then ready(url) with the cluster's Sentinel URL, or failed(message). Destroying it stops every
// process it started. Create and use on one thread (the UI thread).

#include "core/lab/locallauncher.h"
#include "core/lab/realdrill.h"
#include "core/support/worker.h"
#include "core/workspace/demohost.h"

#include <QObject>

namespace sdcore {

struct DemoOptions
{
    LauncherOptions launcher;
    // A Redis Cluster (3 primaries, 3 replicas) instead of the Sentinel deployment; the traffic
    // goes to each session's shard.
    bool cluster = false;
    int seedSessions = 3000;
    int operationsPerSecond = 200;
};

class DemoWorker;

class DemoDeployment final : public DemoHost
{
    Q_OBJECT
public:
    explicit DemoDeployment(DemoOptions options = {}, QObject *parent = nullptr);
    ~DemoDeployment() override;

    void start() override;
    bool isReady() const override { return m_ready; }
    RedisUrl url() const { return m_url; }
    // The real drill on the demo cluster (see DemoWorker::runRealDrill); ends with realDrillFinished.
    void runRealDrill() override;

private:
    Worker m_thread{QStringLiteral("demo-deployment")};
    DemoWorker *m_worker = nullptr;
    DemoOptions m_options;
    RedisUrl m_url;
    bool m_ready = false;
};

} // namespace sdcore
