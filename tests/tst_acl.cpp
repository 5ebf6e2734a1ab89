// A least-privilege ACL user, as an operations team would give a dashboard: it may read, scan,
// INFO and connect, nothing else; and sentinels that refuse it SENTINEL FAILOVER. SessionDeck
// shows what that user can see, explains every NOPERM in words, asks each refused command once
// (no error loop), and turns the delete and failover controls off with the reason.

#include "core/lab/locallauncher.h"
#include "core/monitor/topologypoller.h"
#include "core/sentinel/masterresolver.h"
#include "core/sessions/sessioncensus.h"
#include "core/sessions/sessiondeleter.h"
#include "core/store/redissessionstore.h"
#include "core/workspace/workspace.h"
#include "tests/support/testsupport.h"
#include "tests/support/testwindow.h"
#include "ui/models/sessiontablemodel.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/sessionspage.h"
#include "ui/pages/welcomepage.h"
#include "ui/window/mainwindow.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

using namespace sdcore;

namespace {

const QString ViewerPassword = QStringLiteral("Viewer-Acl-Pw-7");

qint64 commandStat(RedisConnection &admin, const QByteArray &command, const QByteArray &field)
{
    auto info = admin.command(Command{"INFO", "commandstats"});
    if (!info)
        return -1;
    for (const QByteArray &line : info->bytes().split('\n')) {
        if (!line.startsWith("cmdstat_" + command + ":"))
            continue;
        for (const QByteArray &part : line.mid(line.indexOf(':') + 1).trimmed().split(',')) {
            if (part.startsWith(field + "="))
                return part.mid(field.size() + 1).toLongLong();
        }
    }
    return 0;
}

} // namespace

class TestAcl : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment;
    RedisUrl m_viewer;
    std::unique_ptr<RedisConnection> m_admin;

private Q_SLOTS:
    void initTestCase()
    {
        auto started = m_deployment.startSentinelDeployment();
        QVERIFY_OK(started);
        // The user on every data node (ACLs are not replicated), and sentinels that refuse a
        // failover to the users that reach them.
        for (int i : m_deployment.redisNodeIndexes()) {
            auto c = RedisConnection::open(m_deployment.nodeUrl(i));
            QVERIFY(c);
            auto r = (*c)->command(Command{"ACL", "SETUSER", "viewer", "reset", "on", ">" + ViewerPassword.toUtf8(),
                                           "~*", "&*", "+@read", "+@connection", "+info", "+scan"});
            QVERIFY_OK(r);
        }
        for (int i : m_deployment.sentinelIndexes()) {
            auto c = RedisConnection::open(RedisUrl::tcp("127.0.0.1", m_deployment.nodes().at(i).port));
            QVERIFY(c);
            auto r = (*c)->command(Command{"ACL", "SETUSER", "default", "-sentinel|failover"});
            QVERIFY_OK(r);
        }
        m_viewer = m_deployment.sentinelUrl();
        m_viewer.setUsername(QStringLiteral("viewer"));
        m_viewer.setPassword(ViewerPassword);

        auto admin = RedisConnection::open(m_deployment.nodeUrl(0));
        QVERIFY(admin);
        m_admin = std::move(*admin);
        QList<Command> seed;
        for (int i = 0; i < 500; ++i)
            seed << Command{"SET", "sess:acl" + QByteArray::number(i), "{\"user\":\"u\"}", "EX", "900"};
        QVERIFY(m_admin->pipeline(seed));
    }

    void pollerShowsWhatTheUserMaySee()
    {
        TopologyPoller poller(m_viewer, PollerOptions());
        TopologySnapshot s = poller.pollOnce();
        QVERIFY2(firstShard(s).primary.up, qPrintable(firstShard(s).primary.reason));
        QCOMPARE(firstShard(s).replicas.size(), 2);
        QVERIFY(s.access.known);
        QVERIFY(!s.access.canDelete);
        QVERIFY2(s.access.deleteReason.contains("'viewer' may not delete keys"), qPrintable(s.access.deleteReason));
        QVERIFY(!s.access.canFailover);
        QVERIFY2(s.access.failoverReason.contains("refuses SENTINEL FAILOVER"), qPrintable(s.access.failoverReason));
        QVERIFY2(s.pubsub.error.contains("'viewer' is not allowed to run PUBSUB"), qPrintable(s.pubsub.error));
        QVERIFY(s.pubsub.error.contains("NOPERM"));

        // Refused commands are asked once, not every cycle.
        const qint64 pubsubRejected = commandStat(*m_admin, "pubsub|channels", "rejected_calls");
        const qint64 unlinkRejected = commandStat(*m_admin, "unlink", "rejected_calls");
        const qint64 infoCalls = commandStat(*m_admin, "info", "calls");
        for (int i = 0; i < 5; ++i) {
            s = poller.pollOnce();
            QVERIFY(firstShard(s).primary.up);
            QVERIFY(!s.access.canDelete && !s.access.canFailover);
            QVERIFY(s.pubsub.error.contains("NOPERM"));
        }
        QCOMPARE(commandStat(*m_admin, "pubsub|channels", "rejected_calls"), pubsubRejected);
        QCOMPARE(commandStat(*m_admin, "unlink", "rejected_calls"), unlinkRejected);
        QVERIFY(commandStat(*m_admin, "info", "calls") > infoCalls + 4);   // the polls did go on
    }

    void readsWorkWritesAreExplained()
    {
        // Connecting checks the role without ROLE (an admin command) and counts the sessions.
        auto node = MasterResolver::connect(m_viewer);
        QVERIFY_OK(node);
        QCOMPARE(node->role, QByteArray("master"));
        const CensusResult census = SessionCensus::run(*node->connection, QStringLiteral("sess:"));
        QVERIFY2(census.complete, qPrintable(census.error));
        QCOMPARE(census.count, 500);

        const DeleteResult deleted = SessionDeleter::deleteKeys(*node->connection, {"sess:acl1", "sess:acl2"});
        QCOMPARE(deleted.deleted, 0);
        QVERIFY2(deleted.error.contains("NOPERM"), qPrintable(deleted.error));
        QCOMPARE(m_admin->command(Command{"EXISTS", "sess:acl1", "sess:acl2"})->toInteger(), 2);

        RedisSessionStore store(m_viewer);
        auto got = store.get("acl3");
        QVERIFY2(got && got->has_value(), qPrintable(got ? QString() : got.errorMessage()));
        const Status written = store.set("acl3", "{\"user\":\"changed\"}");
        QVERIFY(!written);
        QCOMPARE(written.error().kind, ErrorKind::NoPermission);
        QVERIFY2(written.errorMessage().contains("not allowed to run SET"), qPrintable(written.errorMessage()));
    }

    void controlsOffWithTheReason()
    {
        TestWindow shown;
        QVERIFY(shown.exposed());
        sdui::MainWindow &window = shown.window;
        auto *edit = window.welcome()->findChild<QLineEdit *>("urlEdit");
        edit->setText(m_viewer.toSecretString());
        QTest::keyClick(edit, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!window.dashboard()->failoverButton()->isEnabled()
                                     && window.dashboard()->failoverButton()->toolTip().contains("NOPERM"),
                                 20000);
        QVERIFY(window.dashboard()->failoverButton()->toolTip().contains("failover is turned off"));
        QVERIFY2(window.dashboard()->failoverStatus().startsWith("Failover is off: Sentinel"),
                 qPrintable(window.dashboard()->failoverStatus()));
        auto *deleteSelected = window.sessions()->findChild<QPushButton *>("deleteSelectedButton");
        auto *deletePattern = window.sessions()->findChild<QPushButton *>("deletePatternButton");
        QTRY_VERIFY_WITH_TIMEOUT(deletePattern->toolTip().contains("may not delete keys"), 10000);
        QVERIFY(!deletePattern->isEnabled());
        QVERIFY(!deleteSelected->isEnabled());
        auto *note = window.sessions()->findChild<QLabel *>("deleteNote");
        QVERIFY(note && note->isVisibleTo(window.sessions()));
        QVERIFY2(note->text().contains("NOPERM"), qPrintable(note->text()));
        // What the user can see still shows: the sessions scan.
        window.pages()->setCurrentWidget(window.sessions());
        window.sessions()->findChild<QPushButton *>("scanButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.sessions()->model()->rowCount(), 500, 20000);
        QVERIFY(!deletePattern->isEnabled());
        const QString png = testOutputDir() + "/acl-viewer.png";
        QVERIFY(window.grab().save(png));
        qInfo("screenshot: %s", qPrintable(png));
    }
};

QTEST_MAIN(TestAcl)
#include "tst_acl.moc"
