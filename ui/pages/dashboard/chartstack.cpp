#include "ui/pages/dashboard/chartstack.h"

#include "core/monitor/deploymentmonitor.h"
#include "ui/charts/plot.h"
#include "ui/charts/timechart.h"
#include "ui/style/palette.h"

#include <QComboBox>
#include <QDateTime>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

#include <optional>

namespace sdui {

namespace {

constexpr int MaxMarkers = 300;

// Which timeline entries become chart markers, and how they read there.
std::optional<ChartMarker> markerFor(const sdcore::TimelineEntry &entry)
{
    const sdcore::SentinelEvent &e = entry.event;
    ChartMarker m;
    m.time = double(entry.firstSeen.toMSecsSinceEpoch()) / 1000.0;
    const QString when = entry.firstSeen.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    m.tooltip = QStringLiteral("%1  %2%3")
                    .arg(when, e.summary(),
                         e.local ? QString() : QObject::tr(" (seen by %n sentinel(s))", nullptr, entry.seenCount()));
    if (e.type == QLatin1String("+switch-master")) {
        m.label = QObject::tr("failover → %1").arg(e.newMaster.toString());
        m.color = palette::bad();
    } else if (e.type == QLatin1String("+odown")) {
        m.label = QObject::tr("master down");
        m.color = palette::bad();
    } else if (e.type == QLatin1String("+sdown") && e.instance != sdcore::SentinelEvent::Instance::Master) {
        m.label = QObject::tr("%1 down").arg(e.address.toString());
        m.color = palette::warning();
    } else if (e.type == QLatin1String("-sdown")) {
        m.label = QObject::tr("%1 up").arg(e.address.toString());
        m.color = palette::good();
    } else if (e.type.startsWith(QLatin1String("-failover-abort"))) {
        m.label = QObject::tr("failover aborted");
        m.color = palette::bad();
    } else if (e.local && (e.type == QLatin1String("manual-failover")
                           || e.type == QLatin1String("failover-failed")
                           || e.type == QLatin1String("events-lost")
                           || e.type.startsWith(QLatin1String("store-")))) {
        m.label = e.type == QLatin1String("manual-failover") ? QObject::tr("failover requested")
                  : e.type == QLatin1String("events-lost")   ? QObject::tr("events lost")
                  : e.type == QLatin1String("store-switch")  ? QObject::tr("store switch")
                                                             : e.type;
        m.color = palette::local();
    } else {
        return std::nullopt;
    }
    return m;
}

} // namespace

ChartStack::ChartStack(QWidget *parent) : QWidget(parent)
{
    m_range = new QComboBox;
    m_range->setObjectName(QStringLiteral("rangeCombo"));
    m_range->addItem(tr("Last 5 min"), 300);
    m_range->addItem(tr("Last hour"), 3600);
    m_range->addItem(tr("Last 24 h"), 86400);
    m_liveButton = new QPushButton(tr("Live"));
    m_liveButton->setToolTip(tr("Follow the newest data again after zooming or panning"));
    m_liveButton->setEnabled(false);

    m_area = new QWidget;
    auto *chartsLayout = new QVBoxLayout(m_area);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    // In Chart's order.
    const QList<QPair<QString, QString>> charts{{tr("Sessions"), tr("sessions")},
                                                {tr("Ops per second"), tr("ops/s")},
                                                {tr("Memory"), tr("used")},
                                                {tr("Round trip"), tr("ms")},
                                                {tr("Replication lag"), tr("bytes")}};
    for (const auto &c : charts) {
        auto *chart = new TimeChart(c.first, c.second);
        chartsLayout->addWidget(chart);
        m_charts << chart;
        connect(chart, &TimeChart::userRangeChanged, this, [this](const QCPRange &range) {
            m_live = false;
            m_liveButton->setEnabled(true);
            m_viewFrom = range.lower;
            m_viewTo = range.upper;
            scheduleRefresh();
        });
    }
    chart(Chart::Memory)->setBytes(true);
    chart(Chart::ReplicationLag)->setBytes(true);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_area);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_area->setMinimumHeight(int(m_charts.size()) * 150);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(50);
    connect(m_refreshTimer, &QTimer::timeout, this, &ChartStack::refresh);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        m_live = true;
        m_liveButton->setEnabled(false);
        scheduleRefresh();
    });
    connect(m_liveButton, &QPushButton::clicked, this, [this] {
        m_live = true;
        m_liveButton->setEnabled(false);
        scheduleRefresh();
    });
}

TimeChart *ChartStack::chart(Chart which) const
{
    return m_charts.value(int(which));
}

int ChartStack::windowSeconds() const
{
    return m_range->currentData().toInt();
}

bool ChartStack::exportPng(const QString &path) const
{
    return m_area->grab().save(path, "PNG");
}

void ChartStack::setMonitor(sdcore::DeploymentMonitor *monitor)
{
    m_monitor = monitor;
    clear();
    if (!monitor)
        return;
    // A line is broken where a poll's figures are missing; censuses come seconds apart (longer
    // on a big keyspace), so the session count gets a wider allowance.
    const auto &poller = monitor->options().poller;
    const double pollGap = std::max(5.0, (3.0 * poller.intervalMs + poller.cycleBudgetMs) / 1000.0);
    for (TimeChart *c : std::as_const(m_charts))
        c->setGapSeconds(pollGap);
    chart(Chart::Sessions)->setGapSeconds(std::max(120.0, 3.0 * monitor->options().censusMinIntervalMs / 1000.0));
    if (monitor->lastSnapshot())
        showSnapshot(*monitor->lastSnapshot());
    rebuildMarkers();
    scheduleRefresh();
}

void ChartStack::clear()
{
    m_lagReplicas.clear();
    for (TimeChart *c : std::as_const(m_charts))
        c->reset();
}

void ChartStack::showSnapshot(const sdcore::TopologySnapshot &s)
{
    // Replicas come and go with failovers: the lag chart shows the current ones.
    QList<sdcore::HostPort> replicas;
    for (const sdcore::ShardState &shard : s.shards) {
        for (const auto &r : shard.replicas)
            replicas << r.address;
    }
    if (replicas != m_lagReplicas) {
        m_lagReplicas = replicas;
        updateSeries();
    }
    if (m_charts.first()->graphCount() == 0)
        updateSeries();
    scheduleRefresh();
}

void ChartStack::timelineChanged()
{
    // A failover brings dozens of events in a burst: one rebuild for the lot.
    m_markersDirty = true;
    scheduleRefresh();
}

void ChartStack::updateSeries()
{
    if (!m_monitor)
        return;
    const auto &h = m_monitor->history();
    auto series = [&h](const QString &name) -> const sdcore::MetricSeries * {
        auto it = h.constFind(name);
        return it == h.constEnd() ? nullptr : &it.value();
    };
    QList<QPair<QString, const sdcore::MetricSeries *>> sessions;
    for (const QString &p : m_monitor->options().prefixes)
        sessions << qMakePair(p, series(sdcore::Series::sessions(p)));
    chart(Chart::Sessions)->setSeries(sessions);
    chart(Chart::OpsPerSec)->setSeries({{tr("ops/s"), series(sdcore::Series::OpsPerSec)}});
    chart(Chart::Memory)->setSeries({{tr("used memory"), series(sdcore::Series::Memory)}});
    chart(Chart::RoundTrip)->setSeries({{tr("PING"), series(sdcore::Series::Rtt)}});
    QList<QPair<QString, const sdcore::MetricSeries *>> lag;
    for (const sdcore::HostPort &replica : std::as_const(m_lagReplicas))
        lag << qMakePair(replica.toString(), series(sdcore::Series::lagBytes(replica)));
    chart(Chart::ReplicationLag)->setSeries(lag);
}

void ChartStack::rebuildMarkers()
{
    m_markersDirty = false;
    QList<ChartMarker> markers;
    if (m_monitor) {
        const auto &entries = m_monitor->timeline().entries();
        for (auto it = entries.rbegin(); it != entries.rend() && markers.size() < MaxMarkers; ++it) {
            if (auto m = markerFor(*it))
                markers.prepend(*m);
        }
    }
    for (TimeChart *c : std::as_const(m_charts))
        c->setMarkers(markers);
}

void ChartStack::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void ChartStack::refresh()
{
    // Series pointers may have appeared since the last refresh (a first census, a new replica).
    updateSeries();
    if (m_markersDirty)
        rebuildMarkers();
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    if (m_live) {
        m_viewTo = now;
        m_viewFrom = now - windowSeconds();
    }
    for (TimeChart *c : std::as_const(m_charts))
        c->refresh(m_viewFrom, m_viewTo);
}

} // namespace sdui
