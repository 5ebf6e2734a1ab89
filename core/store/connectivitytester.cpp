#include "core/store/connectivitytester.h"

namespace sdcore {

ConnectivityTester::ConnectivityTester(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<ProbeReport>();
    m_worker.start();
}

ConnectivityTester::~ConnectivityTester() = default;

bool ConnectivityTester::run(const RedisUrl &primary, const QList<RedisUrl> &fallbacks, const ProbeOptions &options)
{
    if (m_running)
        return false;
    m_running = true;
    Q_EMIT started(options.drill);
    m_worker.run([this, primary, fallbacks, options] {
        const ProbeReport report = ConnectivityProbe::run(primary, fallbacks, options);
        deliver(this, [this, report] {
            m_running = false;
            Q_EMIT finished(report);
        });
    });
    return true;
}

} // namespace sdcore
