// Cluster-health figures on the launcher's 6-process Sentinel deployment:
//  - failover visibility: from the moment +switch-master reaches an independent subscriber to
//    the moment DeploymentMonitor publishes a snapshot naming the new master, over several
//    failovers (polling alone would take up to a whole poll interval);
//  - the cost of one poll cycle (wall time and the poller thread's CPU time);
//  - the app's CPU use while it sits on the dashboard of that cluster (offscreen).
//
//   bench_cluster [--failovers N] [--cycles N] [--idle-seconds N]

#include "core/lab/locallauncher.h"
#include "core/monitor/deploymentmonitor.h"
#include "core/monitor/topologypoller.h"
#include "core/redis/redisconnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unistd.h>

using namespace sdcore;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Listens for +switch-master on every sentinel from its own thread, with its own connections,
// and notes when the first copy of each arrives.
class SwitchListener
{
public:
    explicit SwitchListener(QList<HostPort> sentinels)
    {
        m_thread = std::thread([this, sentinels] { run(sentinels); });
        while (!m_ready.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ~SwitchListener()
    {
        m_stop = true;
        m_thread.join();
    }
    std::optional<Clock::time_point> firstSeenAfter(Clock::time_point after)
    {
        std::lock_guard lock(m_mutex);
        for (const auto &t : m_seen) {
            if (t > after)
                return t;
        }
        return std::nullopt;
    }

private:
    void run(const QList<HostPort> &sentinels)
    {
        std::vector<std::unique_ptr<RedisConnection>> conns;
        for (const HostPort &s : sentinels) {
            auto c = RedisConnection::open(RedisUrl::tcp(s.host, s.port));
            if (c && (*c)->command({"SUBSCRIBE", "+switch-master"}))
                conns.push_back(std::move(*c));
        }
        m_ready = true;
        Clock::time_point last{};
        while (!m_stop.load()) {
            std::vector<pollfd> fds;
            for (auto &c : conns)
                fds.push_back(pollfd{c->socketDescriptor(), POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 50) <= 0)
                continue;
            const auto now = Clock::now();
            for (size_t i = 0; i < fds.size(); ++i) {
                if (!(fds[i].revents & POLLIN))
                    continue;
                auto messages = conns[i]->readAvailable();
                if (!messages || messages->isEmpty())
                    continue;
                // Copies from the other sentinels come within ~1 s; count each switch once.
                if (now - last > std::chrono::seconds(3)) {
                    std::lock_guard lock(m_mutex);
                    m_seen.push_back(now);
                    last = now;
                }
            }
        }
    }

    std::thread m_thread;
    std::atomic_bool m_ready{false};
    std::atomic_bool m_stop{false};
    std::mutex m_mutex;
    std::vector<Clock::time_point> m_seen;
};

qint64 processCpuTicks(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = f.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 0; utime and stime are fields 11 and 12.
    return fields.size() > 12 ? fields.at(11).toLongLong() + fields.at(12).toLongLong() : -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int failovers = 5, cycles = 50, idleSeconds = 10;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--failovers")
            failovers = args[i + 1].toInt();
        else if (args[i] == "--cycles")
            cycles = args[i + 1].toInt();
        else if (args[i] == "--idle-seconds")
            idleSeconds = args[i + 1].toInt();
    }

    LocalLauncher cluster;
    if (Status s = cluster.startSentinelDeployment(); !s) {
        std::fprintf(stderr, "bench_cluster: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    const RedisUrl url = cluster.sentinelUrl();
    std::printf("SessionDeck cluster benchmark: 1 master, 2 replicas, 3 sentinels on loopback\n\n");

    // 1. Poll cycle cost.
    {
        TopologyPoller poller(url, PollerOptions());
        poller.pollOnce();   // connections open
        std::vector<double> wall, cpu;
        for (int i = 0; i < cycles; ++i) {
            const double c0 = threadCpuMs();
            QElapsedTimer t;
            t.start();
            const TopologySnapshot s = poller.pollOnce();
            wall.push_back(double(t.nsecsElapsed()) / 1e6);
            cpu.push_back(threadCpuMs() - c0);
            if (s.health != Health::Ok)
                std::fprintf(stderr, "cycle %d: %s\n", i, qPrintable(s.problems.join("; ")));
        }
        std::printf("poll cycle (%d cycles; 6 nodes: topology, PING + INFO each, Pub/Sub):\n", cycles);
        std::printf("  wall  median %.2f ms  max %.2f ms\n", median(wall), *std::max_element(wall.begin(), wall.end()));
        std::printf("  CPU   median %.2f ms  max %.2f ms (poller thread)\n\n", median(cpu),
                    *std::max_element(cpu.begin(), cpu.end()));
    }

    // 2. Failover visibility.
    {
        MonitorOptions options;
        options.census = false;
        options.poller.intervalMs = 1000;
        DeploymentMonitor monitor(url, options);
        SwitchListener listener(url.hosts());
        HostPort shown;
        Clock::time_point shownAt{};
        QObject::connect(&monitor, &DeploymentMonitor::snapshotUpdated, [&](const TopologySnapshot &s) {
            if (!s.shards.isEmpty() && s.shards.first().hasPrimary && !(s.shards.first().primary.address == shown)) {
                shown = s.shards.first().primary.address;
                shownAt = Clock::now();
            }
        });
        monitor.start();
        QTest::qWait(3000);   // first snapshots, subscriptions in place
        std::vector<double> delays;
        for (int i = 0; i < failovers; ++i) {
            const HostPort before = shown;
            const auto start = Clock::now();
            monitor.requestFailover(30000);
            QElapsedTimer wait;
            wait.start();
            while (wait.elapsed() < 30000 && (shown == before || !listener.firstSeenAfter(start)))
                QTest::qWait(5);
            const auto seen = listener.firstSeenAfter(start);
            if (!seen || shown == before) {
                std::fprintf(stderr, "failover %d: not seen\n", i + 1);
                continue;
            }
            const double ms = std::chrono::duration<double, std::milli>(shownAt - *seen).count();
            delays.push_back(ms);
            std::printf("  failover %d: %s -> %s, shown %.1f ms after +switch-master\n", i + 1,
                        qPrintable(before.toString()), qPrintable(shown.toString()), ms);
            // Let the sentinels finish reconfiguring before the next one.
            if (!cluster.waitForNewMaster(before, 10000))
                std::fprintf(stderr, "failover %d: the sentinels did not agree in time\n", i + 1);
            QTest::qWait(4000);
        }
        std::printf("failover visibility over %zu failovers: median %.1f ms, max %.1f ms "
                    "(goal < 100 ms; polling alone: up to %d ms)\n\n",
                    delays.size(), median(delays),
                    delays.empty() ? 0.0 : *std::max_element(delays.begin(), delays.end()),
                    options.poller.intervalMs);
    }

    // 3. The app idle on the dashboard.
    {
        QProcess gui;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_CONFIG_HOME", QDir::tempPath() + "/sessiondeck-bench-config");
        env.insert("XDG_DATA_HOME", QDir::tempPath() + "/sessiondeck-bench-data");
        gui.setProcessEnvironment(env);
        gui.start(QStringLiteral(SESSIONDECK_APP),
                  {"--connect", url.toString(), "--quit-after", QString::number(idleSeconds + 10)});
        if (!gui.waitForStarted()) {
            std::fprintf(stderr, "could not start %s\n", SESSIONDECK_APP);
            return 1;
        }
        QTest::qWait(5000);
        const qint64 t0 = processCpuTicks(gui.processId());
        QTest::qWait(idleSeconds * 1000);
        const qint64 t1 = processCpuTicks(gui.processId());
        const double ticks = double(::sysconf(_SC_CLK_TCK));
        const double cpuSeconds = double(t1 - t0) / ticks;
        std::printf("app idle on the dashboard (1 s polling, census, event stream), %d s: "
                    "%.2f s CPU = %.1f%% of one core\n",
                    idleSeconds, cpuSeconds, 100.0 * cpuSeconds / idleSeconds);
        gui.waitForFinished(30000);
    }
    return 0;
}
