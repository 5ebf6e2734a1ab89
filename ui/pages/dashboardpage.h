#pragma once

// The health of the active connection, put together from its parts: the headline tiles
// (HealthTiles), the topology table (TopologyView), the time charts with their markers
// (ChartStack), the TTL distribution of the last census, and the manual failover control, which
// lives here. Shows what a DeploymentMonitor publishes; never talks to Redis.

#include "core/monitor/deploymentmonitor.h"
#include "ui/pages/dashboard/chartstack.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTimer;
class QTreeWidget;

namespace sdui {

class HealthTiles;
class TimeChart;
class TopologyView;
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
    TimeChart *chart(ChartStack::Chart which) const;
    QList<TimeChart *> charts() const;
    QTreeWidget *topology() const;
    QPushButton *failoverButton() const { return m_failoverButton; }
    QComboBox *rangeCombo() const;
    QString failoverStatus() const;
    // Saves every chart, stacked, as one PNG.
    bool exportPng(const QString &path) const;
    // Seconds shown: 300, 3600 or 86400.
    int windowSeconds() const;

private:
    void showSnapshot(const sdcore::TopologySnapshot &snapshot);
    void showCensus(const sdcore::CensusResult &census);
    void askForFailover();
    void askForClusterFailover();
    void onFailoverProgress(const QString &step);
    void onFailoverFinished(const sdcore::FailoverOutcome &outcome);
    void exportWithDialog();
    void updateFailoverButton();

    QPointer<sdcore::DeploymentMonitor> m_monitor;
    QList<QMetaObject::Connection> m_connections;
    QLabel *m_banner = nullptr;
    HealthTiles *m_tiles = nullptr;
    TopologyView *m_topology = nullptr;
    ChartStack *m_charts = nullptr;
    TtlChart *m_ttlChart = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_failoverButton = nullptr;
    QString m_failoverDenied;   // from the last snapshot's AccessState
    QGroupBox *m_failoverBox = nullptr;
    QListWidget *m_failoverSteps = nullptr;
    QLabel *m_failoverStatus = nullptr;
    QTimer *m_staleTimer = nullptr;
};

} // namespace sdui
