#include "ui/pages/dashboardpage.h"

#include "ui/charts/timechart.h"
#include "ui/charts/ttlchart.h"
#include "ui/dialogs/clusterfailoverdialog.h"
#include "ui/pages/dashboard/chartstack.h"
#include "ui/pages/dashboard/healthtiles.h"
#include "ui/pages/dashboard/topologyview.h"
#include "ui/style/palette.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace sdui {

DashboardPage::DashboardPage(QWidget *parent) : QWidget(parent)
{
    m_banner = new QLabel;
    m_banner->setObjectName(QStringLiteral("statusBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tiles = new HealthTiles;
    m_topology = new TopologyView;
    m_charts = new ChartStack;
    m_exportButton = new QPushButton(tr("Export PNG…"));
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_failoverButton = new QPushButton(tr("Failover…"));
    m_failoverButton->setObjectName(QStringLiteral("failoverButton"));
    auto *header = new QHBoxLayout;
    header->addWidget(m_banner, 1);
    header->addWidget(m_charts->rangeCombo());
    header->addWidget(m_charts->liveButton());
    header->addWidget(m_exportButton);
    header->addWidget(m_failoverButton);

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

    auto *splitter = new QSplitter;
    splitter->addWidget(left);
    splitter->addWidget(m_charts);
    splitter->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_tiles);
    layout->addWidget(splitter, 1);

    // The census age on its tile grows even between censuses.
    m_staleTimer = new QTimer(this);
    m_staleTimer->setInterval(1000);
    connect(m_staleTimer, &QTimer::timeout, this, [this] {
        if (m_monitor) {
            if (auto c = m_monitor->lastCensus(m_monitor->options().prefixes.value(0)))
                m_tiles->showCensus(*c);
        }
    });
    m_staleTimer->start();

    connect(m_exportButton, &QPushButton::clicked, this, &DashboardPage::exportWithDialog);
    connect(m_failoverButton, &QPushButton::clicked, this, &DashboardPage::askForFailover);
    clear();
}

QString DashboardPage::tileText(const QString &name) const
{
    return m_tiles->tileText(name);
}

TimeChart *DashboardPage::chart(ChartStack::Chart which) const
{
    return m_charts->chart(which);
}

QList<TimeChart *> DashboardPage::charts() const
{
    return m_charts->charts();
}

QComboBox *DashboardPage::rangeCombo() const
{
    return m_charts->rangeCombo();
}

QTreeWidget *DashboardPage::topology() const
{
    return m_topology;
}

int DashboardPage::windowSeconds() const
{
    return m_charts->windowSeconds();
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
    m_charts->setMonitor(monitor);
    if (!monitor)
        return;
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::snapshotUpdated, this, &DashboardPage::showSnapshot);
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::censusUpdated, this, &DashboardPage::showCensus);
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::timelineUpdated, m_charts,
                             [this](const sdcore::TimelineEntry &, bool) { m_charts->timelineChanged(); });
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::failoverProgress, this,
                             &DashboardPage::onFailoverProgress);
    m_connections << connect(monitor, &sdcore::DeploymentMonitor::failoverFinished, this,
                             &DashboardPage::onFailoverFinished);
    if (monitor->lastSnapshot())
        showSnapshot(*monitor->lastSnapshot());
    if (auto c = monitor->lastCensus(monitor->options().prefixes.value(0)))
        showCensus(*c);
    updateFailoverButton();
}

void DashboardPage::clear()
{
    m_tiles->clear();
    m_banner->setText(m_monitor ? tr("Waiting for the first poll…") : tr("No connection"));
    m_banner->setStyleSheet(QString());
    m_topology->clear();
    m_ttlChart->clearHistogram();
    m_failoverBox->hide();
    m_failoverSteps->clear();
    m_charts->clear();
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
    } else if (m_monitor->url().isCluster()) {
        const auto &last = m_monitor->lastSnapshot();
        const bool ready = last && last->primariesKnown() > 0 && !m_monitor->failoverRunning()
                           && m_failoverDenied.isEmpty();
        m_failoverButton->setEnabled(ready);
        m_failoverButton->setToolTip(!m_failoverDenied.isEmpty()       ? m_failoverDenied + tr(": failover is turned off")
                                     : m_monitor->failoverRunning()    ? tr("A failover is running")
                                     : !last || !last->primariesKnown() ? tr("No shard known yet: nothing to fail over")
                                                                        : tr("Promote a replica of one shard (CLUSTER FAILOVER)"));
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
    } else if (const auto &last = m_monitor->lastSnapshot(); last && last->sentinel.masterNameUnknown) {
        m_failoverButton->setEnabled(false);
        m_failoverButton->setToolTip(last->error);
    } else if (!last || last->primariesKnown() == 0) {
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
                m_failoverStatus->setStyleSheet(palette::textStyle(palette::warningText()));
            }
        }
    }
    const QString time = s.at.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    const QString banner = s.problems.isEmpty()
                               ? tr("%1 — healthy — last poll %2 (%3 ms)").arg(s.target, time).arg(s.cycleMs)
                               : tr("%1 — %2 — last poll %3").arg(s.target, s.problems.join(QStringLiteral("; ")), time);
    m_banner->setText(banner);
    m_banner->setStyleSheet(QStringLiteral("color: %1;").arg(palette::health(s.health).darker(120).name()));
    m_tiles->showSnapshot(s);
    m_topology->showSnapshot(s);
    m_charts->showSnapshot(s);
    updateFailoverButton();
}

void DashboardPage::showCensus(const sdcore::CensusResult &c)
{
    m_tiles->showCensus(c);
    if (c.complete || c.count > 0 || c.error.isEmpty())
        m_ttlChart->setHistogram(c.ttl);
}

void DashboardPage::askForClusterFailover()
{
    const auto &last = m_monitor->lastSnapshot();
    if (!last)
        return;
    auto *dialog = new ClusterFailoverDialog(*last, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const sdcore::ClusterFailoverRequest request = dialog->request();
        const auto start = [this, request] {
            if (!m_monitor)
                return;
            m_failoverSteps->clear();
            m_failoverStatus->setText(tr("Failover of a shard requested…"));
            m_failoverStatus->setStyleSheet(QString());
            m_failoverBox->show();
            m_monitor->requestClusterFailover(request);
            updateFailoverButton();
        };
        if (request.mode == sdcore::ClusterFailoverRequest::Mode::Default)
            return start();
        // FORCE and TAKEOVER: asked a second time, with what they risk.
        const QString mode = sdcore::failoverModeName(request.mode).toUpper();
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Fail over with %1?").arg(mode),
                                    sdcore::failoverModeRisk(request.mode) + tr("\n\nFail over with %1 anyway?").arg(mode),
                                    QMessageBox::Yes | QMessageBox::Cancel, this);
        box->setObjectName(QStringLiteral("failoverSecondConfirm"));
        box->setDefaultButton(QMessageBox::Cancel);
        box->button(QMessageBox::Yes)->setText(tr("Fail over with %1").arg(mode));
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::finished, this, [box, start] {
            if (box->clickedButton() == box->button(QMessageBox::Yes))
                start();
        });
        box->open();
    });
    dialog->open();
}

void DashboardPage::askForFailover()
{
    if (m_monitor && m_monitor->url().isCluster())
        return askForClusterFailover();
    if (!m_monitor || !m_monitor->url().isSentinel())
        return;
    const auto &s = m_monitor->lastSnapshot();
    const QString master = s && s->primariesKnown() > 0 ? s->shards.first().primary.address.toString() : tr("(unknown)");
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
    m_failoverStatus->setStyleSheet(QStringLiteral("color: %1;").arg((outcome.ok ? palette::good() : palette::bad()).name()));
    updateFailoverButton();
}

bool DashboardPage::exportPng(const QString &path) const
{
    return m_charts->exportPng(path);
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
