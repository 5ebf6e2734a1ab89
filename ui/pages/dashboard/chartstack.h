#pragma once

// The dashboard's time charts, one above the other: sessions per prefix, ops/s, memory, round
// trip and replication lag per replica, all on one time range (the last 5 min, hour or day,
// following the newest data until the user zooms or pans), with the timeline's failover and
// down/up markers. Charts are addressed by what they show, not by their title. Reads the
// monitor's history on a short timer; never talks to Redis.

#include "core/redis/redisurl.h"

#include <QList>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QPushButton;
class QTimer;

namespace sdcore {
class DeploymentMonitor;
struct TopologySnapshot;
}

namespace sdui {

class TimeChart;

class ChartStack final : public QWidget
{
    Q_OBJECT
public:
    enum class Chart { Sessions, OpsPerSec, Memory, RoundTrip, ReplicationLag };

    explicit ChartStack(QWidget *parent = nullptr);

    void setMonitor(sdcore::DeploymentMonitor *monitor);
    void clear();
    // The replicas of the newest snapshot get the lag chart's lines.
    void showSnapshot(const sdcore::TopologySnapshot &snapshot);
    // The timeline changed: markers are rebuilt on the next refresh.
    void timelineChanged();

    TimeChart *chart(Chart which) const;
    QList<TimeChart *> charts() const { return m_charts; }
    // The range and Live controls, for the page's header.
    QComboBox *rangeCombo() const { return m_range; }
    QPushButton *liveButton() const { return m_liveButton; }
    // Seconds shown: 300, 3600 or 86400.
    int windowSeconds() const;
    // Every chart, stacked, as one PNG.
    bool exportPng(const QString &path) const;

private:
    void scheduleRefresh();
    void refresh();
    void updateSeries();
    void rebuildMarkers();

    QPointer<sdcore::DeploymentMonitor> m_monitor;
    QList<TimeChart *> m_charts;   // in Chart's order
    QWidget *m_area = nullptr;
    QComboBox *m_range = nullptr;
    QPushButton *m_liveButton = nullptr;
    QTimer *m_refreshTimer = nullptr;
    bool m_markersDirty = false;
    bool m_live = true;
    double m_viewFrom = 0;
    double m_viewTo = 0;
    QList<sdcore::HostPort> m_lagReplicas;
};

} // namespace sdui
