// The session store chain:
//  1. per-operation cost of the chain (Sentinel-less RedisSessionStore tier) next to bare hiredis
//     on the same server in the same run, one round trip each and pipelined by 100: wall time and
//     the client's CPU time per operation;
//  2. the chain's own overhead with an in-memory tier (no network; the TTL rule's JSON parsing
//     included), in µs per transaction (get + set);
//  3. the real drill (RealDrill) on a Sentinel cluster: the master killed while a write goes
//     through [Sentinel master, memory] every 10 ms: failed writes, time from the kill to the
//     first write served by memory, to +switch-master, and to the first write on the new master.
//
//   bench_store [--ops N]

#include "core/lab/locallauncher.h"
#include "core/lab/realdrill.h"
#include "core/store/failoversessionstore.h"
#include "core/store/memorysessionstore.h"
#include "core/store/redissessionstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <array>
#include <cstdio>
#include <ctime>

#include <hiredis/hiredis.h>

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

// Wall and process CPU time from construction to stop(), per operation.
struct Timing
{
    Timing()
    {
        wall.start();
        cpuStart = cpuNow();
    }
    void stop(int ops)
    {
        wallUs = double(wall.nsecsElapsed()) / 1e3 / ops;
        cpuUs = (cpuNow() - cpuStart) / 1e3 / ops;
    }
    static double cpuNow()
    {
        timespec ts{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
    }
    QElapsedTimer wall;
    double cpuStart = 0;
    double wallUs = 0;
    double cpuUs = 0;
};


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

    LocalLauncher server;
    if (Status s = server.startStandalone(); !s) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    std::printf("SessionDeck session store benchmark\n\n");
    const QByteArray value = session(1);

    // 1. Through the network. The baselines are bare hiredis (no SessionDeck code): the same
    //    SET ... EX one round trip at a time, and pipelined by 100. Wall time per operation is
    //    mostly the round trip; the client's CPU time per operation is what the chain adds.
    {
        const HostPort node = server.standaloneUrl().hosts().value(0);
        redisContext *bare = redisConnect(node.host.toUtf8().constData(), node.port);
        if (!bare || bare->err) {
            std::fprintf(stderr, "bench: cannot connect with hiredis\n");
            return 1;
        }
        const auto setArgs = [&value](const QByteArray &key, std::array<const char *, 5> &argv,
                                      std::array<size_t, 5> &lens) {
            argv = {"SET", key.constData(), value.constData(), "EX", "3600"};
            lens = {3, size_t(key.size()), size_t(value.size()), 2, 4};
        };
        std::array<const char *, 5> argv;
        std::array<size_t, 5> lens;

        Timing raw;
        for (int i = 0; i < ops; ++i) {
            const QByteArray key = "raw:" + QByteArray::number(i % 1000);
            setArgs(key, argv, lens);
            freeReplyObject(redisCommandArgv(bare, 5, argv.data(), lens.data()));
        }
        raw.stop(ops);

        Timing pipelined;
        for (int i = 0; i < ops; i += 100) {
            const int n = qMin(100, ops - i);
            for (int j = 0; j < n; ++j) {
                const QByteArray key = "raw:" + QByteArray::number((i + j) % 1000);
                setArgs(key, argv, lens);
                redisAppendCommandArgv(bare, 5, argv.data(), lens.data());
            }
            for (int j = 0; j < n; ++j) {
                void *reply = nullptr;
                if (redisGetReply(bare, &reply) != REDIS_OK)
                    return 1;
                freeReplyObject(reply);
            }
        }
        pipelined.stop(ops);
        redisFree(bare);

        auto redis = std::make_unique<RedisSessionStore>(server.standaloneUrl());
        auto check = redis->healthCheck();
        FailoverSessionStore chain(withMemoryFallback(std::move(redis), check));
        Timing viaChain;
        for (int i = 0; i < ops; ++i)
            chain.set(QByteArray::number(i % 1000), value).ok();
        viaChain.stop(ops);

        std::printf("1. set of a %lld-byte session, %d times (wall | client CPU, per operation)\n", qint64(value.size()), ops);
        std::printf("   bare hiredis SET ... EX, one round trip each : %7.2f us | %5.2f us\n", raw.wallUs, raw.cpuUs);
        std::printf("   bare hiredis, pipelined by 100               : %7.2f us | %5.2f us\n", pipelined.wallUs,
                    pipelined.cpuUs);
        std::printf("   chain (RedisSessionStore tier)               : %7.2f us | %5.2f us\n", viaChain.wallUs,
                    viaChain.cpuUs);
        std::printf("   chain / one round trip each                  : ratio %.2f, overhead %.2f us wall, %.2f us CPU\n",
                    viaChain.wallUs / raw.wallUs, viaChain.wallUs - raw.wallUs, viaChain.cpuUs - raw.cpuUs);
        std::printf("   chain / pipelined                            : ratio %.2f wall, %.2f client CPU\n",
                    viaChain.wallUs / pipelined.wallUs, viaChain.cpuUs / pipelined.cpuUs);
        std::printf("   (express-session calls the store once per request and waits for it, so the chain\n"
                    "    cannot pipeline: its wall time is the round trip's, and what it adds is CPU)\n\n");
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
    LocalLauncher cluster;
    if (Status s = cluster.startSentinelDeployment(); !s) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    const RealDrillReport drill = RealDrill::run(cluster);
    if (!drill.error.isEmpty())
        std::fprintf(stderr, "bench: drill: %s\n", qPrintable(drill.error));
    std::printf("3. Drill: master killed, a write every 10 ms through [Sentinel master, memory]\n");
    std::printf("   %d writes, %d failed\n", drill.writes, drill.failed);
    std::printf("   kill -> first write served by memory : %lld ms\n", drill.toMemoryMs);
    std::printf("   kill -> +switch-master at the chain  : %lld ms\n", drill.switchSeenMs);
    std::printf("   kill -> first write on the new master: %lld ms (%lld ms after +switch-master; goal < 100)\n",
                drill.onNewMasterMs,
                drill.switchSeenMs >= 0 && drill.onNewMasterMs >= 0 ? drill.onNewMasterMs - drill.switchSeenMs : -1);
    return 0;
}
