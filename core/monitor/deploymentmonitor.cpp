#include "core/monitor/deploymentmonitor.h"

#include "core/sentinel/masterresolver.h"
#include "core/sentinel/sentineleventstream.h"

#include <QTimer>

#include <spdlog/spdlog.h>

namespace sdcore {

DeploymentMonitor::DeploymentMonitor(RedisUrl url, MonitorOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options))
{
    qRegisterMetaType<TopologySnapshot>();
    qRegisterMetaType<SentinelEvent>();
    qRegisterMetaType<TimelineEntry>();
    qRegisterMetaType<CensusResult>();
    qRegisterMetaType<FailoverOutcome>();
    qRegisterMetaType<HostPort>();
    qRegisterMetaType<QList<HostPort>>();

    m_pollThread.setObjectName(QStringLiteral("topology-poller"));
    m_eventThread.setObjectName(QStringLiteral("sentinel-events"));
    m_censusThread.setObjectName(QStringLiteral("session-census"));

    m_poller = new TopologyPoller(m_url, m_options.poller);
    m_poller->moveToThread(&m_pollThread);
    connect(&m_pollThread, &QThread::finished, m_poller, &QObject::deleteLater);
    connect(m_poller, &TopologyPoller::polled, this, &DeploymentMonitor::onPolled);

    if (m_url.isSentinel() && m_options.events) {
        m_stream = new SentinelEventStream(m_url);
        m_stream->moveToThread(&m_eventThread);
        m_failover = new FailoverController(m_url);
        m_failover->moveToThread(&m_eventThread);
        connect(&m_eventThread, &QThread::finished, m_stream, &QObject::deleteLater);
        connect(&m_eventThread, &QThread::finished, m_failover, &QObject::deleteLater);
        // Worker to worker: the failover follows the stream on their shared thread, directly.
        connect(m_stream, &SentinelEventStream::eventReceived, m_failover, &FailoverController::onEvent);
        connect(m_stream, &SentinelEventStream::eventReceived, this, &DeploymentMonitor::onEvent);
        connect(m_stream, &SentinelEventStream::linkChanged, this, &DeploymentMonitor::onLinkChanged);
        connect(m_poller, &TopologyPoller::sentinelsDiscovered, m_stream, &SentinelEventStream::addSentinels);
        connect(m_failover, &FailoverController::progress, this, &DeploymentMonitor::failoverProgress);
        connect(m_failover, &FailoverController::finished, this, &DeploymentMonitor::onFailoverFinished);
    }

    m_censusContext = new QObject;
    m_censusContext->moveToThread(&m_censusThread);
    connect(&m_censusThread, &QThread::finished, m_censusContext, &QObject::deleteLater);
    m_censusTimer = new QTimer(this);
    m_censusTimer->setInterval(1000);
    connect(m_censusTimer, &QTimer::timeout, this, &DeploymentMonitor::maybeStartCensus);
}

DeploymentMonitor::~DeploymentMonitor()
{
    m_cancelCensus = true;
    if (!m_pollThread.isRunning()) {
        // Never started: no thread will run the workers' deleteLater, so they go here.
        delete m_poller;
        delete m_stream;
        delete m_failover;
        delete m_censusContext;
        return;
    }
    QMetaObject::invokeMethod(m_poller, &TopologyPoller::stop, Qt::QueuedConnection);
    if (m_stream)
        QMetaObject::invokeMethod(m_stream, &SentinelEventStream::stop, Qt::QueuedConnection);
    for (QThread *t : {&m_pollThread, &m_eventThread, &m_censusThread}) {
        t->quit();
        t->wait();
    }
}

void DeploymentMonitor::start()
{
    if (m_pollThread.isRunning())
        return;
    m_pollThread.start();
    m_eventThread.start();
    m_censusThread.start();
    QMetaObject::invokeMethod(m_poller, [p = m_poller, g = m_generation] { p->start(g); },
                              Qt::QueuedConnection);
    if (m_stream)
        QMetaObject::invokeMethod(m_stream, &SentinelEventStream::start, Qt::QueuedConnection);
    m_censusTimer->start();
}

std::optional<CensusResult> DeploymentMonitor::lastCensus(const QString &prefix) const
{
    auto it = m_census.find(prefix);
    if (it == m_census.end())
        return std::nullopt;
    return *it;
}

void DeploymentMonitor::setPollIntervalMs(int ms)
{
    m_options.poller.intervalMs = ms;
    QMetaObject::invokeMethod(m_poller, [p = m_poller, ms] { p->setIntervalMs(ms); },
                              Qt::QueuedConnection);
}

void DeploymentMonitor::setCensusEnabled(bool enabled)
{
    m_options.census = enabled;
}

void DeploymentMonitor::pollNow()
{
    QMetaObject::invokeMethod(m_poller, &TopologyPoller::pollNow, Qt::QueuedConnection);
}

void DeploymentMonitor::requestFailover(int timeoutMs)
{
    if (!m_failover) {
        FailoverOutcome outcome;
        outcome.masterName = m_url.masterName();
        outcome.error = tr("Manual failover needs a Sentinel connection (redis-sentinel://…)");
        Q_EMIT failoverFinished(outcome);
        return;
    }
    if (m_readOnly) {
        FailoverOutcome outcome;
        outcome.masterName = m_url.masterName();
        outcome.error = tr("This connection is marked read-only; failover is a write");
        Q_EMIT failoverFinished(outcome);
        return;
    }
    if (m_failoverRunning)
        return;
    m_failoverRunning = true;
    QList<HostPort> sentinels = m_url.hosts();
    if (m_last) {
        // Sentinels that answered the last poll first.
        QList<HostPort> up;
        for (const SentinelState &s : m_last->sentinels) {
            if (s.up)
                up << s.address;
        }
        for (const HostPort &h : std::as_const(sentinels)) {
            if (!up.contains(h))
                up << h;
        }
        sentinels = up;
    }
    addLocalEvent(QStringLiteral("manual-failover"),
                  tr("Manual failover of '%1' requested").arg(m_url.masterName()),
                  SentinelEvent::Severity::Failover);
    QMetaObject::invokeMethod(m_failover, [f = m_failover, sentinels, timeoutMs] {
        f->start(sentinels, timeoutMs);
    }, Qt::QueuedConnection);
}

void DeploymentMonitor::onFailoverFinished(const FailoverOutcome &outcome)
{
    m_failoverRunning = false;
    addLocalEvent(outcome.ok ? QStringLiteral("failover-done") : QStringLiteral("failover-failed"),
                  outcome.summary(),
                  outcome.ok ? SentinelEvent::Severity::Info : SentinelEvent::Severity::Warning);
    pollNow();
    Q_EMIT failoverFinished(outcome);
}

void DeploymentMonitor::addLocalEvent(const QString &type, const QString &text,
                                   SentinelEvent::Severity severity, const QDateTime &at)
{
    SentinelEvent e;
    e.type = type;
    e.payload = text;
    e.detail = text;
    e.masterName = m_url.masterName();
    e.at = at.isValid() ? at.toUTC() : QDateTime::currentDateTimeUtc();
    e.local = true;
    e.localSeverity = severity;
    const auto added = m_timeline.add(e);
    Q_EMIT timelineUpdated(added.entry, added.isNew);
}

void DeploymentMonitor::onLinkChanged(const HostPort &sentinel, bool up, const QString &reason)
{
    addLocalEvent(up ? QStringLiteral("events-restored") : QStringLiteral("events-lost"),
                  up ? tr("Event stream from sentinel %1 connected").arg(sentinel.toString())
                     : tr("Event stream from sentinel %1 lost: %2").arg(sentinel.toString(), reason),
                  up ? SentinelEvent::Severity::Info : SentinelEvent::Severity::Warning);
}

void DeploymentMonitor::onEvent(const SentinelEvent &event)
{
    if (!event.masterName.isEmpty() && event.masterName != m_url.masterName())
        return;   // another master group monitored by the same sentinels
    const auto added = m_timeline.add(event);
    if (added.duplicate)
        return;
    if (added.isNew && event.type == QLatin1String("+switch-master"))
        applySwitch(event);
    Q_EMIT timelineUpdated(added.entry, added.isNew);
}

void DeploymentMonitor::applySwitch(const SentinelEvent &event)
{
    spdlog::info("events: +switch-master {} {} -> {}", event.masterName.toStdString(),
                 event.oldMaster.toString().toStdString(), event.newMaster.toString().toStdString());
    if (m_last) {
        TopologySnapshot s = *m_last;
        s.at = QDateTime::currentDateTimeUtc();
        RedisNodeState oldMaster = s.master;
        RedisNodeState newMaster;
        newMaster.address = event.newMaster;
        for (qsizetype i = 0; i < s.replicas.size(); ++i) {
            if (s.replicas.at(i).address == event.newMaster) {
                newMaster = s.replicas.takeAt(i);
                break;
            }
        }
        newMaster.role = QStringLiteral("master");
        newMaster.flags = QStringList{QStringLiteral("master")};
        newMaster.masterLinkStatus.clear();
        newMaster.lagBytes = newMaster.lagSeconds = -1;
        s.master = newMaster;
        s.hasMaster = true;
        if (oldMaster.address == event.oldMaster) {
            oldMaster.role = QStringLiteral("slave");
            oldMaster.reason = tr("demoted by the failover");
            s.replicas.prepend(oldMaster);
        }
        s.evaluate();
        m_last = s;
        Q_EMIT snapshotUpdated(s);
    }
    pollNow();
}

void DeploymentMonitor::record(const TopologySnapshot &s)
{
    const double t = double(s.at.toMSecsSinceEpoch()) / 1000.0;
    if (s.hasMaster && s.master.up) {
        m_history[Series::OpsPerSec].append(t, double(s.master.opsPerSec));
        m_history[Series::Memory].append(t, double(s.master.usedMemory));
        m_history[Series::Clients].append(t, double(s.master.connectedClients));
        m_history[Series::Rtt].append(t, s.master.rttMs);
    }
    for (const RedisNodeState &r : s.replicas) {
        if (r.lagBytes >= 0)
            m_history[Series::lagBytes(r.address)].append(t, double(r.lagBytes));
    }
    if (s.pubsub.valid) {
        m_history[Series::PubSubPatterns].append(t, double(s.pubsub.patterns));
        for (const auto &c : s.pubsub.channels)
            m_history[Series::pubsub(c.first)].append(t, double(c.second));
    }
}

void DeploymentMonitor::onPolled(const TopologySnapshot &snapshot)
{
    if (snapshot.generation != m_generation)
        return;
    m_last = snapshot;
    record(snapshot);
    Q_EMIT snapshotUpdated(snapshot);
}

void DeploymentMonitor::maybeStartCensus()
{
    if (!m_options.census || m_censusRunning || !m_last || !m_last->hasMaster || !m_last->master.up)
        return;
    const qint64 wait = qMax<qint64>(m_options.censusMinIntervalMs, 10 * m_lastCensusMs);
    if (m_sinceCensus.isValid() && m_sinceCensus.elapsed() < wait)
        return;
    m_censusRunning = true;
    m_sinceCensus.start();
    const RedisUrl nodeUrl = m_url.kind() == RedisUrl::Kind::Unix ? m_url : m_url.withNode(m_last->master.address);
    const QStringList prefixes = m_options.prefixes;
    QMetaObject::invokeMethod(m_censusContext, [this, nodeUrl, prefixes] {
        // The census thread; its own connection, closed when the census ends.
        ConnectionOptions options;
        options.clientName = "sessiondeck-census";
        QList<CensusResult> results;
        auto conn = RedisConnection::open(nodeUrl, options);
        for (const QString &prefix : prefixes) {
            if (!conn) {
                CensusResult r;
                r.prefix = prefix;
                r.error = conn.errorMessage();
                r.at = QDateTime::currentDateTimeUtc();
                results << r;
                continue;
            }
            results << SessionCensus::run(**conn, prefix, &m_cancelCensus);
        }
        QMetaObject::invokeMethod(this, [this, results] {
            for (const CensusResult &r : results)
                onCensus(r);
            m_censusRunning = false;
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void DeploymentMonitor::onCensus(const CensusResult &result)
{
    if (!result.error.isEmpty())
        spdlog::warn("census of '{}': {}", result.prefix.toStdString(), result.error.toStdString());
    if (result.complete) {
        m_lastCensusMs = result.durationMs;
        m_census[result.prefix] = result;
        m_history[Series::sessions(result.prefix)].append(
            double(result.at.toMSecsSinceEpoch()) / 1000.0, double(result.count));
    }
    Q_EMIT censusUpdated(result);
}

} // namespace sdcore
