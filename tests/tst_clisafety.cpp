// The command line deletes exactly what was chosen, prints nothing a session or a server can
// forge, leaks no password and loses no audit record: each case found by trying to break it,
// run against a real redis-server (a fake one where a hostile server is the point).

#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"
#include "core/support/keytext.h"
#include "tests/support/clirun.h"
#include "tests/support/clitestbase.h"
#include "tests/support/fakeredis.h"
#include "tests/support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace sdcore;

class TestCliSafety : public CliTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { startServers(); }

    void init() { flush(); }

    // Item 1: an exact key or id is taken literally; a cookie only by its form, and only when
    // no literal key exists; two existing readings are refused.
    void exactKeysAreLiteral()
    {
        set("sess:a%41");
        set("sess:aA");
        Run r = cli({"sessions", "delete", "--url", url(), "sess:a%41"});
        QCOMPARE(r.code, 0);
        QVERIFY(!exists("sess:a%41"));
        QVERIFY(exists("sess:aA"));
        QVERIFY2(r.out.contains("sess:a%41"), r.out.constData());

        set("sess: sp");
        set("sess:sp");
        r = cli({"sessions", "delete", "--url", url(), " sp"});
        QCOMPARE(r.code, 0);
        QVERIFY(!exists("sess: sp"));
        QVERIFY(exists("sess:sp"));
        r = cli({"sessions", "delete", "--url", url(), " sp"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no session"), r.err.constData());
        QVERIFY(exists("sess:sp"));

        // The id exactly as `list` printed it, and a cookie-looking reading of it.
        set("sess:s:foo.bar");
        set("sess:foo");
        r = cli({"sessions", "delete", "--url", url(), "s:foo.bar"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("sess:s:foo.bar") && r.err.contains("sess:foo ("), r.err.constData());
        QVERIFY(exists("sess:s:foo.bar") && exists("sess:foo"));
        QVERIFY(m_conn->command(Command{"DEL", "sess:foo"}));
        r = cli({"sessions", "delete", "--url", url(), "s:foo.bar"});
        QCOMPARE(r.code, 0);
        QVERIFY(!exists("sess:s:foo.bar"));

        // A real cookie still works when no key by its literal name exists.
        set("sess:cookie1");
        r = cli({"sessions", "delete", "--url", url(), "connect.sid=s%3Acookie1.c2lnbmF0dXJl"});
        QCOMPARE(r.code, 0);
        QVERIFY(!exists("sess:cookie1"));
        QVERIFY2(r.out.contains("sess:cookie1"), r.out.constData());
        QVERIFY(exists("sess:aA") && exists("sess:sp"));

        // An escape `list` would never print is taken literally: "lit\x41" is not "litA".
        set("sess:lit\\x41");
        set("sess:litA");
        r = cli({"sessions", "delete", "--url", url(), "lit\\x41"});
        QCOMPARE(r.code, 0);
        QVERIFY(!exists("sess:lit\\x41"));
        QVERIFY(exists("sess:litA"));
        // The key that is the prefix alone is reachable as a full key.
        set("sess:");
        r = cli({"sessions", "delete", "--url", url(), "sess:"});
        QCOMPARE(r.code, 0);
        QVERIFY(!exists("sess:"));
        // Text from the argument is never read as a format: "%3A" stays itself in messages.
        set("sess:s%3Apid.sig");
        set("sess:pid");
        r = cli({"sessions", "show", "--url", url(), "s%3Apid.sig"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("'s%3Apid.sig' names 2 existing keys"), r.err.constData());
    }

    // Item 2: what `list` prints is injective and accepted back by show and delete.
    void printedIdsRoundTrip()
    {
        QList<QByteArray> keys{"sess:a\\x0ab", "sess:a\nb", "sess:back\\slash", "sess:tab\there",
                               QByteArray("sess:nul\0mid", 12), "sess:\xff\xfe", "sess:caf\xc3\xa9",
                               "sess:\xe2\x80\xae" "evil"};
        QRandomGenerator rng(1919);
        const QByteArray alphabet("ab\\x0\n\t\x1b\x7f\xc3\xa9\xff =%:.s\"'");
        while (keys.size() < 60) {
            QByteArray id;
            const int n = 1 + int(rng.bounded(10));
            for (int i = 0; i < n; ++i)
                id += alphabet.at(int(rng.bounded(alphabet.size())));
            if (!keys.contains("sess:" + id))
                keys << "sess:" + id;
        }
        for (const QByteArray &k : keys)
            set(k);
        const Run list = cli({"sessions", "list", "--url", url()});
        QCOMPARE(list.code, 0);
        QStringList printed;
        for (const QByteArray &line : list.out.split('\n')) {
            if (!line.isEmpty())
                printed << QString::fromUtf8(line.left(line.indexOf('\t')));
        }
        QCOMPARE(printed.size(), keys.size());
        QCOMPARE(QSet<QString>(printed.begin(), printed.end()).size(), keys.size());   // injective
        QVERIFY(printed.contains(QStringLiteral("a\\\\x0ab")));
        QVERIFY(printed.contains(QStringLiteral("a\\x0ab")));
        for (const QString &id : std::as_const(printed)) {
            const auto bytes = KeyText::fromPrintable(id);
            QVERIFY(bytes);
            const QByteArray key = "sess:" + *bytes;
            QVERIFY2(keys.contains(key), qPrintable(id));
            const Run show = cli({"sessions", "show", "--json", "--url", url(), id});
            QVERIFY2(show.code == 0, qPrintable(id + QLatin1Char(' ') + QString::fromUtf8(show.err)));
            QCOMPARE(QJsonDocument::fromJson(show.out).object().value("key").toString(), KeyText::printable(key));
            const qint64 before = dbSize();
            const Run del = cli({"sessions", "delete", "--url", url(), id});
            QVERIFY2(del.code == 0, qPrintable(id + QLatin1Char(' ') + QString::fromUtf8(del.err)));
            QVERIFY2(!exists(key), qPrintable(id));
            QCOMPARE(dbSize(), before - 1);
        }
        // The audit log names them alike.
        QSet<QString> audited;
        for (const QJsonObject &o : audit()) {
            if (o.value("phase").toString() == QLatin1String("begin") && o.contains("keys"))
                audited.insert(o.value("keys").toArray().first().toString());
        }
        for (const QByteArray &k : std::as_const(keys))
            QVERIFY2(audited.contains(KeyText::printable(k)), qPrintable(KeyText::printable(k)));
    }

    // Items 3 and 4: an empty pattern is refused; the prefix is literal, the glob on the id.
    void patternsMatchOnlyPrefixPlusGlob_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QString>("glob");
        QTest::newRow("glob that starts with the prefix") << "sess:" << "sess:*";
        QTest::newRow("prefix *") << "*" << "*foo";
        QTest::newRow("prefix [cu]") << "[cu]" << "[cu]*";
        QTest::newRow("prefix with ?") << "s?ss:" << "*";
        QTest::newRow("prefix with backslash") << "a\\b:" << "?";
        QTest::newRow("question marks") << "sess:" << "??";
    }

    void patternsMatchOnlyPrefixPlusGlob()
    {
        QFETCH(QString, prefix);
        QFETCH(QString, glob);
        const QList<QByteArray> keys{"sess:1", "sess:foo", "sess:sess:1", "sess:ab", "cfg:foo", "users:1", "*foo",
                                     "*xfoo", "xfoo", "[cu]1", "[cu]c9", "c1", "u1", "sxss:1", "s?ss:1", "a\\b:1",
                                     "ab:1", "a\\b:12"};
        for (const QByteArray &k : keys)
            set(k);
        QSet<QByteArray> expected;
        const QRegularExpression re(QRegularExpression::anchoredPattern(
            QRegularExpression::wildcardToRegularExpression(glob, QRegularExpression::UnanchoredWildcardConversion)));
        for (const QByteArray &k : keys) {
            const QByteArray p = prefix.toUtf8();
            if (k.startsWith(p) && re.match(QString::fromUtf8(k.mid(p.size()))).hasMatch())
                expected.insert(k);
        }
        const Run dry = cli({"sessions", "delete", "--json", "--dry-run", "--url", url(), "--prefix", prefix, "--match", glob});
        QCOMPARE(dry.code, 0);
        QCOMPARE(QJsonDocument::fromJson(dry.out).object().value("would_delete").toInt(), expected.size());
        const Run del = cli({"sessions", "delete", "--json", "--yes", "--url", url(), "--prefix", prefix, "--match", glob});
        QCOMPARE(del.code, 0);
        QCOMPARE(QJsonDocument::fromJson(del.out).object().value("deleted").toInt(), expected.size());
        for (const QByteArray &k : keys)
            QCOMPARE(exists(k), !expected.contains(k));
        const Run list = cli({"sessions", "list", "--url", url(), "--prefix", prefix, "--match", glob});
        QCOMPARE(list.code, 0);
        QVERIFY(list.out.isEmpty());
    }

    void emptyPatternIsRefused()
    {
        set("sess:1");
        set("sess:2");
        for (const QStringList &args : {QStringList{"sessions", "delete", "--yes", "--match", ""},
                                        QStringList{"sessions", "delete", "--dry-run", "--match", ""},
                                        QStringList{"sessions", "list", "--match", ""}}) {
            const Run r = cli(args + QStringList{"--url", url()});
            QCOMPARE(r.code, 64);
            QVERIFY2(r.err.contains("matches nothing"), r.err.constData());
        }
        QCOMPARE(dbSize(), 2);
    }

    // Item 2 of the window's issue, the CLI half: --expect refuses when the set changed, and
    // a one-shot delete leaves what appeared after its own count and says so.
    void deleteRemovesWhatWasCounted()
    {
        for (int i = 0; i < 5; ++i)
            set("sess:L" + QByteArray::number(i));
        const Run dry = cli({"sessions", "delete", "--dry-run", "--json", "--url", url(), "--match", "L*"});
        QCOMPARE(dry.code, 0);
        const QString expect = QJsonDocument::fromJson(dry.out).object().value("expect").toString();
        QVERIFY2(expect.startsWith("5:"), dry.out.constData());
        QVERIFY(cli({"sessions", "delete", "--dry-run", "--url", url(), "--match", "L*"}).out.contains("--expect " + expect.toUtf8()));
        // One more key: refused.
        set("sess:L-late");
        Run refused = cli({"sessions", "delete", "--yes", "--expect", expect, "--url", url(), "--match", "L*"});
        QCOMPARE(refused.code, 2);
        QVERIFY2(refused.err.contains("not the ones the dry run counted") && refused.err.contains("nothing was deleted"),
                 refused.err.constData());
        QCOMPARE(dbSize(), 6);
        // The same count, another set (one gone, one new): refused too.
        QVERIFY(m_conn->command(Command{"DEL", "sess:L0"}));
        refused = cli({"sessions", "delete", "--yes", "--expect", expect, "--url", url(), "--match", "L*"});
        QCOMPARE(refused.code, 2);
        QCOMPARE(dbSize(), 5);
        set("sess:L0");
        QVERIFY(m_conn->command(Command{"DEL", "sess:L-late"}));
        const Run exact = cli({"sessions", "delete", "--yes", "--expect", expect, "--url", url(), "--match", "L*"});
        QCOMPARE(exact.code, 0);
        QVERIFY2(exact.out.contains("Recorded in the audit log"), exact.out.constData());
        QCOMPARE(dbSize(), 0);
        // The audit log names every key a pattern delete removed.
        QSet<QString> logged;
        for (const QJsonObject &o : audit()) {
            if (o.value("phase").toString() == QLatin1String("progress")) {
                for (const QJsonValue &k : o.value("keys").toArray())
                    logged.insert(k.toString());
            }
        }
        for (int i = 0; i < 5; ++i)
            QVERIFY(logged.contains(QStringLiteral("sess:L%1").arg(i)));
        QCOMPARE(cli({"sessions", "delete", "--yes", "--expect", "5", "--url", url(), "--match", "L*"}).code, 64);
        const Run none = cli({"sessions", "delete", "--yes", "--url", url(), "--match", "nothing-here*"});
        QCOMPARE(none.code, 0);
        QVERIFY2(none.out.contains("Nothing to delete") && none.out.contains("no key matches"), none.out.constData());
    }

    void ambiguousOrWideningArgumentsAreRefused()
    {
        set("sess:W9");
        set("cache:home");
        for (const QStringList &args :
             {QStringList{"sessions", "delete", "--dry-run", "--match", "W9*", "--match", "*", "--url", url()},
              QStringList{"sessions", "delete", "--yes", "--match", "*", "--prefix", "", "--url", url()},
              QStringList{"sessions", "list", "--prefix", "", "--url", url()},
              QStringList{"status", "--url", url(), "--url", "redis://127.0.0.1:1"}}) {
            const Run r = cli(args);
            QVERIFY2(r.code == 64, qPrintable(args.join(' ')));
        }
        QCOMPARE(dbSize(), 2);
    }

    // Item 5: each command takes only its own options.
    void foreignOptionsAreRefused()
    {
        const QStringList valued{"url", "count", "timeout", "seconds", "rate", "log-level", "prefix", "match",
                                 "limit", "fallback", "password-file", "cacert", "cert", "key", "sni", "expect",
                                 "user", "ttl", "primary"};
        const QStringList flags{"json", "yes", "replica", "dry-run", "whole", "drill", "askpass", "no-auth-warning",
                                "tls", "insecure", "update-cookie", "force", "takeover", "cluster"};
        const QStringList connection{"url", "json", "timeout", "askpass", "password-file", "no-auth-warning",
                                     "tls", "cacert", "cert", "key", "sni", "insecure"};
        const QList<QPair<QStringList, QStringList>> commands{
            {{"ping"}, connection + QStringList{"count"}},
            {{"status"}, connection},
            {{"events"}, connection + QStringList{"seconds"}},
            // failover's --replica names the replica to promote on a cluster.
            {{"failover"}, connection + QStringList{"yes", "dry-run", "primary", "replica", "force", "takeover"}},
            {{"sessions", "stats"}, connection + QStringList{"prefix", "replica", "rate"}},
            {{"sessions", "list"}, connection + QStringList{"prefix", "match", "limit", "replica", "rate"}},
            {{"sessions", "show", "x"}, connection + QStringList{"prefix", "whole", "replica"}},
            {{"sessions", "delete", "x"}, connection + QStringList{"prefix", "match", "user", "dry-run", "yes", "rate", "expect"}},
            {{"sessions", "touch", "x"}, connection + QStringList{"prefix", "ttl", "update-cookie"}},
            {{"probe"}, connection + QStringList{"fallback", "drill", "prefix"}},
            {{"drill"}, {"json", "prefix"}},
            {{"demo"}, {"seconds", "rate", "cluster"}},
        };
        set("sess:x");
        int refused = 0;
        for (const auto &[command, own] : commands) {
            for (const QString &option : valued + flags) {
                if (own.contains(option) || option == QLatin1String("log-level"))
                    continue;
                QStringList args = command;
                args << QStringLiteral("--") + option;
                if (valued.contains(option))
                    args << QStringLiteral("5");
                if (option != QLatin1String("url"))
                    args << QStringLiteral("--url") << url();
                const Run r = cli(args);
                QVERIFY2(r.code == 64, qPrintable(args.join(' ') + ": exit " + QString::number(r.code)));
                QVERIFY2(r.err.contains("is not an option of"), qPrintable(args.join(' ') + ": " + r.err));
                ++refused;
            }
        }
        QVERIFY2(refused >= 130, qPrintable(QString::number(refused)));
        QVERIFY(exists("sess:x"));
        // The two from the report.
        for (int i = 0; i < 20; ++i)
            set("sess:L" + QByteArray::number(i));
        const Run limit = cli({"sessions", "delete", "--match", "L*", "--limit", "5", "--yes", "--url", url()});
        QCOMPARE(limit.code, 64);
        QCOMPARE(dbSize(), 21);
        const Run failover = cli({"failover", "--yes", "--dry-run", "--url", "redis-sentinel://127.0.0.1:1#m"});
        QCOMPARE(failover.code, 64);
    }

    void failoverDryRunOnlyShows()
    {
        LocalLauncher sentinel;
        QVERIFY(sentinel.startSentinelDeployment());
        const HostPort before = *sentinel.agreedMaster();
        const Run r = cli({"failover", "--dry-run", "--url", sentinel.sentinelUrl().toString()});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("Dry run") && r.out.contains(before.toString().toUtf8()), r.out.constData());
        QTest::qWait(1500);
        QVERIFY(*sentinel.agreedMaster() == before);
    }

    // Item 6: the audit entry goes first, progress follows each batch, SIGHUP cancels, the
    // file is 0600.
    void auditTrailSurvivesSignals_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGHUP") << int(SIGHUP);
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGKILL") << int(SIGKILL);
    }

    void auditTrailSurvivesSignals()
    {
        QFETCH(int, signal);
        QList<Command> seed;
        for (int i = 0; i < 20000; ++i)
            seed << Command{"SET", "sess:k0" + QByteArray::number(i), "{}", "EX", "3600"};
        QVERIFY(m_conn->pipeline(seed));
        const qsizetype before = audit().size();
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(QStringLiteral(SESSIONDECK_CLI),
                {"sessions", "delete", "--match", "k0*", "--yes", "--rate", "10000", "--url", url()});
        QVERIFY(p.waitForStarted());
        // Wait for the begin entry and two batches.
        QTRY_VERIFY_WITH_TIMEOUT(audit().size() >= before + 3, 30000);
        ::kill(pid_t(p.processId()), signal);
        QVERIFY(p.waitForFinished(30000));
        const QList<QJsonObject> entries = audit().mid(before);
        const qint64 deleted = 20000 - dbSize();
        QVERIFY(deleted > 0 && deleted < 20000);
        QCOMPARE(entries.first().value("phase").toString(), QStringLiteral("begin"));
        QCOMPARE(entries.first().value("expected").toInt(), 20000);
        QCOMPARE(entries.first().value("pattern").toString(), QStringLiteral("sess:k0*"));
        qint64 recorded = 0;
        for (const QJsonObject &o : entries) {
            QCOMPARE(o.value("op").toString(), entries.first().value("op").toString());
            if (o.value("phase").toString() != QLatin1String("begin"))
                recorded = o.value("deleted").toInteger();
        }
        if (signal == SIGKILL) {
            QVERIFY2(recorded <= deleted && recorded >= deleted - 1000, qPrintable(QStringLiteral("%1 / %2").arg(recorded).arg(deleted)));
        } else {
            QCOMPARE(entries.last().value("phase").toString(), QStringLiteral("end"));
            QCOMPARE(entries.last().value("complete").toBool(), false);
            QCOMPARE(entries.last().value("error").toString(), QStringLiteral("cancelled"));
            QCOMPARE(recorded, deleted);
            QVERIFY2(p.readAllStandardOutput().contains("stopped: cancelled"), "no report on stdout");
        }
        struct stat st{};
        QCOMPARE(::stat(QFile::encodeName(auditPath()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
    }

    // An audit log that is a symbolic link is not written through: nothing is deleted.
    void symlinkedAuditLogRefusesTheDelete()
    {
        set("sess:victim1");
        QFile::remove(auditPath());
        QDir().mkpath(QFileInfo(auditPath()).path());
        const QString target = m_home.filePath("precious.txt");
        QFile t(target);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("precious config\n");
        t.close();
        QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        QVERIFY(QFile::link(target, auditPath()));
        const Run r = cli({"sessions", "delete", "--url", url(), "victim1"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.contains("Nothing deleted") && r.out.contains("symbolic link"), r.out.constData());
        QVERIFY(exists("sess:victim1"));
        QFile back(target);
        QVERIFY(back.open(QIODevice::ReadOnly));
        QCOMPARE(back.readAll(), QByteArray("precious config\n"));
        QVERIFY(QFile::permissions(target) & QFileDevice::ReadOther);
        QFile::remove(auditPath());
    }

    // Item 7: no password in what the server says back.
    void passwordIsNotEchoed()
    {
        const QByteArray password = "Echoed-Secret-Pw-7";
        const quint16 port = findFreePort();
        QProcess server;
        server.start(QStringLiteral("redis-server"), {"--port", QString::number(port), "--save", "", "--appendonly", "no",
                                                      "--rename-command", "AUTH", ""});
        QVERIFY(server.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(portIsOpen(port), 10000);
        QProcessEnvironment e = env();
        e.insert("REDISCLI_AUTH", QString::fromUtf8(password));
        const QString target = QStringLiteral("redis://127.0.0.1:%1").arg(port);
        QList<Run> runs{cli({"ping", "--url", target}, e), cli({"status", "--url", target}, e),
                        cli({"status", "--json", "--url", target}, e), cli({"sessions", "list", "--url", target}, e)};
        QVERIFY2(runs.first().err.contains("unknown command"), runs.first().err.constData());
        server.kill();
        server.waitForFinished();

        // A server that repeats every argument of every command in its error, in full or cut.
        const QByteArray longPassword = QByteArray("Long-Secret-") + QByteArray(200, 'q');
        for (const bool cut : {false, true}) {
            FakeRedis echo([cut](const QList<QByteArray> &argv) {
                QByteArray all;
                for (const QByteArray &a : argv)
                    all += ' ' + (cut ? a.left(20) : a);
                return "-ERR you said" + all + "\r\n";
            });
            e.insert("REDISCLI_AUTH", QString::fromUtf8(cut ? longPassword : password));
            const QString fake = QStringLiteral("redis://someone@127.0.0.1:%1").arg(echo.port());
            runs << cli({"ping", "--url", fake}, e) << cli({"status", "--json", "--url", fake}, e);
            QVERIFY(echo.received().contains(cut ? longPassword : password));
        }
        for (const Run &r : runs) {
            for (const QByteArray &secret : {password, longPassword.left(20)}) {
                QVERIFY2(!r.out.contains(secret), r.out.constData());
                QVERIFY2(!r.err.contains(secret), r.err.constData());
            }
        }
    }

    // Item 8: each tier signs in with its own URL's credentials.
    void fallbackGetsItsOwnCredentials()
    {
        const QByteArray primaryPassword = m_secured.options().password.toUtf8();
        FakeRedis fallback([](const QList<QByteArray> &argv) -> QByteArray {
            if (argv.value(0).toUpper() == "PING")
                return "+PONG\r\n";
            return "-ERR not a real server\r\n";
        });
        QProcessEnvironment e = env();
        e.insert("REDISCLI_AUTH", QString::fromUtf8(primaryPassword));
        const QString primary = QStringLiteral("redis://127.0.0.1:%1").arg(m_secured.nodes().at(0).port);
        Run r = cli({"probe", "--url", primary, "--fallback", QStringLiteral("redis://127.0.0.1:%1").arg(fallback.port())}, e);
        QVERIFY2(!fallback.received().isEmpty(), r.out.constData());
        QVERIFY(!fallback.received().contains(primaryPassword));
        // A fallback with no password of its own is asked nothing with one.
        r = cli({"probe", "--json", "--url", primary, "--fallback", url()}, e);
        QCOMPARE(r.code, 0);
        const QJsonArray tiers = QJsonDocument::fromJson(r.out).object().value("tiers").toArray();
        QVERIFY(tiers.size() >= 2);
        QVERIFY2(tiers.at(1).toObject().value("ok").toBool(), r.out.constData());
        QVERIFY(!r.out.contains("remove the password"));
    }

    // Item 9: session content cannot forge lines or reach the terminal.
    void sessionContentCannotForgeOutput()
    {
        set("sess:mallory", "{\"cookie\":{},\"user\":\"mallory\\nvictim-session-id\\t59m59s\\t100\\tstring\\tadmin\\u001b[2J\"}");
        set("sess:victim-session-id");
        Run list = cli({"sessions", "list", "--url", url()});
        QCOMPARE(list.code, 0);
        QCOMPARE(list.out.count('\n'), 2);
        QVERIFY(!list.out.contains('\x1b'));
        for (const QByteArray &line : list.out.split('\n'))
            QCOMPARE(line.count('\t'), line.isEmpty() ? 0 : 4);
        const Run show = cli({"sessions", "show", "--url", url(), "mallory"});
        QCOMPARE(show.code, 0);
        QVERIFY(!show.out.contains('\x1b'));
        QVERIFY2(show.out.contains("mallory\\x0avictim-session-id"), show.out.constData());
        // Nor can a hash's fields or a text value start a line of their own.
        QVERIFY(m_conn->command(Command{"HSET", "sess:eh2", "ok", "line1\nKey:     sess:forged", "f\nFAKE", "1"}));
        set("sess:text", "plain text\n\nKey:     sess:forged-too");
        for (const char *id : {"eh2", "text"}) {
            const Run r = cli({"sessions", "show", "--url", url(), id});
            QCOMPARE(r.code, 0);
            for (const QByteArray &line : r.out.split('\n'))
                QVERIFY2(!line.startsWith("Key:     sess:forged") && !line.startsWith("FAKE"), r.out.constData());
        }
        // Nor what a server says in a probe.
        FakeRedis hostile([](const QList<QByteArray> &) -> QByteArray {
            return "-ERR \x1b[31mred\x1b]0;title\x07 \xe2\x80\xae evil\r\n";
        });
        const Run probe = cli({"probe", "--url", QStringLiteral("redis://127.0.0.1:%1").arg(hostile.port())});
        QVERIFY(!probe.out.contains('\x1b') && !probe.err.contains('\x1b') && !probe.out.contains('\x07'));
        QVERIFY(!probe.out.contains("\xe2\x80\xae") && !probe.err.contains("\xe2\x80\xae"));
        QVERIFY2(probe.out.contains("\\x1b[31mred"), probe.out.constData());
        // JSON stays exact.
        const Run json = cli({"sessions", "list", "--json", "--match", "mallory", "--url", url()});
        QCOMPARE(QJsonDocument::fromJson(json.out.trimmed()).object().value("user").toString(),
                 QStringLiteral("mallory\nvictim-session-id\t59m59s\t100\tstring\tadmin\x1b[2J"));
    }

    // Item 10: a Unix socket connects, with a password, a db and a path with spaces.
    void unixSocketConnects()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath("dir with spaces");
        QVERIFY(QDir().mkpath(folder));
        const QString socket = folder + "/redis.sock";
        QProcess server;
        server.start(QStringLiteral("redis-server"), {"--port", "0", "--unixsocket", socket, "--unixsocketperm", "700",
                                                      "--requirepass", "sock-pw", "--save", "", "--appendonly", "no"});
        QVERIFY(server.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(socket), 10000);
        RedisUrl sockUrl = *RedisUrl::parse(QStringLiteral("unix://") + socket + QStringLiteral("?db=3"));
        sockUrl.setPassword(QStringLiteral("sock-pw"));
        auto direct = RedisConnection::open(sockUrl);
        QVERIFY_OK(direct);
        QVERIFY((*direct)->command(Command{"SET", "sess:over-the-socket", "{\"user\":\"sock\"}"}));
        QProcessEnvironment e = env();
        e.insert("REDISCLI_AUTH", QStringLiteral("sock-pw"));
        const QString target = QStringLiteral("unix://") + socket + QStringLiteral("?db=3");
        const Run ping = cli({"ping", "--url", target}, e);
        QVERIFY2(ping.code == 0, ping.err.constData());
        QVERIFY(ping.out.contains("PONG"));
        const Run list = cli({"sessions", "list", "--url", target}, e);
        QCOMPARE(list.code, 0);
        QVERIFY2(list.out.startsWith("over-the-socket\t"), list.out.constData());
        server.kill();
        server.waitForFinished();
    }

    // Item 11: an interrupted drill leaves no folder behind.
    void interruptedDrillCleansUp()
    {
        QTemporaryDir tmp;
        QProcessEnvironment e = env();
        e.insert("TMPDIR", tmp.path());
        QProcess p;
        p.setProcessEnvironment(e);
        p.start(QStringLiteral(SESSIONDECK_CLI), {"drill"});
        QVERIFY(p.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("Killing the master"), 60000);
        QVERIFY(!QDir(tmp.path()).entryList({"sessiondeck-*"}, QDir::Dirs).isEmpty());
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        QCOMPARE(QDir(tmp.path()).entryList({"sessiondeck-*"}, QDir::Dirs), QStringList());
    }

    // Item 12: messages that say what works.
    void messagesNameWhatWorks()
    {
        Run r = cli({"sessions", "list", "--replica", "--url", url()});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("redis-sentinel://") && !r.err.contains("redis+sentinel"), r.err.constData());

        const QByteArray big = QByteArray(2 * 1024 * 1024 + 17, 'v') + "END";
        set("sess:big", big);
        r = cli({"sessions", "show", "--whole", "--url", url(), "big"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(big), "show --whole cut the text");
        QByteArray binary(20000, '\0');
        for (int i = 0; i < binary.size(); ++i)
            binary[i] = char(i * 7);
        set("sess:bin", binary);
        r = cli({"sessions", "show", "--whole", "--url", url(), "bin"});
        QCOMPARE(r.code, 0);
        QVERIFY2(!r.out.contains("more bytes"), "show --whole cut the hex dump");
        QVERIFY(r.out.count('\n') > 20000 / 16);

        QTemporaryDir dir;
        auto files = LocalLauncher::makeCertificates(dir.path(), "ca", "SessionDeck test CA");
        QVERIFY(files);
        r = cli({"probe", "--url", url(), "--fallback", "rediss://127.0.0.1:1", "--cacert", files->caFile});
        QVERIFY2(r.code != 64 && !r.err.contains("add --tls"), r.err.constData());
    }

    // Item 13: a delete of 60,000 ids (the time goes to bench_sessions).
    void manyIdsAreDeleted()
    {
        QList<Command> seed;
        QStringList ids;
        for (int i = 0; i < 60000; ++i) {
            const QByteArray id = "m" + QByteArray::number(i);
            seed << Command{"SET", "sess:" + id, "{}", "EX", "3600"};
            ids << QString::fromLatin1(id);
        }
        QVERIFY(m_conn->pipeline(seed));
        set("sess:keep");
        const Run r = cli(QStringList{"sessions", "delete", "--yes", "--url", url()} + ids + ids.mid(0, 100));
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.startsWith("Deleted 60000 of 60000 keys"), r.out.left(200).constData());
        QCOMPARE(dbSize(), 1);
    }

    // Item 14: a SCAN that never ends is stopped with an error.
    void endlessScanIsBounded()
    {
        FakeRedis endless([](const QList<QByteArray> &argv) -> QByteArray {
            const QByteArray cmd = argv.value(0).toUpper();
            if (cmd == "DBSIZE")
                return ":3\r\n";
            if (cmd == "SCAN")
                return "*2\r\n$1\r\n7\r\n*0\r\n";
            if (cmd == "ROLE")
                return "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n";
            if (cmd == "PING")
                return "+PONG\r\n";
            return "+OK\r\n";
        });
        const QString fake = QStringLiteral("redis://127.0.0.1:%1").arg(endless.port());
        for (const QStringList &args : {QStringList{"sessions", "list"}, QStringList{"sessions", "stats"},
                                        QStringList{"sessions", "delete", "--dry-run", "--match", "*"}}) {
            const Run r = cli(args + QStringList{"--url", fake});
            QVERIFY2(r.code == 2, qPrintable(args.join(' ') + ": " + r.err));
            QVERIFY2(r.err.contains("never ends the walk"), r.err.constData());
        }
        // Fresh keys forever: more distinct keys than DBSIZE allows.
        std::atomic_int counter{0};
        FakeRedis growing([&counter](const QList<QByteArray> &argv) -> QByteArray {
            const QByteArray cmd = argv.value(0).toUpper();
            if (cmd == "DBSIZE")
                return ":10\r\n";
            if (cmd == "SCAN") {
                const int n = ++counter;
                QByteArray reply = "*2\r\n" + FakeRedis::bulk(QByteArray::number(n)) + "*100\r\n";
                for (int i = 0; i < 100; ++i)
                    reply += FakeRedis::bulk("sess:" + QByteArray::number(n) + "-" + QByteArray::number(i));
                return reply;
            }
            if (cmd == "ROLE")
                return "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n";
            return cmd == "PTTL" || cmd == "STRLEN" ? ":1\r\n" : cmd == "GETRANGE" ? "$2\r\n{}\r\n" : "+OK\r\n";
        });
        const Run r = cli({"sessions", "delete", "--dry-run", "--match", "*", "--url",
                           QStringLiteral("redis://127.0.0.1:%1").arg(growing.port())});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("distinct keys though DBSIZE said 10"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliSafety)
#include "tst_clisafety.moc"
