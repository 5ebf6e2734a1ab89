#pragma once

// The local demo: starts a Sentinel cluster with ClusterLauncher and keeps demo session traffic
// flowing, all on a worker thread this object owns, so the window never waits. Reports progress,
// then ready(url) with the cluster's Sentinel URL, or failed(message). Destroying it stops every
// process it started. Create and use on one thread (the UI thread).

#include "clusterlauncher.h"
#include "realdrill.h"

#include <QObject>
#include <QThread>

namespace sdcore {

struct DemoOptions
{
    LauncherOptions launcher;
    int seedSessions = 3000;
    int operationsPerSecond = 200;
};

class DemoWorker;

class DemoCluster final : public QObject
{
    Q_OBJECT
public:
    explicit DemoCluster(DemoOptions options = {}, QObject *parent = nullptr);
    ~DemoCluster() override;

    void start();
    bool isReady() const { return m_ready; }
    RedisUrl url() const { return m_url; }
    // The real drill on the demo cluster (see DemoWorker::runRealDrill); ends with realDrillFinished.
    void runRealDrill();

Q_SIGNALS:
    void realDrillFinished(const sdcore::RealDrillReport &report);
    void progress(const QString &message);
    void ready(const sdcore::RedisUrl &sentinelUrl);
    void failed(const QString &message);

private:
    QThread m_thread;
    DemoWorker *m_worker = nullptr;
    DemoOptions m_options;
    RedisUrl m_url;
    bool m_ready = false;
};

} // namespace sdcore
