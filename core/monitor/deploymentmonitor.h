#pragma once

// Everything SessionDeck watches for one connection, as the UI thread sees it: a TopologyPoller
// (one snapshot per interval), the sentinels' event stream merged into an EventTimeline, the
// session census on a slower cadence, the metric history, and manual failover. Each part runs
// on a worker thread this object owns; results come back as values over queued signals, so
// nothing here blocks. A +switch-master event moves the master in the last snapshot at once,
// without waiting for the next poll. Create and use on one thread (the UI thread).

#include "core/cluster/clusterfailover.h"
#include "core/monitor/metricseries.h"
#include "core/monitor/topologypoller.h"
#include "core/sentinel/eventtimeline.h"
#include "core/sentinel/failovercontroller.h"
#include "core/sessions/sessioncensus.h"
#include "core/support/worker.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>

#include <atomic>
#include <optional>

class QTimer;

namespace sdcore {

class SentinelEventStream;

struct MonitorOptions
{
    PollerOptions poller;
    QStringList prefixes{QStringLiteral("sess:")};
    bool census = true;
    int censusMinIntervalMs = 5000;     // at least this long between two censuses; longer when
                                        // a census is slow (10 × its duration)
    bool events = true;
};

// Names of the series in DeploymentMonitor::history().
namespace Series {
inline QString sessions(const QString &prefix) { return QStringLiteral("sessions:") + prefix; }
inline QString lagBytes(const HostPort &replica) { return QStringLiteral("lag:") + replica.toString(); }
inline QString pubsub(const QString &channel) { return QStringLiteral("pubsub:") + channel; }
inline const QString OpsPerSec = QStringLiteral("ops");
inline const QString Memory = QStringLiteral("memory");
inline const QString Clients = QStringLiteral("clients");
inline const QString Rtt = QStringLiteral("rtt");
inline const QString PubSubPatterns = QStringLiteral("pubsub-patterns");
}

class DeploymentMonitor final : public QObject
{
    Q_OBJECT
public:
    explicit DeploymentMonitor(RedisUrl url, MonitorOptions options = {}, QObject *parent = nullptr);
    ~DeploymentMonitor() override;

    void start();
    const RedisUrl &url() const { return m_url; }
    const MonitorOptions &options() const { return m_options; }

    const std::optional<TopologySnapshot> &lastSnapshot() const { return m_last; }
    const QMap<QString, MetricSeries> &history() const { return m_history; }
    const EventTimeline &timeline() const { return m_timeline; }
    std::optional<CensusResult> lastCensus(const QString &prefix) const;
    bool failoverRunning() const { return m_failoverRunning; }
    // A read-only connection refuses every write SessionDeck could make, failover included.
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    bool isReadOnly() const { return m_readOnly; }

    void setPollIntervalMs(int ms);
    void setCensusEnabled(bool enabled);
    void pollNow();
    // Starts a manual failover (Sentinel URLs only); progress and outcome come as signals.
    void requestFailover(int timeoutMs = 60000);
    // Fails one cluster shard over (cluster URLs only), checked against the last poll first;
    // progress and outcome come as the same signals as Sentinel's.
    void requestClusterFailover(const ClusterFailoverRequest &request);
    // Adds an entry of SessionDeck's own (a link lost, a store tier switch) to the timeline.
    // `at`: when it happened, where it was observed (now when not given).
    void addLocalEvent(const QString &type, const QString &text, SentinelEvent::Severity severity,
                       const QDateTime &at = {});

Q_SIGNALS:
    void snapshotUpdated(const sdcore::TopologySnapshot &snapshot);
    void timelineUpdated(const sdcore::TimelineEntry &entry, bool isNew);
    void censusUpdated(const sdcore::CensusResult &result);
    void failoverProgress(const QString &step);
    void failoverFinished(const sdcore::FailoverOutcome &outcome);

private:
    void onPolled(const TopologySnapshot &snapshot);
    void onEvent(const SentinelEvent &event);
    void onLinkChanged(const HostPort &sentinel, bool up, const QString &reason);
    void onFailoverFinished(const FailoverOutcome &outcome);
    void applySwitch(const SentinelEvent &event);
    void record(const TopologySnapshot &snapshot);
    void maybeStartCensus();
    void onCensus(const CensusResult &result);

    RedisUrl m_url;
    MonitorOptions m_options;
    quint64 m_generation = 1;

    Worker m_pollWorker{QStringLiteral("topology-poller")};
    Worker m_eventWorker{QStringLiteral("sentinel-events")};
    Worker m_censusWorker{QStringLiteral("session-census")};
    Worker m_clusterFailoverWorker{QStringLiteral("cluster-failover")};
    TopologyPoller *m_poller = nullptr;
    SentinelEventStream *m_stream = nullptr;
    FailoverController *m_failover = nullptr;
    std::atomic_bool m_cancelCensus{false};
    std::atomic_bool m_cancelClusterFailover{false};
    bool m_censusRunning = false;
    QElapsedTimer m_sinceCensus;
    qint64 m_lastCensusMs = 0;
    QTimer *m_censusTimer = nullptr;

    std::optional<TopologySnapshot> m_last;
    QMap<QString, MetricSeries> m_history;
    EventTimeline m_timeline;
    QMap<QString, CensusResult> m_census;
    bool m_failoverRunning = false;
    bool m_readOnly = false;
};

} // namespace sdcore
