#pragma once

// A QCustomPlot time chart for metric series: one or more lines over a date-time axis, vertical
// event markers (failovers, nodes down and up) with a label and a tooltip, and a shared time
// range so several charts zoom and pan together. Data is copied from MetricSeries when the
// owner calls refresh(); it never replots on its own per point.

#include "core/monitor/metricseries.h"

#include <QColor>
#include <QList>
#include <QString>

#include "ui/charts/plot.h"

namespace sdui {

struct ChartMarker
{
    double time = 0;        // seconds since the epoch
    QString label;          // short, drawn at the top of the line
    QString tooltip;        // long, shown on hover
    QColor color;

    bool operator==(const ChartMarker &other) const = default;
};

class TimeChart final : public QCustomPlot
{
    Q_OBJECT
public:
    explicit TimeChart(const QString &title, const QString &unit, QWidget *parent = nullptr);

    // Sets the lines: name → series (not owned; read on refresh()). Lines without a series
    // vanish.
    void setSeries(const QList<QPair<QString, const sdcore::MetricSeries *>> &series);
    void setMarkers(const QList<ChartMarker> &markers);
    // Markers drawn: those in the visible time range.
    int markerCount() const { return int(m_markerLines.size()); }
    QStringList markerLabels() const;
    // Copies the visible window of every series and replots (queued: calls in one event-loop
    // pass make one replot).
    void refresh(double from, double to);
    // When set, values are shown as bytes (axis ticks as KiB/MiB).
    void setBytes(bool bytes) { m_bytes = bytes; }
    // Two points farther apart than this are not joined: the series had no data in between
    // (node down, not a replica, not connected yet), and a line would draw what did not happen.
    void setGapSeconds(double seconds) { m_gapSeconds = seconds; }
    double gapSeconds() const { return m_gapSeconds; }
    // No lines, no markers, and the axes of an empty chart (a new connection starts from here,
    // not from the previous connection's ranges).
    void reset();
    QString title() const { return m_title; }

Q_SIGNALS:
    // The user dragged or zoomed the time axis.
    void userRangeChanged(const QCPRange &range);

protected:
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void syncMarkerItems();

    QString m_title;
    bool m_bytes = false;
    double m_gapSeconds = 5.0;
    QList<QPair<QString, const sdcore::MetricSeries *>> m_series;
    QList<ChartMarker> m_markers;
    QList<QCPItemStraightLine *> m_markerLines;
    QList<QCPItemText *> m_markerLabels;
    QCPTextElement *m_titleElement = nullptr;
};

} // namespace sdui
