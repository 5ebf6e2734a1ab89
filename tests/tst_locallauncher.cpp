// The launcher: a real Sentinel deployment comes up, the sentinels agree on the master, fault
// injection works, and nothing is left behind after teardown.

#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"
#include "tests/support/testsupport.h"

#include <QDir>
#include <QTest>

#include <csignal>

using namespace sdcore;

namespace {

bool processExists(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

QByteArray roleOf(const RedisUrl &url)
{
    auto conn = RedisConnection::open(url);
    if (!conn)
        return conn.errorMessage().toUtf8();
    auto role = (*conn)->command({"ROLE"});
    return role && role->isArray() ? role->at(0).bytes() : QByteArray();
}

} // namespace

class TestLocalLauncher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void standaloneLifecycle()
    {
        QList<pid_t> pids;
        quint16 port = 0;
        QString dir;
        {
            LocalLauncher launcher;
            auto s = launcher.startStandalone();
            QVERIFY_OK(s);
            QCOMPARE(launcher.nodes().size(), 1);
            port = launcher.nodes().first().port;
            pids << launcher.nodes().first().pid;
            dir = launcher.directory();
            QVERIFY(QDir(dir).exists());
            QVERIFY(portIsOpen(port));
            QCOMPARE(roleOf(launcher.standaloneUrl()), QByteArray("master"));
        }
        // Destroyed: process reaped, port closed, folder removed.
        QVERIFY(!processExists(pids.first()));
        QVERIFY(!portIsOpen(port));
        QVERIFY(!QDir(dir).exists());
    }

    void sentinelClusterComesUpAndGoesAway()
    {
        LocalLauncher launcher;
        auto s = launcher.startSentinelDeployment();
        QVERIFY_OK(s);
        QCOMPARE(launcher.nodes().size(), 6);
        QCOMPARE(launcher.redisNodeIndexes().size(), 3);
        QCOMPARE(launcher.sentinelIndexes().size(), 3);

        const quint16 masterPort = launcher.nodes().at(0).port;
        auto agreed = launcher.agreedMaster();
        QVERIFY_OK(agreed);
        QCOMPARE(agreed->port, masterPort);
        QCOMPARE(roleOf(launcher.nodeUrl(0)), QByteArray("master"));
        QCOMPARE(roleOf(launcher.nodeUrl(1)), QByteArray("slave"));
        QCOMPARE(roleOf(launcher.nodeUrl(2)), QByteArray("slave"));

        // Every sentinel knows both replicas and the two other sentinels: a failover can happen.
        for (int i : launcher.sentinelIndexes()) {
            auto conn = RedisConnection::open(launcher.nodeUrl(i));
            QVERIFY(conn);
            QCOMPARE((*conn)->command({"SENTINEL", "REPLICAS", "sessiondeck"})->size(), 2);
            QCOMPARE((*conn)->command({"SENTINEL", "SENTINELS", "sessiondeck"})->size(), 2);
            QCOMPARE((*conn)->command({"SENTINEL", "CKQUORUM", "sessiondeck"})->bytes().left(2),
                     QByteArray("OK"));
        }

        QList<pid_t> pids;
        QList<quint16> ports;
        for (const auto &node : launcher.nodes()) {
            pids << node.pid;
            ports << node.port;
            QVERIFY(processExists(node.pid));
        }
        // A paused node still counts as ours and is killed by stop().
        QVERIFY(launcher.pause(launcher.indexOf("replica-2")));
        launcher.stop();
        for (pid_t pid : pids)
            QVERIFY2(!processExists(pid), qPrintable(QString::number(pid)));
        for (quint16 port : ports)
            QVERIFY2(!portIsOpen(port), qPrintable(QString::number(port)));
    }

    void killMasterFailsOverAndRestartRejoins()
    {
        LocalLauncher launcher;
        QVERIFY(launcher.startSentinelDeployment());
        const HostPort oldMaster{"127.0.0.1", launcher.nodes().at(0).port};

        QVERIFY(launcher.kill(0));
        QVERIFY(!portIsOpen(oldMaster.port));
        auto newMaster = launcher.waitForNewMaster(oldMaster, 60000);
        QVERIFY_OK(newMaster);
        QVERIFY(newMaster->port != oldMaster.port);
        QCOMPARE(roleOf(RedisUrl::tcp(newMaster->host, newMaster->port)), QByteArray("master"));

        // The old master comes back on its port; Sentinel turns it into a replica.
        QVERIFY(launcher.restart(0));
        QVERIFY(portIsOpen(oldMaster.port));
        QTRY_COMPARE_WITH_TIMEOUT(roleOf(launcher.nodeUrl(0)), QByteArray("slave"), 40000);
    }

    void pauseAndResume()
    {
        LocalLauncher launcher;
        QVERIFY(launcher.startStandalone());
        ConnectionOptions quick;
        quick.connectTimeoutMs = quick.commandTimeoutMs = 300;
        QVERIFY(launcher.pause(0));
        QVERIFY(launcher.nodes().at(0).paused);
        auto stalled = RedisConnection::open(launcher.standaloneUrl(), quick);
        QVERIFY(!stalled);
        QCOMPARE(stalled.error().kind, ErrorKind::Timeout);
        QVERIFY(launcher.resume(0));
        auto fine = RedisConnection::open(launcher.standaloneUrl());
        QVERIFY_OK(fine);
    }
};

QTEST_GUILESS_MAIN(TestLocalLauncher)
#include "tst_locallauncher.moc"
