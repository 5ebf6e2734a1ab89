#pragma once

// The master's Pub/Sub state from each snapshot: channels and their subscribers, the pattern
// subscription count, and a chart of subscribers per channel over the last minutes drawn from
// DeploymentMonitor's history. App instances subscribe to session channels, so a falling count
// is worth a look. Shows what core publishes; never talks to Redis. UI thread only.

#include <QPointer>
#include <QStringList>
#include <QWidget>

class QCustomPlot;
class QLabel;
class QTableView;

namespace sdcore {
class DeploymentMonitor;
struct TopologySnapshot;
} // namespace sdcore

namespace sdui {

class PubSubModel;

class PubSubPanel final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int MaxChartChannels = 8;
    static constexpr double ChartSeconds = 5 * 60;

    explicit PubSubPanel(QWidget *parent = nullptr);

    // Follows `monitor`'s snapshots and charts from its history; nullptr empties the panel.
    // The panel does not own the monitor.
    void setMonitor(sdcore::DeploymentMonitor *monitor);
    sdcore::DeploymentMonitor *monitor() const;
    // One batch: the table, the labels and one queued replot.
    void showSnapshot(const sdcore::TopologySnapshot &snapshot);
    void clear();

    PubSubModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QCustomPlot *chart() const { return m_chart; }
    QString patternsText() const;
    QString errorText() const; // empty when no error is shown
    // The channels drawn on the chart, most subscribers first (the patterns graph aside).
    QStringList chartedChannels() const { return m_charted; }

private:
    void updateChart(const sdcore::TopologySnapshot &snapshot);
    void rebuildGraphs(const QStringList &channels);

    QPointer<sdcore::DeploymentMonitor> m_monitor;
    PubSubModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_patterns = nullptr;
    QLabel *m_error = nullptr;
    QCustomPlot *m_chart = nullptr;
    QStringList m_charted;
};

} // namespace sdui
