#pragma once

// The UI-thread face of status polling: owns a worker thread running a StatusPoller and
// re-emits its snapshots, dropping those of a previous target. Create and use on one thread.

#include "nodestatus.h"

#include <QObject>
#include <QThread>

namespace sdcore {

class StatusPoller;

class StatusMonitor final : public QObject
{
    Q_OBJECT
public:
    explicit StatusMonitor(QObject *parent = nullptr);
    ~StatusMonitor() override;

    void setTarget(const RedisUrl &url, int intervalMs = 1000);
    void stop();
    quint64 generation() const { return m_generation; }

Q_SIGNALS:
    void statusUpdated(const sdcore::NodeStatus &status);

private:
    void onPolled(const NodeStatus &status);

    QThread m_thread;
    StatusPoller *m_poller = nullptr;
    quint64 m_generation = 0;
};

} // namespace sdcore
