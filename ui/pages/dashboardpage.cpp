#include "ui/pages/dashboardpage.h"

#include "ui/charts/timechart.h"
#include "ui/charts/ttlchart.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace sdui {

namespace {

const QColor Good(0x2e, 0x7d, 0x32);
const QColor Warn(0xe6, 0x8a, 0x00);
const QColor Bad(0xc6, 0x28, 0x28);
const QColor FailoverColor(0xc6, 0x28, 0x28);
const QColor DownColor(0xe6, 0x8a, 0x00);
const QColor UpColor(0x2e, 0x7d, 0x32);
const QColor LocalColor(0x55, 0x55, 0x99);
constexpr int MaxMarkers = 300;

QString bytesText(qint64 bytes)
{
    return bytes < 0 ? QStringLiteral("–") : QLocale().formattedDataSize(bytes);
}

QString numberText(qint64 n) { return n < 0 ? QStringLiteral("–") : QLocale().toString(n); }

QString ageText(qint64 seconds)
{
    if (seconds < 60)
        return QObject::tr("%1 s ago").arg(seconds);
    if (seconds < 3600)
        return QObject::tr("%1 min ago").arg(seconds / 60);
    return QObject::tr("%1 h ago").arg(seconds / 3600);
}

QColor healthColor(sdcore::Health h)
{
    switch (h) {
    case sdcore::Health::Ok: return Good;
    case sdcore::Health::Degraded: return Warn;
    case sdcore::Health::Critical: return Bad;
    case sdcore::Health::Unknown: break;
    }
    return QColor(0x75, 0x75, 0x75);
}

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
        m.color = FailoverColor;
    } else if (e.type == QLatin1String("+odown")) {
        m.label = QObject::tr("master down");
        m.color = FailoverColor;
    } else if (e.type == QLatin1String("+sdown") && e.instance != sdcore::SentinelEvent::Instance::Master) {
        m.label = QObject::tr("%1 down").arg(e.address.toString());
        m.color = DownColor;
    } else if (e.type == QLatin1String("-sdown")) {
        m.label = QObject::tr("%1 up").arg(e.address.toString());
        m.color = UpColor;
    } else if (e.type.startsWith(QLatin1String("-failover-abort"))) {
        m.label = QObject::tr("failover aborted");
        m.color = FailoverColor;
    } else if (e.local && (e.type == QLatin1String("manual-failover")
                           || e.type == QLatin1String("failover-failed")
                           || e.type == QLatin1String("events-lost")
                           || e.type.startsWith(QLatin1String("store-")))) {
        m.label = e.type == QLatin1String("manual-failover") ? QObject::tr("failover requested")
                  : e.type == QLatin1String("events-lost")   ? QObject::tr("events lost")
                  : e.type == QLatin1String("store-switch")  ? QObject::tr("store switch")
                                                             : e.type;
        m.color = LocalColor;
    } else {
        return std::nullopt;
    }
    return m;
}

} // namespace

DashboardPage::DashboardPage(QWidget *parent) : QWidget(parent)
{
    m_banner = new QLabel;
    m_banner->setObjectName(QStringLiteral("statusBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_range = new QComboBox;
    m_range->setObjectName(QStringLiteral("rangeCombo"));
    m_range->addItem(tr("Last 5 min"), 300);
    m_range->addItem(tr("Last hour"), 3600);
    m_range->addItem(tr("Last 24 h"), 86400);
    m_liveButton = new QPushButton(tr("Live"));
    m_liveButton->setToolTip(tr("Follow the newest data again after zooming or panning"));
    m_liveButton->setEnabled(false);
    m_exportButton = new QPushButton(tr("Export PNG…"));
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_failoverButton = new QPushButton(tr("Failover…"));
    m_failoverButton->setObjectName(QStringLiteral("failoverButton"));
    auto *header = new QHBoxLayout;
    header->addWidget(m_banner, 1);
    header->addWidget(m_range);
    header->addWidget(m_liveButton);
    header->addWidget(m_exportButton);
    header->addWidget(m_failoverButton);

    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(8);
    int i = 0;
    addTile(grid, i++, QStringLiteral("health"), tr("Health"));
    addTile(grid, i++, QStringLiteral("node"), tr("Master"));
    addTile(grid, i++, QStringLiteral("sessions"), tr("Sessions"));
    addTile(grid, i++, QStringLiteral("ops"), tr("Ops/s"));
    addTile(grid, i++, QStringLiteral("memory"), tr("Memory"));
    addTile(grid, i++, QStringLiteral("clients"), tr("Clients"));
    addTile(grid, i++, QStringLiteral("rtt"), tr("Round trip"));
    addTile(grid, i++, QStringLiteral("replicas"), tr("Replicas up"));
    addTile(grid, i++, QStringLiteral("sentinels"), tr("Sentinels up"));
    addTile(grid, i++, QStringLiteral("quorum"), tr("Quorum"));

    m_topology = new QTreeWidget;
    m_topology->setObjectName(QStringLiteral("topology"));
    m_topology->setHeaderLabels({tr("Node"), tr("Role"), tr("State"), tr("RTT"), tr("Lag")});
    m_topology->setRootIsDecorated(false);
    m_topology->setUniformRowHeights(true);
    m_topology->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_topology->setMinimumWidth(330);

    m_ttlChart = new TtlChart(tr("Session TTLs (last census)"));
    m_ttlChart->setObjectName(QStringLiteral("ttlChart"));

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_topology, 3);
    leftLayout->addWidget(m_ttlChart, 2);

    m_failoverBox = new QGroupBox(tr("Failover"));
    m_failoverBox->setObjectName(QStringLiteral("failoverBox"));
    m_failoverSteps = new QListWidget;
    m_failoverSteps->setMaximumHeight(120);
    m_failoverStatus = new QLabel;
    m_failoverStatus->setObjectName(QStringLiteral("failoverStatus"));
    m_failoverStatus->setWordWrap(true);
    auto *failoverLayout = new QVBoxLayout(m_failoverBox);
    failoverLayout->addWidget(m_failoverStatus);
    failoverLayout->addWidget(m_failoverSteps);
    m_failoverBox->hide();
    leftLayout->addWidget(m_failoverBox);

    m_chartArea = new QWidget;
    auto *chartsLayout = new QVBoxLayout(m_chartArea);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
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
    chart(tr("Memory"))->setBytes(true);
    chart(tr("Replication lag"))->setBytes(true);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_chartArea);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_chartArea->setMinimumHeight(5 * 150);

    auto *splitter = new QSplitter;
    splitter->addWidget(left);
    splitter->addWidget(scroll);
    splitter->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addLayout(grid);
    layout->addWidget(splitter, 1);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(50);
    connect(m_refreshTimer, &QTimer::timeout, this, &DashboardPage::refreshCharts);
    // In live mode the window slides and the census age grows even between polls.
    m_staleTimer = new QTimer(this);
    m_staleTimer->setInterval(1000);
    connect(m_staleTimer, &QTimer::timeout, this, [this] {
        if (m_monitor) {
            if (auto c = m_monitor->lastCensus(m_monitor->options().prefixes.value(0)))
                showCensus(*c);
        }
    });
    m_staleTimer->start();

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
    connect(m_exportButton, &QPushButton::clicked, this, &DashboardPage::exportWithDialog);
    connect(m_failoverButton, &QPushButton::clicked, this, &DashboardPage::askForFailover);
    clear();
}

QLabel *DashboardPage::addTile(QGridLayout *grid, int index, const QString &name, const QString &title)
{
    auto *frame = new QFrame;
    frame->setFrameShape(QFrame::StyledPanel);
    auto *box = new QVBoxLayout(frame);
    box->setContentsMargins(8, 4, 8, 4);
    auto *caption = new QLabel(title);
    caption->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto *value = new QLabel;
    value->setObjectName(QStringLiteral("tile_") + name);
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    value->setFont(f);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->addWidget(caption);
    box->addWidget(value);
    grid->addWidget(frame, index / 5, index % 5);
    m_tiles.insert(name, value);
    return value;
}

QString DashboardPage::tileText(const QString &name) const
{
    const QLabel *label = m_tiles.value(name);
    return label ? label->text() : QString();
}

TimeChart *DashboardPage::chart(const QString &title) const
{
    for (TimeChart *c : m_charts) {
        if (c->title() == title)
            return c;
    }
    return nullptr;
}

int DashboardPage::windowSeconds() const
{
    return m_range->currentData().toInt();
}

QString DashboardPage::failoverStatus() const
{
    return m_failoverStatus->text();
}

void DashboardPage::setMonitor(sdcore::DeploymentMonitor *monitor)
{
    for (const auto &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_monitor = monitor;
    m_failoverDenied.clear();
    clear();
    if (!monitor)
        return;
    // A line is broken where a poll's figures are missing; censuses come seconds apart (longer
    // on a big keyspace), so the session count gets a wider allowance.
    const auto &poller = monitor->options().poller;
    const double pollGap = std::max(5.0, (3.0 * poller.intervalMs + poller.cycleBudgetMs) / 1000.0);
    for (TimeChart *c : std::as_const(m_charts))
        c->setGapSeconds(pollGap);
    chart(tr("Sessions"))->setGapSeconds(std::max(120.0, 3.0 * monitor->options().censusMinIntervalMs / 1000.0));
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::snapshotUpdated, this, &DashboardPage::showSnapshot);
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::censusUpdated, this, &DashboardPage::showCensus);
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::timelineUpdated, this,
                             [this](const sdcore::TimelineEntry &, bool) {
        // A failover brings dozens of events in a burst: one rebuild for the lot.
        m_markersDirty = true;
        scheduleRefresh();
    });
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::failoverProgress, this,
                             &DashboardPage::onFailoverProgress);
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::failoverFinished, this,
                             &DashboardPage::onFailoverFinished);
    if (monitor->lastSnapshot())
        showSnapshot(*monitor->lastSnapshot());
    if (auto c = monitor->lastCensus(monitor->options().prefixes.value(0)))
        showCensus(*c);
    rebuildMarkers();
    updateFailoverButton();
    scheduleRefresh();
}

void DashboardPage::clear()
{
    for (QLabel *label : std::as_const(m_tiles)) {
        label->setText(QStringLiteral("–"));
        label->setStyleSheet(QString());
    }
    m_banner->setText(m_monitor ? tr("Waiting for the first poll…") : tr("No connection"));
    m_banner->setStyleSheet(QString());
    m_topology->clear();
    m_lagSeries.clear();
    m_ttlChart->clearHistogram();
    m_failoverBox->hide();
    m_failoverSteps->clear();
    for (TimeChart *c : std::as_const(m_charts))
        c->reset();
    updateFailoverButton();
}

void DashboardPage::updateFailoverButton()
{
    if (!m_monitor) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(tr("No connection"));
    } else if (m_monitor->isReadOnly()) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(tr("This connection is marked read-only (connection list, right "
                                        "click): failover and every other write are disabled"));
    } else if (!m_monitor->url().isSentinel()) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(tr("Manual failover needs a Sentinel connection "
                                        "(redis-sentinel://…); this one is a single Redis server"));
    } else if (!m_failoverDenied.isEmpty()) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(m_failoverDenied + tr(": failover is turned off"));
    } else if (m_monitor->failoverRunning()) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(tr("A failover is running"));
    } else if (const auto &last = m_monitor->lastSnapshot(); last && last->masterNameUnknown) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(last->error);
    } else if (!last || !last->hasMaster) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(tr("No master known yet: nothing to fail over"));
    } else {
        m_failoverButton->setEnabled(true);
        m_failoverButton->setToolTip(tr("Ask Sentinel to promote a replica of '%1'")
                                         .arg(m_monitor->url().masterName()));
    }
}

void DashboardPage::showSnapshot(const sdcore::TopologySnapshot &s)
{
    if (s.access.known) {
        const QString denied = s.access.canFailover ? QString() : s.access.failoverReason;
        if (denied != m_failoverDenied) {
            m_failoverDenied = denied;
            updateFailoverButton();
            if (!denied.isEmpty()) {
                m_failoverStatus->setText(tr("Failover is off: %1.").arg(denied));
                m_failoverStatus->setStyleSheet(QStringLiteral("color: #8a6d00;"));
            }
        }
    }
    const QString time = s.at.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    const QColor color = healthColor(s.health);
    QString banner = s.problems.isEmpty()
                         ? tr("%1 — healthy — last poll %2 (%3 ms)").arg(s.target, time).arg(s.cycleMs)
                         : tr("%1 — %2 — last poll %3").arg(s.target, s.problems.join(QStringLiteral("; ")), time);
    m_banner->setText(banner);
    m_banner->setStyleSheet(QStringLiteral("color: %1;").arg(color.darker(120).name()));

    auto tile = [this](const QString &name, const QString &text, const QColor &c = QColor()) {
        QLabel *l = m_tiles.value(name);
        l->setText(text);
        l->setStyleSheet(c.isValid() ? QStringLiteral("color: %1;").arg(c.name()) : QString());
    };
    tile(QStringLiteral("health"), sdcore::healthName(s.health).toUpper(), color);
    tile(QStringLiteral("node"), s.hasMaster ? s.master.address.toString() : QStringLiteral("–"),
         s.hasMaster && s.master.up ? QColor() : Bad);
    const bool up = s.hasMaster && s.master.up;
    tile(QStringLiteral("ops"), up ? numberText(s.master.opsPerSec) : QStringLiteral("–"));
    tile(QStringLiteral("memory"), up ? bytesText(s.master.usedMemory) : QStringLiteral("–"));
    tile(QStringLiteral("clients"), up ? numberText(s.master.connectedClients) : QStringLiteral("–"));
    tile(QStringLiteral("rtt"), up ? QStringLiteral("%1 ms").arg(s.master.rttMs, 0, 'f', 2) : QStringLiteral("–"));
    int replicasUp = 0, sentinelsUp = 0;
    for (const auto &r : s.replicas)
        replicasUp += r.up ? 1 : 0;
    for (const auto &st : s.sentinels)
        sentinelsUp += st.up ? 1 : 0;
    tile(QStringLiteral("replicas"), QStringLiteral("%1 / %2").arg(replicasUp).arg(s.replicas.size()),
         replicasUp == s.replicas.size() ? QColor() : Warn);
    if (s.sentinelManaged) {
        tile(QStringLiteral("sentinels"), QStringLiteral("%1 / %2").arg(sentinelsUp).arg(s.sentinels.size()),
             sentinelsUp == s.sentinels.size() ? QColor() : Warn);
        if (s.quorum < 0)   // no sentinel told it (unknown master name, none reachable)
            tile(QStringLiteral("quorum"), QStringLiteral("–"));
        else
            tile(QStringLiteral("quorum"), s.quorumOk ? tr("%1, met").arg(s.quorum) : tr("%1, NOT met").arg(s.quorum),
                 s.quorumOk ? Good : Bad);
        m_tiles.value(QStringLiteral("quorum"))->setToolTip(s.quorumText);
    } else {
        tile(QStringLiteral("sentinels"), tr("none"));
        tile(QStringLiteral("quorum"), tr("n/a"));
    }

    // Topology: master, replicas, sentinels.
    m_topology->clear();
    auto addNode = [this](const QString &name, const QString &role, bool isUp, const QString &state,
                          double rtt, const QString &lag, const QString &tooltip) {
        auto *item = new QTreeWidgetItem(m_topology, {name, role, state,
                                                      rtt >= 0 ? QStringLiteral("%1 ms").arg(rtt, 0, 'f', 2) : QString(),
                                                      lag});
        item->setForeground(2, isUp ? Good : Bad);
        item->setIcon(0, QIcon());
        for (int c = 0; c < 5; ++c)
            item->setToolTip(c, tooltip);
    };
    if (s.hasMaster) {
        const auto &m = s.master;
        addNode(m.address.toString(), tr("master"), m.up, m.up ? tr("up") : tr("DOWN"), m.rttMs, QString(),
                m.up ? tr("Redis %1, %2 clients, flags %3").arg(m.version).arg(m.connectedClients).arg(m.flags.join(QLatin1Char(',')))
                     : m.reason);
    }
    for (const auto &r : s.replicas) {
        QString state = r.up ? tr("up") : tr("DOWN");
        if (r.up && r.masterLinkStatus == QLatin1String("down"))
            state = tr("link down");
        const QString lag = r.lagBytes >= 0 ? QStringLiteral("%1, %2 s").arg(bytesText(r.lagBytes)).arg(r.lagSeconds)
                                            : QString();
        addNode(r.address.toString(), tr("replica"), r.up && r.masterLinkStatus != QLatin1String("down"), state,
                r.rttMs, lag, r.up ? tr("link %1, flags %2").arg(r.masterLinkStatus, r.flags.join(QLatin1Char(',')))
                                   : r.reason);
    }
    for (const auto &st : s.sentinels) {
        addNode(st.address.toString(), tr("sentinel"), st.up, st.up ? tr("up") : tr("DOWN"), st.rttMs, QString(),
                st.up ? tr("flags %1").arg(st.flags.join(QLatin1Char(','))) : st.reason);
    }
    // The reason is in the banner already; the table does not say it twice.
    if (!s.error.isEmpty() && !s.hasMaster && !s.masterNameUnknown)
        (new QTreeWidgetItem(m_topology, {tr("(no master)"), QString(), tr("not reachable"), QString(), QString()}))
            ->setToolTip(2, s.error);

    // Replicas come and go with failovers: the lag chart shows the current ones.
    QStringList lag;
    for (const auto &r : s.replicas)
        lag << sdcore::Series::lagBytes(r.address);
    if (lag != m_lagSeries) {
        m_lagSeries = lag;
        updateSeries();
    }
    if (m_charts.first()->graphCount() == 0)
        updateSeries();
    updateFailoverButton();
    scheduleRefresh();
}

void DashboardPage::showCensus(const sdcore::CensusResult &c)
{
    if (!c.complete && c.count == 0 && !c.error.isEmpty()) {
        m_tiles.value(QStringLiteral("sessions"))->setToolTip(tr("Census failed: %1").arg(c.error));
        return;
    }
    const qint64 age = c.at.secsTo(QDateTime::currentDateTimeUtc());
    QLabel *tile = m_tiles.value(QStringLiteral("sessions"));
    // The count is exact but not live: say how old it is, and mark it once it is stale.
    tile->setText(QStringLiteral("%1  <span style='font-size:small; font-weight:normal'>%2</span>")
                      .arg(QLocale().toString(c.count), ageText(age)));
    tile->setStyleSheet(age > 60 ? QStringLiteral("color: #8d6e00;") : QString());
    tile->setToolTip(tr("%1 keys under '%2', %3 of string values, counted by SCAN on %4 in %5 ms")
                         .arg(QLocale().toString(c.count), c.prefix, bytesText(c.totalBytes), c.node.toString())
                         .arg(c.durationMs));
    m_ttlChart->setHistogram(c.ttl);
}

void DashboardPage::updateSeries()
{
    if (!m_monitor)
        return;
    const auto &h = m_monitor->history();
    auto series = [&h](const QString &name) -> const sdcore::MetricSeries * {
        auto it = h.constFind(name);
        return it == h.constEnd() ? nullptr : &it.value();
    };
    const QString prefix = m_monitor->options().prefixes.value(0);
    QList<QPair<QString, const sdcore::MetricSeries *>> sessions;
    for (const QString &p : m_monitor->options().prefixes)
        sessions << qMakePair(p, series(sdcore::Series::sessions(p)));
    chart(tr("Sessions"))->setSeries(sessions);
    chart(tr("Ops per second"))->setSeries({{tr("ops/s"), series(sdcore::Series::OpsPerSec)}});
    chart(tr("Memory"))->setSeries({{tr("used memory"), series(sdcore::Series::Memory)}});
    chart(tr("Round trip"))->setSeries({{tr("PING"), series(sdcore::Series::Rtt)}});
    QList<QPair<QString, const sdcore::MetricSeries *>> lag;
    for (const QString &name : std::as_const(m_lagSeries))
        lag << qMakePair(name.mid(4), series(name));
    chart(tr("Replication lag"))->setSeries(lag);
}

void DashboardPage::rebuildMarkers()
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

void DashboardPage::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void DashboardPage::refreshCharts()
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

void DashboardPage::askForFailover()
{
    if (!m_monitor || !m_monitor->url().isSentinel())
        return;
    const auto &s = m_monitor->lastSnapshot();
    const QString master = s && s->hasMaster ? s->master.address.toString() : tr("(unknown)");
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Fail over '%1'?").arg(m_monitor->url().masterName()),
                                tr("Ask Sentinel to fail over the master group '%1'?\n\n"
                                   "The current master %2 becomes a replica and one of its replicas is "
                                   "promoted. Clients are disconnected and must reconnect through the "
                                   "sentinels; writes fail for a second or two.")
                                    .arg(m_monitor->url().masterName(), master),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("failoverConfirm"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Fail over"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box] {
        if (box->clickedButton() != box->button(QMessageBox::Yes) || !m_monitor)
            return;
        m_failoverSteps->clear();
        m_failoverStatus->setText(tr("Failover of '%1' requested…").arg(m_monitor->url().masterName()));
        m_failoverStatus->setStyleSheet(QString());
        m_failoverBox->show();
        m_monitor->requestFailover();
        updateFailoverButton();
    });
    box->open();
}

void DashboardPage::onFailoverProgress(const QString &step)
{
    m_failoverBox->show();
    m_failoverSteps->addItem(step);
    m_failoverSteps->scrollToBottom();
}

void DashboardPage::onFailoverFinished(const sdcore::FailoverOutcome &outcome)
{
    m_failoverBox->show();
    m_failoverStatus->setText(outcome.summary());
    m_failoverStatus->setStyleSheet(QStringLiteral("color: %1;").arg((outcome.ok ? Good : Bad).name()));
    updateFailoverButton();
}

bool DashboardPage::exportPng(const QString &path) const
{
    return m_chartArea->grab().save(path, "PNG");
}

void DashboardPage::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"),
                                                      QStringLiteral("sessiondeck-charts.png"),
                                                      tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (!exportPng(path))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(path));
}

} // namespace sdui
