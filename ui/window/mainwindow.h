#pragma once

// The main window: wires the pages, the connection list, the log view and the status bar to the
// Workspace. Holds no logic of its own beyond that.

#include <QHash>
#include <QMainWindow>

class QLabel;
class QListView;
class QStackedWidget;
class QTabWidget;

namespace sdcore {
class EventLoopWatchdog;
class SessionBrowser;
class Workspace;
struct TopologySnapshot;
}

class QMenu;

namespace sdui {

class ConnectionListModel;
class ConnectivityPage;
class DashboardPage;
class EventsPage;
class LogView;
class PubSubPanel;
class SessionsPage;
class WelcomePage;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(sdcore::Workspace *workspace, QWidget *parent = nullptr);

    DashboardPage *dashboard() const { return m_dashboard; }
    EventsPage *events() const { return m_events; }
    PubSubPanel *pubsub() const { return m_pubsub; }
    SessionsPage *sessions() const { return m_sessions; }
    ConnectivityPage *connectivity() const { return m_connectivity; }
    QTabWidget *pages() const { return m_pages; }
    WelcomePage *welcome() const { return m_welcome; }
    QString connectionStateText() const;
    // Measures the UI thread's longest stall (see EventLoopWatchdog); logged when one passes 250 ms.
    sdcore::EventLoopWatchdog *watchdog() const { return m_watchdog; }

private:
    void onActiveChanged(const QString &id);
    void onSnapshot(const sdcore::TopologySnapshot &snapshot);
    // The list's current row is the active connection's.
    void selectActive();
    int currentRow() const;
    void connectTo(const QString &url);
    void askForConnection(const QString &urlText = {});
    void askForPassword(const QString &id, const QString &why);
    // A connection that never connected failed: keep it or remove it?
    void askToKeep(const QString &id, const QString &message);

public:
    // The connection actions, on the connection at `row` of the list (the Connections menu, the
    // list's context menu and its Delete key use them). Each asks first, without blocking, and
    // acts on the connection by its id, wherever it is in the list by then.
    void editConnection(int row);
    void renameConnection(int row);
    void duplicateConnection(int row);
    void removeConnection(int row);
    // The list's context menu for `row`, built anew (owned by the caller).
    QMenu *connectionMenu(int row);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void restoreWindowState();

    sdcore::Workspace *m_workspace;
    QStackedWidget *m_stack = nullptr;
    WelcomePage *m_welcome = nullptr;
    QTabWidget *m_pages = nullptr;
    DashboardPage *m_dashboard = nullptr;
    EventsPage *m_events = nullptr;
    PubSubPanel *m_pubsub = nullptr;
    SessionsPage *m_sessions = nullptr;
    ConnectivityPage *m_connectivity = nullptr;
    sdcore::SessionBrowser *m_browser = nullptr;
    QListView *m_connectionList = nullptr;
    ConnectionListModel *m_connectionModel = nullptr;
    LogView *m_log = nullptr;
    QLabel *m_state = nullptr;
    sdcore::EventLoopWatchdog *m_watchdog = nullptr;
    QHash<QString, QString> m_keychainNotes;   // why the keychain gave no password, by connection id
};

} // namespace sdui
