#include "dashboardpage.h"

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace sdui {

namespace {

constexpr double historySeconds = 300;

QString bytesText(qint64 bytes)
{
    return bytes < 0 ? QStringLiteral("–") : QLocale().formattedDataSize(bytes);
}

QString numberText(qint64 n) { return n < 0 ? QStringLiteral("–") : QLocale().toString(n); }

QString uptimeText(qint64 s)
{
    if (s < 0)
        return QStringLiteral("–");
    if (s < 120)
        return QStringLiteral("%1 s").arg(s);
    if (s < 7200)
        return QStringLiteral("%1 min").arg(s / 60);
    if (s < 172800)
        return QStringLiteral("%1 h").arg(s / 3600);
    return QStringLiteral("%1 d").arg(s / 86400);
}

} // namespace

DashboardPage::DashboardPage(QWidget *parent) : QWidget(parent)
{
    m_banner = new QLabel;
    m_banner->setObjectName(QStringLiteral("statusBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(10);
    int i = 0;
    addTile(grid, i++, QStringLiteral("node"), tr("Master"));
    addTile(grid, i++, QStringLiteral("role"), tr("Role"));
    addTile(grid, i++, QStringLiteral("version"), tr("Redis"));
    addTile(grid, i++, QStringLiteral("rtt"), tr("Round trip"));
    addTile(grid, i++, QStringLiteral("ops"), tr("Ops/s"));
    addTile(grid, i++, QStringLiteral("clients"), tr("Clients"));
    addTile(grid, i++, QStringLiteral("memory"), tr("Memory"));
    addTile(grid, i++, QStringLiteral("keys"), tr("Keys"));
    addTile(grid, i++, QStringLiteral("replicas"), tr("Replicas"));
    addTile(grid, i++, QStringLiteral("uptime"), tr("Uptime"));

    m_chart = new QCustomPlot;
    m_chart->setObjectName(QStringLiteral("healthChart"));
    m_chart->setMinimumHeight(220);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    m_chart->xAxis->setTicker(ticker);
    m_chart->yAxis->setLabel(tr("Round trip (ms)"));
    m_chart->yAxis2->setVisible(true);
    m_chart->yAxis2->setLabel(tr("Ops/s"));
    QCPGraph *rtt = m_chart->addGraph(m_chart->xAxis, m_chart->yAxis);
    rtt->setName(tr("Round trip (ms)"));
    rtt->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2));
    QCPGraph *ops = m_chart->addGraph(m_chart->xAxis, m_chart->yAxis2);
    ops->setName(tr("Ops/s"));
    ops->setPen(QPen(QColor(0xff, 0x7f, 0x0e), 2));
    m_chart->legend->setVisible(true);
    m_chart->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_chart->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_chart->axisRect()->setRangeDrag(Qt::Horizontal);
    m_chart->axisRect()->setRangeZoom(Qt::Horizontal);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(grid);
    layout->addWidget(m_chart, 1);
    clear();
}

QLabel *DashboardPage::addTile(QGridLayout *grid, int index, const QString &name, const QString &title)
{
    auto *frame = new QFrame;
    frame->setFrameShape(QFrame::StyledPanel);
    auto *box = new QVBoxLayout(frame);
    auto *caption = new QLabel(title);
    caption->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto *value = new QLabel;
    value->setObjectName(QStringLiteral("tile_") + name);
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
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

void DashboardPage::clear()
{
    for (QLabel *label : std::as_const(m_tiles))
        label->setText(QStringLiteral("–"));
    m_banner->setText(tr("Waiting for the first poll…"));
    m_banner->setStyleSheet(QString());
    for (int i = 0; i < m_chart->graphCount(); ++i)
        m_chart->graph(i)->data()->clear();
    m_chart->replot();
}

void DashboardPage::showStatus(const sdcore::NodeStatus &s)
{
    const QString time = s.at.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    if (s.reachable) {
        QString text = tr("Connected to %1").arg(s.target);
        if (!s.resolvedBy.isEmpty())
            text += tr(" — master named by sentinel %1").arg(s.resolvedBy);
        m_banner->setText(text + tr(" — last poll %1").arg(time));
        m_banner->setStyleSheet(QStringLiteral("color: #1b5e20;"));
    } else {
        m_banner->setText(tr("%1 is unreachable at %2: %3").arg(s.target, time, s.error));
        m_banner->setStyleSheet(QStringLiteral("color: #b00020;"));
    }

    m_tiles[QStringLiteral("node")]->setText(s.node.port ? s.node.toString() : QStringLiteral("–"));
    if (!s.reachable) {
        // Keep the last values visible but greyed: the node may come back.
        for (auto it = m_tiles.begin(); it != m_tiles.end(); ++it) {
            if (it.key() != QLatin1String("node"))
                it.value()->setEnabled(false);
        }
        return;
    }
    for (QLabel *label : std::as_const(m_tiles))
        label->setEnabled(true);
    m_tiles[QStringLiteral("role")]->setText(s.role);
    m_tiles[QStringLiteral("version")]->setText(s.version);
    m_tiles[QStringLiteral("rtt")]->setText(QStringLiteral("%1 ms").arg(s.rttMs, 0, 'f', 2));
    m_tiles[QStringLiteral("ops")]->setText(numberText(s.opsPerSec));
    m_tiles[QStringLiteral("clients")]->setText(numberText(s.connectedClients));
    m_tiles[QStringLiteral("memory")]->setText(bytesText(s.usedMemory));
    m_tiles[QStringLiteral("keys")]->setText(numberText(s.keys));
    m_tiles[QStringLiteral("replicas")]->setText(numberText(s.connectedReplicas));
    m_tiles[QStringLiteral("uptime")]->setText(uptimeText(s.uptimeSeconds));

    const double t = double(s.at.toMSecsSinceEpoch()) / 1000.0;
    m_chart->graph(0)->addData(t, s.rttMs);
    m_chart->graph(1)->addData(t, double(s.opsPerSec));
    for (int i = 0; i < m_chart->graphCount(); ++i)
        m_chart->graph(i)->data()->removeBefore(t - historySeconds);
    // Show the last five minutes, but no less than one: a fresh connection's first points should
    // not be squeezed against the right edge.
    const double first = m_chart->graph(0)->data()->isEmpty() ? t : m_chart->graph(0)->data()->constBegin()->key;
    m_chart->xAxis->setRange(std::max(first, t - historySeconds), std::max(t, first + 60));
    m_chart->graph(0)->rescaleValueAxis(false, true);
    m_chart->graph(1)->rescaleValueAxis(false, true);
    // Start at zero and leave headroom so peaks are not cut by the frame or hidden by the legend.
    for (QCPAxis *axis : {m_chart->yAxis, m_chart->yAxis2})
        axis->setRange(0, std::max(axis->range().upper * 1.3, 1e-3));
    // One replot per poll cycle, queued so several updates in one event-loop pass coalesce.
    m_chart->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace sdui
