#pragma once

// The health of the active connection: topology (master, replicas, sentinels with their state
// and quorum), headline tiles, time charts (sessions, ops/s, memory, round trip, replication
// lag) with failover and down/up markers, the TTL distribution of the last census, and the
// manual failover control. Shows what a DeploymentMonitor publishes; never talks to Redis.

#include "core/monitor/deploymentmonitor.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QGridLayout;
class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTimer;
class QTreeWidget;
class QCustomPlot;
class QCPBars;

namespace sdui {

class TimeChart;
class TtlChart;

class DashboardPage final : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(QWidget *parent = nullptr);

    // The monitor to show (nullptr: nothing). Its history and timeline are shown at once.
    void setMonitor(sdcore::DeploymentMonitor *monitor);
    void clear();
    // Re-reads what enables the controls (read-only flag, connection kind).
    void refreshControls() { updateFailoverButton(); }

    QString tileText(const QString &name) const;
    QList<TimeChart *> charts() const { return m_charts; }
    TimeChart *chart(const QString &title) const;
    QTreeWidget *topology() const { return m_topology; }
    QPushButton *failoverButton() const { return m_failoverButton; }
    QComboBox *rangeCombo() const { return m_range; }
    QString failoverStatus() const;
    // Saves every chart, stacked, as one PNG.
    bool exportPng(const QString &path) const;
    // Seconds shown: 300, 3600 or 86400.
    int windowSeconds() const;

private:
    QLabel *addTile(QGridLayout *grid, int index, const QString &name, const QString &title);
    void showSnapshot(const sdcore::TopologySnapshot &snapshot);
    void showCensus(const sdcore::CensusResult &census);
    void rebuildMarkers();
    void scheduleRefresh();
    void refreshCharts();
    void updateSeries();
    void askForFailover();
    void onFailoverProgress(const QString &step);
    void onFailoverFinished(const sdcore::FailoverOutcome &outcome);
    void exportWithDialog();
    void updateFailoverButton();

    QPointer<sdcore::DeploymentMonitor> m_monitor;
    QList<QMetaObject::Connection> m_connections;
    QLabel *m_banner = nullptr;
    QHash<QString, QLabel *> m_tiles;
    QTreeWidget *m_topology = nullptr;
    QComboBox *m_range = nullptr;
    QPushButton *m_liveButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_failoverButton = nullptr;
    QString m_failoverDenied;   // from the last snapshot's AccessState
    bool m_markersDirty = false;
    QGroupBox *m_failoverBox = nullptr;
    QListWidget *m_failoverSteps = nullptr;
    QLabel *m_failoverStatus = nullptr;
    QList<TimeChart *> m_charts;
    QWidget *m_chartArea = nullptr;
    TtlChart *m_ttlChart = nullptr;
    QTimer *m_refreshTimer = nullptr;
    QTimer *m_staleTimer = nullptr;
    bool m_live = true;
    double m_viewFrom = 0;
    double m_viewTo = 0;
    QStringList m_lagSeries;
};

} // namespace sdui
