#include "ui/charts/ttlchart.h"

namespace sdui {

TtlChart::TtlChart(const QString &title, QWidget *parent)
    : QCustomPlot(parent)
{
    setMinimumHeight(170);
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, title, QFont(font().family(), font().pointSize(), QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
    m_bars = new QCPBars(xAxis, yAxis);
    m_bars->setBrush(QColor(0x1f, 0x77, 0xb4, 170));
    m_bars->setPen(QPen(QColor(0x1f, 0x77, 0xb4)));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int b = 0; b < sdcore::CensusResult::TtlBuckets; ++b)
        ticker->addTick(b, sdcore::CensusResult::ttlBucketName(b));
    xAxis->setTicker(ticker);
    xAxis->setTickLabelRotation(30);
    xAxis->setRange(-0.6, double(sdcore::CensusResult::TtlBuckets) - 0.4);
}

void TtlChart::setTitle(const QString &title)
{
    m_title->setText(title);
    replot(rpQueuedReplot);
}

void TtlChart::setHistogram(const std::array<qint64, sdcore::CensusResult::TtlBuckets> &counts)
{
    QList<double> keys, values;
    double top = 1;
    for (int b = 0; b < sdcore::CensusResult::TtlBuckets; ++b) {
        keys << b;
        values << double(counts[b]);
        top = std::max(top, double(counts[b]));
    }
    m_bars->setData(keys, values, true);
    yAxis->setRange(0, top * 1.15);
    replot(rpQueuedReplot);
}

void TtlChart::clearHistogram()
{
    m_bars->data()->clear();
    replot(rpQueuedReplot);
}

} // namespace sdui
