#pragma once

// Runs the ConnectivityProbe for the UI on a worker thread of its own, one run at a time; the
// report comes back as a value over a queued signal. Create and use on the UI thread.

#include "core/store/connectivityprobe.h"
#include "core/support/worker.h"

#include <QObject>

namespace sdcore {

class ConnectivityTester final : public QObject
{
    Q_OBJECT
public:
    explicit ConnectivityTester(QObject *parent = nullptr);
    ~ConnectivityTester() override;

    // Ignored while a run is in progress (returns false).
    bool run(const RedisUrl &primary, const QList<RedisUrl> &fallbacks, const ProbeOptions &options = {});
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void started(bool drill);
    void finished(const sdcore::ProbeReport &report);

private:
    Worker m_worker{QStringLiteral("connectivity-probe")};
    bool m_running = false;
};

} // namespace sdcore
