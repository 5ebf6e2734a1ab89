#include "core/sentinel/failovercontroller.h"

#include "core/sentinel/sentinelclient.h"

#include <QTimer>

#include <spdlog/spdlog.h>

namespace sdcore {

namespace {

QString abortReason(const QString &type)
{
    if (type == QLatin1String("-failover-abort-not-elected"))
        return QStringLiteral("no sentinel won the leader election (are enough sentinels up?)");
    if (type == QLatin1String("-failover-abort-no-good-slave"))
        return QStringLiteral("no replica was fit to be promoted (all down, disconnected or too far behind)");
    if (type == QLatin1String("-failover-abort-slave-timeout"))
        return QStringLiteral("the chosen replica did not turn into a master in time");
    if (type == QLatin1String("-failover-abort-master-is-back"))
        return QStringLiteral("the master came back before the failover was done");
    return type.mid(1);
}

ConnectionOptions sentinelOptions()
{
    ConnectionOptions o;
    o.connectTimeoutMs = o.commandTimeoutMs = 1500;
    o.clientName = "sessiondeck-failover";
    return o;
}

} // namespace

QString FailoverOutcome::summary() const
{
    if (cluster && !ok)
        return QStringLiteral("Failover of shard %1 failed: %2").arg(masterName, error);
    if (cluster)
        return QStringLiteral("Failover of shard %1 done in %2 ms: primary %3 → %4")
            .arg(masterName)
            .arg(elapsedMs)
            .arg(oldMaster.toString(), newMaster.toString());
    if (!ok)
        return QStringLiteral("Failover of '%1' failed: %2").arg(masterName, error);
    return QStringLiteral("Failover of '%1' done in %2 ms: master %3 → %4")
        .arg(masterName)
        .arg(elapsedMs)
        .arg(oldMaster.toString(), newMaster.toString());
}

FailoverController::FailoverController(RedisUrl url, QObject *parent)
    : QObject(parent), m_url(std::move(url))
{
    qRegisterMetaType<FailoverOutcome>();
}

FailoverController::~FailoverController() = default;

void FailoverController::start(const QList<HostPort> &sentinels, int timeoutMs)
{
    if (m_running) {
        Q_EMIT progress(tr("A failover is already running"));
        return;
    }
    m_running = true;
    m_sentinels = sentinels.isEmpty() ? m_url.hosts() : sentinels;
    m_outcome = FailoverOutcome();
    m_outcome.masterName = m_url.masterName();
    m_elapsed.start();
    if (!m_timeout) {
        m_timeout = new QTimer(this);
        m_timeout->setSingleShot(true);
        connect(m_timeout, &QTimer::timeout, this, [this] {
            finish(false, tr("no +switch-master within %1 s; the failover may still finish, "
                             "watch the events")
                              .arg(m_timeout->interval() / 1000));
        });
        m_check = new QTimer(this);
        m_check->setInterval(500);
        connect(m_check, &QTimer::timeout, this, &FailoverController::checkAddress);
    }

    QStringList why;
    auto client = SentinelClient::connectAny(m_url, m_sentinels, sentinelOptions(), &why);
    if (!client) {
        finish(false, client.errorMessage());
        return;
    }
    m_outcome.askedSentinel = client->address();
    auto old = client->masterAddress(m_outcome.masterName);
    if (!old) {
        finish(false, old.errorMessage());
        return;
    }
    m_outcome.oldMaster = *old;
    spdlog::info("failover: asking sentinel {} to fail over '{}' (master {})",
                 client->address().toString().toStdString(), m_outcome.masterName.toStdString(),
                 old->toString().toStdString());
    Q_EMIT progress(tr("Asked sentinel %1 to fail over '%2' (master %3)")
                        .arg(client->address().toString(), m_outcome.masterName, old->toString()));
    if (Status s = client->failover(m_outcome.masterName); !s) {
        finish(false, s.errorMessage());
        return;
    }
    m_timeout->start(qMax(1000, timeoutMs));
    m_check->start();
}

void FailoverController::onEvent(const SentinelEvent &event)
{
    if (!m_running || event.masterName != m_outcome.masterName)
        return;
    if (!event.isFailoverStep() && event.type != QLatin1String("+new-epoch")
        && event.type != QLatin1String("-role-change") && event.type != QLatin1String("+role-change"))
        return;
    const QString step = event.summary();
    if (!m_outcome.steps.contains(step)) {
        m_outcome.steps << step;
        Q_EMIT progress(step);
    }
    if (event.type == QLatin1String("+switch-master")) {
        m_outcome.newMaster = event.newMaster;
        finish(true, QString());
    } else if (event.type.startsWith(QLatin1String("-failover-abort"))) {
        finish(false, abortReason(event.type));
    }
}

void FailoverController::checkAddress()
{
    if (!m_running)
        return;
    auto client = SentinelClient::connectAny(m_url, m_sentinels, sentinelOptions());
    if (!client)
        return;
    auto now = client->masterAddress(m_outcome.masterName);
    if (now && !(*now == m_outcome.oldMaster)) {
        m_outcome.newMaster = *now;
        m_outcome.steps << tr("sentinel %1 names the new master %2")
                               .arg(client->address().toString(), now->toString());
        finish(true, QString());
    }
}

void FailoverController::finish(bool ok, const QString &error)
{
    if (!m_running)
        return;
    m_running = false;
    if (m_timeout) {
        m_timeout->stop();
        m_check->stop();
    }
    m_outcome.ok = ok;
    m_outcome.error = error;
    m_outcome.elapsedMs = m_elapsed.elapsed();
    if (ok)
        spdlog::info("failover: {}", m_outcome.summary().toStdString());
    else
        spdlog::warn("failover: {}", m_outcome.summary().toStdString());
    Q_EMIT finished(m_outcome);
}

} // namespace sdcore
