#include "ui/pages/connectivitypage.h"

#include "core/monitor/deploymentmonitor.h"
#include "core/store/connectivitytester.h"
#include "core/store/realdrillreport.h"
#include "ui/style/palette.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sdui {

namespace {

const QStringList StepColumns{QStringLiteral("resolve"), QStringLiteral("connect"), QStringLiteral("auth"),
                              QStringLiteral("role"),    QStringLiteral("set"),     QStringLiteral("get"),
                              QStringLiteral("touch"),   QStringLiteral("destroy")};
constexpr int FirstStepColumn = 2;


} // namespace

ConnectivityPage::ConnectivityPage(QWidget *parent)
    : QWidget(parent)
{
    m_tester = new sdcore::ConnectivityTester(this);

    m_target = new QLabel(tr("No connection."));
    m_target->setObjectName(QStringLiteral("probeTarget"));
    m_target->setWordWrap(true);
    m_fallbacks = new QLineEdit;
    m_fallbacks->setObjectName(QStringLiteral("fallbackEdit"));
    m_fallbacks->setPlaceholderText(tr("Fallback Redis URLs, in order, separated by spaces (optional)"));
    m_run = new QPushButton(tr("Run"));
    m_run->setObjectName(QStringLiteral("probeRun"));
    m_drill = new QPushButton(tr("Drill"));
    m_drill->setObjectName(QStringLiteral("probeDrill"));
    m_drill->setToolTip(tr("Make the active tier fail inside SessionDeck (the server is untouched), "
                           "follow the chain to the next tier and back"));
    m_realDrill = new QPushButton(tr("Real drill (demo)"));
    m_realDrill->setObjectName(QStringLiteral("probeRealDrill"));
    m_realDrill->setToolTip(tr("Kill the demo cluster's master while writing every 10 ms through the store chain; "
                               "the old master is started again afterwards"));
    m_realDrill->setVisible(false);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Fallbacks")));
    controls->addWidget(m_fallbacks, 1);
    controls->addWidget(m_run);
    controls->addWidget(m_drill);
    controls->addWidget(m_realDrill);

    m_verdict = new QLabel;
    m_verdict->setObjectName(QStringLiteral("probeVerdict"));
    QFont big = m_verdict->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_verdict->setFont(big);
    m_servedBy = new QLabel;
    m_servedBy->setObjectName(QStringLiteral("probeServedBy"));

    m_table = new QTableWidget(0, FirstStepColumn + StepColumns.size() + 1);
    m_table->setObjectName(QStringLiteral("probeTable"));
    QStringList headers{tr("Tier"), tr("Status")};
    headers << StepColumns << tr("Error");
    m_table->setHorizontalHeaderLabels(headers);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(0, 110);
    m_table->setColumnWidth(1, 70);
    for (int c = 0; c < StepColumns.size(); ++c)
        m_table->setColumnWidth(FirstStepColumn + c, 72);

    m_drillList = new QListWidget;
    m_drillList->setObjectName(QStringLiteral("probeDrillPhases"));
    m_switches = new QListWidget;
    m_switches->setObjectName(QStringLiteral("probeSwitches"));
    auto *drillBox = new QWidget;
    auto *drillLayout = new QVBoxLayout(drillBox);
    drillLayout->setContentsMargins(0, 0, 0, 0);
    drillLayout->addWidget(new QLabel(tr("<b>Drill</b>")));
    drillLayout->addWidget(m_drillList);
    auto *switchBox = new QWidget;
    auto *switchLayout = new QVBoxLayout(switchBox);
    switchLayout->setContentsMargins(0, 0, 0, 0);
    switchLayout->addWidget(new QLabel(tr("<b>Store switches</b>")));
    switchLayout->addWidget(m_switches);
    auto *lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(drillBox);
    lower->addWidget(switchBox);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_target);
    layout->addLayout(controls);
    layout->addWidget(m_verdict);
    layout->addWidget(m_servedBy);
    layout->addWidget(split, 1);

    connect(m_run, &QPushButton::clicked, this, [this] { run(false); });
    connect(m_drill, &QPushButton::clicked, this, [this] { run(true); });
    connect(m_realDrill, &QPushButton::clicked, this, [this] {
        m_realDrill->setEnabled(false);
        m_verdict->setStyleSheet(QString());
        m_verdict->setText(tr("Real drill: killing the demo master while writing through the chain…"));
        Q_EMIT realDrillRequested();
    });
    connect(m_tester, &sdcore::ConnectivityTester::finished, this, &ConnectivityPage::showReport);
    clearConnection();
}

void ConnectivityPage::setConnection(const sdcore::RedisUrl &url, const QString &name, sdcore::DeploymentMonitor *monitor)
{
    m_url = url;
    m_name = name;
    m_monitor = monitor;
    m_haveConnection = true;
    m_target->setText(tr("Tests the session store chain the apps use for <b>%1</b>: %2, then the fallbacks, "
                         "then memory (the last resort, lost on restart).")
                          .arg(name.toHtmlEscaped(), url.toString().toHtmlEscaped()));
    m_run->setEnabled(true);
    m_drill->setEnabled(true);
}

void ConnectivityPage::setRealDrillAvailable(bool available)
{
    m_realDrill->setVisible(available);
    m_realDrill->setEnabled(available);
}

void ConnectivityPage::showRealDrill(const sdcore::RealDrillReport &r)
{
    m_realDrill->setEnabled(true);
    const bool ok = r.error.isEmpty() && r.failed == 0;
    m_verdict->setText(ok ? tr("Real drill: %1 writes, none failed; on the new master %2 ms after the kill.")
                                .arg(r.writes)
                                .arg(r.onNewMasterMs)
                          : tr("Real drill: %1 of %2 writes failed. %3").arg(r.failed).arg(r.writes).arg(r.error));
    m_verdict->setStyleSheet(palette::textStyle(ok ? palette::good() : palette::bad()));
    m_drillList->clear();
    m_drillList->addItem(tr("master %1 killed at 0 ms").arg(r.oldMaster.toString()));
    for (const sdcore::RealDrillPhase &p : r.phases) {
        auto *item = new QListWidgetItem(tr("%1–%2 ms  served by %3: %4 writes, %5 failed")
                                             .arg(p.fromMs)
                                             .arg(p.toMs)
                                             .arg(p.tier)
                                             .arg(p.writes)
                                             .arg(p.failed));
        item->setForeground(p.failed == 0 ? palette::good() : palette::bad());
        m_drillList->addItem(item);
    }
    m_drillList->addItem(tr("+switch-master reached the chain at %1 ms; it wrote on the new master %2 at %3 ms")
                             .arg(r.switchSeenMs)
                             .arg(r.newMaster.toString())
                             .arg(r.onNewMasterMs));
    addSwitches(r.switches, tr("real drill"));
}

void ConnectivityPage::clearConnection()
{
    m_haveConnection = false;
    m_monitor = nullptr;
    m_target->setText(tr("No connection."));
    m_run->setEnabled(false);
    m_drill->setEnabled(false);
}

bool ConnectivityPage::running() const
{
    return m_tester->isRunning();
}

QString ConnectivityPage::verdictText() const
{
    return m_verdict->text();
}

QString ConnectivityPage::servedByText() const
{
    return m_servedBy->text();
}

QStringList ConnectivityPage::drillLines() const
{
    QStringList lines;
    for (int i = 0; i < m_drillList->count(); ++i)
        lines << m_drillList->item(i)->text();
    return lines;
}

void ConnectivityPage::run(bool drill)
{
    if (!m_haveConnection)
        return;
    QList<sdcore::RedisUrl> fallbacks;
    for (const QString &text : m_fallbacks->text().split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts)) {
        auto url = sdcore::RedisUrl::parse(text);
        if (!url) {
            m_verdict->setText(tr("Fallback URL: %1").arg(url.errorMessage()));
            m_verdict->setStyleSheet(palette::textStyle(palette::bad()));
            return;
        }
        if (!url->hasPassword() && m_url.hasPassword())
            url->setPassword(m_url.password());
        fallbacks << *url;
    }
    sdcore::ProbeOptions options;
    options.drill = drill;
    if (!m_tester->run(m_url, fallbacks, options))
        return;
    m_run->setEnabled(false);
    m_drill->setEnabled(false);
    m_verdict->setStyleSheet(QString());
    m_verdict->setText(drill ? tr("Running the probe and the drill…") : tr("Running the probe…"));
}

void ConnectivityPage::showReport(const sdcore::ProbeReport &report)
{
    m_run->setEnabled(m_haveConnection);
    m_drill->setEnabled(m_haveConnection);
    const int verdict = report.verdict();
    m_verdict->setText(verdict == 0   ? tr("The first tier serves sessions.")
                       : verdict == 1 ? tr("Only a fallback tier serves sessions.")
                                      : tr("No Redis tier serves sessions: the apps would fall back to memory."));
    m_verdict->setStyleSheet(palette::textStyle(verdict == 0   ? palette::good()
                                                : verdict == 1 ? palette::warning()
                                                               : palette::bad()));
    m_servedBy->setText(tr("Through the chain the probe was served by: <b>%1</b> (%2 ms in all)")
                            .arg(report.servedBy.isEmpty() ? tr("none") : report.servedBy)
                            .arg(report.elapsedMs));

    m_table->setRowCount(int(report.tiers.size()));
    for (int row = 0; row < report.tiers.size(); ++row) {
        const sdcore::ProbeTier &tier = report.tiers.at(row);
        auto *name = new QTableWidgetItem(tier.name);
        name->setToolTip(tier.target);
        m_table->setItem(row, 0, name);
        auto *status = new QTableWidgetItem(tier.ok ? tr("OK") : tr("FAILED"));
        status->setForeground(tier.ok ? palette::good() : palette::bad());
        m_table->setItem(row, 1, status);
        // A step a tier does not have (resolve without Sentinel, connect for memory) or did not
        // reach after a failure shows as a dash.
        for (int c = 0; c < StepColumns.size(); ++c) {
            auto *none = new QTableWidgetItem(QStringLiteral("–"));
            none->setForeground(palette::unknown());
            none->setTextAlignment(Qt::AlignCenter);
            m_table->setItem(row, FirstStepColumn + c, none);
        }
        for (const sdcore::ProbeStep &step : tier.steps) {
            const int c = int(StepColumns.indexOf(step.name));
            if (c < 0)
                continue;
            auto *cell = new QTableWidgetItem(step.ok ? QStringLiteral("%1 ms").arg(step.ms, 0, 'f', 2) : tr("failed"));
            cell->setForeground(step.ok ? palette::good() : palette::bad());
            cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            cell->setToolTip(step.detail);
            m_table->setItem(row, FirstStepColumn + c, cell);
        }
        QString error = tier.error;
        if (tier.leftKey)
            error += tr(" (a probe key could not be removed; it expires within 30 s)");
        m_table->setItem(row, FirstStepColumn + int(StepColumns.size()), new QTableWidgetItem(error));
    }

    m_drillList->clear();
    for (const sdcore::DrillPhase &p : report.drill) {
        auto *item = new QListWidgetItem(tr("%1 ms  %2: served by %3")
                                             .arg(qRound(p.ms), 5)
                                             .arg(p.what, p.servedBy.isEmpty() ? tr("none") : p.servedBy));
        item->setForeground(p.ok ? palette::good() : palette::bad());
        m_drillList->addItem(item);
    }
    addSwitches(report.switches, tr("connectivity test"));
}

void ConnectivityPage::addSwitches(const QList<sdcore::StoreSwitch> &switches, const QString &source)
{
    for (const sdcore::StoreSwitch &s : switches) {
        const QString text = tr("%1  %2 → %3 (%4): %5")
                                 .arg(s.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")), s.fromName, s.toName,
                                      source, s.reason);
        auto *item = new QListWidgetItem(text);
        item->setToolTip(text);
        m_switches->insertItem(0, item);
        // On the charts and the Events page like a failover.
        if (m_monitor) {
            m_monitor->addLocalEvent(QStringLiteral("store-switch"),
                                     tr("Session store (%1): %2 → %3").arg(source, s.fromName, s.toName),
                                     sdcore::SentinelEvent::Severity::Warning, s.at);
        }
    }
}

QStringList ConnectivityPage::switchLines() const
{
    QStringList lines;
    for (int i = 0; i < m_switches->count(); ++i)
        lines << m_switches->item(i)->text();
    return lines;
}

} // namespace sdui
