// What TLS costs a RedisConnection: the same redis-server build started twice, once plain and
// once TLS-only, and the same work on each: opening a connection (the TLS handshake included),
// one PING round trip at a time, pipelined SETs, and large GETs. Wall time, and the client's CPU
// time (the relay thread's included).
//
//   bench_tls [--pings N]

#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace sdcore;

namespace {

double cpuNowUs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

struct Figures
{
    double openUs = 0;
    double pingUs = 0;
    double pingCpuUs = 0;
    double setUs = 0;      // per SET, pipelined by 1000
    double getMBps = 0;    // 8 MiB values
};

bool measure(const RedisUrl &url, int pings, Figures &f)
{
    std::vector<double> opens;
    for (int i = 0; i < 50; ++i) {
        QElapsedTimer t;
        t.start();
        auto c = RedisConnection::open(url);
        if (!c) {
            std::fprintf(stderr, "bench_tls: %s\n", qPrintable(c.errorMessage()));
            return false;
        }
        opens.push_back(double(t.nsecsElapsed()) / 1e3);
    }
    f.openUs = median(opens);

    auto conn = RedisConnection::open(url);
    if (!conn)
        return false;
    std::vector<double> rtts;
    rtts.reserve(size_t(pings));
    const double cpu0 = cpuNowUs();
    for (int i = 0; i < pings; ++i) {
        QElapsedTimer t;
        t.start();
        if (!(*conn)->command({"PING"}))
            return false;
        rtts.push_back(double(t.nsecsElapsed()) / 1e3);
    }
    f.pingCpuUs = (cpuNowUs() - cpu0) / pings;
    f.pingUs = median(rtts);

    QList<Command> batch;
    for (int i = 0; i < 1000; ++i)
        batch << Command{"SET", "bench:tls:" + QByteArray::number(i), QByteArray(200, 'x')};
    QElapsedTimer sets;
    sets.start();
    for (int round = 0; round < 100; ++round) {
        if (!(*conn)->pipeline(batch))
            return false;
    }
    f.setUs = double(sets.nsecsElapsed()) / 1e3 / 100000;

    const QByteArray big(8 << 20, 'v');
    if (!(*conn)->command({"SET", "bench:tls:big", big}))
        return false;
    QElapsedTimer gets;
    gets.start();
    for (int i = 0; i < 20; ++i) {
        auto r = (*conn)->command({"GET", "bench:tls:big"});
        if (!r || r->bytes().size() != big.size())
            return false;
    }
    f.getMBps = 20.0 * 8.0 / (double(gets.nsecsElapsed()) / 1e9);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int pings = 20000;
    const QStringList args = app.arguments();
    if (const qsizetype at = args.indexOf(QStringLiteral("--pings")); at >= 0 && at + 1 < args.size())
        pings = qMax(100, args.at(at + 1).toInt());

    LocalLauncher plain;
    LauncherOptions tlsOptions;
    tlsOptions.tls = true;
    LocalLauncher tls(tlsOptions);
    for (LocalLauncher *server : {&plain, &tls}) {
        if (auto s = server->startStandalone(); !s) {
            std::fprintf(stderr, "bench_tls: %s\n", qPrintable(s.errorMessage()));
            return 1;
        }
    }
    Figures p;
    Figures t;
    if (!measure(plain.standaloneUrl(), pings, p) || !measure(tls.standaloneUrl(), pings, t))
        return 1;

    std::printf("bench_tls: plain redis:// against TLS rediss:// (TLS 1.3, P-256 certificate), same redis-server\n");
    std::printf("                                 plain        TLS    TLS/plain\n");
    std::printf("open (connect [+ handshake])  %8.1f us %8.1f us   %6.2f\n", p.openUs, t.openUs, t.openUs / p.openUs);
    std::printf("PING round trip, median       %8.1f us %8.1f us   %6.2f\n", p.pingUs, t.pingUs, t.pingUs / p.pingUs);
    std::printf("client CPU per PING           %8.1f us %8.1f us   %6.2f\n", p.pingCpuUs, t.pingCpuUs,
                t.pingCpuUs / p.pingCpuUs);
    std::printf("SET, pipelined by 1000        %8.2f us %8.2f us   %6.2f\n", p.setUs, t.setUs, t.setUs / p.setUs);
    std::printf("GET of 8 MiB                  %8.0f MB/s %6.0f MB/s %5.2f\n", p.getMBps, t.getMBps, t.getMBps / p.getMBps);
    return 0;
}
