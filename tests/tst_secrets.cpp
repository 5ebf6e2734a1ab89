// A whole GUI session with a distinctive password, on a machine without a keychain service: a
// connection made in the New connection dialog (the keychain choice is off and says why), a
// wrong password, a failover, a session scan, a delete, a connectivity probe, the chart and
// session exports; then the next start, where the password is asked for at connect time.
// Afterwards every file
// SessionDeck wrote (log, audit log, settings, exports), the log view, every window title and
// every status message is searched for both passwords. The search must come back empty.

#include "core/lab/demotraffic.h"
#include "core/lab/locallauncher.h"
#include "core/sessions/auditlog.h"
#include "core/support/logging.h"
#include "core/workspace/workspace.h"
#include "tests/support/testsupport.h"
#include "tests/support/testwindow.h"
#include "ui/dialogs/connectiondialog.h"
#include "ui/dialogs/deleteconfirmdialog.h"
#include "ui/models/sessiontablemodel.h"
#include "ui/pages/connectivitypage.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/sessionspage.h"
#include "ui/pages/welcomepage.h"
#include "ui/window/logview.h"
#include "ui/window/mainwindow.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <spdlog/spdlog.h>

using namespace sdcore;

namespace {

const QString kSecret = QStringLiteral("Gui-Secret-7Qx4");
const QString kWrong = QStringLiteral("Wrong-Secret-5Zp9");

// A demo that is ready at once on a deployment the test started: it puts the demo connection
// first in the list, as the real one does, without starting servers of its own.
class InstantDemo final : public sdcore::DemoHost
{
public:
    explicit InstantDemo(sdcore::RedisUrl url) : m_url(std::move(url)) {}
    void start() override
    {
        QTimer::singleShot(0, this, [this] {
            m_ready = true;
            Q_EMIT ready(m_url);
        });
    }
    bool isReady() const override { return m_ready; }
    void runRealDrill() override {}

private:
    sdcore::RedisUrl m_url;
    bool m_ready = false;
};

// Window titles and status messages as they come and go.
class Witness : public QObject
{
public:
    QStringList seen;
    void watch(QMainWindow *window)
    {
        connect(window->statusBar(), &QStatusBar::messageChanged, this, [this](const QString &m) { seen << m; });
        auto *timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, [this] {
            for (QWidget *w : QApplication::topLevelWidgets())
                seen << w->windowTitle();
        });
        timer->start(50);
    }
};

void clickOk(QDialog *dialog)
{
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment{[] {
        LauncherOptions o;
        o.password = kSecret;
        o.replicas = 1;
        return o;
    }()};
    Witness m_witness;
    QStringList m_logViewText;

    RedisUrl bareUrl() const
    {
        RedisUrl url = m_deployment.sentinelUrl();
        url.setPassword(QString());
        return url;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // No keychain service on this "machine".
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sessiondeck-test-bus");
        QCoreApplication::setOrganizationName(QStringLiteral("SessionDeckSecretsTest"));
        QSettings().clear();
        LogOptions log;
        log.level = QStringLiteral("debug");
        log.directory = testOutputDir() + QStringLiteral("/secrets-logs");
        QDir(log.directory).removeRecursively();
        QFile::remove(AuditLog::defaultPath());
        QVERIFY(Logging::setup(log));
        auto s = m_deployment.startSentinelDeployment();
        QVERIFY_OK(s);
        DemoTraffic traffic(m_deployment.sentinelUrl());
        QVERIFY(traffic.seed(120));
    }

    void wholeSession()
    {
        TestWindow shown(250, QSize(1400, 900), true);
        QVERIFY(shown.exposed());
        auto &[workspace, window] = shown;
        m_witness.watch(&window);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.keychainState(), Workspace::KeychainState::Unavailable, 20000);

        // File > New connection…
        QAction *newConnection = nullptr;
        for (QAction *a : window.menuBar()->actions().first()->menu()->actions()) {
            if (a->text().contains(QLatin1String("onnection")))
                newConnection = a;
        }
        QVERIFY(newConnection);
        newConnection->trigger();
        sdui::ConnectionDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<sdui::ConnectionDialog *>()) != nullptr);
        QVERIFY(dialog->findChild<QLineEdit *>("url")->text().isEmpty());
        dialog->reject();
        QTRY_VERIFY(!window.findChild<sdui::ConnectionDialog *>());

        // The welcome page's "Password, TLS…" opens the same dialog with what was typed: a
        // pasted URL with its password, which moves into the (non-echoing) password field.
        window.welcome()->findChild<QLineEdit *>("urlEdit")->setText(m_deployment.sentinelUrl().toSecretString());
        window.welcome()->findChild<QPushButton *>("moreButton")->click();
        QTRY_VERIFY((dialog = window.findChild<sdui::ConnectionDialog *>()) != nullptr);
        window.welcome()->findChild<QLineEdit *>("urlEdit")->clear();
        auto *storage = dialog->findChild<QComboBox *>("passwordStorage");
        auto *model = qobject_cast<QStandardItemModel *>(storage->model());
        QVERIFY(!model->item(int(PasswordStorage::Keychain))->isEnabled());
        QVERIFY(storage->itemData(int(PasswordStorage::Keychain), Qt::ToolTipRole).toString().contains("No keychain service"));
        QCOMPARE(dialog->storage(), PasswordStorage::Session);
        // The settings-file choice shows its warning before anything is kept.
        storage->setCurrentIndex(int(PasswordStorage::SettingsFile));
        QVERIFY(dialog->findChild<QLabel *>("passwordStorageNote")->text().contains("unencrypted"));
        storage->setCurrentIndex(int(PasswordStorage::Session));
        auto *password = dialog->findChild<QLineEdit *>("password");
        QCOMPARE(password->text(), kSecret);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QVERIFY(!dialog->findChild<QLineEdit *>("url")->text().contains(kSecret));
        dialog->findChild<QLineEdit *>("name")->setText(QStringLiteral("sessions"));
        QVERIFY(dialog->grab().save(testOutputDir() + "/connection-dialog.png"));
        clickOk(dialog);

        sdui::DashboardPage *dash = window.dashboard();
        QTRY_COMPARE_WITH_TIMEOUT(dash->tileText("health"), QStringLiteral("OK"), 20000);

        // A wrong password: a clear error, and the wrong password shown nowhere.
        auto wrongUrl = bareUrl();
        wrongUrl.setPassword(kWrong);
        wrongUrl.setDb(1);   // another connection entry
        auto wrong = workspace.addConnection(wrongUrl, QStringLiteral("wrong"));
        QVERIFY(wrong);
        workspace.activate(*wrong);
        QTRY_VERIFY_WITH_TIMEOUT(workspace.activeMonitor()->lastSnapshot()
                                     && workspace.activeMonitor()->lastSnapshot()->health == Health::Critical,
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window.connectionStateText().contains("password"), 10000);
        m_witness.seen << window.connectionStateText();
        qInfo("wrong password: %s", qPrintable(window.connectionStateText()));
        // The refused password is asked for again, in words that do not repeat it.
        sdui::PasswordDialog *again = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((again = window.findChild<sdui::PasswordDialog *>()) != nullptr, 20000);
        for (QLabel *label : again->findChildren<QLabel *>())
            m_witness.seen << label->text();
        m_witness.seen << again->windowTitle();
        again->reject();
        workspace.activate(0);
        QTRY_COMPARE_WITH_TIMEOUT(dash->tileText("health"), QStringLiteral("OK"), 20000);

        // Failover, confirmed.
        QTRY_VERIFY_WITH_TIMEOUT(dash->failoverButton()->isEnabled(), 20000);
        QTest::mouseClick(dash->failoverButton(), Qt::LeftButton);
        QMessageBox *confirm = nullptr;
        QTRY_VERIFY((confirm = dash->findChild<QMessageBox *>("failoverConfirm")) != nullptr);
        confirm->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(dash->failoverStatus().contains("done"), 60000);

        // Scan, delete one, probe, export.
        window.pages()->setCurrentWidget(window.sessions());
        sdui::SessionsPage *page = window.sessions();
        page->findChild<QPushButton *>("scanButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!page->scanning() && page->model()->totalRows() == 120, 30000);
        QTimer::singleShot(100, qApp, [] {
            if (auto *d = qobject_cast<sdui::DeleteConfirmDialog *>(QApplication::activeModalWidget()))
                d->deleteButton()->click();
        });
        page->table()->selectRow(0);
        page->deleteSelected();
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->totalRows(), 119, 20000);
        QVERIFY(page->exportRows(testOutputDir() + "/secrets-sessions.csv", false));
        QVERIFY(page->exportRows(testOutputDir() + "/secrets-sessions.json", false));
        window.pages()->setCurrentWidget(window.connectivity());
        window.connectivity()->run(false);
        QTRY_VERIFY_WITH_TIMEOUT(!window.connectivity()->running(), 30000);
        QVERIFY(dash->exportPng(testOutputDir() + "/secrets-dashboard.png"));
        m_logViewText << window.findChild<sdui::LogView *>()->toPlainText();
        QVERIFY(m_logViewText.last().contains("failover"));
    }

    void askedAtTheNextStart()
    {
        TestWindow shown(250, QSize(), true);
        QVERIFY(shown.exposed());
        auto &[workspace, window] = shown;
        m_witness.watch(&window);
        int sessions = -1;
        for (int i = 0; i < workspace.connections().size(); ++i)
            sessions = workspace.connections().at(i).name == QLatin1String("sessions") ? i : sessions;
        QVERIFY(sessions >= 0);
        QVERIFY(workspace.passwordMissing(sessions));
        workspace.activate(sessions);
        sdui::PasswordDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<sdui::PasswordDialog *>()) != nullptr);
        QVERIFY(!workspace.activeMonitor());
        dialog->findChild<QLineEdit *>("password")->setText(kSecret);
        QVERIFY(dialog->grab().save(testOutputDir() + "/password-dialog.png"));
        clickOk(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(window.dashboard()->tileText("health"), QStringLiteral("OK"), 20000);
        QVERIFY(window.grab().save(testOutputDir() + "/secrets-window.png"));
        m_logViewText << window.findChild<sdui::LogView *>()->toPlainText();
    }

    // The TLS fields make the connection's TLS options, and a TLS server is reached with them.
    void tlsFieldsOfTheConnection()
    {
        LauncherOptions o;
        o.tls = true;
        o.password = kSecret;
        LocalLauncher server(o);
        auto s = server.startStandalone();
        QVERIFY_OK(s);

        TestWindow shown(250, QSize());
        QVERIFY(shown.exposed());
        auto &[workspace, window] = shown;
        m_witness.watch(&window);
        sdui::ConnectionDialog dialog(Workspace::KeychainState::Unavailable, QStringLiteral("no bus"), &window);
        // A pasted rediss:// URL fills the TLS box; from then on the box decides.
        dialog.setUrlText(QStringLiteral("rediss://127.0.0.1:%1?sni=wrong.example").arg(server.nodes().first().port));
        auto *tls = dialog.findChild<QGroupBox *>("tls");
        QVERIFY(tls->isChecked());
        QCOMPARE(dialog.findChild<QLineEdit *>("serverName")->text(), QStringLiteral("wrong.example"));
        QCOMPARE(dialog.findChild<QLineEdit *>("url")->text(), QStringLiteral("redis://127.0.0.1:%1").arg(server.nodes().first().port));
        dialog.findChild<QLineEdit *>("serverName")->clear();
        dialog.findChild<QLineEdit *>("caFile")->setText(server.tlsFiles().caFile);
        dialog.findChild<QLineEdit *>("password")->setText(kSecret);
        dialog.findChild<QCheckBox *>("insecure")->setChecked(true);
        QVERIFY(dialog.findChild<QLabel *>("insecureNote")->isVisibleTo(&dialog));
        dialog.findChild<QCheckBox *>("insecure")->setChecked(false);
        dialog.show();
        QVERIFY(dialog.grab().save(testOutputDir() + "/connection-dialog-tls.png"));
        clickOk(&dialog);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const RedisUrl url = dialog.url();
        QVERIFY(url.usesTls());
        QCOMPARE(url.tls().caFile, server.tlsFiles().caFile);
        QVERIFY(url.tls().serverName.isEmpty() && !url.tls().insecure);
        auto index = workspace.addConnection(url, QStringLiteral("tls"));
        QVERIFY(index);
        workspace.activate(*index);
        QTRY_COMPARE_WITH_TIMEOUT(window.dashboard()->tileText("health"), QStringLiteral("OK"), 20000);
        QVERIFY(window.windowTitle().contains(QLatin1String("tls")));

        // A key without its certificate is refused in the dialog, with the reason.
        sdui::ConnectionDialog bad(Workspace::KeychainState::Available, {}, &window);
        bad.setUrlText(QStringLiteral("rediss://127.0.0.1:1"));
        bad.findChild<QLineEdit *>("keyFile")->setText(QStringLiteral("/tmp/client.key"));
        clickOk(&bad);
        QVERIFY(bad.result() != int(QDialog::Accepted));
        QVERIFY(bad.findChild<QLabel *>("error")->text().contains("certificate"));
    }

    void noSecretAnywhere()
    {
        QStringList files;
        for (const QString &root : {testOutputDir(), qEnvironmentVariable("XDG_DATA_HOME"),
                                    qEnvironmentVariable("XDG_CONFIG_HOME"), QFileInfo(QSettings().fileName()).path(),
                                    QFileInfo(AuditLog::defaultPath()).path(), QFileInfo(Logging::logFilePath()).path()}) {
            if (root.isEmpty())
                continue;
            QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << it.next();
        }
        files.removeDuplicates();
        QVERIFY(files.contains(Logging::logFilePath()));
        QVERIFY(files.contains(AuditLog::defaultPath()));
        QVERIFY(files.contains(QSettings().fileName()));
        QVERIFY(files.contains(testOutputDir() + "/secrets-sessions.json"));
        spdlog::default_logger()->flush();
        for (const QString &path : files) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray content = f.readAll();
            for (const QString &secret : {kSecret, kWrong})
                QVERIFY2(!content.contains(secret.toUtf8()), qPrintable(QStringLiteral("%1 in %2").arg(secret, path)));
        }
        const QString log = QString::fromUtf8([] {
            QFile f(Logging::logFilePath());
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }());
        QVERIFY2(log.contains("failover") && log.contains("deleted 1 of 1"), "the log covers the session");
        QVERIFY(AuditLog::read().size() >= 1);
        for (const QString &text : m_witness.seen + m_logViewText) {
            QVERIFY2(!text.contains(kSecret) && !text.contains(kWrong), qPrintable(text));
        }
        QVERIFY(m_witness.seen.contains(QStringLiteral("SessionDeck — sessions"))
                    || std::any_of(m_witness.seen.begin(), m_witness.seen.end(),
                                   [](const QString &t) { return t.contains(QLatin1String("sessions")); }));
        qInfo("searched %lld files, %lld titles and messages, %lld log view lines", qlonglong(files.size()),
              qlonglong(m_witness.seen.size()), qlonglong(m_logViewText.join('\n').count('\n')));
    }

    // The keychain could not give a saved connection its password, and the window noted why.
    // Then the demo starts and is put first in the list: the note stays with the connection it
    // was about (by its id), and shows when that connection asks for its password.
    void keychainNoteStaysWithItsConnection()
    {
        {
            QSettings settings;
            settings.remove(QStringLiteral("connections"));
            settings.beginWriteArray(QStringLiteral("connections"));
            settings.setArrayIndex(0);
            settings.setValue(QStringLiteral("id"), QStringLiteral("saved-connection"));
            settings.setValue(QStringLiteral("name"), QStringLiteral("saved"));
            settings.setValue(QStringLiteral("url"), bareUrl().toString());
            settings.setValue(QStringLiteral("needsPassword"), true);
            settings.setValue(QStringLiteral("passwordStorage"), int(PasswordStorage::Keychain));
            settings.endArray();
        }
        TestWindow shown(250, QSize(1400, 900), true);
        QVERIFY(shown.exposed());
        auto &[workspace, window] = shown;
        QCOMPARE(workspace.connections().size(), 1);
        QCOMPARE(workspace.idAt(0), QStringLiteral("saved-connection"));
        QTRY_VERIFY_WITH_TIMEOUT(!workspace.connections().at(0).keychainPending, 20000);   // the keychain said no

        const RedisUrl demoUrl = m_deployment.sentinelUrl();
        workspace.setDemoFactory([demoUrl] { return std::make_unique<InstantDemo>(demoUrl); });
        workspace.startDemo();
        QTRY_COMPARE(workspace.connections().size(), 2);
        QVERIFY(workspace.connections().at(0).demo);
        QCOMPARE(workspace.indexOf(QStringLiteral("saved-connection")), 1);
        QTRY_VERIFY(workspace.active() && workspace.active()->demo);
        QVERIFY(!window.findChild<sdui::PasswordDialog *>());   // the demo needs none

        workspace.activate(workspace.indexOf(QStringLiteral("saved-connection")));
        sdui::PasswordDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<sdui::PasswordDialog *>()) != nullptr);
        QCOMPARE(dialog->windowTitle(), QStringLiteral("Password for saved"));
        QStringList shownTexts;
        for (QLabel *label : dialog->findChildren<QLabel *>()) {
            if (label->isVisibleTo(dialog))
                shownTexts << label->text();
        }
        QVERIFY2(shownTexts.join('\n').contains(QLatin1String("The keychain:")), qPrintable(shownTexts.join('\n')));
        dialog->reject();
        QSettings().remove(QStringLiteral("connections"));
    }

    void cleanupTestCase()
    {
        QSettings().clear();
    }
};

QTEST_MAIN(TestSecrets)
#include "tst_secrets.moc"
