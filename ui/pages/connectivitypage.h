#pragma once

// The Connectivity page: runs the apps' store chain for the active connection (its URL, then
// the fallback URLs typed here, then memory) and shows each tier as a row — the verdict, the
// time of each step (resolve, connect, auth, ROLE, set, get, touch, destroy) and the error —,
// which tier served the probe through the chain, the drill's phases, and the chain's switches.
// The work is done by core's ConnectivityTester; the page only asks and shows.

#include "core/redis/redisurl.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace sdcore {
class DeploymentMonitor;
class ConnectivityTester;
struct ProbeReport;
struct RealDrillReport;
struct StoreSwitch;
}

namespace sdui {

class ConnectivityPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectivityPage(QWidget *parent = nullptr);

    // The connection to test; `monitor` (may be null) receives the chain's switches as events.
    void setConnection(const sdcore::RedisUrl &url, const QString &name, sdcore::DeploymentMonitor *monitor);
    void clearConnection();

    void run(bool drill);
    // The real drill needs a cluster SessionDeck started (the demo): the button shows only then.
    void setRealDrillAvailable(bool available);
    void showRealDrill(const sdcore::RealDrillReport &report);
    QLineEdit *fallbackEdit() const { return m_fallbacks; }
    QTableWidget *table() const { return m_table; }
    QString verdictText() const;
    QString servedByText() const;
    QStringList drillLines() const;
    // The store switches listed, newest first.
    QStringList switchLines() const;
    bool running() const;

Q_SIGNALS:
    void realDrillRequested();

private:
    void showReport(const sdcore::ProbeReport &report);
    // Lists the chain's switches and puts them on the monitor's timeline (chart markers).
    void addSwitches(const QList<sdcore::StoreSwitch> &switches, const QString &source);

    sdcore::ConnectivityTester *m_tester = nullptr;
    sdcore::RedisUrl m_url;
    QString m_name;
    bool m_haveConnection = false;
    sdcore::DeploymentMonitor *m_monitor = nullptr;

    QLabel *m_target = nullptr;
    QLineEdit *m_fallbacks = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_drill = nullptr;
    QPushButton *m_realDrill = nullptr;
    QLabel *m_verdict = nullptr;
    QLabel *m_servedBy = nullptr;
    QTableWidget *m_table = nullptr;
    QListWidget *m_drillList = nullptr;
    QListWidget *m_switches = nullptr;
};

} // namespace sdui
