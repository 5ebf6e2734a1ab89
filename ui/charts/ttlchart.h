#pragma once

// A bar chart of sessions per TTL bucket (< 1 min … < 7 days, longer, no TTL), as the census
// and the Sessions page count them.

#include "core/sessions/sessioncensus.h"

#include "ui/charts/plot.h"

namespace sdui {

class TtlChart final : public QCustomPlot
{
    Q_OBJECT
public:
    explicit TtlChart(const QString &title, QWidget *parent = nullptr);

    void setTitle(const QString &title);
    void setHistogram(const std::array<qint64, sdcore::CensusResult::TtlBuckets> &counts);
    void clearHistogram();

private:
    QCPTextElement *m_title = nullptr;
    QCPBars *m_bars = nullptr;
};

} // namespace sdui
