// The everyday session actions on the command line, against what the apps' own stack writes:
// log a user out everywhere (sessions made by express-session and connect-redis from the npm
// registry), and show a session with its value's own text.

#include "core/redis/redisconnection.h"
#include "tests/support/clitestbase.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace sdcore;

class TestCliSessions : public CliTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { startServers(); }
    void init() { flush(); }

    // The window's issue, "log a user out everywhere", CLI half, on sessions that express-session
    // and connect-redis 9 wrote themselves.
    void logsAUserOutEverywhere()
    {
        QVERIFY2(QFile::exists(QStringLiteral(SESSIONDECK_INTEROP_DIR "/node_modules/connect-redis")),
                 "the Node peers are not installed: run make deps");
        QProcess node;
        node.setWorkingDirectory(QStringLiteral(SESSIONDECK_INTEROP_DIR));
        node.start(QStringLiteral("node"), {"login-sessions.mjs", url(), "alice3:3", "bob:4", "alice3:3", "carol:33",
                                            "alice:5"});
        QVERIFY(node.waitForFinished(60000));
        QVERIFY2(node.exitCode() == 0, node.readAllStandardError().constData());
        QMap<QString, QStringList> sids;
        QMap<QString, QString> cookies;
        for (const QByteArray &line : node.readAllStandardOutput().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (!o.isEmpty()) {
                sids[o.value("user").toString()] << o.value("sid").toString();
                cookies[o.value("user").toString()] = o.value("cookie").toString();
            }
        }
        // Extend carol's session, her cookie's expires with it, as connect-redis would: the
        // app still reads her session, and sees the new expiry.
        const QByteArray carol = "sess:" + sids.value("carol").first().toUtf8();
        const QByteArray before = m_conn->command(Command{"GET", carol})->bytes();
        const Run touch = cli({"sessions", "touch", "--json", "--ttl", "30d", "--update-cookie", "--url", url(),
                               cookies.value("carol")});
        QVERIFY2(touch.code == 0, touch.err.constData());
        const QJsonObject t = QJsonDocument::fromJson(touch.out).object();
        QVERIFY(t.value("ttl_ms").toInteger() > 29LL * 86400 * 1000);
        const QByteArray after = m_conn->command(Command{"GET", carol})->bytes();
        QCOMPARE(after.size(), before.size());   // only the expires string changed
        QCOMPARE(after.left(after.indexOf("\"expires\"")), before.left(before.indexOf("\"expires\"")));
        QVERIFY(m_conn->command(Command{"PTTL", carol})->toInteger() > 29LL * 86400 * 1000);
        QProcess whoami;
        whoami.setWorkingDirectory(QStringLiteral(SESSIONDECK_INTEROP_DIR));
        whoami.start(QStringLiteral("node"), {"login-sessions.mjs", url(), "--whoami", cookies.value("carol")});
        QVERIFY(whoami.waitForFinished(60000));
        const QJsonObject w = QJsonDocument::fromJson(whoami.readAllStandardOutput()).object();
        QCOMPARE(w.value("user").toString(), QStringLiteral("carol"));
        QCOMPARE(w.value("expires").toString(), t.value("cookie_expires").toString());
        // Shortened, the cookie left as it is.
        // "--": an express-session id may begin with "-".
        const Run shorter = cli({"sessions", "touch", "--ttl", "90s", "--url", url(), "--", sids.value("carol").first()});
        QCOMPARE(shorter.code, 0);
        QVERIFY(shorter.out.contains("left as it was"));
        QVERIFY(m_conn->command(Command{"PTTL", carol})->toInteger() <= 90000);
        QCOMPARE(cli({"sessions", "touch", "--ttl", "soon", "--url", url(), "x"}).code, 64);

        QCOMPARE(sids.value("alice3").size(), 2);
        QCOMPARE(dbSize(), 5);

        const Run dry = cli({"sessions", "delete", "--json", "--dry-run", "--user", "alice3", "--url", url()});
        QCOMPARE(dry.code, 0);
        const QJsonObject d = QJsonDocument::fromJson(dry.out).object();
        QCOMPARE(d.value("would_delete").toInt(), 2);
        QCOMPARE(cli({"sessions", "delete", "--user", "alice3", "--url", url()}).code, 64);   // needs --yes
        const Run del = cli({"sessions", "delete", "--yes", "--expect", d.value("expect").toString(), "--user", "alice3",
                             "--url", url()});
        QVERIFY2(del.code == 0, del.err.constData());
        QVERIFY2(del.out.contains("Deleted 2 of 2 keys of user 'alice3'"), del.out.constData());
        for (const QString &sid : sids.value("alice3"))
            QVERIFY(!exists("sess:" + sid.toUtf8()));
        for (const char *other : {"bob", "carol", "alice"})
            QVERIFY(exists("sess:" + sids.value(other).first().toUtf8()));
        const QJsonObject end = audit().last();
        QCOMPARE(end.value("action").toString(), QStringLiteral("delete-user"));
        QCOMPARE(end.value("user").toString(), QStringLiteral("alice3"));
        // By the id the User column shows, exactly: 4 is bob, not carol's 33.
        const Run byId = cli({"sessions", "delete", "--yes", "--user", "4", "--url", url()});
        QCOMPARE(byId.code, 0);
        QVERIFY(!exists("sess:" + sids.value("bob").first().toUtf8()));
        QVERIFY(exists("sess:" + sids.value("carol").first().toUtf8()));
        QCOMPARE(dbSize(), 2);
    }

    // Item 15: show keeps the JSON's own text and order; a hash's size is its fields.
    void showKeepsTheValuesOwnText()
    {
        const QByteArray value = "{\"cookie\":{\"originalMaxAge\":60000,\"expires\":\"2030-01-01T00:00:00.000Z\"},"
                                 "\"zeta\":1,\"userId\":12345678901234567890,\"price\":1.50}";
        set("sess:exact", value);
        const Run text = cli({"sessions", "show", "--url", url(), "exact"});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains("12345678901234567890") && !text.out.contains("12345678901234567000"), text.out.constData());
        QVERIFY(text.out.contains("1.50"));
        QVERIFY(text.out.indexOf("\"zeta\"") < text.out.indexOf("\"userId\""));
        const Run json = cli({"sessions", "show", "--json", "--url", url(), "exact"});
        QCOMPARE(json.code, 0);
        QVERIFY2(json.out.contains("12345678901234567890"), json.out.constData());
        QVERIFY(!QJsonDocument::fromJson(json.out).isNull());
        QVERIFY(QJsonDocument::fromJson(json.out).object().value("value").isObject());

        QVERIFY(m_conn->command(Command{"HSET", "sess:h", "a", "1", "b", "2"}));
        const Run hash = cli({"sessions", "show", "--url", url(), "h"});
        QCOMPARE(hash.code, 0);
        QVERIFY2(hash.out.contains("Size:    2 fields"), hash.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliSessions)
#include "tst_clisessions.moc"
