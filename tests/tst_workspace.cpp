// The Workspace: adding connections, the demo cluster started on its worker thread and stopped
// with the workspace, saved connections without passwords.

#include "core/lab/locallauncher.h"
#include "core/workspace/workspace.h"
#include "tests/support/labdemo.h"
#include "tests/support/testsupport.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <sys/wait.h>

using namespace sdcore;

class TestWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName("SessionDeckTest");
        QCoreApplication::setApplicationName("tst_workspace");
        QSettings().clear();
    }

    void addConnectionValidates()
    {
        Workspace workspace(false);
        QSignalSpy changed(&workspace, &Workspace::connectionsChanged);
        auto bad = workspace.addConnection("redis://host:0");
        QVERIFY(!bad);
        QCOMPARE(bad.error().kind, ErrorKind::BadUrl);
        QCOMPARE(changed.count(), 0);

        auto a = workspace.addConnection("redis-sentinel://10.0.0.1,10.0.0.2#sessions");
        QVERIFY(a);
        QCOMPARE(workspace.connections().at(*a).name, QStringLiteral("sessions via 10.0.0.1:26379 +1"));
        auto again = workspace.addConnection("redis-sentinel://10.0.0.1:26379,10.0.0.2:26379#sessions");
        QCOMPARE(*again, *a);   // the same target is not listed twice
        QCOMPARE(workspace.connections().size(), 1);
    }

    void savedWithoutPassword()
    {
        {
            Workspace workspace(true);
            QVERIFY(workspace.addConnection("redis://ops:Wk-distinctive-pw@10.1.2.3:6380/4"));
        }
        QSettings settings;
        const QString file = settings.fileName();
        settings.sync();
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("10.1.2.3:6380/4"));
        QVERIFY(!text.contains("Wk-distinctive-pw"));

        Workspace reloaded(true);
        QCOMPARE(reloaded.connections().size(), 1);
        QCOMPARE(reloaded.connections().first().url.username(), QStringLiteral("ops"));
        QVERIFY(!reloaded.connections().first().url.hasPassword());
    }

    void demoClusterStartsAndStops()
    {
        QList<quint16> ports;
        {
            Workspace workspace(false);
            workspace.setPollInterval(200);
            QSignalSpy ready(&workspace, &Workspace::demoReady);
            QSignalSpy failed(&workspace, &Workspace::demoFailed);
            std::optional<TopologySnapshot> last;
            connect(&workspace, &Workspace::snapshotUpdated, this,
                    [&last](const TopologySnapshot &s) { last = s; });
            DemoOptions options;
            options.seedSessions = 500;
            workspace.setDemoFactory(labDemo(options));
            workspace.startDemo();
            QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1 || failed.count() == 1, 60000);
            QCOMPARE(failed.count(), 0);
            QCOMPARE(workspace.activeIndex(), 0);
            QVERIFY(workspace.active()->demo);
            const RedisUrl url = ready.first().first().value<RedisUrl>();
            QVERIFY(url.isSentinel());
            for (const HostPort &h : url.hosts())
                ports << h.port;
            QTRY_VERIFY_WITH_TIMEOUT(last && firstShard(*last).primary.up && firstShard(*last).primary.keys >= 500, 20000);
            QCOMPARE(firstShard(*last).primary.role, QStringLiteral("master"));
            QCOMPARE(workspace.active()->health(), last->health);
            ports << firstShard(*last).primary.address.port;
        }
        // The workspace is gone: so is every process of the demo cluster.
        for (quint16 port : ports)
            QVERIFY2(!portIsOpen(port), qPrintable(QString::number(port)));
    }

    // Closing the app while the demo cluster is still starting: it gives up, and every server
    // process it had started is killed and reaped (this test then has no child left).
    void demoCancelledWhileStarting()
    {
        {
            Workspace workspace(false);
            QSignalSpy progress(&workspace, &Workspace::demoProgress);
            workspace.setDemoFactory(labDemo());
            workspace.startDemo();
            QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 1, 10000);
            QTest::qWait(300);   // some servers are up by now
        }
        errno = 0;
        QCOMPARE(::waitpid(-1, nullptr, WNOHANG), -1);
        QCOMPARE(errno, ECHILD);
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
