#pragma once

// The connections a user works with and the one that is active: the saved list (without
// passwords), the demo cluster when started, and a ClusterMonitor for each connection opened
// so far (the active one polled at the full rate, the others slower, each keeping its history
// and health badge). Widgets observe it through signals; it never blocks (all network work
// runs on core's worker threads). Create and use on the UI thread.

#include "clustermonitor.h"
#include "democluster.h"
#include "redisurl.h"

#include <QList>
#include <QObject>

#include <memory>

namespace sdcore {

struct ConnectionEntry
{
    QString name;
    RedisUrl url;
    bool demo = false;
    bool readOnly = false;               // no writes: delete, failover
    bool production = false;             // multi-key deletes are confirmed by typing the name
    ClusterMonitor *monitor = nullptr;   // owned by the Workspace; null until first activated

    Health health() const
    {
        return monitor && monitor->lastSnapshot() ? monitor->lastSnapshot()->health : Health::Unknown;
    }
};

class Workspace final : public QObject
{
    Q_OBJECT
public:
    // With `persist`, the list is loaded from and saved to QSettings (passwords never saved).
    explicit Workspace(bool persist = true, QObject *parent = nullptr);
    ~Workspace() override;

    const QList<ConnectionEntry> &connections() const { return m_connections; }
    int activeIndex() const { return m_active; }
    const ConnectionEntry *active() const;

    // Parses `urlText`; on success adds (or finds) the connection and returns its index.
    Result<int> addConnection(const QString &urlText, const QString &name = {});
    void removeConnection(int index);
    void setReadOnly(int index, bool readOnly);
    void setProduction(int index, bool production);
    void activate(int index);
    void startDemo(DemoOptions options = {});
    bool demoRunning() const { return m_demo != nullptr; }
    DemoCluster *demo() const { return m_demo.get(); }
    void setPollInterval(int ms) { m_pollIntervalMs = ms; }
    // Options for monitors created from now on (tests shorten intervals, add prefixes).
    void setMonitorOptions(const MonitorOptions &options) { m_monitorOptions = options; }
    ClusterMonitor *activeMonitor() const;

Q_SIGNALS:
    void connectionsChanged();
    void activeChanged(int index);
    // The active connection's snapshot.
    void snapshotUpdated(const sdcore::ClusterSnapshot &snapshot);
    // Any connection's health may have changed (for badges).
    void healthChanged(int index);
    void demoProgress(const QString &message);
    void demoReady(const sdcore::RedisUrl &url);
    void demoFailed(const QString &message);

private:
    void load();
    void save() const;
    void applyRates();

    QList<ConnectionEntry> m_connections;
    int m_active = -1;
    bool m_persist;
    int m_pollIntervalMs = 1000;
    int m_backgroundIntervalMs = 5000;
    MonitorOptions m_monitorOptions;
    std::unique_ptr<DemoCluster> m_demo;
};

} // namespace sdcore
