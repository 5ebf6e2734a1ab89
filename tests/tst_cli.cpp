// sessiondeck-cli as a user runs it: exit codes, output, JSON, passwords kept out of output.

#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"
#include "tests/support/clirun.h"
#include "tests/support/testsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <sys/stat.h>

#include <sys/prctl.h>
#include <sys/wait.h>

using namespace sdcore;

namespace {

using Run = CliRun;

Run cli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
        const QByteArray &input = {})
{
    return runCli(args, env, input, 60000);
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

    LocalLauncher m_deployment;
    LocalLauncher m_secured{[] {
        LauncherOptions o;
        o.password = "Cli-Distinctive-Pw#42";
        return o;
    }()};

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_deployment.startSentinelDeployment();
        QVERIFY_OK(s);
        QVERIFY(m_secured.startStandalone());
    }

    void pingDirect()
    {
        const Run r = cli({"ping", "--url", m_deployment.nodeUrl(0).toString()});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("PONG from 127.0.0.1:" + QByteArray::number(m_deployment.nodes().at(0).port)),
                 r.out.constData());
        QVERIFY(r.out.contains("role master"));
        QVERIFY(r.out.contains("Redis 7."));
    }

    void pingThroughSentinelJson()
    {
        const Run r = cli({"ping", "--json", "--count", "5", "--url", m_deployment.sentinelUrl().toString()});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("ok").toBool(), true);
        QCOMPARE(o.value("role").toString(), QStringLiteral("master"));
        QCOMPARE(o.value("node").toString(),
                 QStringLiteral("127.0.0.1:%1").arg(m_deployment.nodes().at(0).port));
        QCOMPARE(o.value("sentinel").toString(), m_deployment.sentinelUrl().hosts().first().toString());
        QCOMPARE(o.value("pings").toInt(), 5);
        QVERIFY(o.value("rtt_ms").toDouble() > 0);
    }

    void statusShowsTopology()
    {
        const Run r = cli({"status", "--json", "--url", m_deployment.sentinelUrl().toString()});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("health").toString(), QStringLiteral("ok"));
        QCOMPARE(o.value("master").toObject().value("port").toInt(), int(m_deployment.nodes().at(0).port));
        QCOMPARE(o.value("master").toObject().value("host").toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(o.value("replicas").toArray().size(), 2);
        QCOMPARE(o.value("sentinels").toArray().size(), 3);
        for (const QJsonValue &s : o.value("sentinels").toArray())
            QVERIFY(s.toObject().value("up").toBool());
        QCOMPARE(o.value("quorum").toInt(), 2);

        const Run text = cli({"status", "--url", m_deployment.sentinelUrl().toString()});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains(": OK"), text.out.constData());
        QVERIFY(text.out.contains("replica"));
    }

    void unreachableExitsTwo()
    {
        const QString url = QStringLiteral("redis://127.0.0.1:%1").arg(findFreePort());
        const Run r = cli({"ping", "--url", url});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("refused the connection"));
        QVERIFY(r.out.isEmpty());

        const Run j = cli({"ping", "--json", "--url", url});
        QCOMPARE(j.code, 2);
        const QJsonObject o = QJsonDocument::fromJson(j.out).object();
        QCOMPARE(o.value("ok").toBool(), false);
        QCOMPARE(o.value("kind").toString(), QStringLiteral("refused"));
    }

    void badArgumentsExit64_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList{} << "no command given";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        QTest::newRow("no url") << QStringList{"ping"} << "--url is required";
        QTest::newRow("bad url") << QStringList{"ping", "--url", "redis://host:99999"} << "Invalid URL";
        QTest::newRow("tls option without tls") << QStringList{"ping", "--url", "redis://host", "--sni", "x"} << "--sni is a TLS option";
        QTest::newRow("tls on a socket") << QStringList{"ping", "--url", "unix:///tmp/r.sock", "--tls"} << "does not use TLS";
        QTest::newRow("bad count") << QStringList{"ping", "--count", "x", "--url", "redis://h"} << "--count";
        QTest::newRow("bad level") << QStringList{"--log-level", "loud", "ping", "--url", "redis://h"} << "loud";
        QTest::newRow("unknown option") << QStringList{"ping", "--frob"} << "frob";
    }

    void badArgumentsExit64()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = cli(args);
        QCOMPARE(r.code, 64);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    }

    // The demo command's cluster dies with it, even when it is killed with SIGKILL and has no
    // chance to clean up (the launcher's children get PR_SET_PDEATHSIG).
    void demoProcessesDieWithAKilledParent()
    {
        // Orphans of the killed CLI are re-parented to this test, which reaps them, instead of
        // lingering as zombies under an init that may not reap.
        ::prctl(PR_SET_CHILD_SUBREAPER, 1);
        QProcess demo;
        demo.start(QStringLiteral(SESSIONDECK_CLI), {"demo", "--rate", "50"});
        QVERIFY(demo.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += demo.readAllStandardOutput()).contains("demo-url: "), 60000);
        const QString line = QString::fromUtf8(out.mid(out.indexOf("demo-url: ") + 10)).section('\n', 0, 0);
        auto url = RedisUrl::parse(line.trimmed());
        QVERIFY2(url, qPrintable(line));
        QCOMPARE(url->hosts().size(), 3);
        for (const HostPort &h : url->hosts())
            QVERIFY(portIsOpen(h.port));
        const Run ping = cli({"ping", "--json", "--url", url->toString()});
        QCOMPARE(ping.code, 0);
        const quint16 masterPort = QJsonDocument::fromJson(ping.out).object().value("node").toString()
                                       .section(':', -1).toUShort();
        QVERIFY(masterPort != 0);

        demo.kill();   // SIGKILL
        QVERIFY(demo.waitForFinished());
        for (const HostPort &h : url->hosts())
            QTRY_VERIFY_WITH_TIMEOUT(!portIsOpen(h.port), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!portIsOpen(masterPort), 10000);
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
    }

    void passwordFromEnvironmentNeverPrinted()
    {
        const QByteArray password = "Cli-Distinctive-Pw#42";
        const QString bare = QStringLiteral("redis://127.0.0.1:%1").arg(m_secured.nodes().at(0).port);

        const Run noauth = cli({"ping", "--url", bare});
        QCOMPARE(noauth.code, 2);
        QVERIFY(noauth.err.contains("NOAUTH"));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("REDISCLI_AUTH", QString::fromUtf8(password));
        const Run ok = cli({"ping", "--json", "--url", bare}, env);
        QCOMPARE(ok.code, 0);
        QVERIFY(!ok.out.contains(password));
        QVERIFY(!ok.err.contains(password));

        env.insert("REDISCLI_AUTH", "Wrong-Distinctive-Pw");
        const Run wrong = cli({"--log-level", "debug", "ping", "--url", bare}, env);
        QCOMPARE(wrong.code, 2);
        QVERIFY(wrong.err.contains("rejected the password"));
        QVERIFY(!wrong.err.contains("Wrong-Distinctive-Pw"));

        // In the URL: shown redacted in JSON output.
        const Run inUrl = cli({"--log-level", "debug", "ping", "--json", "--url",
                               m_secured.standaloneUrl().toSecretString()});
        QCOMPARE(inUrl.code, 0);
        QVERIFY(inUrl.out.contains(":***@"));
        QVERIFY(!inUrl.out.contains(password));
        QVERIFY(!inUrl.err.contains(password));
    }

    // The sessions commands on the password-protected server, the password from REDISCLI_AUTH.
    void sessionsCommands()
    {
        const QByteArray password = "Cli-Distinctive-Pw#42";
        auto conn = RedisConnection::open(m_secured.standaloneUrl());
        QVERIFY_OK(conn);
        QList<Command> seed;
        qint64 bytes = 0;
        for (int i = 0; i < 50; ++i) {
            const QByteArray value = "{\"cookie\":{\"originalMaxAge\":600000,\"httpOnly\":true},\"userId\":\"user"
                + QByteArray::number(i) + "\",\"views\":" + QByteArray::number(i) + "}";
            bytes += value.size();
            seed << Command{"SET", "sess:cli" + QByteArray::number(i), value, "EX", "1200"};
        }
        seed << Command{"SET", "sess:forever", "{}"};
        bytes += 2;
        QVERIFY((*conn)->pipeline(seed));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("REDISCLI_AUTH", QString::fromUtf8(password));
        const QString url = QStringLiteral("redis://127.0.0.1:%1").arg(m_secured.nodes().at(0).port);

        const Run stats = cli({"sessions", "stats", "--json", "--url", url}, env);
        QCOMPARE(stats.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(stats.out).object();
        QCOMPARE(o.value("count").toInt(), 51);
        QCOMPARE(o.value("total_bytes").toInteger(), bytes);
        QCOMPARE(o.value("ttl_histogram").toObject().value("no TTL").toInt(), 1);
        QCOMPARE(o.value("ttl_histogram").toObject().value("< 10 min").toInt(), 0);
        QCOMPARE(o.value("ttl_histogram").toObject().value("< 1 h").toInt(), 50);
        QVERIFY(o.contains("size_histogram") && o.contains("elapsed_ms"));

        const Run list = cli({"sessions", "list", "--json", "--match", "cli1*", "--url", url}, env);
        QCOMPARE(list.code, 0);
        const QList<QByteArray> lines = list.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 11);   // cli1, cli10 … cli19
        for (const QByteArray &line : lines) {
            const QJsonObject row = QJsonDocument::fromJson(line).object();
            QVERIFY(row.value("id").toString().startsWith("cli1"));
            QCOMPARE(row.value("key").toString(), "sess:" + row.value("id").toString());
            QCOMPARE(row.value("user").toString(), "user" + row.value("id").toString().mid(3));
            QVERIFY(row.value("ttl_ms").toInteger() > 1100000);
            QCOMPARE(row.value("type").toString(), QStringLiteral("string"));
        }
        QCOMPARE(cli({"sessions", "list", "--limit", "5", "--url", url}, env).out.trimmed().split('\n').size(), 5);

        // To a file, as the window's Export writes it: the same rows and fields as --json.
        const QString csvPath = testOutputDir() + QStringLiteral("/cli-sessions.csv");
        const QString jsonPath = testOutputDir() + QStringLiteral("/cli-sessions.json");
        QFile::remove(csvPath);
        QFile::remove(jsonPath);
        const Run toCsv = cli({"sessions", "list", "--match", "cli1*", "--output", csvPath, "--url", url}, env);
        QCOMPARE(toCsv.code, 0);
        QVERIFY(toCsv.out.isEmpty());
        QVERIFY2(toCsv.err.contains("Wrote 11 session(s)"), toCsv.err.constData());
        QFile csvFile(csvPath);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> csvLines = csvFile.readAll().trimmed().split('\n');
        QCOMPARE(csvLines.size(), 12);
        QCOMPARE(csvLines.first(), QByteArray("key,key_base64,id,user,ttl_ms,expires_at,size,type"));
        QVERIFY(csvLines.at(1).startsWith("sess:cli1"));
        QCOMPARE(cli({"sessions", "list", "--match", "cli1*", "--output", jsonPath, "--url", url}, env).code, 0);
        QFile jsonFile(jsonPath);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonArray exported = QJsonDocument::fromJson(jsonFile.readAll()).array();
        QCOMPARE(exported.size(), 11);
        const QJsonObject firstListed = QJsonDocument::fromJson(lines.first()).object();
        QCOMPARE(exported.first().toObject().keys(), firstListed.keys());
        QVERIFY(exported.first().toObject().value("expires_at").toString().endsWith('Z'));
        QCOMPARE(QFile::permissions(csvPath) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        // A cell a spreadsheet would run is written with a leading quote; its key_base64 is exact.
        QVERIFY((*conn)->command(Command{"SET", "sess:=HYPERLINK(1)", "{\"cookie\":{},\"user\":\"@SUM(1)\"}", "EX", "600"}));
        const QString formulaPath = testOutputDir() + QStringLiteral("/cli-formula.csv");
        QFile::remove(formulaPath);
        QCOMPARE(cli({"sessions", "list", "--match", "=*", "--output", formulaPath, "--url", url}, env).code, 0);
        QFile formulaFile(formulaPath);
        QVERIFY(formulaFile.open(QIODevice::ReadOnly));
        const QByteArray formulaRow = formulaFile.readAll().split('\n').value(1);
        QVERIFY2(formulaRow.startsWith("sess:=HYPERLINK(1),"), formulaRow.constData());
        QVERIFY2(formulaRow.contains(",'=HYPERLINK(1),"), formulaRow.constData());
        QVERIFY2(!formulaRow.contains(",@"), formulaRow.constData());
        QVERIFY(formulaRow.contains(QByteArray("sess:=HYPERLINK(1)").toBase64()));
        QVERIFY((*conn)->command(Command{"DEL", "sess:=HYPERLINK(1)"}));
        // Not a regular file: refused, and left as it was.
        const QString fifo = testOutputDir() + QStringLiteral("/cli-fifo.csv");
        QFile::remove(fifo);
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const Run toFifo = cli({"sessions", "list", "--output", fifo, "--url", url}, env);
        QVERIFY(toFifo.code != 0);
        QVERIFY2(toFifo.err.contains("not a regular file"), toFifo.err.constData());
        QVERIFY(QFileInfo(fifo).exists() && !QFileInfo(fifo).isFile());   // still the FIFO
        QFile::remove(fifo);
        QCOMPARE(cli({"sessions", "list", "--output", "/dev/null", "--url", url}, env).code, 64);
        QCOMPARE(cli({"sessions", "list", "--output", testOutputDir() + "/x.txt", "--url", url}, env).code, 64);
        QCOMPARE(cli({"sessions", "list", "--json", "--output", csvPath, "--url", url}, env).code, 64);
        // A file that cannot be written is an error before any scan.
        const Run unwritable = cli({"sessions", "list", "--output", "/nonexistent-dir/x.csv", "--url", url}, env);
        QVERIFY(unwritable.code != 0);
        QVERIFY2(unwritable.err.contains("Cannot write /nonexistent-dir/x.csv"), unwritable.err.constData());

        const Run show = cli({"sessions", "show", "--json", "--url", url, "connect.sid=s%3Acli7.c2lnbmF0dXJl"}, env);
        QCOMPARE(show.code, 0);
        const QJsonObject shown = QJsonDocument::fromJson(show.out).object();
        QCOMPARE(shown.value("key").toString(), QStringLiteral("sess:cli7"));
        QCOMPARE(shown.value("user").toString(), QStringLiteral("user7"));
        QCOMPARE(shown.value("kind").toString(), QStringLiteral("connect-redis"));
        QCOMPARE(cli({"sessions", "show", "--url", url, "nope"}, env).code, 2);

        // More than one key, or a pattern, needs --yes.
        QCOMPARE(cli({"sessions", "delete", "--url", url, "cli1", "cli2"}, env).code, 64);
        QCOMPARE(cli({"sessions", "delete", "--url", url, "--match", "cli3*"}, env).code, 64);
        QCOMPARE((*conn)->command(Command{"EXISTS", "sess:cli1", "sess:cli2", "sess:cli30"})->toInteger(), 3);

        const Run dry = cli({"sessions", "delete", "--json", "--dry-run", "--url", url, "--match", "cli3*"}, env);
        QCOMPARE(dry.code, 0);
        QCOMPARE(QJsonDocument::fromJson(dry.out).object().value("would_delete").toInt(), 11);
        QCOMPARE((*conn)->command(Command{"EXISTS", "sess:cli3", "sess:cli30"})->toInteger(), 2);

        const Run del = cli({"sessions", "delete", "--json", "--yes", "--url", url, "--match", "cli3*"}, env);
        QCOMPARE(del.code, 0);
        QCOMPARE(QJsonDocument::fromJson(del.out).object().value("deleted").toInt(), 11);
        const Run one = cli({"sessions", "delete", "--json", "--url", url, "sess:cli1"}, env);
        QCOMPARE(one.code, 0);
        QCOMPARE(QJsonDocument::fromJson(one.out).object().value("deleted").toInt(), 1);
        QCOMPARE((*conn)->command(Command{"EXISTS", "sess:cli1", "sess:cli3", "sess:cli35", "sess:cli2", "sess:cli4"})->toInteger(), 2);
        for (const Run &r : {stats, list, show, dry, del, one}) {
            QVERIFY(!r.out.contains(password));
            QVERIFY(!r.err.contains(password));
        }
    }

    // A whole session on a password-protected Sentinel cluster: connect, a wrong password,
    // status, the sessions commands, a delete, the probe and its drill, a failover, and the
    // three ways to pass a password. Then neither the password nor the wrong one is in anything
    // the CLI printed or wrote (its log at debug level, the audit log, any other file).
    void noSecretInAnyOutputOrFile()
    {
        const QByteArray secret = "Zq7-SessionDeck-Distinctive+Secret";
        const QByteArray wrongSecret = "Wrong-Distinctive-Zq7-Secret";
        LauncherOptions options;
        options.password = QString::fromLatin1(secret);
        LocalLauncher cluster(options);
        auto started = cluster.startSentinelDeployment();
        QVERIFY_OK(started);
        auto conn = RedisConnection::open(cluster.nodeUrl(0));
        QVERIFY_OK(conn);
        for (int i = 0; i < 20; ++i) {
            QVERIFY((*conn)->command(Command{"SET", "sess:secret" + QByteArray::number(i),
                                             "{\"cookie\":{\"httpOnly\":true},\"user\":\"u" + QByteArray::number(i) + "\"}",
                                             "EX", "600"}));
        }

        // Where the CLI writes: the test's own data folder, emptied first.
        const QString dataHome = qEnvironmentVariable("XDG_DATA_HOME", QDir::tempPath() + "/sessiondeck-cli-secret");
        QDir(dataHome + "/SessionDeck").removeRecursively();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_DATA_HOME", dataHome);
        env.insert("REDISCLI_AUTH", QString::fromLatin1(secret));
        QProcessEnvironment wrongEnv = env;
        wrongEnv.insert("REDISCLI_AUTH", QString::fromLatin1(wrongSecret));
        QProcessEnvironment noEnv = env;
        noEnv.remove("REDISCLI_AUTH");
        const QString sentinel =   // no password in it
            RedisUrl::sentinel(cluster.sentinelUrl().hosts(), cluster.sentinelUrl().masterName()).toString();
        QVERIFY(!sentinel.contains(QString::fromLatin1(secret)));
        const QString node = QStringLiteral("redis://127.0.0.1:%1").arg(cluster.nodes().at(0).port);
        const QStringList debug{"--log-level", "debug"};

        QList<Run> runs;
        const auto run = [&](const QStringList &args, const QProcessEnvironment &e, int code, const QByteArray &input = {}) {
            const Run r = cli(debug + args, e, input);
            runs << r;
            if (r.code != code)
                qWarning("%s: exit %d, expected %d: %s", qPrintable(args.join(' ')), r.code, code, r.err.constData());
            return r.code == code;
        };
        QVERIFY(run({"ping", "--url", sentinel}, env, 0));
        QVERIFY(run({"ping", "--url", node}, wrongEnv, 2));
        QVERIFY(runs.last().err.contains("rejected the password"));
        QVERIFY(run({"status", "--json", "--url", sentinel}, env, 0));
        QVERIFY(run({"sessions", "stats", "--json", "--url", sentinel}, env, 0));
        QVERIFY(run({"sessions", "list", "--json", "--url", sentinel}, env, 0));
        QVERIFY(run({"sessions", "show", "--json", "--url", sentinel, "secret3"}, env, 0));
        QVERIFY(run({"sessions", "delete", "--json", "--url", sentinel, "secret4"}, env, 0));
        QVERIFY(run({"sessions", "delete", "--json", "--yes", "--url", sentinel, "--match", "secret1*"}, env, 0));
        QVERIFY(run({"probe", "--json", "--drill", "--url", sentinel, "--fallback", node}, env, 0));
        QVERIFY(run({"failover", "--json", "--yes", "--url", sentinel}, env, 0));

        // A password file: refused while others can read it, used once it is 0600.
        const QString file = dataHome + "/pw.txt";
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(secret + "\n");
        }
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                        | QFileDevice::ReadOther);
        QVERIFY(run({"ping", "--url", node, "--password-file", file}, noEnv, 64));
        QVERIFY2(runs.last().err.contains("chmod 600"), runs.last().err.constData());
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(run({"ping", "--url", node, "--password-file", file}, noEnv, 0));
        // --askpass from a pipe.
        QVERIFY(run({"ping", "--url", node, "--askpass"}, noEnv, 0, secret + "\n"));
        // In the URL it works, with a warning, and it is never printed back.
        QVERIFY(run({"ping", "--json", "--url", cluster.nodeUrl(0).toSecretString()}, noEnv, 0));
        QVERIFY(runs.last().err.contains("shows in `ps`"));
        QVERIFY(runs.last().out.contains(":***@"));
        QFile::remove(file);

        for (const Run &r : std::as_const(runs)) {
            for (const QByteArray &s : {secret, wrongSecret}) {
                QVERIFY2(!r.out.contains(s), r.out.constData());
                QVERIFY2(!r.err.contains(s), r.err.constData());
            }
        }
        // Every file the CLI wrote: the log (at debug level) and the audit log among them.
        int files = 0;
        bool sawLog = false, sawAudit = false;
        QDirIterator it(dataHome + "/SessionDeck", QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray content = f.readAll();
            ++files;
            sawLog = sawLog || (it.fileName().startsWith("sessiondeck-cli") && content.contains("debug"));
            sawAudit = sawAudit || (it.fileName() == "audit.log" && content.contains("sess:secret4"));
            QVERIFY2(!content.contains(secret), qPrintable(it.filePath()));
            QVERIFY2(!content.contains(wrongSecret), qPrintable(it.filePath()));
        }
        QVERIFY2(sawLog && sawAudit, qPrintable(QStringLiteral("%1 files, log %2, audit %3").arg(files).arg(sawLog).arg(sawAudit)));
    }

    void probeExitCodes()
    {
        const QString fallback = m_deployment.nodeUrl(0).toString();
        const QString refused = QStringLiteral("redis://127.0.0.1:%1").arg(findFreePort());
        const Run first = cli({"probe", "--json", "--url", m_deployment.sentinelUrl().toString(), "--fallback", fallback});
        QCOMPARE(first.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(first.out).object();
        QCOMPARE(o.value("served_by").toString(), QStringLiteral("primary"));
        const QJsonArray tiers = o.value("tiers").toArray();
        QCOMPARE(tiers.size(), 3);
        for (const QJsonValue &t : tiers) {
            QVERIFY(t.toObject().value("ok").toBool());
            QVERIFY(t.toObject().contains("name") && t.toObject().contains("steps") && t.toObject().contains("error"));
        }
        const Run second = cli({"probe", "--json", "--url", refused, "--fallback", fallback});
        QCOMPARE(second.code, 1);
        QCOMPARE(QJsonDocument::fromJson(second.out).object().value("served_by").toString(), QStringLiteral("fallback 1"));
        const Run none = cli({"probe", "--url", refused});
        QCOMPARE(none.code, 2);
        QVERIFY(none.out.contains("FAILED: connect:"));
    }

    void realDrillOnItsOwnCluster()
    {
        const Run r = cli({"drill", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("failed").toInt(), 0);
        QVERIFY(o.value("writes").toInt() > 50);
        QVERIFY(o.value("on_new_master_ms").toInteger() > o.value("to_memory_ms").toInteger());
        QVERIFY(o.value("phases").toArray().size() >= 2);
    }

    void failoverNeedsYes()
    {
        const Run r = cli({"failover", "--url", m_deployment.sentinelUrl().toString()});
        QCOMPARE(r.code, 64);
        QVERIFY2(r.err.contains("--yes"), r.err.constData());
        const Run plain = cli({"failover", "--yes", "--url", m_deployment.nodeUrl(0).toString()});
        QCOMPARE(plain.code, 64);
        QVERIFY(plain.err.contains("redis-sentinel://"));
    }

    // Last: these change the cluster. A failover through the CLI, then status exit codes as
    // nodes go down: 1 for a replica down, 2 once the quorum is lost.
    void failoverAndStatusExitCodes()
    {
        const QString url = m_deployment.sentinelUrl().toString();
        const Run f = cli({"failover", "--yes", "--json", "--url", url});
        QCOMPARE(f.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(f.out).object();
        QVERIFY2(o.value("ok").toBool(), f.out.constData());
        QCOMPARE(o.value("old_master").toString(),
                 QStringLiteral("127.0.0.1:%1").arg(m_deployment.nodes().at(0).port));
        const QString newMaster = o.value("new_master").toString();
        QVERIFY(!newMaster.isEmpty() && newMaster != o.value("old_master").toString());
        QVERIFY(o.value("elapsed_ms").toInteger() > 0);
        auto agreed = m_deployment.waitForNewMaster(HostPort{"127.0.0.1", m_deployment.nodes().at(0).port}, 30000);
        QVERIFY(agreed);
        QCOMPARE(agreed->toString(), newMaster);

        // The old master, now a replica, is killed: degraded.
        QVERIFY(m_deployment.kill(0));
        Run s;
        QTRY_VERIFY_WITH_TIMEOUT((s = cli({"status", "--url", url})).code == 1, 20000);
        QVERIFY2(s.out.contains("DEGRADED"), s.out.constData());
        QVERIFY(s.out.contains("DOWN"));

        // Two of three sentinels gone: the quorum of 2 cannot be reached: critical.
        const QList<int> sentinels = m_deployment.sentinelIndexes();
        QVERIFY(m_deployment.kill(sentinels.at(0)));
        QVERIFY(m_deployment.kill(sentinels.at(1)));
        QTRY_VERIFY_WITH_TIMEOUT((s = cli({"status", "--json", "--url", url})).code == 2, 30000);
        const QJsonObject j = QJsonDocument::fromJson(s.out).object();
        QCOMPARE(j.value("health").toString(), QStringLiteral("critical"));
        QCOMPARE(j.value("quorum_ok").toBool(), false);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
