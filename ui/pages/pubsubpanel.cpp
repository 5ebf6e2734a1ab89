#include "ui/pages/pubsubpanel.h"

#include "core/monitor/deploymentmonitor.h"
#include "ui/models/pubsubmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/charts/plot.h"
#include "ui/style/palette.h"

#include <algorithm>
#include <cmath>

namespace sdui {

namespace {

QColor graphColour(int i)
{
    static const QColor colours[] = {
        QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
        QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(23, 190, 207),
    };
    return colours[i % int(std::size(colours))];
}

} // namespace

PubSubPanel::PubSubPanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("pubsubPanel"));
    m_model = new PubSubModel(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_patterns = new QLabel(this);
    m_patterns->setObjectName(QStringLiteral("pubsubPatterns"));
    m_patterns->setToolTip(
        tr("Clients subscribed to channel patterns (PSUBSCRIBE), PUBSUB NUMPAT"));
    layout->addWidget(m_patterns);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("pubsubError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(palette::textStyle(palette::bad()));
    m_error->hide();
    layout->addWidget(m_error);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("pubsubTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(PubSubModel::ChannelColumn,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(PubSubModel::SubscribersColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(PubSubModel::NodeColumn, QHeaderView::ResizeToContents);
    m_table->setColumnHidden(PubSubModel::NodeColumn, true);   // a cluster's, node by node

    m_chart = new QCustomPlot(splitter);
    m_chart->setObjectName(QStringLiteral("pubsubChart"));
    m_chart->setMinimumHeight(180);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    ticker->setDateTimeSpec(Qt::LocalTime);
    m_chart->xAxis->setTicker(ticker);
    m_chart->yAxis->setLabel(tr("Subscribers"));
    m_chart->yAxis->setRange(0, 1);
    m_chart->legend->setVisible(true);
    m_chart->legend->setFont(font());
    m_chart->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    splitter->addWidget(m_table);
    splitter->addWidget(m_chart);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    clear();
}

sdcore::DeploymentMonitor *PubSubPanel::monitor() const
{
    return m_monitor.data();
}

void PubSubPanel::setMonitor(sdcore::DeploymentMonitor *monitor)
{
    if (m_monitor)
        disconnect(m_monitor, nullptr, this, nullptr);
    m_monitor = monitor;
    // A drop is judged against the previous snapshot of the same connection only.
    clear();
    if (!monitor)
        return;
    connect(monitor, &sdcore::DeploymentMonitor::snapshotUpdated, this, &PubSubPanel::showSnapshot);
    connect(monitor, &QObject::destroyed, this, &PubSubPanel::clear);
    if (monitor->lastSnapshot())
        showSnapshot(*monitor->lastSnapshot());
}

void PubSubPanel::clear()
{
    m_model->clear();
    m_table->setEnabled(true);
    m_patterns->setText(tr("Pattern subscriptions: –"));
    m_error->clear();
    m_error->hide();
    m_charted.clear();
    m_chart->clearGraphs();
    m_chart->replot(QCustomPlot::rpQueuedReplot);
}

void PubSubPanel::showSnapshot(const sdcore::TopologySnapshot &snapshot)
{
    const sdcore::PubSubState &pubsub = snapshot.pubsub;
    // PUBSUB NUMSUB can fail after NUMPAT succeeded (valid with an error): the channel list is
    // then incomplete, so the table keeps the last complete one, greyed out.
    const bool complete = pubsub.valid && pubsub.error.isEmpty();
    if (pubsub.perNode && pubsub.valid) {
        // A cluster: the nodes that answered, each channel on each; one that did not is named
        // below the table.
        m_model->setNodeChannels(pubsub.nodes);
        m_table->setEnabled(true);
    } else {
        if (complete)
            m_model->setChannels(pubsub.channels);
        m_table->setEnabled(complete);
    }
    m_table->setColumnHidden(PubSubModel::NodeColumn, !m_model->perNode());

    m_patterns->setText(pubsub.valid && pubsub.patterns >= 0
                            ? (pubsub.perNode ? tr("Pattern subscriptions: %1 (every node's)")
                                              : tr("Pattern subscriptions: %1"))
                                  .arg(pubsub.patterns)
                            : tr("Pattern subscriptions: –"));

    QString error;
    if (!pubsub.error.isEmpty() && pubsub.perNode && pubsub.valid)
        error = tr("Some nodes' Pub/Sub state is missing: %1").arg(pubsub.error);
    else if (!pubsub.error.isEmpty())
        error = tr("Pub/Sub state unavailable: %1").arg(pubsub.error);
    else if (!pubsub.valid && !snapshot.shards.isEmpty() && snapshot.shards.first().hasPrimary
             && !snapshot.shards.first().primary.up)
        error = tr("The master %1 is down: Pub/Sub state not polled.")
                    .arg(snapshot.shards.first().primary.address.toString());
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());

    updateChart(snapshot);
}

void PubSubPanel::updateChart(const sdcore::TopologySnapshot &snapshot)
{
    if (snapshot.pubsub.valid && snapshot.pubsub.error.isEmpty()) {
        auto channels = snapshot.pubsub.channels;
        std::stable_sort(channels.begin(), channels.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        QStringList top;
        for (qsizetype i = 0; i < channels.size() && i < MaxChartChannels; ++i)
            top << channels.at(i).first;
        if (top != m_charted || m_chart->graphCount() != top.size() + 1)
            rebuildGraphs(top);
    } else if (m_chart->graphCount() == 0) {
        rebuildGraphs(m_charted);
    }

    const QDateTime at = snapshot.at.isValid() ? snapshot.at : QDateTime::currentDateTimeUtc();
    const double now = double(at.toMSecsSinceEpoch()) / 1000.0;
    const double from = now - ChartSeconds;
    double maxValue = 1;
    for (int i = 0; i < m_chart->graphCount(); ++i) {
        QCPGraph *graph = m_chart->graph(i);
        const QString series = i < m_charted.size() ? sdcore::Series::pubsub(m_charted.at(i))
                                                    : sdcore::Series::PubSubPatterns;
        QList<double> times;
        QList<double> values;
        if (m_monitor) {
            const auto &history = m_monitor->history();
            if (const auto it = history.constFind(series); it != history.cend())
                it->copyRange(from, now, &times, &values);
        }
        for (const double v : values)
            maxValue = std::max(maxValue, v);
        graph->setData(times, values, true);
    }
    m_chart->xAxis->setRange(from, now);
    m_chart->yAxis->setRange(0, std::ceil(maxValue * 1.15));
    // Queued: several snapshots handled in one event-loop pass cost one replot.
    m_chart->replot(QCustomPlot::rpQueuedReplot);
}

void PubSubPanel::rebuildGraphs(const QStringList &channels)
{
    m_chart->clearGraphs();
    m_charted = channels;
    for (int i = 0; i < channels.size(); ++i) {
        QCPGraph *graph = m_chart->addGraph();
        graph->setName(channels.at(i));
        graph->setLineStyle(QCPGraph::lsStepLeft);
        graph->setPen(QPen(graphColour(i), 1.5));
    }
    QCPGraph *patterns = m_chart->addGraph();
    patterns->setName(tr("patterns (NUMPAT)"));
    patterns->setLineStyle(QCPGraph::lsStepLeft);
    patterns->setPen(QPen(Qt::gray, 1.5, Qt::DashLine));
}

QString PubSubPanel::patternsText() const
{
    return m_patterns->text();
}

QString PubSubPanel::errorText() const
{
    return m_error->text();
}

} // namespace sdui
