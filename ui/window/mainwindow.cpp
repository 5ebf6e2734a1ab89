#include "ui/window/mainwindow.h"

#include "core/sessions/sessionbrowser.h"
#include "core/store/realdrillreport.h"
#include "core/support/eventloopwatchdog.h"
#include "core/workspace/workspace.h"
#include "ui/dialogs/connectiondialog.h"
#include "ui/models/connectionlistmodel.h"
#include "ui/pages/connectivitypage.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/eventspage.h"
#include "ui/pages/pubsubpanel.h"
#include "ui/pages/sessionspage.h"
#include "ui/pages/welcomepage.h"
#include "ui/window/logview.h"

#include <QApplication>
#include <QDockWidget>
#include <QMenu>
#include <QCloseEvent>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QPainter>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include <memory>

namespace sdui {

MainWindow::MainWindow(sdcore::Workspace *workspace, QWidget *parent)
    : QMainWindow(parent), m_workspace(workspace)
{
    setWindowTitle(tr("SessionDeck"));
    resize(1200, 780);
    m_watchdog = new sdcore::EventLoopWatchdog(50, 250, this);

    m_welcome = new WelcomePage;
    m_dashboard = new DashboardPage;
    m_pages = new QTabWidget;
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->addTab(m_dashboard, tr("Dashboard"));
    m_browser = new sdcore::SessionBrowser(this);
    m_sessions = new SessionsPage;
    m_pages->addTab(m_sessions, tr("Sessions"));
    m_events = new EventsPage;
    m_pages->addTab(m_events, tr("Events"));
    m_pubsub = new PubSubPanel;
    m_pages->addTab(m_pubsub, tr("Pub/Sub"));
    m_connectivity = new ConnectivityPage;
    m_pages->addTab(m_connectivity, tr("Connectivity"));

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_welcome);
    m_stack->addWidget(m_pages);
    setCentralWidget(m_stack);

    m_connectionModel = new ConnectionListModel(workspace, this);
    m_connectionList = new QListView;
    m_connectionList->setObjectName(QStringLiteral("connectionList"));
    m_connectionList->setModel(m_connectionModel);
    m_connectionList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_connectionList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *connectionsDock = new QDockWidget(tr("Connections"), this);
    connectionsDock->setObjectName(QStringLiteral("connectionsDock"));
    connectionsDock->setWidget(m_connectionList);
    connectionsDock->setFeatures(QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::LeftDockWidgetArea, connectionsDock);
    resizeDocks({connectionsDock}, {260}, Qt::Horizontal);

    m_log = new LogView;
    auto *logDock = new QDockWidget(tr("Log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    resizeDocks({logDock}, {150}, Qt::Vertical);

    m_state = new QLabel(tr("Not connected"));
    m_state->setObjectName(QStringLiteral("connectionState"));
    statusBar()->addWidget(m_state, 1);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New connection…"), QKeySequence::New, this, [this] { askForConnection(); });
    QAction *demo = file->addAction(tr("Start the &demo cluster"), m_workspace,
                                    [this] { m_workspace->startDemo(); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    QMenu *connections = menuBar()->addMenu(tr("&Connections"));
    connections->setObjectName(QStringLiteral("connectionsMenu"));
    connections->addAction(tr("&New…"), this, [this] { askForConnection(); });
    connections->addAction(tr("&Edit…"), this, [this] { editConnection(currentRow()); });
    connections->addAction(tr("&Rename…"), this, [this] { renameConnection(currentRow()); });
    connections->addAction(tr("&Duplicate…"), this, [this] { duplicateConnection(currentRow()); });
    connections->addAction(tr("Re&move…"), this, [this] { removeConnection(currentRow()); });
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(connectionsDock->toggleViewAction());
    view->addAction(logDock->toggleViewAction());

    connect(m_welcome, &WelcomePage::demoRequested, m_workspace, [this] { m_workspace->startDemo(); });
    connect(m_welcome, &WelcomePage::connectRequested, this, &MainWindow::connectTo);
    connect(m_welcome, &WelcomePage::dialogRequested, this, &MainWindow::askForConnection);
    connect(m_connectionList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid() && current.row() != m_workspace->activeIndex())
                    m_workspace->activate(current.row());
            });
    // The model was reset: the current row follows the active connection, wherever it is now.
    connect(m_connectionModel, &QAbstractItemModel::modelReset, this, &MainWindow::selectActive);
    connect(m_workspace, &sdcore::Workspace::passwordNeeded, this, [this](const QString &id) {
        askForPassword(id, m_keychainNotes.value(id));
    });
    // A refused password is asked for again, with the server's words.
    connect(m_workspace, &sdcore::Workspace::passwordRejected, this, [this](const QString &id, const QString &message) {
        askForPassword(id, tr("The server refused the password: %1").arg(message));
    });
    connect(m_workspace, &sdcore::Workspace::neverConnected, this, &MainWindow::askToKeep);
    connect(m_workspace, &sdcore::Workspace::keychainFailed, this, [this](const QString &id, const QString &message) {
        const QString note = tr("The keychain: %1").arg(message);
        m_keychainNotes.insert(id, note);
        statusBar()->showMessage(note, 15000);
    });
    m_workspace->checkKeychain();
    m_connectionList->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_connectionList, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const int row = m_connectionList->indexAt(pos).row();
        if (row < 0)
            return;
        std::unique_ptr<QMenu> menu(connectionMenu(row));
        menu->exec(m_connectionList->viewport()->mapToGlobal(pos));
    });
    auto *removeKey = new QAction(tr("Remove connection"), m_connectionList);
    removeKey->setShortcut(QKeySequence::Delete);
    removeKey->setShortcutContext(Qt::WidgetShortcut);
    connect(removeKey, &QAction::triggered, this, [this] { removeConnection(currentRow()); });
    m_connectionList->addAction(removeKey);
    connect(m_workspace, &sdcore::Workspace::activeChanged, this, &MainWindow::onActiveChanged);
    connect(m_connectivity, &ConnectivityPage::realDrillRequested, this, [this] {
        sdcore::DemoHost *demo = m_workspace->demo();
        if (!demo) {
            sdcore::RealDrillReport none;
            none.error = tr("the demo cluster is not running");
            m_connectivity->showRealDrill(none);
            return;
        }
        connect(demo, &sdcore::DemoHost::realDrillFinished, m_connectivity, &ConnectivityPage::showRealDrill,
                Qt::UniqueConnection);
        demo->runRealDrill();
    });
    connect(m_workspace, &sdcore::Workspace::snapshotUpdated, this, &MainWindow::onSnapshot);
    connect(m_workspace, &sdcore::Workspace::demoProgress, this, [this, demo](const QString &m) {
        demo->setEnabled(false);
        m_welcome->setDemoAvailable(false);
        m_welcome->setDemoProgress(m);
        m_state->setText(m);
    });
    connect(m_workspace, &sdcore::Workspace::demoFailed, this, [this, demo](const QString &m) {
        demo->setEnabled(true);
        m_welcome->setDemoAvailable(true);
        m_welcome->setError(tr("The demo cluster could not start: %1").arg(m));
        m_state->setText(tr("Demo cluster failed"));
    });

    selectActive();
    onActiveChanged(m_workspace->activeId());
    restoreWindowState();
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (settings.contains(QStringLiteral("window/geometry")))
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (settings.contains(QStringLiteral("window/state")))
        restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

QMenu *MainWindow::connectionMenu(int row)
{
    auto *menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("connectionMenu"));
    if (row < 0 || row >= m_workspace->connections().size())
        return menu;
    // The menu stays open while the list may change: it acts on the connection by its id.
    const QString id = m_workspace->idAt(row);
    const auto at = [this, id] { return m_workspace->indexOf(id); };
    menu->addAction(tr("Edit…"), this, [this, at] { editConnection(at()); })->setObjectName(QStringLiteral("editAction"));
    menu->addAction(tr("Rename…"), this, [this, at] { renameConnection(at()); })->setObjectName(QStringLiteral("renameAction"));
    menu->addAction(tr("Duplicate…"), this, [this, at] { duplicateConnection(at()); })->setObjectName(QStringLiteral("duplicateAction"));
    menu->addAction(tr("Remove…"), this, [this, at] { removeConnection(at()); })->setObjectName(QStringLiteral("removeAction"));
    menu->addSeparator();
    QAction *readOnly = menu->addAction(tr("Read-only (no delete, no failover)"));
    readOnly->setCheckable(true);
    readOnly->setChecked(m_workspace->connections().at(row).readOnly);
    QAction *production = menu->addAction(tr("Production (type the name to confirm deletes)"));
    production->setCheckable(true);
    production->setChecked(m_workspace->connections().at(row).production);
    const auto apply = [this, id] {
        m_dashboard->refreshControls();
        if (id == m_workspace->activeId()) {
            const auto *entry = m_workspace->active();
            m_sessions->setReadOnly(entry->readOnly, entry->production);
        }
    };
    connect(readOnly, &QAction::toggled, this, [this, id, apply](bool on) {
        m_workspace->setReadOnly(m_workspace->indexOf(id), on);
        apply();
    });
    connect(production, &QAction::toggled, this, [this, id, apply](bool on) {
        m_workspace->setProduction(m_workspace->indexOf(id), on);
        apply();
    });
    return menu;
}

int MainWindow::currentRow() const
{
    return m_connectionList->currentIndex().row();
}

void MainWindow::selectActive()
{
    QSignalBlocker block(m_connectionList->selectionModel());
    const QModelIndex index = m_connectionModel->indexOfId(m_workspace->activeId());
    if (index.isValid())
        m_connectionList->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    else
        m_connectionList->selectionModel()->clearSelection();
    // The view draws the current row; with the signals blocked it is told by hand.
    m_connectionList->viewport()->update();
}

void MainWindow::editConnection(int row)
{
    if (row < 0 || row >= m_workspace->connections().size())
        return;
    const sdcore::ConnectionEntry entry = m_workspace->connections().at(row);
    if (entry.demo)
        return;
    auto *dialog = new ConnectionDialog(m_workspace->keychainState(), m_workspace->keychainProblem(), this);
    dialog->setObjectName(QStringLiteral("editConnection"));
    dialog->setWindowTitle(tr("Edit '%1'").arg(entry.name));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setUrlText(entry.url.toSecretString());
    dialog->setName(entry.name);
    dialog->setStorage(entry.passwordStorage);
    const sdcore::RedisUrl old = entry.url;
    const QString id = entry.id;
    // What the user set on the entry goes with it to its new target.
    const bool readOnly = entry.readOnly, production = entry.production, confirmed = entry.confirmed;
    connect(dialog, &QDialog::accepted, this, [this, dialog, id, old, readOnly, production, confirmed] {
        const int index = m_workspace->indexOf(id);
        if (index < 0)
            return;   // removed while the dialog was open
        sdcore::RedisUrl url = dialog->url();
        const auto bare = [](sdcore::RedisUrl u) {
            u.setPassword(QString());
            return u;
        };
        if (bare(url) == bare(old)) {
            // The same target: a new name, a new password.
            m_workspace->renameConnection(index, dialog->name());
            if (url.hasPassword() && url.password() != old.password())
                m_workspace->setPassword(index, url.password(), dialog->storage());
            return;
        }
        // Another connection has that target already: its own settings are not overwritten
        // with this one's.
        if (const int other = m_workspace->indexOfTarget(url); other >= 0 && other != index) {
            QMessageBox::warning(this, tr("Cannot save the connection"),
                                 tr("'%1' connects to %2 already; edit or remove that one instead.")
                                     .arg(m_workspace->connections().at(other).name, bare(url).toString()));
            return;
        }
        auto added = m_workspace->addConnection(url, dialog->name(), dialog->storage());
        if (!added) {
            QMessageBox::warning(this, tr("Cannot save the connection"), added.errorMessage());
            return;
        }
        m_workspace->setReadOnly(*added, readOnly);
        m_workspace->setProduction(*added, production);
        if (confirmed)
            m_workspace->keepConnection(*added);
        const QString now = m_workspace->idAt(*added);
        m_workspace->removeConnection(m_workspace->indexOf(id));
        m_workspace->activate(m_workspace->indexOf(now));
    });
    dialog->open();
}

void MainWindow::renameConnection(int row)
{
    if (row < 0 || row >= m_workspace->connections().size())
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("renameConnection"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Rename connection"));
    dialog->setLabelText(tr("Name:"));
    dialog->setTextValue(m_workspace->connections().at(row).name);
    const QString id = m_workspace->idAt(row);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, id](const QString &name) {
        m_workspace->renameConnection(m_workspace->indexOf(id), name);
    });
    dialog->open();
}

void MainWindow::duplicateConnection(int row)
{
    if (row < 0 || row >= m_workspace->connections().size())
        return;
    // A copy is another target (another db, user or host): the dialog opens on the same URL to
    // change it; the password comes along in its field.
    const sdcore::ConnectionEntry &entry = m_workspace->connections().at(row);
    askForConnection(entry.url.toSecretString());
    if (auto *dialog = findChildren<ConnectionDialog *>().value(0))
        dialog->setName(tr("%1 (copy)").arg(entry.name));
}

void MainWindow::removeConnection(int row)
{
    if (row < 0 || row >= m_workspace->connections().size())
        return;
    const sdcore::ConnectionEntry &entry = m_workspace->connections().at(row);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove '%1'?").arg(entry.name),
                                tr("Remove the connection '%1' (%2) from the list? Its history goes with it; the "
                                   "servers are not touched.")
                                    .arg(entry.name, entry.url.toString()),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("removeConnection"));
    QPushButton *remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("removeButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const QString id = entry.id;
    connect(remove, &QPushButton::clicked, this, [this, id] { m_workspace->removeConnection(m_workspace->indexOf(id)); });
    box->open();
}

QString MainWindow::connectionStateText() const { return m_state->text(); }

void MainWindow::onActiveChanged(const QString &id)
{
    Q_UNUSED(id)   // the active entry is read from the Workspace
    const auto *entry = m_workspace->active();
    if (!entry) {
        m_stack->setCurrentWidget(m_welcome);
        m_dashboard->setMonitor(nullptr);
        m_events->setMonitor(nullptr);
        m_pubsub->setMonitor(nullptr);
        m_sessions->setBrowser(nullptr, QString(), false, false);
        m_connectivity->clearConnection();
        m_state->setText(tr("Not connected"));
        setWindowTitle(tr("SessionDeck"));
        return;
    }
    // Each connection keeps its own monitor, history and timeline; switching shows them.
    m_dashboard->setMonitor(entry->monitor);
    m_events->setMonitor(entry->monitor);
    m_pubsub->setMonitor(entry->monitor);
    m_browser->setTarget(entry->url, entry->name);
    m_sessions->setBrowser(m_browser, entry->name, entry->readOnly, entry->production);
    m_sessions->setDeleteDenied(QString());   // until the connection's first access check
    m_connectivity->setConnection(entry->url, entry->name, entry->monitor);
    m_connectivity->setRealDrillAvailable(entry->demo && m_workspace->demo() && m_workspace->demo()->isReady());
    m_stack->setCurrentWidget(m_pages);
    if (entry->monitor && entry->monitor->lastSnapshot())
        onSnapshot(*entry->monitor->lastSnapshot());
    else
        m_state->setText(tr("Connecting to %1…").arg(entry->url.toString()));
    // The title shows the name the user gave, or the redacted URL: never a password.
    setWindowTitle(tr("%1 — SessionDeck").arg(entry->name));
    if (entry->passwordStorage == sdcore::PasswordStorage::SettingsFile && entry->url.hasPassword()) {
        statusBar()->showMessage(tr("Warning: the password of %1 is kept unencrypted in %2, as chosen in the "
                                    "connection dialog")
                                     .arg(entry->name, QSettings().fileName()),
                                 15000);
    }
    selectActive();
}

void MainWindow::onSnapshot(const sdcore::TopologySnapshot &s)
{
    if (s.access.known)
        m_sessions->setDeleteDenied(s.access.canDelete ? QString() : s.access.deleteReason);
    if (s.shards.size() == 1 && s.shards.first().primaryUp()) {
        const sdcore::RedisNodeState &primary = s.shards.first().primary;
        m_state->setText(tr("%1: master %2 (Redis %3), round trip %4 ms")
                             .arg(sdcore::healthName(s.health).toUpper(), primary.address.toString(), primary.version)
                             .arg(primary.rttMs, 0, 'f', 2));
    } else if (s.reachedPrimary()) {
        m_state->setText(tr("%1: %2 of %3 primaries up")
                             .arg(sdcore::healthName(s.health).toUpper())
                             .arg(s.primariesUp())
                             .arg(s.shards.size()));
    } else {
        m_state->setText(tr("Unreachable: %1")
                             .arg(s.problems.isEmpty() ? s.error : s.problems.first()));
    }
}

void MainWindow::connectTo(const QString &url)
{
    auto index = m_workspace->addConnection(url);
    if (!index) {
        m_welcome->setError(index.errorMessage());
        return;
    }
    m_workspace->activate(*index);
}

void MainWindow::askForConnection(const QString &urlText)
{
    auto *dialog = new ConnectionDialog(m_workspace->keychainState(), m_workspace->keychainProblem(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!urlText.trimmed().isEmpty())
        dialog->setUrlText(urlText.trimmed());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        auto index = m_workspace->addConnection(dialog->url(), dialog->name(), dialog->storage());
        if (!index) {
            QMessageBox::warning(this, tr("Cannot connect"), index.errorMessage());
            return;
        }
        m_workspace->activate(*index);
    });
    dialog->open();
}

void MainWindow::askToKeep(const QString &id, const QString &message)
{
    const int index = m_workspace->indexOf(id);
    if (index < 0)
        return;
    const sdcore::ConnectionEntry &entry = m_workspace->connections().at(index);
    // Not modal: the window stays usable while the question waits.
    auto *box = new QMessageBox(QMessageBox::Question, tr("Keep '%1'?").arg(entry.name),
                                tr("SessionDeck could not connect to '%1' (%2), and it has never connected:\n\n%3\n\n"
                                   "Keep it in the list (it is retried at every start), or remove it?")
                                    .arg(entry.name, entry.url.toString(), message),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("keepConnection"));
    QPushButton *keep = box->addButton(tr("Keep"), QMessageBox::AcceptRole);
    keep->setObjectName(QStringLiteral("keepButton"));
    QPushButton *remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("removeButton"));
    box->setDefaultButton(keep);
    box->setWindowModality(Qt::NonModal);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // The list may change while the question is open: the answer goes to the entry by its id.
    connect(box, &QMessageBox::buttonClicked, this, [this, id, keep](QAbstractButton *button) {
        const int i = m_workspace->indexOf(id);
        if (i < 0)
            return;
        if (button == static_cast<QAbstractButton *>(keep))
            m_workspace->keepConnection(i);
        else
            m_workspace->removeConnection(i);
    });
    box->show();
}

void MainWindow::askForPassword(const QString &id, const QString &why)
{
    const int index = m_workspace->indexOf(id);
    if (index < 0)
        return;
    if (auto *open = findChild<PasswordDialog *>()) {
        // One dialog at a time; this request follows when the open one closes.
        connect(open, &QDialog::finished, this, [this, id, why] { askForPassword(id, why); }, Qt::QueuedConnection);
        return;
    }
    auto *dialog = new PasswordDialog(m_workspace->connections().at(index), m_workspace->keychainState(),
                                      m_workspace->keychainProblem(), why, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The list may change while the dialog is open: the password goes to the entry by its id.
    connect(dialog, &QDialog::accepted, this, [this, dialog, id] {
        m_workspace->setPassword(m_workspace->indexOf(id), dialog->password(), dialog->storage());
    });
    dialog->open();
}

} // namespace sdui
