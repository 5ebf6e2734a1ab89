// SessionDeck on a real Redis Cluster (3 primaries, 3 replicas, cluster-node-timeout 1000 ms)
// that the launcher starts: the topology and health the poller builds from it, seeds that are
// dead or not in cluster mode, a replica killed (degraded), a primary killed (the failover found
// once, with both primaries named), a shard losing primary and replica (cluster_state:fail,
// critical), the census across shards and the monitor's timeline, and the CLI's status and events
// on it.

#include "core/cluster/clustercensus.h"
#include "core/cluster/clusterrouter.h"
#include "core/cluster/clusterslot.h"
#include "core/lab/locallauncher.h"
#include "core/monitor/deploymentmonitor.h"
#include "core/monitor/topologypoller.h"
#include "core/redis/redisconnection.h"
#include "tests/support/clirun.h"
#include "tests/support/testsupport.h"

#include "core/sessions/auditlog.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QThread>

using namespace sdcore;

class TestCluster : public QObject
{
    Q_OBJECT

    LocalLauncher m_cluster;

    quint16 portAt(int index) const { return m_cluster.nodes().at(index).port; }

    // Polls until `done` holds for a snapshot (or `timeoutMs`); every event of every poll goes
    // to `events`.
    template<typename Done>
    TopologySnapshot pollUntil(TopologyPoller &poller, Done done, int timeoutMs, QList<SentinelEvent> *events)
    {
        QElapsedTimer timer;
        timer.start();
        TopologySnapshot s;
        do {
            s = poller.pollOnce();
            if (events)
                *events << s.events;
            if (done(s))
                return s;
            QThread::msleep(100);
        } while (timer.elapsed() < timeoutMs);
        return s;
    }

    static int count(const QList<SentinelEvent> &events, const QString &type)
    {
        return int(std::count_if(events.begin(), events.end(), [&](const SentinelEvent &e) { return e.type == type; }));
    }

    // Writes `count` sessions "sess:<prefix><i>", each on the primary of its slot; returns how
    // many went to each primary.
    QMap<HostPort, int> writeSessions(const QString &prefix, int count, const TopologySnapshot &s)
    {
        std::map<QString, std::unique_ptr<RedisConnection>> conns;
        QMap<HostPort, QList<Command>> batches;
        for (int i = 0; i < count; ++i) {
            const QByteArray key = "sess:" + prefix.toUtf8() + QByteArray::number(i);
            const ShardState *shard = s.shardOfSlot(keySlot(key));
            batches[shard->primary.address] << Command{"SET", key, sessionJson("\"n\":" + QByteArray::number(i)), "PX", "1800000"};
        }
        QMap<HostPort, int> perPrimary;
        for (auto it = batches.cbegin(); it != batches.cend(); ++it) {
            auto conn = RedisConnection::open(m_cluster.clusterUrl().withNode(it.key()));
            if (!conn)
                qFatal("%s", qPrintable(conn.errorMessage()));
            auto replies = (*conn)->pipeline(it.value());
            if (!replies)
                qFatal("%s", qPrintable(replies.errorMessage()));
            for (const RedisValue &r : *replies) {
                if (r.isError())
                    qFatal("%s", r.bytes().constData());
            }
            perPrimary[it.key()] = int(it.value().size());
        }
        return perPrimary;
    }

    // How many keys match `pattern` on one node, by its own SCAN.
    qint64 scanCount(const HostPort &node, const QByteArray &pattern)
    {
        auto conn = RedisConnection::open(m_cluster.clusterUrl().withNode(node));
        qint64 n = 0;
        QByteArray cursor = "0";
        do {
            auto reply = (*conn)->command(Command{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
            cursor = reply->at(0).bytes();
            n += reply->at(1).size();
        } while (cursor != "0");
        return n;
    }

    // Brings back every stopped node and waits for a healthy cluster.
    void restore()
    {
        for (int i = 0; i < m_cluster.nodes().size(); ++i) {
            if (m_cluster.nodes().at(i).pid <= 0)
                QVERIFY_OK(m_cluster.restart(i));
        }
        QVERIFY_OK(m_cluster.waitForClusterReady(30000));
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot s =
            pollUntil(poller, [](const TopologySnapshot &s) { return s.health == Health::Ok; }, 20000, nullptr);
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n')));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY_OK(m_cluster.startCluster());
    }

    void topologyMatchesCluster()
    {

        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n') + s.error));
        QCOMPARE(s.kind, DeploymentKind::Cluster);
        QVERIFY(!s.hasSentinels());
        QCOMPARE(s.shards.size(), 3);
        QCOMPARE(s.nodes().size(), 6);
        QVERIFY(s.spareNodes.isEmpty());
        QCOMPARE(s.cluster.state, QStringLiteral("ok"));
        QCOMPARE(s.cluster.slotsOk, 16384);
        QCOMPARE(s.cluster.knownNodes, 6);
        QVERIFY(s.cluster.fromShards);   // Redis 7 answers CLUSTER SHARDS
        int covered = 0;
        QSet<quint16> ports;
        for (const ShardState &shard : s.shards) {
            for (const SlotRange &r : shard.slots)
                covered += r.count();
            QVERIFY(shard.primaryUp());
            QCOMPARE(shard.primary.role, QStringLiteral("master"));
            QCOMPARE(shard.primary.nodeId.size(), 40);
            QVERIFY(shard.primary.rttMs > 0);
            QVERIFY(shard.primary.usedMemory > 0);
            QCOMPARE(shard.primary.linkState, QStringLiteral("connected"));
            QCOMPARE(shard.replicas.size(), 1);
            const RedisNodeState &r = shard.replicas.first();
            QVERIFY(r.up);
            QCOMPARE(r.role, QStringLiteral("slave"));
            QCOMPARE(r.masterLinkStatus, QStringLiteral("up"));
            QVERIFY(r.lagBytes >= 0);
            QVERIFY(r.lagSeconds >= 0);
            // CLUSTER SHARDS says "loading" for a replica whose offset is 0 (an empty data set).
            QVERIFY2(r.clusterHealth == QLatin1String("online") || r.clusterHealth == QLatin1String("loading"),
                     qPrintable(r.clusterHealth));
            ports << shard.primary.address.port << r.address.port;
        }
        QCOMPARE(covered, 16384);
        QCOMPARE(ports.size(), 6);
        // The seeds were three nodes; the poller learned all six.
        QCOMPARE(m_cluster.clusterUrl().hosts().size(), 3);
        QCOMPARE(poller.knownClusterNodes().size(), 6);
        // The key's slot is served where the cluster says.
        const ShardState *shard = s.shardOfSlot(12182);   // "foo"
        QVERIFY(shard);
        auto index = m_cluster.primaryIndexOfSlot(12182);
        QVERIFY_OK(index);
        QCOMPARE(shard->primary.address.port, portAt(*index));
    }

    void oneLiveSeedIsEnough()
    {
        const quint16 dead = findFreePort();
        RedisUrl url = RedisUrl::cluster({HostPort{"127.0.0.1", dead}, m_cluster.clusterUrl().hosts().last()});
        TopologyPoller poller(url, PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n') + s.error));
        QCOMPARE(s.shards.size(), 3);

        // No seed at all: an error that names each seed and why.
        TopologyPoller nobody(RedisUrl::cluster({HostPort{"127.0.0.1", dead}}), PollerOptions());
        const TopologySnapshot none = nobody.pollOnce();
        QCOMPARE(none.health, Health::Critical);
        QVERIFY(none.shards.isEmpty());
        QVERIFY2(none.error.contains(QStringLiteral("127.0.0.1:%1").arg(dead)), qPrintable(none.error));
        QVERIFY(none.events.isEmpty());
    }

    void seedNotInClusterMode()
    {
        LocalLauncher standalone;
        QVERIFY_OK(standalone.startStandalone());
        const HostPort node = standalone.standaloneUrl().hosts().first();
        TopologyPoller poller(RedisUrl::cluster({node}), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QCOMPARE(s.health, Health::Critical);
        QCOMPARE(s.errorKind, ErrorKind::Unsupported);
        QVERIFY2(s.error.contains("not in cluster mode"), qPrintable(s.error));
        QVERIFY2(s.error.contains("redis://" + node.toString()), qPrintable(s.error));

        const CliRun run = runCli({"status", "--url", "redis-cluster://" + node.toString()});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.out.contains("not in cluster mode"), run.out.constData());
    }

    void cliStatus()
    {
        const QString url = m_cluster.clusterUrl().toString();
        CliRun run = runCli({"status", "--url", url, "--json"});
        QCOMPARE(run.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(o.value("kind").toString(), QStringLiteral("cluster"));
        QCOMPARE(o.value("health").toString(), QStringLiteral("ok"));
        QCOMPARE(o.value("cluster_state").toString(), QStringLiteral("ok"));
        const QJsonArray shards = o.value("shards").toArray();
        QCOMPARE(shards.size(), 3);
        int covered = 0;
        for (const QJsonValue &v : shards) {
            const QJsonObject shard = v.toObject();
            for (const QJsonValue &r : shard.value("slots").toArray())
                covered += r.toArray().at(1).toInt() - r.toArray().at(0).toInt() + 1;
            QVERIFY(shard.value("primary").toObject().value("up").toBool());
            QVERIFY(shard.value("primary").toObject().contains("host"));
            QCOMPARE(shard.value("replicas").toArray().size(), 1);
            QVERIFY(shard.value("replicas").toArray().at(0).toObject().value("up").toBool());
        }
        QCOMPARE(covered, 16384);

        run = runCli({"status", "--url", url});
        QCOMPARE(run.code, 0);
        QVERIFY2(run.out.contains("OK"), run.out.constData());
        QVERIFY2(run.out.contains("cluster_state ok"), run.out.constData());
        QVERIFY2(run.out.contains("shard 0-"), run.out.constData());
        QCOMPARE(run.out.count("  primary "), 3);
        QCOMPARE(run.out.count("  replica "), 3);
    }

    // The census counts every shard: the total is the sum of each primary's own SCAN, and each
    // shard's figure is kept.
    void censusAcrossShards()
    {
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        const QMap<HostPort, int> written = writeSessions(QStringLiteral("census-"), 3000, s);
        QCOMPARE(written.size(), 3);
        const CensusResult r = ClusterCensus::run(m_cluster.clusterUrl(), s, QStringLiteral("sess:census-"));
        QVERIFY2(r.complete, qPrintable(r.error));
        QCOMPARE(r.count, 3000);
        QCOMPARE(r.shards.size(), 3);
        qint64 sum = 0;
        for (const ShardCensus &shard : r.shards) {
            QVERIFY(shard.complete);
            QCOMPARE(shard.count, qint64(written.value(shard.node)));
            QCOMPARE(shard.count, scanCount(shard.node, "sess:census-*"));
            sum += shard.count;
        }
        QCOMPARE(sum, r.count);
        QCOMPARE(r.ttl[CensusResult::UnderHour], 3000);
        QVERIFY(r.totalBytes > 3000 * 100);

        // A shard that cannot be counted makes the figure partial, and says which.
        TopologySnapshot broken = s;
        broken.shards[1].primary.up = false;
        const CensusResult partial = ClusterCensus::run(m_cluster.clusterUrl(), broken, QStringLiteral("sess:census-"));
        QVERIFY(!partial.complete);
        QVERIFY2(partial.error.contains(broken.shards[1].name), qPrintable(partial.error));
        QCOMPARE(partial.count, 3000 - written.value(s.shards[1].primary.address));

        // The same from the replicas, one per shard (READONLY), once they have the keys.
        QTRY_COMPARE_WITH_TIMEOUT(ClusterCensus::run(m_cluster.clusterUrl(), s, QStringLiteral("sess:census-"), nullptr, {},
                                                     true).count,
                                  3000, 10000);
        const CensusResult replicas =
            ClusterCensus::run(m_cluster.clusterUrl(), s, QStringLiteral("sess:census-"), nullptr, {}, true);
        QVERIFY2(replicas.complete, qPrintable(replicas.error));
        for (const ShardCensus &shard : replicas.shards)
            QCOMPARE(s.node(shard.node)->role, QStringLiteral("slave"));

        // The CLI gives the total and each shard's figure.
        const CliRun run = runCli({"sessions", "stats", "--url", m_cluster.clusterUrl().toString(), "--prefix",
                                   "sess:census-", "--json"});
        QCOMPARE(run.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(o.value("count").toInt(), 3000);
        QCOMPARE(o.value("kind").toString(), QStringLiteral("cluster"));
        const QJsonArray shards = o.value("shards").toArray();
        QCOMPARE(shards.size(), 3);
        for (const QJsonValue &v : shards) {
            const HostPort primary{QStringLiteral("127.0.0.1"),
                                   quint16(v.toObject().value("primary").toString().section(':', 1).toUInt())};
            QCOMPARE(v.toObject().value("count").toInt(), written.value(primary));
        }
        const CliRun text = runCli({"sessions", "stats", "--url", m_cluster.clusterUrl().toString(), "--prefix",
                                    "sess:census-", "--replica"});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains("on 3 shards: 3000"), text.out.constData());
    }

    // One session by id or by cookie, read on its own shard.
    void showOnCluster()
    {
        const QString url = m_cluster.clusterUrl().toString();
        ClusterRouter router(m_cluster.clusterUrl());
        QVERIFY_OK(router.refresh());
        for (const char *id : {"census-5", "census-1234", "census-2999"}) {
            const QByteArray key = "sess:" + QByteArray(id);
            CliRun run = runCli({"sessions", "show", "--url", url, "--json", "--", id});
            QVERIFY2(run.code == 0, run.err.constData());
            const QJsonObject o = QJsonDocument::fromJson(run.out).object();
            QCOMPARE(o.value("key").toString(), QString::fromUtf8(key));
            QCOMPARE(o.value("node").toString(), router.nodeOf(key).toString());
            QCOMPARE(o.value("kind").toString(), QStringLiteral("connect-redis"));
            QVERIFY(o.value("ttl_ms").toInteger() > 0);
            // A browser cookie names the same session.
            run = runCli({"sessions", "show", "--url", url, "--", "connect.sid=s%3A" + QString::fromLatin1(id) + ".c2lnbmF0dXJl"});
            QVERIFY2(run.code == 0, run.err.constData());
            QVERIFY2(run.out.contains("Node:    " + router.nodeOf(key).toString().toUtf8()), run.out.constData());
        }
        // The list walks every shard: each session once, tagged with the shard that holds it.
        CliRun list = runCli({"sessions", "list", "--url", url, "--prefix", "sess:census-", "--json"});
        QCOMPARE(list.code, 0);
        QSet<QString> ids;
        QHash<QString, int> perShard;
        for (const QByteArray &line : list.out.split('\n')) {
            if (line.isEmpty())
                continue;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            ids << o.value("id").toString();
            ++perShard[o.value("shard").toString()];
            if (o.value("id").toString() == QLatin1String("5"))
                QCOMPARE(router.nodeOf("sess:census-5"),
                         router.nodeOfSlot(o.value("shard").toString().section('-', 0, 0).toInt()));
        }
        QCOMPARE(ids.size(), 3000);
        QCOMPARE(perShard.size(), 3);
        list = runCli({"sessions", "list", "--url", url, "--prefix", "sess:census-", "--limit", "25"});
        QCOMPARE(list.code, 0);
        QCOMPARE(list.out.count('\n'), 25);
        list = runCli({"sessions", "list", "--url", url, "--prefix", "sess:census-", "--match", "1?", "--replica"});
        QCOMPARE(list.code, 0);
        QCOMPARE(list.out.count('\n'), 10);

        const CliRun missing = runCli({"sessions", "show", "--url", url, "--", "no-such-session"});
        QCOMPARE(missing.code, 2);
        QVERIFY2(missing.err.contains("no session") && missing.err.contains("the cluster"), missing.err.constData());
    }

    // Deletes on a cluster remove exactly the chosen keys, on whichever shard they are: by id,
    // by cookie, by pattern (the preview's keys, checked by --expect), each batch's node in the
    // audit log.
    void deleteAcrossShards()
    {
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        writeSessions(QStringLiteral("del-"), 1000, s);
        writeSessions(QStringLiteral("keep-"), 100, s);
        const QString url = m_cluster.clusterUrl().toString();
        const auto count = [&](const QByteArray &pattern) {
            qint64 n = 0;
            for (const ShardState &shard : s.shards)
                n += scanCount(shard.primary.address, pattern);
            return n;
        };
        QTemporaryDir data;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_DATA_HOME", data.path());

        CliRun run = runCli({"sessions", "delete", "--url", url, "--yes", "--json", "--", "del-1", "del-2", "no-such"}, env);
        QCOMPARE(run.code, 2);   // one missing: said, the others deleted
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("deleted").toInt(), 2);
        QCOMPARE(count("sess:del-*"), 998);
        run = runCli({"sessions", "delete", "--url", url, "--", "connect.sid=s%3Adel-3.c2lnbmF0dXJl"}, env);
        QVERIFY2(run.code == 0, run.err.constData());
        QCOMPARE(count("sess:del-*"), 997);

        // A pattern: the dry run counts across shards, the delete removes those very keys.
        const qint64 matching = count("sess:del-5*");
        QCOMPARE(matching, 111);
        run = runCli({"sessions", "delete", "--url", url, "--match", "del-5*", "--dry-run", "--json"}, env);
        QCOMPARE(run.code, 0);
        QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(o.value("would_delete").toInt(), 111);
        const QString expect = o.value("expect").toString();
        // A session created since: the fingerprint no longer matches, nothing is deleted.
        writeSessions(QStringLiteral("del-5000"), 1, s);
        run = runCli({"sessions", "delete", "--url", url, "--match", "del-5*", "--yes", "--expect", expect}, env);
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("not the ones the dry run counted"), run.err.constData());
        QCOMPARE(count("sess:del-5*"), 112);
        run = runCli({"sessions", "delete", "--url", url, "--match", "del-5*", "--dry-run", "--json"}, env);
        const QString again = QJsonDocument::fromJson(run.out).object().value("expect").toString();
        run = runCli({"sessions", "delete", "--url", url, "--match", "del-5*", "--yes", "--expect", again, "--json"}, env);
        QVERIFY2(run.code == 0, run.err.constData());
        o = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(o.value("deleted").toInt(), 112);
        QCOMPARE(o.value("also_matching_left").toInt(), 0);
        QCOMPARE(count("sess:del-5*"), 0);
        QCOMPARE(count("sess:del-*"), 997 - 111);
        QCOMPARE(count("sess:keep-*"), 100);

        // The audit log names the node of every batch, and the batches add up.
        const QList<QJsonObject> audit = AuditLog::read(data.filePath("SessionDeck/sessiondeck/audit.log"));
        QSet<QString> nodes;
        qint64 listed = 0;
        for (const QJsonObject &e : audit) {
            if (e.value("op").toString() != o.value("audit_op").toString() || e.value("phase").toString() != "progress")
                continue;
            nodes << e.value("node").toString();
            listed += e.value("keys").toArray().size();
        }
        QCOMPARE(listed, 112);
        QCOMPARE(nodes.size(), 3);
        for (const ShardState &shard : s.shards)
            QVERIFY(nodes.contains(shard.primary.address.toString()));
    }

    // The apps' own stack on the cluster: express-session + connect-redis 9 on node-redis's
    // createCluster write the sessions; SessionDeck finds, decodes and deletes them; the app then
    // no longer knows the deleted one.
    void interopWithCreateCluster()
    {
        QVERIFY2(QFile::exists(QStringLiteral(SESSIONDECK_INTEROP_DIR "/node_modules/connect-redis")),
                 "the Node peers are not installed: run make deps");
        const QString url = m_cluster.clusterUrl().toString();
        QProcess node;
        node.setWorkingDirectory(QStringLiteral(SESSIONDECK_INTEROP_DIR));
        node.start(QStringLiteral("node"), {"login-sessions.mjs", url, "alice:1", "bob:2", "carol:3", "dave:4", "erin:5"});
        QVERIFY(node.waitForFinished(60000));
        QVERIFY2(node.exitCode() == 0, node.readAllStandardError().constData());
        QMap<QString, QString> sids, cookies;
        for (const QByteArray &line : node.readAllStandardOutput().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (!o.isEmpty()) {
                sids[o.value("user").toString()] = o.value("sid").toString();
                cookies[o.value("user").toString()] = o.value("cookie").toString();
            }
        }
        QCOMPARE(sids.size(), 5);
        ClusterRouter router(m_cluster.clusterUrl());
        QVERIFY_OK(router.refresh());
        for (auto it = sids.cbegin(); it != sids.cend(); ++it) {
            const CliRun run = runCli({"sessions", "show", "--url", url, "--json", "--", it.value()});
            QVERIFY2(run.code == 0, run.err.constData());
            const QJsonObject o = QJsonDocument::fromJson(run.out).object();
            QCOMPARE(o.value("kind").toString(), QStringLiteral("connect-redis"));
            QCOMPARE(o.value("value").toObject().value("user").toObject().value("name").toString(), it.key());
            QCOMPARE(o.value("node").toString(), router.nodeOf("sess:" + it.value().toUtf8()).toString());
            QVERIFY(o.value("ttl_ms").toInteger() > 6LL * 86400 * 1000);   // the cookie's maxAge
        }
        // The list across shards has all five.
        const CliRun list = runCli({"sessions", "list", "--url", url, "--json"});
        int found = 0;
        for (const QString &sid : std::as_const(sids))
            found += list.out.contains(("\"id\":\"" + sid + "\"").toUtf8()) ? 1 : 0;
        QCOMPARE(found, 5);
        // Delete carol's by her browser cookie: the app no longer knows her, bob is still in.
        const CliRun del = runCli({"sessions", "delete", "--url", url, "--", cookies.value("carol")});
        QVERIFY2(del.code == 0, del.err.constData());
        const auto whoami = [&](const QString &cookie) {
            QProcess p;
            p.setWorkingDirectory(QStringLiteral(SESSIONDECK_INTEROP_DIR));
            p.start(QStringLiteral("node"), {"login-sessions.mjs", url, "--whoami", cookie});
            p.waitForFinished(60000);
            return QJsonDocument::fromJson(p.readAllStandardOutput()).object().value("user");
        };
        QVERIFY(whoami(cookies.value("carol")).isNull());
        QCOMPARE(whoami(cookies.value("bob")).toString(), QStringLiteral("bob"));
    }

    // The monitor on a cluster: snapshots, the census across shards, and a failover on the
    // timeline once.
    void monitorRecordsFailover()
    {
        MonitorOptions options;
        options.prefixes = {QStringLiteral("sess:census-")};
        options.censusMinIntervalMs = 1000;
        DeploymentMonitor monitor(m_cluster.clusterUrl(), options);
        std::optional<CensusResult> census;
        connect(&monitor, &DeploymentMonitor::censusUpdated, this, [&](const CensusResult &r) { census = r; });
        monitor.start();
        QTRY_VERIFY_WITH_TIMEOUT(monitor.lastSnapshot() && monitor.lastSnapshot()->health == Health::Ok, 10000);
        QCOMPARE(monitor.lastSnapshot()->kind, DeploymentKind::Cluster);
        QTRY_VERIFY_WITH_TIMEOUT(census.has_value(), 15000);
        QVERIFY2(census->complete, qPrintable(census->error));
        QCOMPARE(census->count, 3000);
        QCOMPARE(census->shards.size(), 3);

        const ShardState shard = monitor.lastSnapshot()->shards.at(0);
        QVERIFY_OK(m_cluster.kill(m_cluster.indexOfPort(shard.primary.address.port)));
        QTRY_COMPARE_WITH_TIMEOUT(countOf(monitor.timeline(), QStringLiteral("failover")), 1, 20000);
        QTest::qWait(2500);
        QCOMPARE(countOf(monitor.timeline(), QStringLiteral("failover")), 1);
        const ShardState *now = monitor.lastSnapshot()->shardOfSlot(shard.slots.first().first);
        QCOMPARE(now->primary.address, shard.replicas.first().address);
        restore();
    }

    // A shard failed over by hand (CLI): named by its primary, then back by naming the replica;
    // refusals with their reasons; FORCE with the primary stopped.
    void manualFailover()
    {
        const QString url = m_cluster.clusterUrl().toString();
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        TopologySnapshot s = poller.pollOnce();
        const ShardState shard = s.shards.at(1);
        const QString primary = shard.primary.address.toString();
        const QString replica = shard.replicas.first().address.toString();

        // Refused: no confirmation, both or neither node, both modes, a replica as --primary.
        CliRun run = runCli({"failover", "--url", url, "--primary", primary});
        QCOMPARE(run.code, 64);
        QVERIFY2(run.err.contains("promote replica " + replica.toUtf8()) && run.err.contains("--yes"), run.err.constData());
        QCOMPARE(runCli({"failover", "--url", url, "--yes"}).code, 64);
        QCOMPARE(runCli({"failover", "--url", url, "--primary", primary, "--replica", replica, "--yes"}).code, 64);
        QCOMPARE(runCli({"failover", "--url", url, "--primary", primary, "--force", "--takeover", "--yes"}).code, 64);
        QCOMPARE(runCli({"failover", "--url", url, "--primary", "not a host", "--yes"}).code, 64);
        QCOMPARE(runCli({"failover", "--url", url, "--primary", primary, "--primary", replica, "--yes"}).code, 64);
        QCOMPARE(runCli({"failover", "--url", url, "--replica", "--dry-run"}).code, 64);
        QCOMPARE(runCli({"failover", "--url", url, "--primary", "127.0.0.1", "--dry-run"}).code, 64);
        run = runCli({"failover", "--url", url, "--primary", replica, "--yes"});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("is a replica, not a primary"), run.err.constData());
        run = runCli({"failover", "--url", url, "--replica", "127.0.0.1:1", "--yes"});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("not a replica of this cluster"), run.err.constData());
        // A dry run says what it would do and does nothing.
        run = runCli({"failover", "--url", url, "--primary", primary, "--dry-run", "--json"});
        QCOMPARE(run.code, 0);
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("replica").toString(), replica);
        s = poller.pollOnce();
        QCOMPARE(s.shards.at(1).primary.address.toString(), primary);

        // The default: the replica takes over with the primary's agreement.
        run = runCli({"failover", "--url", url, "--primary", primary, "--yes", "--json"});
        QVERIFY2(run.code == 0, run.out.constData());
        QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QVERIFY(o.value("ok").toBool());
        QCOMPARE(o.value("old_primary").toString(), primary);
        QCOMPARE(o.value("new_primary").toString(), replica);
        QVERIFY(o.value("elapsed_ms").toInt() >= 0);
        QVERIFY(o.value("steps").toArray().size() >= 3);
        s = pollUntil(poller, [&](const TopologySnapshot &s) {
            return s.shards.at(1).primary.address.toString() == replica && s.health == Health::Ok;
        }, 10000, nullptr);
        QCOMPARE(s.shards.at(1).primary.address.toString(), replica);
        QCOMPARE(s.shards.at(1).replicas.first().address.toString(), primary);

        // And back, naming the replica to promote (the old primary, now a replica).
        run = runCli({"failover", "--url", url, "--replica", primary, "--yes"});
        QVERIFY2(run.code == 0, (run.out + run.err).constData());
        QVERIFY2(run.out.contains("done in") && run.out.contains(replica.toUtf8() + " → " + primary.toUtf8()),
                 run.out.constData());
        s = pollUntil(poller, [&](const TopologySnapshot &s) {
            return s.shards.at(1).primary.address.toString() == primary && s.health == Health::Ok;
        }, 10000, nullptr);
        QCOMPARE(s.shards.at(1).primary.address.toString(), primary);

        // The primary stopped (SIGSTOP): the default is refused, FORCE promotes the replica.
        const int stopped = m_cluster.indexOfPort(shard.primary.address.port);
        QVERIFY_OK(m_cluster.pause(stopped));
        run = runCli({"failover", "--url", url, "--primary", primary, "--yes"});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("is down") && run.err.contains("FORCE"), run.err.constData());
        run = runCli({"failover", "--url", url, "--primary", primary, "--force", "--yes", "--json"});
        const Status resumed = m_cluster.resume(stopped);
        QVERIFY_OK(resumed);
        QVERIFY2(run.code == 0, run.out.constData() + run.err);
        QVERIFY2(run.err.contains("FORCE promotes the replica without the primary"), run.err.constData());
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("new_primary").toString(), replica);
        restore();
    }

    // A user the ACL forbids CLUSTER FAILOVER: the poll says so (the window turns the button
    // off with the reason), and the CLI's attempt fails in words.
    void leastPrivilegeUserCannotFailOver()
    {
        for (int i = 0; i < m_cluster.nodes().size(); ++i) {
            auto conn = RedisConnection::open(m_cluster.nodeUrl(i));
            QVERIFY_OK(conn);
            QVERIFY_OK((*conn)->command(Command{"ACL", "SETUSER", "watcher", "on", ">Watch-Pw-7", "~*", "&*", "+@all",
                                                "-cluster|failover"}));
        }
        RedisUrl url = m_cluster.clusterUrl();
        url.setUsername(QStringLiteral("watcher"));
        url.setPassword(QStringLiteral("Watch-Pw-7"));
        TopologyPoller poller(url, PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        QCOMPARE(s.health, Health::Ok);
        QVERIFY(s.access.known);
        QVERIFY(!s.access.canFailover);
        QVERIFY2(s.access.failoverReason.contains("'watcher' may not run CLUSTER FAILOVER"),
                 qPrintable(s.access.failoverReason));
        QVERIFY(s.access.canDelete);
        const CliRun run = runCli({"failover", "--url", url.toSecretString(), "--primary",
                                   s.shards.first().primary.address.toString(), "--yes", "--no-auth-warning"});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("refused") && run.err.contains("permission"), run.err.constData());
        QVERIFY(!run.err.contains("Watch-Pw-7") && !run.out.contains("Watch-Pw-7"));
    }

    // The router sends each key to its slot's primary; a slot in migration answers ASK for keys
    // already moved (followed once with ASKING), and once moved, MOVED (the map is updated).
    void routerFollowsAskAndMoved()
    {
        ClusterRouter router(m_cluster.clusterUrl());
        QVERIFY_OK(router.refresh());
        QCOMPARE(router.primaries().size(), 3);
        QList<QPair<QByteArray, Command>> sets;
        for (int i = 0; i < 2000; ++i) {
            const QByteArray key = "route:" + QByteArray::number(i);
            sets.append({key, Command{"SET", key, QByteArray::number(i)}});
        }
        auto replies = router.pipeline(sets);
        QVERIFY_OK(replies);
        for (const RedisValue &r : *replies)
            QCOMPARE(r.bytes(), QByteArray("OK"));
        // Each key really is on the primary of its slot.
        for (int i = 0; i < 2000; i += 97) {
            const QByteArray key = "route:" + QByteArray::number(i);
            auto conn = RedisConnection::open(m_cluster.clusterUrl().withNode(router.nodeOf(key)));
            QVERIFY_OK(conn);
            QCOMPARE((*conn)->command(Command{"GET", key})->bytes(), QByteArray::number(i));
        }

        // Move the slot of "route:7" by hand, key by key, from its primary to another.
        const QByteArray moved = "route:7";
        const int slot = keySlot(moved);
        const HostPort from = router.nodeOf(moved);
        HostPort to;
        for (const HostPort &p : router.primaries()) {
            if (!(p == from))
                to = p;
        }
        auto source = RedisConnection::open(m_cluster.clusterUrl().withNode(from));
        auto target = RedisConnection::open(m_cluster.clusterUrl().withNode(to));
        QVERIFY_OK(source);
        QVERIFY_OK(target);
        const QByteArray sourceId = (*source)->command(Command{"CLUSTER", "MYID"})->bytes();
        const QByteArray targetId = (*target)->command(Command{"CLUSTER", "MYID"})->bytes();
        QVERIFY_OK((*target)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "IMPORTING", sourceId}));
        QVERIFY_OK((*source)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "MIGRATING", targetId}));
        auto keys = (*source)->command(Command{"CLUSTER", "GETKEYSINSLOT", QByteArray::number(slot), "1000"});
        QVERIFY_OK(keys);
        QVERIFY(keys->size() >= 1);
        QVERIFY_OK((*source)->command(Command{"MIGRATE", to.host.toUtf8(), QByteArray::number(to.port), "", "0", "5000",
                                              "KEYS", moved}));
        // The router's map still names the source: the source answers ASK, the router follows.
        auto value = router.command(moved, Command{"GET", moved});
        QVERIFY_OK(value);
        QCOMPARE(value->bytes(), QByteArray("7"));
        QCOMPARE(router.askCount(), 1);
        // With the slot half moved, the census, the list and a pattern delete's preview still
        // count every key once: the target redirects the moved key, which is read where it lives.
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot during = poller.pollOnce();
        const CensusResult census = ClusterCensus::run(m_cluster.clusterUrl(), during, QStringLiteral("route:"));
        QVERIFY2(census.complete, qPrintable(census.error));
        QCOMPARE(census.count, 2000);
        QVERIFY(census.migrating >= 1);
        const CliRun list = runCli({"sessions", "list", "--url", m_cluster.clusterUrl().toString(), "--prefix", "route:"});
        QVERIFY2(list.code == 0, list.err.constData());
        QCOMPARE(list.out.count('\n'), 2000);
        const CliRun preview = runCli({"sessions", "delete", "--url", m_cluster.clusterUrl().toString(), "--prefix",
                                       "route:", "--match", "7", "--dry-run", "--json"});
        QVERIFY2(preview.code == 0, preview.err.constData());
        QCOMPARE(QJsonDocument::fromJson(preview.out).object().value("would_delete").toInt(), 1);
        const CliRun show = runCli({"sessions", "show", "--url", m_cluster.clusterUrl().toString(), "--prefix", "route:",
                                    "--json", "--", "7"});
        QVERIFY2(show.code == 0, show.err.constData());
        // The rest of the slot, then the slot itself.
        for (const RedisValue &k : keys->elements()) {
            if (k.bytes() != moved)
                QVERIFY_OK((*source)->command(Command{"MIGRATE", to.host.toUtf8(), QByteArray::number(to.port), "", "0",
                                                      "5000", "KEYS", k.bytes()}));
        }
        QVERIFY_OK((*target)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "NODE", targetId}));
        QVERIFY_OK((*source)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "NODE", targetId}));
        value = router.command(moved, Command{"GET", moved});
        QVERIFY_OK(value);
        QCOMPARE(value->bytes(), QByteArray("7"));
        QCOMPARE(router.movedCount(), 1);
        QCOMPARE(router.nodeOf(moved), to);
        // Every key still reads back, whichever shard it is on now.
        for (int i = 0; i < 2000; ++i) {
            const QByteArray key = "route:" + QByteArray::number(i);
            auto r = router.command(key, Command{"GET", key});
            QVERIFY_OK(r);
            QCOMPARE(r->bytes(), QByteArray::number(i));
        }
        // Put the slot back, so that the shards are as the other tests expect.
        QVERIFY_OK((*source)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "IMPORTING", targetId}));
        QVERIFY_OK((*target)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "MIGRATING", sourceId}));
        for (const RedisValue &k : keys->elements())
            QVERIFY_OK((*target)->command(Command{"MIGRATE", from.host.toUtf8(), QByteArray::number(from.port), "", "0",
                                                  "5000", "KEYS", k.bytes()}));
        QVERIFY_OK((*source)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "NODE", sourceId}));
        QVERIFY_OK((*target)->command(Command{"CLUSTER", "SETSLOT", QByteArray::number(slot), "NODE", sourceId}));
        QVERIFY_OK(m_cluster.waitForClusterReady(20000));
    }

    void replicaKilledIsDegraded()
    {
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        TopologySnapshot s = poller.pollOnce();
        const RedisNodeState replica = s.shards.at(1).replicas.first();
        const int index = m_cluster.indexOfPort(replica.address.port);
        QVERIFY_OK(m_cluster.kill(index));
        s = poller.pollOnce();
        QCOMPARE(s.health, Health::Degraded);
        QVERIFY2(s.problems.join('\n').contains(QStringLiteral("replica %1 is down").arg(replica.address.toString())),
                 qPrintable(s.problems.join('\n')));
        QCOMPARE(count(s.events, "node-down"), 1);
        const CliRun run = runCli({"status", "--url", m_cluster.clusterUrl().toString(), "--json"});
        QCOMPARE(run.code, 1);
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("health").toString(), QStringLiteral("degraded"));
        restore();
    }

    // A primary dies: its replica takes over (about 2.3 s at node-timeout 1000 ms). The poller
    // reports one failover naming both, however many polls see the new state.
    void primaryKilledFailoverFoundOnce()
    {
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        TopologySnapshot s = poller.pollOnce();
        QCOMPARE(s.health, Health::Ok);
        const ShardState shard = s.shards.at(0);
        const HostPort oldPrimary = shard.primary.address;
        const HostPort replica = shard.replicas.first().address;
        QVERIFY_OK(m_cluster.kill(m_cluster.indexOfPort(oldPrimary.port)));

        QList<SentinelEvent> events;
        s = pollUntil(poller, [&](const TopologySnapshot &s) {
            const ShardState *now = s.shardOfSlot(shard.slots.first().first);
            return now && now->primary.address == replica && now->primaryUp();
        }, 20000, &events);
        QCOMPARE(s.shardOfSlot(shard.slots.first().first)->primary.address, replica);
        // More polls see the same state: still one failover.
        pollUntil(poller, [](const TopologySnapshot &) { return false; }, 2000, &events);
        QCOMPARE(count(events, "failover"), 1);
        const auto failover = std::find_if(events.begin(), events.end(),
                                           [](const SentinelEvent &e) { return e.type == QLatin1String("failover"); });
        QCOMPARE(failover->oldMaster, oldPrimary);
        QCOMPARE(failover->newMaster, replica);
        QVERIFY2(failover->detail.startsWith(QStringLiteral("failover of shard %1: %2 → %3, epoch ")
                                                 .arg(shard.name, oldPrimary.toString(), replica.toString())),
                 qPrintable(failover->detail));
        QCOMPARE(count(events, "node-down"), 1);
        QVERIFY(count(events, "node-fail") == 1);

        // The old primary, back, rejoins as a replica of the new one.
        QVERIFY_OK(m_cluster.restart(m_cluster.indexOfPort(oldPrimary.port)));
        s = pollUntil(poller, [&](const TopologySnapshot &s) {
            const ShardState *now = s.shardOfSlot(shard.slots.first().first);
            return now && now->replicas.size() == 1 && now->replicas.first().address == oldPrimary
                && now->replicas.first().up && s.health == Health::Ok;
        }, 20000, &events);
        QVERIFY2(s.health == Health::Ok, qPrintable(s.problems.join('\n')));
        QCOMPARE(count(events, "node-up"), 1);
        QCOMPARE(count(events, "failover"), 1);
        restore();
    }

    void cliEventsReportFailover()
    {
        QProcess events;
        events.start(QStringLiteral(SESSIONDECK_CLI),
                     {"events", "--url", m_cluster.clusterUrl().toString(), "--json", "--seconds", "12"});
        QVERIFY(events.waitForStarted());
        // Let it take its first look, then kill a primary.
        QByteArray stderrText;
        QTRY_VERIFY_WITH_TIMEOUT((stderrText += events.readAllStandardError()).contains("watching cluster"), 10000);
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot s = poller.pollOnce();
        const HostPort oldPrimary = s.shards.at(2).primary.address;
        const HostPort replica = s.shards.at(2).replicas.first().address;
        QVERIFY_OK(m_cluster.kill(m_cluster.indexOfPort(oldPrimary.port)));
        QVERIFY(events.waitForFinished(30000));
        QCOMPARE(events.exitCode(), 0);
        int failovers = 0;
        for (const QByteArray &line : events.readAllStandardOutput().split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            QVERIFY(o.contains("time") && o.contains("type") && o.contains("detail"));
            if (o.value("type").toString() == QLatin1String("failover")) {
                ++failovers;
                QCOMPARE(o.value("old_primary").toString(), oldPrimary.toString());
                QCOMPARE(o.value("new_primary").toString(), replica.toString());
            }
        }
        QCOMPARE(failovers, 1);
        restore();
    }

    // The cluster demo: its own cluster, session traffic spread over every shard.
    void demoCluster()
    {
        QProcess demo;
        demo.start(QStringLiteral(SESSIONDECK_CLI), {"demo", "--cluster", "--seconds", "30"});
        QVERIFY(demo.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += demo.readAllStandardOutput()).contains("\n"), 30000);
        QVERIFY2(out.startsWith("demo-url: redis-cluster://"), out.constData());
        const QString url = QString::fromUtf8(out.mid(10).trimmed());
        CliRun run = runCli({"status", "--url", url, "--json"});
        QCOMPARE(run.code, 0);
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("shards").toArray().size(), 3);
        run = runCli({"sessions", "stats", "--url", url, "--json"});
        QCOMPARE(run.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QVERIFY(o.value("count").toInt() >= 2500);
        for (const QJsonValue &shard : o.value("shards").toArray())
            QVERIFY2(shard.toObject().value("count").toInt() > 500, run.out.constData());
        demo.terminate();
        QVERIFY(demo.waitForFinished(20000));
    }

    // A shard loses its primary and its replica: its slots are served by nobody.
    void shardLostIsCritical()
    {
        TopologyPoller poller(m_cluster.clusterUrl(), PollerOptions());
        TopologySnapshot s = poller.pollOnce();
        const ShardState shard = s.shards.at(1);
        QVERIFY_OK(m_cluster.kill(m_cluster.indexOfPort(shard.replicas.first().address.port)));
        QVERIFY_OK(m_cluster.kill(m_cluster.indexOfPort(shard.primary.address.port)));
        QList<SentinelEvent> events;
        s = pollUntil(poller, [](const TopologySnapshot &s) { return s.cluster.state == QLatin1String("fail"); },
                      20000, &events);
        QCOMPARE(s.cluster.state, QStringLiteral("fail"));
        QCOMPARE(s.health, Health::Critical);
        const QString problems = s.problems.join('\n');
        QVERIFY2(problems.contains("cluster_state is fail"), qPrintable(problems));
        QVERIFY2(problems.contains(QStringLiteral("Shard %1: primary %2 is down").arg(shard.name, shard.primary.address.toString())),
                 qPrintable(problems));
        QCOMPARE(count(events, "cluster-state"), 1);
        QCOMPARE(count(events, "failover"), 0);
        const CliRun run = runCli({"status", "--url", m_cluster.clusterUrl().toString(), "--json"});
        QCOMPARE(run.code, 2);
        restore();
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
