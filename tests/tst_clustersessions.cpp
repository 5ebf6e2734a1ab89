// Sessions on a real Redis Cluster (3 primaries, 3 replicas) through what the window and the
// command line share: the browser's scan runs one scanner per shard and tags each batch with
// its shard, reads from one replica per shard give the same rows, a session opens from its own
// node, deletes of chosen keys and of a previewed pattern remove exactly those keys on the
// nodes that hold them (a key created after the preview stays and is reported); the CLI's
// touch changes the TTL on the key's primary, and delete --user finds and deletes one user's
// sessions on every shard and nobody else's. A primary killed in the middle of a census: the
// shard is counted again on the replica the cluster promotes, and the total stays exact.

#include "core/cluster/clustercensus.h"
#include "core/cluster/clusterrouter.h"
#include "core/cluster/clusterslot.h"
#include "core/lab/locallauncher.h"
#include "core/monitor/topologypoller.h"
#include "core/sessions/sessionbrowser.h"
#include "tests/support/clirun.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <thread>

using namespace sdcore;

class TestClusterSessions : public QObject
{
    Q_OBJECT

    LocalLauncher m_cluster;
    std::unique_ptr<ClusterRouter> m_router;
    QTemporaryDir m_data;   // the audit log of the deletes

    // Writes "sess:<prefix><i>" with `fields`, each on the primary of its slot.
    void write(const QByteArray &prefix, int count, const QByteArray &fields, qint64 ttlMs = 3600000)
    {
        QList<QPair<QByteArray, Command>> commands;
        for (int i = 0; i < count; ++i) {
            const QByteArray key = "sess:" + prefix + QByteArray::number(i);
            commands.append({key, Command{"SET", key, sessionJson(fields, ttlMs), "PX", QByteArray::number(ttlMs)}});
        }
        auto replies = m_router->pipeline(commands);
        QVERIFY_OK(replies);
        for (const RedisValue &v : std::as_const(*replies))
            QVERIFY2(!v.isError(), v.bytes().constData());
        // On every replica too, before a test reads from them or fails a primary over.
        for (const HostPort &primary : m_router->primaries()) {
            auto conn = m_router->connectionTo(primary);
            QVERIFY_OK(conn);
            auto acked = (*conn)->command(Command{"WAIT", "1", "5000"});
            QVERIFY_OK(acked);
            QCOMPARE(acked->toInteger(), 1);
        }
    }

    qint64 exists(const QByteArray &key)
    {
        auto r = m_router->command(key, Command{"EXISTS", key});
        return r ? r->toInteger() : -1;
    }

    // Keys under `pattern` on every primary, each by its own SCAN.
    qint64 count(const QByteArray &pattern)
    {
        qint64 n = 0;
        for (const HostPort &primary : m_router->primaries()) {
            auto conn = m_router->connectionTo(primary);
            if (!conn)
                return -1;
            QByteArray cursor = "0";
            do {
                auto reply = (*conn)->command(Command{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
                if (!reply)
                    return -1;
                cursor = reply->at(0).bytes();
                n += reply->at(1).size();
            } while (cursor != "0");
        }
        return n;
    }

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert("XDG_DATA_HOME", m_data.path());
        return e;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_DATA_HOME", m_data.path().toUtf8());
        QVERIFY_OK(m_cluster.startCluster());
        m_router = std::make_unique<ClusterRouter>(m_cluster.clusterUrl());
        QVERIFY_OK(m_router->refresh());
        QCOMPARE(m_router->primaries().size(), 3);
    }

    void browserScansEveryShard()
    {
        write("b-", 600, "\"user\":\"b\"");
        SessionBrowser browser;
        browser.setTarget(m_cluster.clusterUrl(), QStringLiteral("cluster"));
        for (const bool replica : {false, true}) {
            browser.setReadFromReplica(replica);
            QSignalSpy batches(&browser, &SessionBrowser::scanBatch);
            QSignalSpy finished(&browser, &SessionBrowser::scanFinished);
            ScanOptions options;
            options.prefix = "sess:b-";
            browser.startScan(options);
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
            const auto summary = finished.at(0).at(1).value<ScanSummary>();
            QVERIFY2(summary.complete, qPrintable(summary.error));
            QVERIFY2(summary.rows == 600, qPrintable(QStringLiteral("%1 rows from the %2").arg(summary.rows).arg(
                                              replica ? QStringLiteral("replicas") : QStringLiteral("primaries"))));
            QCOMPARE(summary.shards, 3);
            QSet<QByteArray> keys;
            QSet<QString> shards;
            qint64 lastSeen = 0;
            for (const QList<QVariant> &signal : std::as_const(batches)) {
                const auto batch = signal.at(1).value<ScanBatch>();
                shards << batch.shard;
                // Progress is the whole cluster's: it never goes back.
                QVERIFY(batch.keysSeen >= lastSeen);
                lastSeen = batch.keysSeen;
                for (const SessionRow &row : batch.rows) {
                    QVERIFY2(!keys.contains(row.key), row.key.constData());
                    keys << row.key;
                    // The batch's shard is the one whose slots hold the key.
                    QCOMPARE(m_router->nodeOf(row.key).toString(),
                             m_router->nodeOfSlot(batch.shard.section(u'-', 0, 0).toInt()).toString());
                }
            }
            QCOMPARE(keys.size(), 600);
            QCOMPARE(shards.size(), 3);
        }
    }

    void browserOpensAndDeletesExactly()
    {
        write("x-", 90, "\"user\":\"x\"");
        write("keep-", 30, "\"user\":\"keep\"");
        SessionBrowser browser;
        browser.setTarget(m_cluster.clusterUrl(), QStringLiteral("cluster"));

        // A session opens from its own node.
        QSignalSpy fetched(&browser, &SessionBrowser::sessionFetched);
        QSignalSpy failed(&browser, &SessionBrowser::fetchFailed);
        browser.fetch("sess:x-7", "sess:");
        QTRY_COMPARE_WITH_TIMEOUT(fetched.count() + failed.count(), 1, 10000);
        QCOMPARE(failed.count(), 0);
        const auto session = fetched.at(0).at(0).value<DecodedSession>();
        QCOMPARE(session.kind, DecodedSession::Kind::ConnectRedis);
        QCOMPARE(session.user, QStringLiteral("x"));
        QVERIFY(session.pttlMs > 3000000);

        // Chosen keys on three shards: those, and nothing else.
        QList<QByteArray> chosen{"sess:x-0", "sess:x-1", "sess:x-2", "sess:x-3", "sess:x-4", "sess:x-5"};
        QSet<QString> nodes;
        for (const QByteArray &key : std::as_const(chosen))
            nodes << m_router->nodeOf(key).toString();
        QCOMPARE(nodes.size(), 3);
        QSignalSpy deleted(&browser, &SessionBrowser::deleteFinished);
        browser.deleteKeys(chosen);
        QTRY_COMPARE_WITH_TIMEOUT(deleted.count(), 1, 10000);
        DeleteResult r = deleted.at(0).at(0).value<DeleteResult>();
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.deleted, 6);
        for (const QByteArray &key : std::as_const(chosen))
            QCOMPARE(exists(key), 0);
        QCOMPARE(count("sess:x-*"), 84);

        // A pattern: the preview counts across shards; a key created after it is left and said.
        browser.previewPattern("sess:", "x-*");
        QTRY_COMPARE_WITH_TIMEOUT(deleted.count(), 2, 20000);
        const DeleteResult preview = deleted.at(1).at(0).value<DeleteResult>();
        QVERIFY2(preview.complete, qPrintable(preview.error));
        QVERIFY(preview.dryRun);
        QCOMPARE(preview.requested, 84);
        write("x-late-", 1, "\"user\":\"x\"");
        browser.deletePreviewed(preview);
        QTRY_COMPARE_WITH_TIMEOUT(deleted.count(), 3, 20000);
        r = deleted.at(2).at(0).value<DeleteResult>();
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.deleted, 84);
        QCOMPARE(r.alsoMatching, 1);
        QCOMPARE(exists("sess:x-late-0"), 1);
        QCOMPARE(count("sess:x-*"), 1);
        QCOMPARE(count("sess:keep-*"), 30);

        // Read-only: refused without a word to the cluster.
        browser.setReadOnly(true);
        browser.deleteKeys({"sess:keep-1"});
        QTRY_COMPARE_WITH_TIMEOUT(deleted.count(), 4, 10000);
        QVERIFY(deleted.at(3).at(0).value<DeleteResult>().error.contains("read-only"));
        QCOMPARE(exists("sess:keep-1"), 1);
    }

    void cliTouchOnTheKeysPrimary()
    {
        write("t-", 3, "\"user\":\"t\"", 60000);
        const QString url = m_cluster.clusterUrl().toString();
        const QByteArray before = m_router->command("sess:t-1", Command{"GET", "sess:t-1"})->bytes();
        CliRun run = runCli({"sessions", "touch", "--url", url, "--ttl", "2h", "--update-cookie", "--json", "--", "t-1"});
        QVERIFY2(run.code == 0, run.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QVERIFY(o.value("ttl_ms").toInteger() > 7000000);
        QVERIFY(o.value("cookie_updated").toBool());
        QVERIFY(m_router->command("sess:t-1", Command{"PTTL", "sess:t-1"})->toInteger() > 7000000);
        const QByteArray after = m_router->command("sess:t-1", Command{"GET", "sess:t-1"})->bytes();
        QCOMPARE(after.left(after.indexOf("\"expires\"")), before.left(before.indexOf("\"expires\"")));
        QVERIFY(after.contains(o.value("cookie_expires").toString().toUtf8()));
        // The others untouched; a missing one said.
        QVERIFY(m_router->command("sess:t-0", Command{"PTTL", "sess:t-0"})->toInteger() <= 60000);
        run = runCli({"sessions", "touch", "--url", url, "--ttl", "2h", "--", "no-such"});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("no session 'sess:no-such' on the cluster"), run.err.constData());
    }

    void cliDeleteByUserOnEveryShard()
    {
        write("alice-", 40, "\"user\":{\"id\":3,\"name\":\"alice\"}");
        write("bob-", 40, "\"user\":{\"id\":4,\"name\":\"bob\"}");
        const QString url = m_cluster.clusterUrl().toString();
        CliRun run = runCli({"sessions", "delete", "--url", url, "--user", "alice", "--dry-run", "--json"}, env());
        QVERIFY2(run.code == 0, run.err.constData());
        const QJsonObject dry = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(dry.value("would_delete").toInt(), 40);
        QCOMPARE(runCli({"sessions", "delete", "--url", url, "--user", "alice"}, env()).code, 64);   // needs --yes
        run = runCli({"sessions", "delete", "--url", url, "--user", "alice", "--yes", "--expect",
                      dry.value("expect").toString(), "--json"}, env());
        QVERIFY2(run.code == 0, run.err.constData());
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("deleted").toInt(), 40);
        QCOMPARE(count("sess:alice-*"), 0);
        QCOMPARE(count("sess:bob-*"), 40);
    }

    // Last: it kills a primary.
    void censusCountedAgainAfterFailover()
    {
        write("c-", 3000, "\"user\":\"c\"");   // the replicas have them all
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QCOMPARE(s.shards.size(), 3);
        auto victim = m_cluster.primaryIndexOfSlot(0);
        QVERIFY_OK(victim);
        const HostPort killed{QStringLiteral("127.0.0.1"), m_cluster.nodes().at(*victim).port};

        // About three seconds a shard at 900 keys a second for the cluster.
        ScanOptions slow;
        slow.keysPerSecond = 900;
        CensusResult r;
        std::thread census([&] { r = ClusterCensus::run(m_cluster.clusterUrl(), s, "sess:c-", nullptr, slow); });
        QThread::msleep(800);
        const Status stopped = m_cluster.kill(*victim);
        census.join();
        QVERIFY_OK(stopped);

        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.count, 3000);
        int again = 0;
        for (const ShardCensus &shard : std::as_const(r.shards)) {
            QVERIFY2(shard.complete, qPrintable(shard.error));
            if (shard.failedNode.host.isEmpty())
                continue;
            ++again;
            QCOMPARE(shard.failedNode, killed);
            QVERIFY(!(shard.node == killed));
            QVERIFY(shard.name.startsWith("0-"));
        }
        QCOMPARE(again, 1);
    }
};

QTEST_MAIN(TestClusterSessions)
#include "tst_clustersessions.moc"
