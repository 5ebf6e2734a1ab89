// RedisConnection against a real redis-server started by the launcher.

#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"
#include "tests/support/testsupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <thread>

using namespace sdcore;

class TestRedisConnection : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RedisConnection> open(const RedisUrl &url, ConnectionOptions options = {})
    {
        auto conn = RedisConnection::open(url, options);
        if (!conn)
            qWarning("open failed: %s", qPrintable(conn.errorMessage()));
        return conn ? std::move(*conn) : nullptr;
    }

    LocalLauncher m_server;

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_server.startStandalone();
        QVERIFY_OK(s);
    }

    void commandsAndReplyTypes()
    {
        auto conn = open(m_server.standaloneUrl());
        QVERIFY(conn);
        QCOMPARE(conn->command({"FLUSHALL"})->bytes(), QByteArray("OK"));
        auto set = conn->command({"SET", "k", "v"});
        QVERIFY(set);
        QVERIFY(set->isStatus());
        auto get = conn->command({"GET", "k"});
        QVERIFY(get->isBulk());
        QCOMPARE(get->bytes(), QByteArray("v"));
        QVERIFY(conn->command({"GET", "missing"})->isNil());
        auto incr = conn->command({"INCRBY", "n", "41"});
        QVERIFY(incr->isInteger());
        QCOMPARE(incr->toInteger(), 41);
        QVERIFY(conn->command({"RPUSH", "list", "a", "b", "c"}));
        auto range = conn->command({"LRANGE", "list", "0", "-1"});
        QVERIFY(range->isArray());
        QCOMPARE(range->size(), 3);
        QCOMPARE(range->at(2).bytes(), QByteArray("c"));

        // An error reply is an Error from command(), a value from reply(); the connection lives on.
        auto wrong = conn->command({"INCR", "k"});
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().kind, ErrorKind::ServerError);
        QVERIFY(wrong.errorMessage().contains("INCR"));
        auto raw = conn->reply({"INCR", "k"});
        QVERIFY(raw);
        QVERIFY(raw->isError());
        QVERIFY(!conn->isBroken());
        QVERIFY(conn->command({"PING"}));
    }

    void binaryValues()
    {
        auto conn = open(m_server.standaloneUrl());
        QVERIFY(conn);
        QByteArray value;
        for (int i = 0; i < 256; ++i)
            value.append(char(i));
        value.append(QByteArray(1000, '\0'));
        const QByteArray key("bin\0key\xff", 8);
        QVERIFY(conn->command({"SET", key, value}));
        auto back = conn->command({"GET", key});
        QVERIFY(back);
        QCOMPARE(back->bytes().size(), value.size());
        QCOMPARE(back->bytes(), value);
        QCOMPARE(conn->command({"STRLEN", key})->toInteger(), value.size());
    }

    void pipelining()
    {
        auto conn = open(m_server.standaloneUrl());
        QVERIFY(conn);
        QList<Command> commands;
        for (int i = 0; i < 2000; ++i)
            commands << Command{"SET", "p:" + QByteArray::number(i), QByteArray::number(i * 7)};
        commands << Command{"INCR", "p:1x"} << Command{"HGET", "p:5", "f"}   // WRONGTYPE in the middle
                 << Command{"GET", "p:1999"};
        auto replies = conn->pipeline(commands);
        QVERIFY_OK(replies);
        QCOMPARE(replies->size(), commands.size());
        QCOMPARE(replies->at(0).bytes(), QByteArray("OK"));
        QCOMPARE(replies->at(2000).toInteger(), 1);
        QVERIFY(replies->at(2001).isError());
        QVERIFY(replies->at(2001).bytes().startsWith("WRONGTYPE"));
        QCOMPARE(replies->at(2002).bytes(), QByteArray::number(1999 * 7));

        QList<Command> gets;
        for (int i = 0; i < 2000; ++i)
            gets << Command{"GET", "p:" + QByteArray::number(i)};
        auto values = conn->pipeline(gets);
        QVERIFY(values);
        for (int i = 0; i < 2000; ++i)
            QCOMPARE(values->at(i).bytes(), QByteArray::number(i * 7));
    }

    void selectDatabase()
    {
        RedisUrl url = m_server.standaloneUrl();
        url.setDb(3);
        auto db3 = open(url);
        QVERIFY(db3);
        QVERIFY(db3->command({"SET", "only-in-3", "x"}));
        auto db0 = open(m_server.standaloneUrl());
        QVERIFY(db0->command({"GET", "only-in-3"})->isNil());
        QCOMPARE(db3->command({"GET", "only-in-3"})->bytes(), QByteArray("x"));

        url.setDb(99);
        auto bad = RedisConnection::open(url);
        QVERIFY(!bad);
        QVERIFY2(bad.errorMessage().contains("no database 99"), qPrintable(bad.errorMessage()));
    }

    void closedPortIsRefused()
    {
        const quint16 port = findFreePort();
        QElapsedTimer timer;
        timer.start();
        auto conn = RedisConnection::open(RedisUrl::tcp("127.0.0.1", port));
        QVERIFY(!conn);
        QCOMPARE(conn.error().kind, ErrorKind::Refused);
        QVERIFY(conn.errorMessage().contains(QString::number(port)));
        QVERIFY(conn.errorMessage().contains("refused"));
        QVERIFY(timer.elapsed() < 2000 + 1000);   // within the connect timeout
    }

    void unknownHost()
    {
        auto conn = RedisConnection::open(RedisUrl::tcp("no-such-host.invalid", 6379));
        QVERIFY(!conn);
        QCOMPARE(conn.error().kind, ErrorKind::HostUnknown);
        QVERIFY(conn.errorMessage().contains("no-such-host.invalid"));
    }

    void stoppedServerTimesOut()
    {
        const int index = 0;
        ConnectionOptions options;
        options.connectTimeoutMs = 300;
        options.commandTimeoutMs = 300;
        auto conn = open(m_server.standaloneUrl(), options);
        QVERIFY(conn);
        QVERIFY(m_server.pause(index));
        auto r = conn->command({"PING"});
        QVERIFY(!r);
        QCOMPARE(r.error().kind, ErrorKind::Timeout);
        QVERIFY2(r.errorMessage().contains("did not answer within 300 ms"), qPrintable(r.errorMessage()));
        QVERIFY(conn->isBroken());
        // A new connection to the stopped server also ends with a timeout, not a hang.
        auto fresh = RedisConnection::open(m_server.standaloneUrl(), options);
        QVERIFY(!fresh);
        QCOMPARE(fresh.error().kind, ErrorKind::Timeout);
        QVERIFY(m_server.resume(index));
        auto again = open(m_server.standaloneUrl());
        QVERIFY(again);
        QVERIFY(again->command({"PING"}));
    }

    void authentication()
    {
        LauncherOptions options;
        options.password = "s3cret:p@ss%word";
        options.aclUser = "alice";
        options.aclPassword = "alice-pw";
        LocalLauncher secured(options);
        auto started = secured.startStandalone();
        QVERIFY_OK(started);
        const RedisUrl good = secured.standaloneUrl();

        auto ok = RedisConnection::open(good);
        QVERIFY_OK(ok);
        QVERIFY((*ok)->command({"PING"}));

        RedisUrl none = good;
        none.setPassword({});
        auto noauth = RedisConnection::open(none);
        QVERIFY(!noauth);
        QCOMPARE(noauth.error().kind, ErrorKind::NoAuth);
        QVERIFY(noauth.errorMessage().contains("requires a password"));

        RedisUrl wrong = good;
        wrong.setPassword("not-the-password");
        auto denied = RedisConnection::open(wrong);
        QVERIFY(!denied);
        QCOMPARE(denied.error().kind, ErrorKind::AuthFailed);
        QVERIFY(!denied.errorMessage().contains("not-the-password"));

        RedisUrl acl = good;
        acl.setUsername("alice");
        acl.setPassword("alice-pw");
        auto user = RedisConnection::open(acl);
        QVERIFY_OK(user);
        QCOMPARE((*user)->command({"ACL", "WHOAMI"})->bytes(), QByteArray("alice"));

        acl.setPassword("wrong-alice-pw");
        auto badUser = RedisConnection::open(acl);
        QVERIFY(!badUser);
        QCOMPARE(badUser.error().kind, ErrorKind::AuthFailed);
        QVERIFY(badUser.errorMessage().contains("alice"));
        QVERIFY(!badUser.errorMessage().contains("wrong-alice-pw"));

        // A password given to a server that has none is reported, not ignored.
        RedisUrl extra = m_server.standaloneUrl();
        extra.setPassword("unneeded");
        auto unneeded = RedisConnection::open(extra);
        QVERIFY(!unneeded);
        QCOMPARE(unneeded.error().kind, ErrorKind::AuthFailed);
    }

    void serverKilledMidPipeline()
    {
        LocalLauncher victim;
        QVERIFY(victim.startStandalone());
        ConnectionOptions options;
        options.commandTimeoutMs = 10000;
        auto conn = open(victim.standaloneUrl(), options);
        QVERIFY(conn);
        // Stop the server so the pipeline is certainly waiting for replies, then kill it.
        QVERIFY(victim.pause(0));
        std::thread killer([&victim] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            (void)victim.kill(0);
        });
        QList<Command> commands;
        for (int i = 0; i < 500; ++i)
            commands << Command{"SET", "k" + QByteArray::number(i), QByteArray(100, 'x')};
        auto replies = conn->pipeline(commands);
        killer.join();
        QVERIFY(!replies);
        QCOMPARE(replies.error().kind, ErrorKind::Io);
        QVERIFY(conn->isBroken());
        // Further use reports the closed connection instead of touching a dead socket.
        auto after = conn->command({"PING"});
        QVERIFY(!after);
        QVERIFY(after.errorMessage().contains("closed"));
    }

    void errorClassification()
    {
        QCOMPARE(classifyErrorReply("NOAUTH Authentication required."), ErrorKind::NoAuth);
        QCOMPARE(classifyErrorReply("WRONGPASS invalid username-password pair"), ErrorKind::AuthFailed);
        QCOMPARE(classifyErrorReply("LOADING Redis is loading the dataset in memory"), ErrorKind::Loading);
        QCOMPARE(classifyErrorReply("READONLY You can't write against a read only replica."),
                 ErrorKind::ReadOnly);
        QCOMPARE(classifyErrorReply("NOPERM this user has no permissions"), ErrorKind::NoPermission);
        QCOMPARE(classifyErrorReply("ERR unknown command"), ErrorKind::ServerError);
    }
};

QTEST_GUILESS_MAIN(TestRedisConnection)
#include "tst_redisconnection.moc"
