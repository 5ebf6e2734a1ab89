// Redis Cluster without a server: hash slots (the test vectors of the Redis cluster
// specification), CLUSTER NODES / SHARDS / INFO parsing (real replies, migrating slots, failed
// nodes, hostile lines), the shards they make, health in words, and the events found by
// comparing two polls.

#include "core/cluster/clusterevents.h"
#include "core/cluster/clusternodes.h"
#include "core/cluster/clusterslot.h"
#include "tests/support/testsupport.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

using namespace sdcore;

namespace {

// A 3+3 cluster's CLUSTER NODES as 7.0 prints it (ports 7000-7005, buses 17000-17005).
const QByteArray kNodes =
    "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 myself,master - 0 1700000000000 1 connected 0-5460\n"
    "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:7001@17001 master - 0 1700000000100 2 connected 5461-10922\n"
    "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:7002@17002 master - 0 1700000000200 3 connected 10923-16383\n"
    "6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:7003@17003 slave 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1700000000300 2 connected\n"
    "824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:7004@17004 slave 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1700000000400 3 connected\n"
    "c5e1b8a0a7b0d53c2b1a7a5d4b7f0c8b6d4a9e21 127.0.0.1:7005@17005 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1700000000500 1 connected\n";

RedisNodeState up(RedisNodeState n)
{
    n.up = true;
    n.replOffset = 100;
    n.masterLinkStatus = n.role == QLatin1String("slave") ? QStringLiteral("up") : QString();
    return n;
}

// A polled snapshot from CLUSTER NODES text: every listed node up unless in `down`.
TopologySnapshot snapshotOf(const QByteArray &nodes, const QList<quint16> &down = {}, const QString &state = "ok",
                            qint64 epoch = 6)
{
    auto lines = parseClusterNodes(nodes);
    TopologySnapshot s;
    s.kind = DeploymentKind::Cluster;
    s.at = QDateTime::currentDateTimeUtc();
    s.cluster.state = state;
    s.cluster.currentEpoch = epoch;
    s.cluster.answeredBy = HostPort{"127.0.0.1", 7000};
    ClusterLayout layout = clusterLayout(*lines);
    const auto visit = [&](RedisNodeState &n) {
        if (down.contains(n.address.port))
            n.reason = QStringLiteral("Connection refused");
        else
            n = up(n);
    };
    for (ShardState &shard : layout.shards) {
        visit(shard.primary);
        for (RedisNodeState &r : shard.replicas)
            visit(r);
    }
    for (RedisNodeState &n : layout.spare)
        visit(n);
    s.shards = layout.shards;
    s.spareNodes = layout.spare;
    s.evaluate();
    return s;
}

QByteArray replaced(QByteArray text, const QByteArray &from, const QByteArray &to)
{
    return text.replace(from, to);
}

// 7001 failed and its replica 7003 took over its slots with epoch 7.
QByteArray afterFailover()
{
    QByteArray t = kNodes;
    t = replaced(t, "127.0.0.1:7001@17001 master - 0 1700000000100 2 connected 5461-10922",
                 "127.0.0.1:7001@17001 master,fail - 1700000001000 1700000000100 2 disconnected");
    t = replaced(t, "127.0.0.1:7003@17003 slave 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1700000000300 2 connected",
                 "127.0.0.1:7003@17003 master - 0 1700000000300 7 connected 5461-10922");
    return t;
}

} // namespace

class TestClusterModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crc16Vectors()
    {
        // The specification's check value, and keys whose slots redis-cli prints (CLUSTER KEYSLOT).
        QCOMPARE(crc16("123456789"), quint16(0x31C3));
        QCOMPARE(keySlot("123456789"), 12739);
        QCOMPARE(keySlot("foo"), 12182);
        QCOMPARE(keySlot("bar"), 5061);
        QCOMPARE(keySlot(""), 0);
        QCOMPARE(keySlot("sess:abc"), int(crc16("sess:abc") % 16384));
    }

    void hashTags_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("hashed");
        // The examples of the specification.
        QTest::newRow("tag") << QByteArray("{user1000}.following") << QByteArray("user1000");
        QTest::newRow("same tag") << QByteArray("{user1000}.followers") << QByteArray("user1000");
        QTest::newRow("second brace pair") << QByteArray("foo{}{bar}") << QByteArray("foo{}{bar}");
        QTest::newRow("nested open") << QByteArray("foo{{bar}}zap") << QByteArray("{bar");
        QTest::newRow("first tag only") << QByteArray("foo{bar}{zap}") << QByteArray("bar");
        QTest::newRow("no close") << QByteArray("sess:{abc") << QByteArray("sess:{abc");
        QTest::newRow("close before open") << QByteArray("a}b{c}") << QByteArray("c");
        QTest::newRow("binary") << QByteArray("\x00{\xff\x01}", 5) << QByteArray("\xff\x01");
    }

    void hashTags()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, hashed);
        QCOMPARE(hashTagOf(key).toByteArray(), hashed);
        QCOMPARE(keySlot(key), int(crc16(hashed) & 16383));
    }

    void parsesNodes()
    {
        auto lines = parseClusterNodes(kNodes);
        QVERIFY_OK(lines);
        QCOMPARE(lines->size(), 6);
        const ClusterNodeLine &me = lines->first();
        QVERIFY(me.isMyself());
        QVERIFY(me.isPrimary());
        QCOMPARE(me.address, (HostPort{"127.0.0.1", 7000}));
        QCOMPARE(me.busPort, quint16(17000));
        QCOMPARE(me.configEpoch, 1);
        QVERIFY(me.linkConnected);
        QCOMPARE(me.slots.size(), 1);
        QCOMPARE(me.slotCount(), 5461);
        const ClusterNodeLine &replica = lines->at(3);
        QVERIFY(replica.isReplica());
        QCOMPARE(replica.primaryId, QByteArray("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"));
        QVERIFY(replica.slots.isEmpty());
    }

    void parsesOddLines()
    {
        // Redis 7 hostnames, IPv6, noaddr, several ranges, single slots and migrations.
        const QByteArray text =
            "aaaa ::1:7000@17000,node-a.example myself,master - 0 0 4 connected 0-99 200 300-400 "
            "[93->-bbbb] [1002-<-cccc]\n"
            "bbbb :0@0 master,fail?,noaddr - 5 0 0 disconnected\n"
            "cccc 127.0.0.1:7002@17002 slave,nofailover aaaa 0 0 4 connected\n";
        auto lines = parseClusterNodes(text);
        QVERIFY_OK(lines);
        QCOMPARE(lines->at(0).address, (HostPort{"::1", 7000}));
        QCOMPARE(lines->at(0).hostname, QStringLiteral("node-a.example"));
        QCOMPARE(lines->at(0).slots.size(), 3);
        QCOMPARE(lines->at(0).slotCount(), 100 + 1 + 101);
        QCOMPARE(lines->at(0).migrations.size(), 2);
        QCOMPARE(lines->at(0).migrations.at(0).slot, 93);
        QVERIFY(!lines->at(0).migrations.at(0).importing);
        QCOMPARE(lines->at(0).migrations.at(0).peerId, QStringLiteral("bbbb"));
        QVERIFY(lines->at(0).migrations.at(1).importing);
        QVERIFY(lines->at(1).address.host.isEmpty());
        QVERIFY(lines->at(1).isFailing());
        QVERIFY(!lines->at(2).isFailing());
        QVERIFY(lines->at(2).flags.contains("nofailover"));

        const ClusterLayout layout = clusterLayout(*lines);
        QCOMPARE(layout.shards.size(), 1);
        QCOMPARE(layout.shards.first().name, QStringLiteral("0-99 200 300-400"));
        QCOMPARE(layout.shards.first().migrations.at(0).peer, QStringLiteral(":0"));
        QCOMPARE(layout.shards.first().replicas.size(), 1);
        QCOMPARE(layout.spare.size(), 1);   // the slotless failing primary
    }

    void refusesMalformedNodes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("few fields") << QByteArray("id 127.0.0.1:1@2 master - 0 0\n");
        QTest::newRow("bad port") << QByteArray("id 127.0.0.1:99999@2 master - 0 0 1 connected\n");
        QTest::newRow("no colon") << QByteArray("id localhost@2 master - 0 0 1 connected\n");
        QTest::newRow("slot too big") << QByteArray("id 127.0.0.1:1@2 master - 0 0 1 connected 0-16384\n");
        QTest::newRow("reversed range") << QByteArray("id 127.0.0.1:1@2 master - 0 0 1 connected 10-5\n");
        QTest::newRow("bad migration") << QByteArray("id 127.0.0.1:1@2 master - 0 0 1 connected [5-x-y]\n");
        QTest::newRow("bad epoch") << QByteArray("id 127.0.0.1:1@2 master - 0 0 x connected\n");
    }

    void refusesMalformedNodes()
    {
        QFETCH(QByteArray, text);
        auto lines = parseClusterNodes(text);
        QVERIFY(!lines);
        QCOMPARE(lines.error().kind, ErrorKind::Protocol);
        QVERIFY(lines.errorMessage().contains("CLUSTER NODES"));
    }

    // Random bytes and random edits of a real reply never crash the parser; whatever it accepts
    // has slots in range.
    void randomNodesNeverCrash()
    {
        QRandomGenerator rng(1234);
        for (int i = 0; i < 5000; ++i) {
            QByteArray t = kNodes;
            for (int e = 0; e < 4; ++e)
                t[rng.bounded(int(t.size()))] = char(rng.bounded(256));
            auto lines = parseClusterNodes(t);
            if (!lines)
                continue;
            for (const ClusterNodeLine &l : *lines) {
                for (const SlotRange &r : l.slots)
                    QVERIFY(r.first >= 0 && r.last < 16384 && r.first <= r.last);
            }
            clusterLayout(*lines);
        }
    }

    void layoutMakesShards()
    {
        auto lines = parseClusterNodes(kNodes);
        const ClusterLayout layout = clusterLayout(*lines);
        QCOMPARE(layout.shards.size(), 3);
        QVERIFY(layout.spare.isEmpty());
        QCOMPARE(layout.shards.at(0).name, QStringLiteral("0-5460"));
        QCOMPARE(layout.shards.at(0).primary.address.port, quint16(7000));
        QCOMPARE(layout.shards.at(0).replicas.size(), 1);
        QCOMPARE(layout.shards.at(0).replicas.first().address.port, quint16(7005));
        QCOMPARE(layout.shards.at(1).replicas.first().address.port, quint16(7003));
        QCOMPARE(layout.shards.at(2).slots.first(), (SlotRange{10923, 16383}));
        QVERIFY(!layout.shards.at(0).primary.flags.contains("myself"));
        QCOMPARE(layout.shards.at(0).primary.nodeId, QStringLiteral("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca"));

        TopologySnapshot s = snapshotOf(kNodes);
        QCOMPARE(s.shardOfSlot(keySlot("foo"))->primary.address.port, quint16(7002));
        QCOMPARE(s.shardOfSlot(0)->primary.address.port, quint16(7000));
        QCOMPARE(s.nodes().size(), 6);
    }

    void parsesShardsAndInfo()
    {
        const auto kv = [](QList<RedisValue> items) { return RedisValue::array(items); };
        const auto bulk = [](const char *b) { return RedisValue::bulk(b); };
        const RedisValue reply = kv({kv({bulk("slots"), kv({RedisValue::integer(0), RedisValue::integer(5460)}),
                                         bulk("nodes"),
                                         kv({kv({bulk("id"), bulk("e7d1"), bulk("port"), RedisValue::integer(7000),
                                                 bulk("ip"), bulk("127.0.0.1"), bulk("role"), bulk("master"),
                                                 bulk("replication-offset"), RedisValue::integer(72156),
                                                 bulk("health"), bulk("online")})})}),
                                     // 7.0.0 sent slots as strings
                                     kv({bulk("slots"), kv({bulk("5461"), bulk("10922")}), bulk("nodes"), kv({})})});
        auto shards = parseClusterShards(reply);
        QVERIFY_OK(shards);
        QCOMPARE(shards->size(), 2);
        QCOMPARE(shards->at(0).nodes.first().replicationOffset, 72156);
        QCOMPARE(shards->at(0).nodes.first().address, (HostPort{"127.0.0.1", 7000}));
        QCOMPARE(shards->at(0).nodes.first().health, QStringLiteral("online"));
        QCOMPARE(shards->at(1).slots.first(), (SlotRange{5461, 10922}));
        QVERIFY(!parseClusterShards(kv({kv({bulk("slots"), kv({bulk("9"), bulk("2")})})})));
        QVERIFY(!parseClusterShards(bulk("x")));

        const ClusterGroup g = parseClusterInfo("cluster_state:fail\r\ncluster_slots_assigned:16384\r\n"
                                                "cluster_slots_ok:10923\r\ncluster_slots_pfail:0\r\n"
                                                "cluster_slots_fail:5461\r\ncluster_known_nodes:6\r\n"
                                                "cluster_size:3\r\ncluster_current_epoch:7\r\n");
        QCOMPARE(g.state, QStringLiteral("fail"));
        QCOMPARE(g.slotsFail, 5461);
        QCOMPARE(g.knownNodes, 6);
        QCOMPARE(g.currentEpoch, 7);
    }

    void healthInWords()
    {
        TopologySnapshot ok = snapshotOf(kNodes);
        QVERIFY2(ok.health == Health::Ok, qPrintable(ok.problems.join('\n')));

        // A replica down: degraded, and the shard is named.
        TopologySnapshot replicaDown = snapshotOf(kNodes, {7004});
        QCOMPARE(replicaDown.health, Health::Degraded);
        QVERIFY(replicaDown.problems.join('\n').contains("Shard 10923-16383: replica 127.0.0.1:7004 is down"));

        // A primary down: critical, even before the cluster says so.
        TopologySnapshot primaryDown = snapshotOf(kNodes, {7001});
        QCOMPARE(primaryDown.health, Health::Critical);
        QVERIFY(primaryDown.problems.join('\n').contains("Shard 5461-10922: primary 127.0.0.1:7001 is down"));

        // fail? on a replica: degraded with the words.
        TopologySnapshot pfail = snapshotOf(replaced(kNodes, "7004@17004 slave", "7004@17004 slave,fail?"));
        QCOMPARE(pfail.health, Health::Degraded);
        QVERIFY(pfail.problems.join('\n').contains("suspected failing"));

        // After the failover: the old primary is a spare node marked fail; the shard has no replica.
        TopologySnapshot after = snapshotOf(afterFailover(), {7001});
        QCOMPARE(after.health, Health::Degraded);
        QCOMPARE(after.spareNodes.size(), 1);
        QVERIFY(after.problems.join('\n').contains("Node 127.0.0.1:7001 (no slots) is down"));
        QVERIFY(after.problems.join('\n').contains("Shard 5461-10922 has no replica"));

        // cluster_state:fail and uncovered slots: critical.
        TopologySnapshot failed = snapshotOf(replaced(kNodes, " 10923-16383", ""), {}, "fail");
        QCOMPARE(failed.health, Health::Critical);
        QVERIFY(failed.problems.join('\n').contains("cluster_state is fail"));
        QVERIFY(failed.problems.join('\n').contains("5461 of 16384 slots are served by no primary"));

        // Two primaries claiming the same slots (what TAKEOVER can leave): critical.
        TopologySnapshot twice = snapshotOf(replaced(kNodes, "connected 5461-10922", "connected 0-10922"));
        QCOMPARE(twice.health, Health::Critical);
        QVERIFY2(twice.problems.join('\n').contains("Slots claimed by two primaries, 127.0.0.1:7000 and 127.0.0.1:7001"),
                 qPrintable(twice.problems.join('\n')));

        const QJsonObject json = after.toJson();
        QCOMPARE(json.value("kind").toString(), QStringLiteral("cluster"));
        QCOMPARE(json.value("cluster_state").toString(), QStringLiteral("ok"));
        QCOMPARE(json.value("shards").toArray().size(), 3);
        QCOMPARE(json.value("shards").toArray().at(1).toObject().value("slots").toArray().at(0).toArray().at(0).toInt(),
                 5461);
        QCOMPARE(json.value("spare_nodes").toArray().size(), 1);
        // No one master: the Sentinel-era fields are not there to mislead.
        QVERIFY(!json.contains("master") && !json.contains("replicas") && !json.contains("sentinels"));
    }

    // Each change is an event once; a failover names both primaries and the epoch.
    void eventsFromTwoPolls()
    {
        ClusterEventDetector detector;
        QVERIFY(detector.observe(snapshotOf(kNodes)).isEmpty());
        QVERIFY(detector.observe(snapshotOf(kNodes)).isEmpty());

        // 7001 stops answering and is flagged fail?.
        const QByteArray pfail = replaced(kNodes, "7001@17001 master", "7001@17001 master,fail?");
        auto events = detector.observe(snapshotOf(pfail, {7001}));
        QStringList types;
        for (const SentinelEvent &e : events)
            types << e.type;
        QCOMPARE(types, (QStringList{ClusterEventType::NodePfail, ClusterEventType::NodeDown}));
        QVERIFY(events.at(1).detail.contains("127.0.0.1:7001 unreachable"));

        // The replica takes over.
        events = detector.observe(snapshotOf(afterFailover(), {7001}, "ok", 7));
        types.clear();
        for (const SentinelEvent &e : events)
            types << e.type;
        QCOMPARE(types.count(ClusterEventType::Failover), 1);
        QVERIFY(types.contains(ClusterEventType::NodeFail));
        QVERIFY(types.contains(ClusterEventType::NewEpoch));
        const SentinelEvent failover = events.first();
        QCOMPARE(failover.type, ClusterEventType::Failover);
        QCOMPARE(failover.detail, QStringLiteral("failover of shard 5461-10922: 127.0.0.1:7001 → 127.0.0.1:7003, epoch 7"));
        QCOMPARE(failover.oldMaster.port, quint16(7001));
        QCOMPARE(failover.newMaster.port, quint16(7003));
        QCOMPARE(failover.severity(), SentinelEvent::Severity::Failover);

        // Nothing new: nothing reported.
        QVERIFY(detector.observe(snapshotOf(afterFailover(), {7001}, "ok", 7)).isEmpty());

        // The old primary comes back as a replica of the new one: up and fail cleared.
        QByteArray back = afterFailover();
        back = replaced(back, "127.0.0.1:7001@17001 master,fail - 1700000001000 1700000000100 2 disconnected",
                        "127.0.0.1:7001@17001 slave 6ec23923021cf3ffec47632106199cb7f496ce01 0 0 7 connected");
        events = detector.observe(snapshotOf(back, {}, "ok", 7));
        types.clear();
        for (const SentinelEvent &e : events)
            types << e.type;
        QCOMPARE(types, (QStringList{ClusterEventType::NodeFailCleared, ClusterEventType::NodeUp}));

        // A poll that reached nobody is compared with nothing.
        TopologySnapshot none;
        none.kind = DeploymentKind::Cluster;
        QVERIFY(detector.observe(none).isEmpty());
        QVERIFY(detector.observe(snapshotOf(back, {}, "ok", 7)).isEmpty());
    }

    // A node the cycle had no time left for is "not polled", never "down": no false down/up
    // events, and a later real change is still seen against what was last known.
    void skippedNodesAreNotDown()
    {
        const auto skip = [](TopologySnapshot s, quint16 port) {
            const auto mark = [port](RedisNodeState &n) {
                if (n.address.port == port) {
                    n.up = false;
                    n.skipped = true;
                    n.reason = QStringLiteral("not polled");
                }
            };
            for (ShardState &shard : s.shards) {
                mark(shard.primary);
                for (RedisNodeState &r : shard.replicas)
                    mark(r);
            }
            s.evaluate();
            return s;
        };
        TopologySnapshot skipped = skip(snapshotOf(kNodes), 7004);
        QCOMPARE(skipped.health, Health::Degraded);
        QVERIFY2(skipped.problems.join('\n').contains("1 node(s) not polled this cycle"), qPrintable(skipped.problems.join('\n')));
        QVERIFY(!skipped.problems.join('\n').contains("is down"));
        TopologySnapshot skippedPrimary = skip(snapshotOf(kNodes), 7001);
        QCOMPARE(skippedPrimary.health, Health::Degraded);

        ClusterEventDetector detector;
        detector.observe(snapshotOf(kNodes));
        QVERIFY(detector.observe(skip(snapshotOf(kNodes), 7004)).isEmpty());   // no node-down
        QVERIFY(detector.observe(snapshotOf(kNodes)).isEmpty());               // no node-up
        detector.observe(skip(snapshotOf(kNodes), 7004));
        const auto down = detector.observe(snapshotOf(kNodes, {7004}));   // really down now
        QCOMPARE(down.size(), 1);
        QCOMPARE(down.first().type, ClusterEventType::NodeDown);

        // An older view (a lagging node answering) does not repeat an epoch change.
        ClusterEventDetector epochs;
        epochs.observe(snapshotOf(kNodes, {}, "ok", 6));
        QCOMPARE(epochs.observe(snapshotOf(kNodes, {}, "ok", 7)).size(), 1);
        QVERIFY(epochs.observe(snapshotOf(kNodes, {}, "ok", 6)).isEmpty());
        QVERIFY(epochs.observe(snapshotOf(kNodes, {}, "ok", 7)).isEmpty());
    }

    // Slots handed from one primary to another (a reshard) are not a failover.
    void reshardIsNotFailover()
    {
        ClusterEventDetector detector;
        detector.observe(snapshotOf(kNodes));
        QByteArray moved = kNodes;
        moved = replaced(moved, "connected 0-5460\n", "connected\n");
        moved = replaced(moved, "connected 5461-10922\n", "connected 0-10922\n");
        const auto events = detector.observe(snapshotOf(moved));
        for (const SentinelEvent &e : events)
            QVERIFY2(e.type != ClusterEventType::Failover, qPrintable(e.detail));
    }
};

QTEST_GUILESS_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"
