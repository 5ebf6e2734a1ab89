#include "core/monitor/deploymentmonitor.h"

#include "core/cluster/clustercensus.h"
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

    m_poller = new TopologyPoller(m_url, m_options.poller);
    m_pollWorker.adopt(m_poller);
    connect(m_poller, &TopologyPoller::polled, this, &DeploymentMonitor::onPolled);

    if (m_url.isSentinel() && m_options.events) {
        m_stream = new SentinelEventStream(m_url);
        m_eventWorker.adopt(m_stream);
        m_failover = new FailoverController(m_url);
        m_eventWorker.adopt(m_failover);
        // Worker to worker: the failover follows the stream on their shared thread, directly.
        connect(m_stream, &SentinelEventStream::eventReceived, m_failover, &FailoverController::onEvent);
        connect(m_stream, &SentinelEventStream::eventReceived, this, &DeploymentMonitor::onEvent);
        connect(m_stream, &SentinelEventStream::linkChanged, this, &DeploymentMonitor::onLinkChanged);
        connect(m_poller, &TopologyPoller::sentinelsDiscovered, m_stream, &SentinelEventStream::addSentinels);
        connect(m_failover, &FailoverController::progress, this, &DeploymentMonitor::failoverProgress);
        connect(m_failover, &FailoverController::finished, this, &DeploymentMonitor::onFailoverFinished);
    }

    m_censusTimer = new QTimer(this);
    m_censusTimer->setInterval(1000);
    connect(m_censusTimer, &QTimer::timeout, this, &DeploymentMonitor::maybeStartCensus);
}

DeploymentMonitor::~DeploymentMonitor()
{
    m_cancelCensus = true;
    m_cancelClusterFailover = true;
    if (m_pollWorker.isRunning()) {
        QMetaObject::invokeMethod(m_poller, &TopologyPoller::stop, Qt::QueuedConnection);
        if (m_stream)
            QMetaObject::invokeMethod(m_stream, &SentinelEventStream::stop, Qt::QueuedConnection);
    }
    // Each worker deletes what it adopted (also when it never started).
    m_pollWorker.stop();
    m_eventWorker.stop();
    m_censusWorker.stop();
    m_cancelClusterFailover = true;
    m_clusterFailoverWorker.stop();
}

void DeploymentMonitor::start()
{
    if (m_pollWorker.isRunning())
        return;
    m_pollWorker.start();
    m_eventWorker.start();
    m_censusWorker.start();
    if (m_url.isCluster())
        m_clusterFailoverWorker.start();
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
        for (const SentinelState &s : m_last->sentinel.sentinels) {
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

void DeploymentMonitor::requestClusterFailover(const ClusterFailoverRequest &request)
{
    const auto refuse = [this](const QString &shard, const QString &why) {
        FailoverOutcome outcome;
        outcome.cluster = true;
        outcome.masterName = shard;
        outcome.error = why;
        Q_EMIT failoverFinished(outcome);
    };
    if (!m_url.isCluster())
        return refuse(QString(), tr("Not a Redis Cluster connection"));
    if (m_readOnly)
        return refuse(QString(), tr("This connection is marked read-only; failover is a write"));
    if (m_failoverRunning)
        return;
    if (!m_last)
        return refuse(QString(), tr("No poll yet: nothing is known of the cluster"));
    auto plan = ClusterFailover::plan(*m_last, request);
    if (!plan)
        return refuse(QString(), plan.errorMessage());
    m_failoverRunning = true;
    addLocalEvent(QStringLiteral("manual-failover"),
                  tr("Manual failover of shard %1 requested: %2 → %3%4")
                      .arg(plan->shard, plan->primary.toString(), plan->replica.toString(),
                           plan->mode == ClusterFailoverRequest::Mode::Default
                               ? QString()
                               : QStringLiteral(" (%1)").arg(failoverModeName(plan->mode).toUpper())),
                  SentinelEvent::Severity::Failover);
    m_clusterFailoverWorker.run([this, url = m_url, plan = *plan] {
        const FailoverOutcome outcome = ClusterFailover::run(url, plan, [this](const QString &step) {
            deliver(this, [this, step] { Q_EMIT failoverProgress(step); });
        }, &m_cancelClusterFailover);
        deliver(this, [this, outcome] { onFailoverFinished(outcome); });
    });
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
    // A Sentinel deployment is one shard: the failover moves its primary (and gives it one
    // when the last poll found none).
    if (m_last) {
        TopologySnapshot s = *m_last;
        s.at = QDateTime::currentDateTimeUtc();
        if (s.shards.isEmpty())
            s.shards.emplaceBack().name = m_url.masterName();
        ShardState &shard = s.shards.first();
        RedisNodeState oldMaster = shard.primary;
        RedisNodeState newMaster;
        newMaster.address = event.newMaster;
        for (qsizetype i = 0; i < shard.replicas.size(); ++i) {
            if (shard.replicas.at(i).address == event.newMaster) {
                newMaster = shard.replicas.takeAt(i);
                break;
            }
        }
        newMaster.role = QStringLiteral("master");
        newMaster.flags = QStringList{QStringLiteral("master")};
        newMaster.masterLinkStatus.clear();
        newMaster.lagBytes = newMaster.lagSeconds = -1;
        shard.primary = newMaster;
        shard.hasPrimary = true;
        if (oldMaster.address == event.oldMaster) {
            oldMaster.role = QStringLiteral("slave");
            oldMaster.reason = tr("demoted by the failover");
            shard.replicas.prepend(oldMaster);
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
    // The deployment's primaries: ops, memory and clients added up, the slowest round trip.
    if (const PrimaryTotals totals = s.primaryTotals(); totals.up > 0) {
        m_history[Series::OpsPerSec].append(t, double(totals.opsPerSec));
        m_history[Series::Memory].append(t, double(totals.usedMemory));
        m_history[Series::Clients].append(t, double(totals.connectedClients));
        m_history[Series::Rtt].append(t, totals.maxRttMs);
    }
    for (const ShardState &shard : s.shards) {
        for (const RedisNodeState &r : shard.replicas) {
            if (r.lagBytes >= 0)
                m_history[Series::lagBytes(r.address)].append(t, double(r.lagBytes));
        }
    }
    // A cluster's figures with a node missing would chart as subscribers gone: a gap instead.
    if (s.pubsub.valid && !(s.pubsub.perNode && !s.pubsub.error.isEmpty())) {
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
    // A cluster's events are found by the poller (it has none of its own to subscribe to).
    for (const SentinelEvent &e : snapshot.events) {
        const auto added = m_timeline.add(e);
        Q_EMIT timelineUpdated(added.entry, added.isNew);
    }
    Q_EMIT snapshotUpdated(snapshot);
}

void DeploymentMonitor::maybeStartCensus()
{
    if (!m_options.census || m_censusRunning || !m_last || !m_last->reachedPrimary())
        return;
    const qint64 wait = qMax<qint64>(m_options.censusMinIntervalMs, 10 * m_lastCensusMs);
    if (m_sinceCensus.isValid() && m_sinceCensus.elapsed() < wait)
        return;
    m_censusRunning = true;
    m_sinceCensus.start();
    const QStringList prefixes = m_options.prefixes;
    if (m_last->isCluster()) {
        // Every shard's primary at once; the figures are their sum, and each shard's is kept.
        m_censusWorker.run([this, url = m_url, snapshot = *m_last, prefixes] {
            QList<CensusResult> results;
            for (const QString &prefix : prefixes)
                results << ClusterCensus::run(url, snapshot, prefix, &m_cancelCensus);
            deliver(this, [this, results] {
                for (const CensusResult &r : results)
                    onCensus(r);
                m_censusRunning = false;
            });
        });
        return;
    }
    const RedisUrl nodeUrl = m_url.kind() == RedisUrl::Kind::Unix ? m_url : m_url.withNode(m_last->shards.first().primary.address);
    m_censusWorker.run([this, nodeUrl, prefixes] {
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
        deliver(this, [this, results] {
            for (const CensusResult &r : results)
                onCensus(r);
            m_censusRunning = false;
        });
    });
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
