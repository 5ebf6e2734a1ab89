// Round-trip time and pipelined throughput of RedisConnection against the launcher's
// redis-server, next to redis-benchmark on the same server in the same run.
//
//   bench_connection [--pings N] [--sets N]

#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>

using namespace sdcore;

namespace {

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[size_t(p * double(v.size() - 1))];
}

// redis-benchmark --csv: "test","rps",... ; returns requests per second of `test`.
double redisBenchmark(quint16 port, const QStringList &extra, const QString &test)
{
    const QString exe = QStandardPaths::findExecutable("redis-benchmark");
    if (exe.isEmpty())
        return -1;
    QProcess p;
    p.start(exe, QStringList{"-h", "127.0.0.1", "-p", QString::number(port), "--csv"} + extra);
    if (!p.waitForFinished(300000))
        return -1;
    for (const QByteArray &line : p.readAllStandardOutput().split('\n')) {
        const QList<QByteArray> cols = line.split(',');
        if (cols.size() >= 2 && cols[0] == '"' + test.toUtf8() + '"')
            return QByteArray(cols[1]).replace('"', "").toDouble();
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int pings = 20000;
    int sets = 400000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--pings")
            pings = args[i + 1].toInt();
        else if (args[i] == "--sets")
            sets = args[i + 1].toInt();
    }

    LocalLauncher server;
    if (Status s = server.startStandalone(); !s) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    const quint16 port = server.nodes().first().port;
    auto conn = RedisConnection::open(server.standaloneUrl());
    if (!conn) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(conn.errorMessage()));
        return 1;
    }

    std::printf("SessionDeck connection benchmark against redis-server on 127.0.0.1:%u\n", port);

    // 1. Round trip: one PING at a time.
    std::vector<double> rtts;
    rtts.reserve(size_t(pings));
    QElapsedTimer total;
    total.start();
    for (int i = 0; i < pings; ++i) {
        QElapsedTimer t;
        t.start();
        if (!(*conn)->command({"PING"}))
            return 1;
        rtts.push_back(double(t.nsecsElapsed()) / 1000.0);
    }
    const double pingSeconds = double(total.nsecsElapsed()) / 1e9;
    const double ourPingRate = pings / pingSeconds;
    std::printf("\nround trip, %d sequential PINGs on one connection:\n", pings);
    std::printf("  sessiondeck      median %.1f us  p99 %.1f us  max %.1f us  -> %.0f PING/s\n",
                percentile(rtts, 0.5), percentile(rtts, 0.99), percentile(rtts, 1.0), ourPingRate);
    const double benchPingRate = redisBenchmark(port, {"-c", "1", "-P", "1", "-n", QString::number(pings),
                                                       "-t", "ping"}, "PING_MBULK");
    if (benchPingRate > 0)
        std::printf("  redis-benchmark  -c 1 -P 1                            -> %.0f PING/s  (ratio %.2f)\n",
                    benchPingRate, ourPingRate / benchPingRate);

    // 2. Pipelined SETs, 64 per round trip, one connection.
    auto pipelined = [&](int depth) {
        QList<Command> batch;
        QElapsedTimer t;
        t.start();
        for (int done = 0; done < sets; done += depth) {
            batch.clear();
            for (int j = 0; j < depth && done + j < sets; ++j)
                batch << Command{"SET", "key:" + QByteArray::number((done + j) % 100000), "xxx"};
            if (!(*conn)->pipeline(batch))
                return -1.0;
        }
        return sets / (double(t.nsecsElapsed()) / 1e9);
    };
    std::printf("\npipelined SET, %d commands on one connection:\n", sets);
    const double ours64 = pipelined(64);
    std::printf("  sessiondeck      depth 64                             -> %.0f SET/s\n", ours64);
    const double bench64 = redisBenchmark(port, {"-c", "1", "-P", "64", "-n", QString::number(sets),
                                                 "-t", "set"}, "SET");
    if (bench64 > 0)
        std::printf("  redis-benchmark  -c 1 -P 64                           -> %.0f SET/s  (ratio %.2f)\n",
                    bench64, ours64 / bench64);
    const double ours1000 = pipelined(1000);
    std::printf("  sessiondeck      depth 1000                           -> %.0f SET/s\n", ours1000);
    const double bench50 = redisBenchmark(port, {"-P", "64", "-n", QString::number(sets), "-t", "set"}, "SET");
    if (bench50 > 0)
        std::printf("  redis-benchmark  -c 50 -P 64 (server's ceiling)       -> %.0f SET/s\n", bench50);
    std::printf("\nratio = sessiondeck / redis-benchmark on the same server, same run; above 1 is faster.\n");
    return 0;
}
