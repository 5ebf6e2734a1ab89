#pragma once

// The main window: wires the pages, the connection list, the log view and the status bar to the
// Workspace. Holds no logic of its own beyond that.

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;
class QTabWidget;

namespace sdcore {
class Workspace;
struct NodeStatus;
}

namespace sdui {

class DashboardPage;
class LogView;
class WelcomePage;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(sdcore::Workspace *workspace, QWidget *parent = nullptr);

    DashboardPage *dashboard() const { return m_dashboard; }
    WelcomePage *welcome() const { return m_welcome; }
    QString connectionStateText() const;

private:
    void rebuildConnectionList();
    void onActiveChanged(int index);
    void onStatus(const sdcore::NodeStatus &status);
    void connectTo(const QString &url);
    void askForConnection();

    sdcore::Workspace *m_workspace;
    QStackedWidget *m_stack = nullptr;
    WelcomePage *m_welcome = nullptr;
    QTabWidget *m_pages = nullptr;
    DashboardPage *m_dashboard = nullptr;
    QListWidget *m_connectionList = nullptr;
    LogView *m_log = nullptr;
    QLabel *m_state = nullptr;
};

} // namespace sdui
