// TLS against Debian's redis-server and redis-sentinel started with tls-port and certificates
// made for the test: commands and large values through the tunnel, every way a certificate can be
// wrong (each a clear error and no connection), client certificates, the insecure switch, a
// plain port spoken to in TLS, and a whole Sentinel deployment over TLS followed through a
// failover by DeploymentMonitor. The CLI's --tls options are run as a user runs them.

#include "core/lab/locallauncher.h"
#include "core/monitor/deploymentmonitor.h"
#include "core/redis/redisconnection.h"
#include "core/sentinel/masterresolver.h"
#include "tests/support/clirun.h"
#include "tests/support/testsupport.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sdcore;

namespace {

RedisUrl withTls(RedisUrl url, const std::function<void(TlsOptions &)> &change)
{
    TlsOptions tls = url.tls();
    change(tls);
    url.setTls(tls);
    return url;
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

    LocalLauncher m_server{[] {
        LauncherOptions o;
        o.tls = true;
        o.password = QStringLiteral("tls-secret-4711");
        return o;
    }()};
    QTemporaryDir m_other;
    TlsFiles m_otherFiles;   // a CA the server's certificate is not signed by

    static CliRun cli(const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDISCLI_AUTH"), QStringLiteral("tls-secret-4711"));
        return runCli(args, env, {}, 60000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_server.startStandalone();
        QVERIFY_OK(s);
        QVERIFY(m_other.isValid());
        auto other = LocalLauncher::makeCertificates(m_other.path(), QStringLiteral("other"), QStringLiteral("Some other CA"));
        QVERIFY_OK(other);
        m_otherFiles = *other;
    }

    void commandsAndLargeValuesOverTls()
    {
        auto conn = RedisConnection::open(m_server.standaloneUrl());
        QVERIFY_OK(conn);
        QVERIFY2((*conn)->tlsDescription().startsWith(QLatin1String("TLSv1.")), qPrintable((*conn)->tlsDescription()));
        QCOMPARE((*conn)->command({"PING"})->bytes(), QByteArray("PONG"));

        // Larger than many TLS records and than the socket pair's buffers, both ways.
        QByteArray big(12 << 20, Qt::Uninitialized);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = char((i * 131) ^ (i >> 9));
        QVERIFY((*conn)->command({"SET", "tls:big", big}));
        auto back = (*conn)->command({"GET", "tls:big"});
        QVERIFY_OK(back);
        QCOMPARE(back->bytes().size(), big.size());
        QVERIFY(back->bytes() == big);

        // A deep pipeline: 20,000 commands written before a reply is read.
        QList<Command> commands;
        for (int i = 0; i < 20000; ++i)
            commands << Command{"SET", "tls:k:" + QByteArray::number(i), QByteArray::number(i)};
        auto replies = (*conn)->pipeline(commands);
        QVERIFY_OK(replies);
        QCOMPARE(replies->size(), 20000);
        QCOMPARE((*conn)->command({"DBSIZE"})->toInteger(), 20001);
        QCOMPARE((*conn)->command({"GET", "tls:k:19999"})->bytes(), QByteArray("19999"));
    }

    void byHostName()
    {
        // The certificate names localhost too.
        RedisUrl url = m_server.standaloneUrl().withNode(HostPort{QStringLiteral("localhost"), m_server.nodes().first().port});
        auto conn = RedisConnection::open(url);
        QVERIFY_OK(conn);
        QCOMPARE((*conn)->command({"PING"})->bytes(), QByteArray("PONG"));
    }

    void untrustedCertificateIsRefused()
    {
        const RedisUrl url = withTls(m_server.standaloneUrl(), [&](TlsOptions &t) { t.caFile = m_otherFiles.caFile; });
        auto conn = RedisConnection::open(url);
        QVERIFY(!conn);
        QCOMPARE(conn.error().kind, ErrorKind::Tls);
        QVERIFY2(conn.errorMessage().contains(QLatin1String("not trusted")), qPrintable(conn.errorMessage()));
        QVERIFY2(conn.errorMessage().contains(QLatin1String("--cacert")), qPrintable(conn.errorMessage()));
        QVERIFY(!conn.errorMessage().contains(QLatin1String("tls-secret-4711")));
        qInfo("untrusted: %s", qPrintable(conn.errorMessage()));

        // Without a CA file the system's CAs are used, and they do not know the test CA either.
        auto system = RedisConnection::open(withTls(m_server.standaloneUrl(), [](TlsOptions &t) { t.caFile.clear(); }));
        QVERIFY(!system);
        QCOMPARE(system.error().kind, ErrorKind::Tls);
        QVERIFY2(system.errorMessage().contains(QLatin1String("not trusted")), qPrintable(system.errorMessage()));
    }

    void insecureSkipsVerificationOnlyWhenAsked()
    {
        const RedisUrl url = withTls(m_server.standaloneUrl(), [&](TlsOptions &t) {
            t.caFile = m_otherFiles.caFile;
            t.insecure = true;
        });
        auto conn = RedisConnection::open(url);
        QVERIFY_OK(conn);
        QCOMPARE((*conn)->command({"PING"})->bytes(), QByteArray("PONG"));
        QVERIFY(url.toString().contains(QLatin1String("insecure=1")));
    }

    void wrongServerName()
    {
        const RedisUrl url = withTls(m_server.standaloneUrl(), [](TlsOptions &t) { t.serverName = QStringLiteral("redis.example.com"); });
        auto conn = RedisConnection::open(url);
        QVERIFY(!conn);
        QCOMPARE(conn.error().kind, ErrorKind::Tls);
        QVERIFY2(conn.errorMessage().contains(QLatin1String("redis.example.com")), qPrintable(conn.errorMessage()));
        QVERIFY2(conn.errorMessage().contains(QLatin1String("--sni")), qPrintable(conn.errorMessage()));
        qInfo("wrong name: %s", qPrintable(conn.errorMessage()));
        // The right name given explicitly verifies.
        auto right = RedisConnection::open(withTls(m_server.standaloneUrl(), [](TlsOptions &t) { t.serverName = QStringLiteral("localhost"); }));
        QVERIFY_OK(right);
    }

    void unreadableFilesAreNamed()
    {
        auto noCa = RedisConnection::open(withTls(m_server.standaloneUrl(), [](TlsOptions &t) { t.caFile = QStringLiteral("/nonexistent/ca.crt"); }));
        QVERIFY(!noCa);
        QCOMPARE(noCa.error().kind, ErrorKind::Tls);
        QVERIFY2(noCa.errorMessage().contains(QLatin1String("/nonexistent/ca.crt")), qPrintable(noCa.errorMessage()));

        // A key that is not the certificate's.
        auto mismatch = RedisConnection::open(withTls(m_server.standaloneUrl(), [&](TlsOptions &t) {
            t.certFile = m_server.tlsFiles().certFile;
            t.keyFile = m_otherFiles.keyFile;
        }));
        QVERIFY(!mismatch);
        QVERIFY2(mismatch.errorMessage().contains(QLatin1String("does not belong")), qPrintable(mismatch.errorMessage()));
    }

    void plainPortSpokenToInTls()
    {
        LocalLauncher plain;
        auto s = plain.startStandalone();
        QVERIFY_OK(s);
        ConnectionOptions options;
        options.connectTimeoutMs = 1500;
        auto conn = RedisConnection::open(withTls(plain.standaloneUrl(), [&](TlsOptions &t) {
            t.enabled = true;
            t.caFile = m_server.tlsFiles().caFile;
        }), options);
        QVERIFY(!conn);
        QVERIFY2(conn.error().kind == ErrorKind::Tls || conn.error().kind == ErrorKind::Timeout,
                 qPrintable(conn.errorMessage()));
        QVERIFY2(conn.errorMessage().contains(QLatin1String("TLS")), qPrintable(conn.errorMessage()));

        // And the other way round: plain text to a TLS port never passes as a connection.
        auto plainToTls = RedisConnection::open(withTls(m_server.standaloneUrl(), [](TlsOptions &t) { t.enabled = false; }), options);
        QVERIFY(!plainToTls);
        QVERIFY(plainToTls.error().isConnectionFailure());
        qInfo("TLS to a plain port: %s", qPrintable(conn.errorMessage()));
        qInfo("plain text to a TLS port: %s", qPrintable(plainToTls.errorMessage()));
    }

    // A TLS server that goes away mid-connection reads as one that closed the connection, as
    // in plain text; a restarted one is reached again with a new connection.
    void serverKilledUnderAConnection()
    {
        LauncherOptions o;
        o.tls = true;
        LocalLauncher server(o);
        auto s = server.startStandalone();
        QVERIFY_OK(s);
        auto conn = RedisConnection::open(server.standaloneUrl());
        QVERIFY_OK(conn);
        QVERIFY((*conn)->command({"PING"}));
        QVERIFY(server.kill(0));
        auto after = (*conn)->command({"PING"});
        QVERIFY(!after);
        QCOMPARE(after.error().kind, ErrorKind::Io);
        QVERIFY2(after.errorMessage().contains(QLatin1String("closed the connection"))
                     || after.errorMessage().contains(QLatin1String("reset")),
                 qPrintable(after.errorMessage()));
        QVERIFY((*conn)->isBroken());
        QVERIFY(server.restart(0));
        auto again = RedisConnection::open(server.standaloneUrl());
        QVERIFY_OK(again);
        QCOMPARE((*again)->command({"PING"})->bytes(), QByteArray("PONG"));
        qInfo("killed under a TLS connection: %s", qPrintable(after.errorMessage()));
    }

    void clientCertificates()
    {
        LauncherOptions o;
        o.tls = true;
        o.tlsAuthClients = true;
        LocalLauncher server(o);
        auto s = server.startStandalone();
        QVERIFY_OK(s);
        QVERIFY(!server.standaloneUrl().tls().certFile.isEmpty());

        auto with = RedisConnection::open(server.standaloneUrl());
        QVERIFY_OK(with);
        QCOMPARE((*with)->command({"PING"})->bytes(), QByteArray("PONG"));

        auto without = RedisConnection::open(withTls(server.standaloneUrl(), [](TlsOptions &t) {
            t.certFile.clear();
            t.keyFile.clear();
        }));
        QVERIFY(!without);
        QCOMPARE(without.error().kind, ErrorKind::Tls);
        QVERIFY2(without.errorMessage().contains(QLatin1String("--cert")), qPrintable(without.errorMessage()));
        qInfo("no client certificate: %s", qPrintable(without.errorMessage()));

        // A certificate from a CA the server does not trust.
        auto foreign = RedisConnection::open(withTls(server.standaloneUrl(), [&](TlsOptions &t) {
            t.certFile = m_otherFiles.certFile;
            t.keyFile = m_otherFiles.keyFile;
        }));
        QVERIFY(!foreign);
        QCOMPARE(foreign.error().kind, ErrorKind::Tls);
        qInfo("foreign client certificate: %s", qPrintable(foreign.errorMessage()));
    }

    void sentinelOverTls()
    {
        LauncherOptions o;
        o.tls = true;
        o.replicas = 1;
        o.password = QStringLiteral("tls-secret-4711");
        LocalLauncher cluster(o);
        auto s = cluster.startSentinelDeployment();
        QVERIFY_OK(s);
        QVERIFY(cluster.sentinelUrl().toString().startsWith(QLatin1String("rediss-sentinel://")));

        auto master = MasterResolver::connect(cluster.sentinelUrl());
        QVERIFY_OK(master);
        QVERIFY(master->connection->tlsDescription().startsWith(QLatin1String("TLSv1.")));

        MonitorOptions options;
        options.poller.intervalMs = 500;
        options.census = false;
        DeploymentMonitor monitor(cluster.sentinelUrl(), options);
        QSignalSpy finished(&monitor, &DeploymentMonitor::failoverFinished);
        monitor.start();
        QTRY_VERIFY_WITH_TIMEOUT(countOf(monitor.timeline(), "events-restored") == 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.lastSnapshot() && monitor.lastSnapshot()->health == Health::Ok, 20000);
        const TopologySnapshot first = *monitor.lastSnapshot();
        QCOMPARE(firstShard(first).replicas.size(), 1);
        QCOMPARE(first.sentinel.sentinels.size(), 3);
        QCOMPARE(firstShard(first).primary.address.port, master->node.port);
        QCOMPARE(master->role, QByteArray("master"));

        monitor.requestFailover(60000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const auto outcome = finished.first().first().value<FailoverOutcome>();
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QTRY_VERIFY_WITH_TIMEOUT(countOf(monitor.timeline(), "+switch-master") == 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(firstShard(*monitor.lastSnapshot()).primary.address == outcome.newMaster
                                     && monitor.lastSnapshot()->health == Health::Ok,
                                 20000);
    }

    void cliTlsOptions()
    {
        const quint16 port = m_server.nodes().first().port;
        const QString url = QStringLiteral("redis://127.0.0.1:%1").arg(port);
        const CliRun ok = cli({"ping", "--url", url, "--tls", "--cacert", m_server.tlsFiles().caFile});
        QVERIFY2(ok.code == 0, (ok.out + ok.err).constData());

        const CliRun rediss = cli({"ping", "--url", QStringLiteral("rediss://127.0.0.1:%1").arg(port), "--cacert",
                                   m_server.tlsFiles().caFile, "--sni", "localhost"});
        QVERIFY2(rediss.code == 0, (rediss.out + rediss.err).constData());

        const CliRun untrusted = cli({"ping", "--url", url, "--tls", "--cacert", m_otherFiles.caFile});
        QCOMPARE(untrusted.code, 2);
        QVERIFY2(untrusted.err.contains("not trusted"), untrusted.err.constData());

        const CliRun insecure = cli({"ping", "--url", url, "--tls", "--cacert", m_otherFiles.caFile, "--insecure"});
        QVERIFY2(insecure.code == 0, (insecure.out + insecure.err).constData());

        // TLS options without TLS are a usage error, not a quiet plain-text connection.
        const CliRun plain = cli({"ping", "--url", url, "--cacert", m_server.tlsFiles().caFile});
        QCOMPARE(plain.code, 64);
        QVERIFY2(plain.err.contains("--tls"), plain.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
