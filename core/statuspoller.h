#pragma once

// Worker that polls one target every interval (PING round trip, INFO) and publishes a NodeStatus.
// Lives on StatusMonitor's thread; its slots are only invoked through queued connections.

#include "nodestatus.h"
#include "redisconnection.h"

#include <QObject>

class QTimer;

namespace sdcore {

class StatusPoller final : public QObject
{
    Q_OBJECT
public:
    explicit StatusPoller(QObject *parent = nullptr);
    ~StatusPoller() override;

    // Polls once, synchronously; used by the timer and by tests.
    NodeStatus pollOnce();

public Q_SLOTS:
    void setTarget(const sdcore::RedisUrl &url, quint64 generation, int intervalMs);
    void stopPolling();

Q_SIGNALS:
    void polled(const sdcore::NodeStatus &status);

private:
    void poll();

    QTimer *m_timer = nullptr;
    std::optional<RedisUrl> m_url;
    quint64 m_generation = 0;
    std::unique_ptr<RedisConnection> m_connection;
    HostPort m_node;
    QString m_resolvedBy;
    ConnectionOptions m_options;
};

} // namespace sdcore
