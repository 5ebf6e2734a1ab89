// Passwords of saved connections: in the system keychain (GNOME Keyring serving the Secret
// Service on a D-Bus session of the test's own), asked for again when kept for the session only,
// and in the settings file only when the user opted in. The settings file is read back as text
// to show where the password is and is not. Last, the keychain service goes away: storing falls
// back to the session, never to the file, and says why.

#include "core/lab/locallauncher.h"
#include "core/support/keychain.h"
#include "core/support/logbuffer.h"
#include "core/support/logging.h"
#include "core/workspace/workspace.h"
#include "tests/support/testsupport.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace sdcore;

namespace {

const QString kPassword = QStringLiteral("kc-Pass-93cQ");

// Makes one keychain call and waits for its answer, 20 s at most.
keychain::Outcome answerOf(const std::function<void(QObject *, keychain::Callback)> &call)
{
    keychain::Outcome result;
    bool done = false;
    QObject context;
    call(&context, [&](const keychain::Outcome &o) {
        result = o;
        done = true;
    });
    QDeadlineTimer deadline(20000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(10);
    if (!done)
        result.message = QStringLiteral("the keychain did not answer within 20 s");
    return result;
}

keychain::Outcome readNow(const QString &key)
{
    return answerOf([&](QObject *context, keychain::Callback done) { keychain::read(key, context, done); });
}

keychain::Outcome writeNow(const QString &key, const QString &secret)
{
    return answerOf([&](QObject *context, keychain::Callback done) { keychain::write(key, secret, context, done); });
}

QString settingsText()
{
    QSettings settings;
    settings.sync();
    QFile f(settings.fileName());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    QProcess m_bus;
    QProcess m_keyring;
    LocalLauncher m_server{[] {
        LauncherOptions o;
        o.password = kPassword;
        return o;
    }()};
    QString m_key;   // the keychain key of the test's connection

    RedisUrl securedUrl() const { return m_server.standaloneUrl(); }

    void waitHealthy(Workspace &ws)
    {
        QTRY_VERIFY_WITH_TIMEOUT(ws.activeMonitor() && ws.activeMonitor()->lastSnapshot()
                                     && ws.activeMonitor()->lastSnapshot()->health == Health::Ok,
                                 20000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("SessionDeckKeychainTest"));
        QSettings().clear();
        keychain::setService(QStringLiteral("SessionDeck keychain test"));
        LogOptions log;
        log.toFile = false;
        QVERIFY(Logging::setup(log));
        QVERIFY(m_home.isValid());
        auto started = m_server.startStandalone();
        QVERIFY_OK(started);

        // A session bus that starts no services by itself (so no locked keyring can be
        // activated behind the test's back), and GNOME Keyring on it, unlocked.
        const QString config = m_home.filePath(QStringLiteral("bus.conf"));
        QFile conf(config);
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
                   "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                   "<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>"
                   "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                   "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n");
        conf.close();
        m_bus.start(QStringLiteral("dbus-daemon"), {QStringLiteral("--config-file=") + config,
                                                    QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
        QVERIFY2(m_bus.waitForStarted(5000), "dbus-daemon is missing (apt-get install dbus)");
        QTRY_VERIFY_WITH_TIMEOUT(m_bus.canReadLine(), 10000);
        const QByteArray address = m_bus.readLine().trimmed();
        QVERIFY(address.startsWith("unix:"));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QString::fromLatin1(address));
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        QDir().mkpath(m_home.filePath(QStringLiteral("run")));
        QFile::setPermissions(m_home.filePath(QStringLiteral("run")), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.filePath(QStringLiteral("run")));
        m_keyring.setProcessEnvironment(env);
        m_keyring.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_keyring.start(QStringLiteral("gnome-keyring-daemon"),
                        {QStringLiteral("--unlock"), QStringLiteral("--components=secrets"), QStringLiteral("--foreground")});
        QVERIFY2(m_keyring.waitForStarted(5000), "gnome-keyring-daemon is missing (apt-get install gnome-keyring)");
        m_keyring.write("keyring-unlock-password");
        m_keyring.closeWriteChannel();
        // This process talks to that bus from now on.
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);

        // The keyring registers on the bus a moment after it starts.
        bool works = false;
        for (int attempt = 0; attempt < 50 && !works; ++attempt) {
            works = writeNow(QStringLiteral("ready"), QStringLiteral("x")).ok();
            if (!works)
                QTest::qWait(200);
        }
        QVERIFY2(works, "GNOME Keyring did not start serving the Secret Service");
    }

    void cleanupTestCase()
    {
        m_keyring.kill();
        m_keyring.waitForFinished(5000);
        m_bus.kill();
        m_bus.waitForFinished(5000);
        QSettings().clear();
    }

    void keychainRoundTrip()
    {
        QVERIFY(writeNow(QStringLiteral("round trip"), QStringLiteral("p\u00e4ss w\u20acrd")).ok());
        const auto back = readNow(QStringLiteral("round trip"));
        QVERIFY2(back.ok(), qPrintable(back.message));
        QCOMPARE(back.secret, QStringLiteral("p\u00e4ss w\u20acrd"));
        QVERIFY(answerOf([](QObject *context, keychain::Callback done) {
                    keychain::remove(QStringLiteral("round trip"), context, done);
                }).ok());
        QCOMPARE(readNow(QStringLiteral("round trip")).code, keychain::Outcome::Code::NotFound);
    }

    void passwordInTheKeychain()
    {
        {
            Workspace ws(true);
            QSignalSpy checked(&ws, &Workspace::keychainChecked);
            ws.checkKeychain();
            QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 20000);
            QCOMPARE(ws.keychainState(), Workspace::KeychainState::Available);

            auto index = ws.addConnection(securedUrl(), QStringLiteral("kc"), PasswordStorage::Keychain);
            QVERIFY(index);
            ws.activate(*index);
            waitHealthy(ws);
        }
        // The file names the connection and where its password is, and holds no password.
        const QString text = settingsText();
        QVERIFY2(text.contains(QStringLiteral("kc")), qPrintable(text));
        QVERIFY2(!text.contains(kPassword), qPrintable(text));

        RedisUrl bare = securedUrl();
        bare.setPassword(QString());
        m_key = QStringLiteral("connection ") + bare.toString();
        const auto stored = readNow(m_key);
        QVERIFY2(stored.ok(), qPrintable(stored.message));
        QCOMPARE(stored.secret, kPassword);

        // The next run reads it from the keychain and connects without asking.
        Workspace next(true);
        QCOMPARE(next.connections().size(), 1);
        QVERIFY(next.connections().first().keychainPending);
        QSignalSpy asked(&next, &Workspace::passwordNeeded);
        next.activate(0);
        waitHealthy(next);
        QCOMPARE(asked.count(), 0);
        QCOMPARE(next.connections().first().url.password(), kPassword);
    }

    void passwordForTheSessionOnly()
    {
        {
            Workspace ws(true);
            QTRY_VERIFY_WITH_TIMEOUT(!ws.connections().first().keychainPending, 20000);
            ws.setPassword(0, kPassword, PasswordStorage::Session);
        }
        // Taken out of the keychain too, and not in the file.
        QCOMPARE(readNow(m_key).code, keychain::Outcome::Code::NotFound);
        QVERIFY(!settingsText().contains(kPassword));

        Workspace next(true);
        QSignalSpy asked(&next, &Workspace::passwordNeeded);
        next.activate(0);
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.first().first().toString(), next.idAt(0));
        QVERIFY(!next.activeMonitor());   // nothing polled without the password
        next.setPassword(0, kPassword, PasswordStorage::Session);
        waitHealthy(next);
    }

    void passwordInTheFileOnlyWhenChosen()
    {
        {
            Workspace ws(true);
            ws.setPassword(0, kPassword, PasswordStorage::SettingsFile);
        }
        QVERIFY2(settingsText().contains(kPassword), "the opt-in keeps the password in the file");
        const quint64 before = LogBuffer::instance().linesSince(0).isEmpty() ? 0 : LogBuffer::instance().linesSince(0).last().sequence;
        Workspace next(true);
        // Each start says where the password is.
        const QList<LogLine> lines = LogBuffer::instance().linesSince(before);
        QVERIFY(std::any_of(lines.begin(), lines.end(), [](const LogLine &l) { return l.text.contains("kept unencrypted"); }));
        QSignalSpy asked(&next, &Workspace::passwordNeeded);
        next.activate(0);
        waitHealthy(next);
        QCOMPARE(asked.count(), 0);

        // Moving it back to the keychain takes it out of the file.
        next.setPassword(0, kPassword, PasswordStorage::Keychain);
        QTRY_VERIFY_WITH_TIMEOUT(readNow(m_key).ok(), 20000);
        QVERIFY(!settingsText().contains(kPassword));
    }

    void removingTheConnectionForgetsThePassword()
    {
        RedisUrl other = securedUrl();
        other.setDb(1);
        Workspace ws(true);
        auto index = ws.addConnection(other, QStringLiteral("other"), PasswordStorage::Keychain);
        QVERIFY(index);
        other.setPassword(QString());
        const QString key = QStringLiteral("connection ") + other.toString();
        QTRY_VERIFY_WITH_TIMEOUT(readNow(key).ok(), 20000);
        ws.removeConnection(*index);
        QTRY_COMPARE_WITH_TIMEOUT(readNow(key).code, keychain::Outcome::Code::NotFound, 20000);
        QCOMPARE(ws.connections().size(), 1);
    }

    void withoutAKeychainService()
    {
        m_keyring.kill();
        m_keyring.waitForFinished(5000);

        Workspace ws(true);
        QSignalSpy failed(&ws, &Workspace::keychainFailed);
        QSignalSpy checked(&ws, &Workspace::keychainChecked);
        ws.checkKeychain();
        QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 20000);
        QCOMPARE(ws.keychainState(), Workspace::KeychainState::Unavailable);
        QVERIFY(!ws.keychainProblem().isEmpty());
        qInfo("keychain unavailable: %s", qPrintable(ws.keychainProblem()));

        // The saved connection's password cannot be read: the user is asked.
        QSignalSpy asked(&ws, &Workspace::passwordNeeded);
        ws.activate(0);
        QTRY_COMPARE_WITH_TIMEOUT(asked.count(), 1, 20000);
        QVERIFY(failed.count() >= 1);

        // Storing in the keychain falls back to the session, never to the file.
        ws.setPassword(0, kPassword, PasswordStorage::Keychain);
        QTRY_VERIFY_WITH_TIMEOUT(ws.connections().first().passwordStorage == PasswordStorage::Session, 20000);
        waitHealthy(ws);
        QVERIFY(!settingsText().contains(kPassword));
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
