#pragma once

// The connections a user works with and the one that is active: the saved list (without
// passwords), the demo cluster when started, and the status polling of the active target.
// Widgets observe it through signals; it never blocks (all network work runs on core's
// worker threads). Create and use on the UI thread.

#include "democluster.h"
#include "nodestatus.h"
#include "redisurl.h"

#include <QList>
#include <QObject>

#include <memory>

namespace sdcore {

class StatusMonitor;

struct ConnectionEntry
{
    QString name;
    RedisUrl url;
    bool demo = false;
    std::optional<NodeStatus> lastStatus;
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
    void activate(int index);
    void startDemo(DemoOptions options = {});
    bool demoRunning() const { return m_demo != nullptr; }
    void setPollInterval(int ms) { m_pollIntervalMs = ms; }

Q_SIGNALS:
    void connectionsChanged();
    void activeChanged(int index);
    void statusUpdated(const sdcore::NodeStatus &status);
    void demoProgress(const QString &message);
    void demoReady(const sdcore::RedisUrl &url);
    void demoFailed(const QString &message);

private:
    void load();
    void save() const;
    void onStatus(const NodeStatus &status);

    QList<ConnectionEntry> m_connections;
    int m_active = -1;
    bool m_persist;
    int m_pollIntervalMs = 1000;
    StatusMonitor *m_monitor = nullptr;
    std::unique_ptr<DemoCluster> m_demo;
};

} // namespace sdcore
