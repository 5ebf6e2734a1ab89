// Redis Cluster figures, side by side with a reference in the same run:
//  1. the census of N sessions (default 3,000,000) spread over the 3 shards of a cluster the
//     launcher starts (3 primaries, no replicas: the data written once), counted by one scanner
//     per primary at once (ClusterCensus), next to the same sessions on one redis-server counted
//     by one scanner (SessionCensus); each shard's time;
//  2. failover visibility: a primary of a 3+3 cluster killed; from the moment the promoted
//     replica reports role:master (ROLE asked every 20 ms from a thread of its own) to the
//     moment DeploymentMonitor (polling every second) publishes a snapshot naming it, over
//     several failovers.
//
//   bench_rediscluster [--keys N] [--failovers N]

#include "core/cluster/clustercensus.h"
#include "core/cluster/clusterrouter.h"
#include "core/cluster/clusterslot.h"
#include "core/lab/locallauncher.h"
#include "core/monitor/deploymentmonitor.h"
#include "core/monitor/topologypoller.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using namespace sdcore;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

QByteArray sessionValue(QRandomGenerator &rng, int i)
{
    QByteArray v = "{\"cookie\":{\"originalMaxAge\":86400000,\"expires\":\"2026-11-25T10:00:00.000Z\","
                   "\"httpOnly\":true,\"path\":\"/\"},\"passport\":{\"user\":\"user-";
    v += QByteArray::number(i) + "@example.com\"},\"csrfSecret\":\"";
    for (int k = 0; k < 24; ++k)
        v += char('a' + rng.bounded(26));
    v += "\"}";
    return v;
}

QByteArray sessionId(QRandomGenerator &rng)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QByteArray id(32, Qt::Uninitialized);
    for (char &c : id)
        c = alphabet[rng.bounded(64)];
    return id;
}

// The same N sessions into one node and into the cluster (each key on its slot's primary).
bool seed(RedisConnection &single, ClusterRouter &router, int keys)
{
    QRandomGenerator rng(20261202);
    QList<Command> batch;
    QList<QPair<QByteArray, Command>> routed;
    for (int i = 0; i < keys; ++i) {
        const QByteArray key = "sess:" + sessionId(rng);
        const Command set{"SET", key, sessionValue(rng, i), "EX", QByteArray::number(60 + rng.bounded(7 * 86400))};
        batch << set;
        routed.append({key, set});
        if (batch.size() == 10000 || i == keys - 1) {
            if (auto r = single.pipeline(batch); !r) {
                std::fprintf(stderr, "bench: seeding one node: %s\n", qPrintable(r.errorMessage()));
                return false;
            }
            if (auto r = router.pipeline(routed); !r) {
                std::fprintf(stderr, "bench: seeding the cluster: %s\n", qPrintable(r.errorMessage()));
                return false;
            }
            batch.clear();
            routed.clear();
        }
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int keys = 3000000;
    int failovers = 5;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--keys")
            keys = args[i + 1].toInt();
        else if (args[i] == "--failovers")
            failovers = args[i + 1].toInt();
    }

    std::printf("SessionDeck Redis Cluster benchmark (%d cores)\n\n", int(std::thread::hardware_concurrency()));
    // 1. The census.
    {
        LocalLauncher single;
        LauncherOptions clusterOptions;
        clusterOptions.clusterReplicas = 0;
        LocalLauncher cluster(clusterOptions);
        if (Status s = single.startStandalone(); !s) {
            std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
            return 1;
        }
        if (Status s = cluster.startCluster(); !s) {
            std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
            return 1;
        }
        auto one = RedisConnection::open(single.standaloneUrl(), ConnectionOptions{2000, 60000, "bench"});
        ClusterRouter router(cluster.clusterUrl(), ConnectionOptions{2000, 60000, "bench"});
        if (!one || !router.refresh()) {
            std::fprintf(stderr, "bench: cannot connect\n");
            return 1;
        }
        QElapsedTimer clock;
        clock.start();
        if (!seed(**one, router, keys))
            return 1;
        std::printf("1. Census of %d sessions: seeded into one node and into 3 shards in %.1f s\n", keys,
                    double(clock.elapsed()) / 1000.0);
        const CensusResult alone = SessionCensus::run(**one, QStringLiteral("sess:"));
        TopologyPoller poller(cluster.clusterUrl(), PollerOptions());
        const TopologySnapshot snapshot = poller.pollOnce();
        const CensusResult shards = ClusterCensus::run(cluster.clusterUrl(), snapshot, QStringLiteral("sess:"));
        std::printf("   one node, one scanner          : %6.2f s  (%lld sessions%s)\n", double(alone.durationMs) / 1000.0,
                    alone.count, alone.complete ? "" : ", INCOMPLETE");
        std::printf("   3 shards, a scanner each at once: %6.2f s  (%lld sessions%s)\n", double(shards.durationMs) / 1000.0,
                    shards.count, shards.complete ? "" : ", INCOMPLETE");
        for (const ShardCensus &s : shards.shards)
            std::printf("     shard %-18s %lld sessions in %.2f s\n", qPrintable(s.name), s.count, double(s.durationMs) / 1000.0);
        std::printf("   speed-up one node / 3 shards = %.2f (goal >= 1.6 on this machine)\n",
                    double(alone.durationMs) / double(qMax<qint64>(1, shards.durationMs)));
        std::printf("   counts agree: %s\n\n", alone.count == shards.count ? "yes" : "NO");
    }

    // 2. Failover visibility.
    {
        LocalLauncher cluster;
        if (Status s = cluster.startCluster(); !s) {
            std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
            return 1;
        }
        MonitorOptions options;
        options.census = false;
        options.poller.intervalMs = 1000;
        DeploymentMonitor monitor(cluster.clusterUrl(), options);
        std::vector<double> delays;
        std::atomic<qint64> promotedAt{0};
        qint64 publishedAt = 0;
        HostPort replica;
        int shardSlot = 0;
        QElapsedTimer clock;
        clock.start();
        QObject::connect(&monitor, &DeploymentMonitor::snapshotUpdated, [&](const TopologySnapshot &s) {
            const ShardState *shard = s.shardOfSlot(shardSlot);
            if (!replica.host.isEmpty() && publishedAt == 0 && shard && shard->primary.address == replica)
                publishedAt = clock.nsecsElapsed();
        });
        monitor.start();
        QTest::qWait(1500);
        for (int round = 0; round < failovers; ++round) {
            if (Status s = cluster.waitForClusterReady(30000); !s) {
                std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
                return 1;
            }
            QTest::qWait(1500);
            const auto &last = monitor.lastSnapshot();
            if (!last || last->shards.size() < 3) {
                std::fprintf(stderr, "bench: no snapshot\n");
                return 1;
            }
            const ShardState shard = last->shards.at(round % 3);
            shardSlot = shard.slots.first().first;
            replica = shard.replicas.value(0).address;
            publishedAt = 0;
            promotedAt = 0;
            std::atomic_bool stop{false};
            std::thread watcher([&] {
                auto conn = RedisConnection::open(cluster.clusterUrl().withNode(replica));
                while (conn && !stop) {
                    auto role = (*conn)->command(Command{"ROLE"});
                    if (role && role->size() > 0 && role->at(0).bytes() == "master") {
                        promotedAt = clock.nsecsElapsed();
                        return;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            });
            const int killed = cluster.indexOfPort(shard.primary.address.port);
            if (Status s = cluster.kill(killed); !s) {
                std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
                return 1;
            }
            QElapsedTimer wait;
            wait.start();
            while ((promotedAt == 0 || publishedAt == 0) && wait.elapsed() < 20000)
                QTest::qWait(5);
            stop = true;
            watcher.join();
            if (promotedAt && publishedAt) {
                const double ms = double(publishedAt - promotedAt.load()) / 1e6;
                delays.push_back(ms);
                std::printf("   failover %d: shard %s, %s -> %s, seen %.0f ms after the replica said role:master\n", round + 1,
                            qPrintable(shard.name), qPrintable(shard.primary.address.toString()),
                            qPrintable(replica.toString()), ms);
            } else {
                std::printf("   failover %d: not seen within 20 s\n", round + 1);
            }
            if (Status s = cluster.restart(killed); !s) {
                std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
                return 1;
            }
        }
        std::printf("2. Failover visibility, poll interval 1000 ms: median %.0f ms, max %.0f ms over %zu failovers "
                    "(goal: median under one poll interval)\n",
                    median(delays), delays.empty() ? 0.0 : *std::max_element(delays.begin(), delays.end()), delays.size());
    }
    return 0;
}
