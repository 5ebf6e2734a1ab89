#include "core/store/connectivitytester.h"

namespace sdcore {

ConnectivityTester::ConnectivityTester(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<ProbeReport>();
    m_thread.setObjectName(QStringLiteral("connectivity-probe"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

ConnectivityTester::~ConnectivityTester()
{
    m_thread.quit();
    m_thread.wait();
}

bool ConnectivityTester::run(const RedisUrl &primary, const QList<RedisUrl> &fallbacks, const ProbeOptions &options)
{
    if (m_running)
        return false;
    m_running = true;
    Q_EMIT started(options.drill);
    QMetaObject::invokeMethod(m_context, [this, primary, fallbacks, options] {
        const ProbeReport report = ConnectivityProbe::run(primary, fallbacks, options);
        QMetaObject::invokeMethod(this, [this, report] {
            m_running = false;
            Q_EMIT finished(report);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    return true;
}

} // namespace sdcore
