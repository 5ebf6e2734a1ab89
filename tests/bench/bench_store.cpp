// The session store chain:
//  1. per-operation cost of the chain (Sentinel-less RedisSessionStore tier) next to raw hiredis
//     commands on the same server, one round trip each, in the same run, and raw pipelined SETs
//     for scale;
//  2. the chain's own overhead with an in-memory tier (no network; the TTL rule's JSON parsing
//     included), in µs per transaction (get + set);
//  3. the real drill (RealDrill) on a Sentinel cluster: the master killed while a write goes
//     through [Sentinel master, memory] every 10 ms: failed writes, time from the kill to the
//     first write served by memory, to +switch-master, and to the first write on the new master.
//
//   bench_store [--ops N]

#include "clusterlauncher.h"
#include "failoversessionstore.h"
#include "memorysessionstore.h"
#include "realdrill.h"
#include "redissessionstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace sdcore;

namespace {

QByteArray session(int i)
{
    const QDateTime expires = QDateTime::currentDateTimeUtc().addSecs(3600);
    return "{\"cookie\":{\"originalMaxAge\":3600000,\"expires\":\"" + expires.toString(Qt::ISODateWithMs).toUtf8()
        + "\",\"secure\":true,\"httpOnly\":true,\"path\":\"/\",\"sameSite\":\"lax\"},\"passport\":{\"user\":\"user-"
        + QByteArray::number(i) + "@example.com\"},\"csrfSecret\":\"Hx3kP9qLmW2vR7tY5nB8cD1f\",\"views\":"
        + QByteArray::number(i % 100) + ",\"lastPage\":\"/shop/cart\",\"flash\":{}}";
}

std::vector<StoreTier> chainOf(std::unique_ptr<SessionStore> first, std::function<Status()> check)
{
    std::vector<StoreTier> tiers;
    tiers.push_back({std::move(first), std::move(check)});
    tiers.push_back({std::make_unique<MemorySessionStore>(), {}});
    return tiers;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int ops = 50000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--ops")
            ops = args[i + 1].toInt();
    }

    ClusterLauncher server;
    if (Status s = server.startStandalone(); !s) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    std::printf("SessionDeck session store benchmark\n\n");
    const QByteArray value = session(1);

    // 1. Through the network.
    {
        auto raw = RedisConnection::open(server.standaloneUrl());
        if (!raw)
            return 1;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < ops; ++i)
            (*raw)->command(Command{"SET", "raw:" + QByteArray::number(i % 1000), value, "EX", "3600"}).ok();
        const double rawUs = double(t.nsecsElapsed()) / 1e3 / ops;

        QList<Command> batch;
        t.restart();
        for (int i = 0; i < ops; ++i) {
            batch << Command{"SET", "raw:" + QByteArray::number(i % 1000), value, "EX", "3600"};
            if (batch.size() == 100) {
                (*raw)->pipeline(batch).ok();
                batch.clear();
            }
        }
        const double pipelinedUs = double(t.nsecsElapsed()) / 1e3 / ops;

        auto redis = std::make_unique<RedisSessionStore>(server.standaloneUrl());
        auto check = redis->healthCheck();
        FailoverSessionStore chain(chainOf(std::move(redis), check));
        t.restart();
        for (int i = 0; i < ops; ++i)
            chain.set(QByteArray::number(i % 1000), value).ok();
        const double chainUs = double(t.nsecsElapsed()) / 1e3 / ops;
        std::printf("1. set of a %lld-byte session, %d times, one round trip each\n", qint64(value.size()), ops);
        std::printf("   raw hiredis SET ... EX            : %7.2f us/op\n", rawUs);
        std::printf("   chain (RedisSessionStore tier)    : %7.2f us/op  (ratio %.2f, overhead %.2f us)\n", chainUs,
                    chainUs / rawUs, chainUs - rawUs);
        std::printf("   raw hiredis, pipelined by 100     : %7.2f us/op  (for scale)\n\n", pipelinedUs);
    }

    // 2. No network: the chain's own cost.
    {
        std::vector<StoreTier> tiers;
        tiers.push_back({std::make_unique<MemorySessionStore>(), {}});
        FailoverSessionStore chain(std::move(tiers));
        MemorySessionStore bare;
        const int n = ops * 4;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < n; ++i) {
            const QByteArray sid = QByteArray::number(i % 1000);
            chain.get(sid).ok();
            chain.set(sid, value).ok();
        }
        const double chainUs = double(t.nsecsElapsed()) / 1e3 / n;
        t.restart();
        for (int i = 0; i < n; ++i) {
            const QByteArray sid = QByteArray::number(i % 1000);
            bare.get(sid).ok();
            bare.set(sid, value).ok();
        }
        const double bareUs = double(t.nsecsElapsed()) / 1e3 / n;
        std::printf("2. in-memory tier, get + set of the same session, %d transactions\n", n);
        std::printf("   through the chain                 : %7.2f us/transaction (goal < 1 us)\n", chainUs);
        std::printf("   MemorySessionStore alone          : %7.2f us/transaction (the chain adds %.2f us)\n\n",
                    bareUs, chainUs - bareUs);
    }

    // 3. The real drill.
    ClusterLauncher cluster;
    if (Status s = cluster.startSentinelCluster(); !s) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    const RealDrillReport drill = RealDrill::run(cluster);
    if (!drill.error.isEmpty())
        std::fprintf(stderr, "bench: drill: %s\n", qPrintable(drill.error));
    std::printf("3. Drill: master killed, a write every 10 ms through [Sentinel master, memory]\n");
    std::printf("   %d writes, %d failed\n", drill.writes, drill.failed);
    std::printf("   kill -> first write served by memory : %lld ms\n", drill.toMemoryMs);
    std::printf("   kill -> +switch-master at a client   : %lld ms\n", drill.switchSeenMs);
    std::printf("   kill -> first write on the new master: %lld ms (%lld ms after +switch-master; goal < 100)\n",
                drill.onNewMasterMs,
                drill.switchSeenMs >= 0 && drill.onNewMasterMs >= 0 ? drill.onNewMasterMs - drill.switchSeenMs : -1);
    return 0;
}
