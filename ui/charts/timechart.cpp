#include "ui/charts/timechart.h"

#include <QDateTime>

#include <cmath>
#include <limits>

#include <QToolTip>

namespace sdui {

namespace {

const QList<QColor> &lineColors()
{
    static const QList<QColor> colors{QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                                      QColor(0x2c, 0xa0, 0x2c), QColor(0x94, 0x67, 0xbd),
                                      QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2),
                                      QColor(0x7f, 0x7f, 0x7f), QColor(0x17, 0xbe, 0xcf)};
    return colors;
}

class BytesTicker final : public QCPAxisTicker
{
protected:
    QString getTickLabel(double tick, const QLocale &locale, QChar, int) override
    {
        return locale.formattedDataSize(qint64(tick), 1);
    }
};

} // namespace

TimeChart::TimeChart(const QString &title, const QString &unit, QWidget *parent)
    : QCustomPlot(parent), m_title(title)
{
    setObjectName(QStringLiteral("chart_") + title.toLower().replace(QLatin1Char(' '), QLatin1Char('_')));
    setMinimumHeight(150);
    setMouseTracking(true);
    plotLayout()->insertRow(0);
    m_titleElement = new QCPTextElement(this, title, QFont(font().family(), font().pointSize(), QFont::Bold));
    plotLayout()->addElement(0, 0, m_titleElement);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    ticker->setDateTimeSpec(Qt::LocalTime);
    xAxis->setTicker(ticker);
    yAxis->setLabel(unit);
    legend->setVisible(false);
    legend->setFont(QFont(font().family(), qMax(7, font().pointSize() - 1)));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    // Only user interaction is forwarded: programmatic range changes come from the owner.
    connect(this, &QCustomPlot::mouseRelease, this, [this] { Q_EMIT userRangeChanged(xAxis->range()); });
    connect(this, &QCustomPlot::mouseWheel, this, [this] { Q_EMIT userRangeChanged(xAxis->range()); });
}

void TimeChart::setSeries(const QList<QPair<QString, const sdcore::MetricSeries *>> &series)
{
    m_series = series;
    while (graphCount() > series.size())
        removeGraph(graphCount() - 1);
    while (graphCount() < series.size()) {
        QCPGraph *g = addGraph();
        g->setPen(QPen(lineColors().at((graphCount() - 1) % lineColors().size()), 2));
    }
    for (int i = 0; i < series.size(); ++i)
        graph(i)->setName(series.at(i).first);
    legend->setVisible(series.size() > 1);
    if (m_bytes)
        yAxis->setTicker(QSharedPointer<BytesTicker>::create());
}

void TimeChart::setMarkers(const QList<ChartMarker> &markers)
{
    if (markers == m_markers)
        return;
    m_markers = markers;
    syncMarkerItems();
    replot(QCustomPlot::rpQueuedReplot);
}

// Items only for the markers in the visible time range, made once and then reused: creating or
// removing a QCustomPlot item costs time linear in the plot's items, and a cluster that fails
// over often has hundreds of markers (rebuilding them all on every event stalled the window).
void TimeChart::syncMarkerItems()
{
    const QCPRange range = xAxis->range();
    QList<const ChartMarker *> visible;
    for (const ChartMarker &m : std::as_const(m_markers)) {
        if (m.time >= range.lower && m.time <= range.upper)
            visible << &m;
    }
    while (m_markerLines.size() > visible.size()) {
        removeItem(m_markerLines.takeLast());
        removeItem(m_markerLabels.takeLast());
    }
    while (m_markerLines.size() < visible.size()) {
        auto *line = new QCPItemStraightLine(this);
        line->point1->setTypeX(QCPItemPosition::ptPlotCoords);
        line->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
        line->point2->setTypeX(QCPItemPosition::ptPlotCoords);
        line->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
        line->setClipToAxisRect(true);
        m_markerLines << line;
        auto *text = new QCPItemText(this);
        text->position->setTypeX(QCPItemPosition::ptPlotCoords);
        text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        text->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
        text->setFont(QFont(font().family(), qMax(7, font().pointSize() - 1)));
        text->setClipToAxisRect(true);
        text->setPadding(QMargins(3, 0, 0, 0));
        m_markerLabels << text;
    }
    // Labels that would run into the one before are left out (the line stays, the tooltip
    // tells): a burst of failovers otherwise piles them into an unreadable strip.
    const double width = axisRect()->width();
    const double minGap = width > 0 ? range.size() * 90.0 / width : 0;
    double lastLabel = -1e300;
    for (qsizetype i = 0; i < visible.size(); ++i) {
        const ChartMarker &m = *visible.at(i);
        const bool labelled = m.time - lastLabel >= minGap;
        if (labelled)
            lastLabel = m.time;
        QCPItemStraightLine *line = m_markerLines.at(i);
        line->point1->setCoords(m.time, 0);
        line->point2->setCoords(m.time, 1);
        line->setPen(QPen(m.color, 1.5, Qt::DashLine));
        QCPItemText *text = m_markerLabels.at(i);
        text->position->setCoords(m.time, 0.02);
        text->setText(m.label);
        text->setColor(m.color.darker(130));
        text->setVisible(labelled);
    }
}

void TimeChart::refresh(double from, double to)
{
    double low = 0, high = 0;
    bool any = false;
    QList<double> times, values;
    for (int i = 0; i < m_series.size(); ++i) {
        const sdcore::MetricSeries *series = m_series.at(i).second;
        if (!series) {
            graph(i)->data()->clear();
            continue;
        }
        series->copyRange(from, to, &times, &values);
        // QCustomPlot breaks a line at a NaN value: one goes into every gap.
        for (qsizetype k = times.size() - 1; k > 0; --k) {
            if (times.at(k) - times.at(k - 1) > m_gapSeconds) {
                times.insert(k, (times.at(k) + times.at(k - 1)) / 2);
                values.insert(k, std::numeric_limits<double>::quiet_NaN());
            }
        }
        graph(i)->setData(times, values, true);
        for (double v : std::as_const(values)) {
            if (std::isnan(v))
                continue;
            low = any ? std::min(low, v) : v;
            high = any ? std::max(high, v) : v;
            any = true;
        }
    }
    xAxis->setRange(from, to);
    syncMarkerItems();
    // From zero, with headroom so a peak is not cut by the frame or hidden by the legend.
    // A byte axis never goes below 1 KiB: ticks of a fraction of a byte read "0 bytes".
    const double floor = m_bytes ? 1024.0 : 1.0;
    yAxis->setRange(std::min(0.0, low), any && high > 0 ? std::max(high * 1.25, floor) : floor);
    replot(QCustomPlot::rpQueuedReplot);
}

void TimeChart::reset()
{
    setSeries({});
    setMarkers({});
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    xAxis->setRange(now - 600, now);
    yAxis->setRange(0, m_bytes ? 1024 : 1);
    replot();
}

QStringList TimeChart::markerLabels() const
{
    QStringList labels;
    for (const ChartMarker &m : m_markers)
        labels << m.label;
    return labels;
}

void TimeChart::mouseMoveEvent(QMouseEvent *event)
{
    QCustomPlot::mouseMoveEvent(event);
    const double x = event->position().x();
    QStringList tips;
    for (const ChartMarker &m : std::as_const(m_markers)) {
        if (std::abs(xAxis->coordToPixel(m.time) - x) <= 4)
            tips << m.tooltip;
    }
    if (tips.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), tips.join(QLatin1Char('\n')), this);
}

} // namespace sdui
