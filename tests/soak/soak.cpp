// The chaos soak: the launcher's Sentinel cluster for a set time while a seeded random schedule
// kills (SIGKILL), stops (SIGSTOP) and restarts masters, replicas and sentinels. Meanwhile the
// app runs offscreen on the cluster (dashboard polling, the event stream, a session scan every
// few seconds) and the store chain [Sentinel master, memory] serves a steady stream of
// operations on a thread of its own, following +switch-master as the apps do.
//
// The report: crashes (the run reaching its report means none), the longest stall of the UI
// thread, the app's memory growth after warm-up, the failovers Sentinel made (counted by an
// independent subscriber) against those the app recorded, and the store operations that
// succeeded, failed with an error, or hung (over 10 s; must be 0). Exit 0 when nothing hung,
// no failover was missed and the UI never stalled for a second.
//
//   sessiondeck_soak [--seconds N] [--seed S]

#include "core/lab/locallauncher.h"
#include "core/monitor/deploymentmonitor.h"
#include "core/store/failoversessionstore.h"
#include "core/store/masterfollower.h"
#include "core/store/redissessionstore.h"
#include "core/support/eventloopwatchdog.h"
#include "core/workspace/workspace.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/sessionspage.h"
#include "ui/window/mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <malloc.h>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace sdcore;

namespace {

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

qint64 heapInUseKiB()
{
    const struct mallinfo2 info = mallinfo2();
    return qint64((info.uordblks + info.hblkhd) / 1024);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The store chain's steady stream of operations, on its own thread.
class StoreStream
{
public:
    explicit StoreStream(const RedisUrl &url)
    {
        m_thread = std::thread([this, url] { run(url); });
    }
    ~StoreStream() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    // An operation running for longer than this counts as hung.
    static constexpr qint64 HungMs = 10000;
    bool hungNow() const
    {
        const qint64 started = m_opStartedMs.load();
        return started > 0 && nowMs() - started > HungMs;
    }

    std::atomic<qint64> ok{0};
    std::atomic<qint64> failed{0};
    std::atomic<qint64> hung{0};
    std::atomic<qint64> byMemory{0};
    std::atomic<qint64> slowestMs{0};
    std::atomic<int> storeSwitches{0};

private:
    void run(const RedisUrl &url)
    {
        RedisStoreOptions options;
        options.connection.connectTimeoutMs = options.connection.commandTimeoutMs = 500;
        options.connection.clientName = "sessiondeck-soak";
        auto primary = std::make_unique<RedisSessionStore>(url, options, QStringLiteral("primary"));
        RedisSessionStore *primaryStore = primary.get();
        auto check = primary->healthCheck();
        FailoverSessionStore chain(withMemoryFallback(std::move(primary), check));
        chain.setSwitchListener([this](const StoreSwitch &) { ++storeSwitches; });
        MasterFollower follower(url, MasterFollower::forChain(chain, 0, *primaryStore));
        const QByteArray session = "{\"cookie\":{\"originalMaxAge\":600000,\"httpOnly\":true,\"path\":\"/\"},"
                                   "\"user\":\"soak\"}";
        for (qint64 i = 0; !m_stop; ++i) {
            const QByteArray sid = "soak" + QByteArray::number(i % 200);
            const qint64 start = nowMs();
            m_opStartedMs = start;
            const bool good = i % 2 == 0 ? chain.set(sid, session).ok() : chain.get(sid).ok();
            m_opStartedMs = 0;
            const qint64 took = nowMs() - start;
            if (took > HungMs)
                ++hung;
            else if (good)
                ++ok;
            else
                ++failed;
            if (good && chain.lastServedBy() == 1)
                ++byMemory;
            if (took > slowestMs)
                slowestMs = took;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    std::atomic_bool m_stop{false};
    std::atomic<qint64> m_opStartedMs{0};
    std::thread m_thread;
};

// The seeded schedule, on its own thread (the launcher's calls block while a node restarts).
// At most one data node and one sentinel are out at any time, so Sentinel can always fail over
// and the failovers can be counted.
class Chaos
{
public:
    Chaos(LocalLauncher &cluster, quint32 seed) : m_deployment(cluster), m_random(seed)
    {
        m_thread = std::thread([this] { run(); });
    }
    ~Chaos()
    {
        stop();
        {
            std::lock_guard lock(m_mutex);
            m_exit = true;
        }
        m_exitWake.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }
    // Ends the schedule (every node back up); the thread stays until the destructor, as the
    // nodes it restarted die with it.
    void stop()
    {
        m_stop = true;
        std::unique_lock lock(m_mutex);
        m_exitWake.wait(lock, [this] { return m_idle; });
    }
    QStringList log() const
    {
        std::lock_guard lock(m_mutex);
        return m_log;
    }
    int kills = 0, stops = 0, restarts = 0;

private:
    void note(const QString &what)
    {
        std::lock_guard lock(m_mutex);
        m_log << QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz")), what);
    }
    bool sleepMs(int ms)
    {
        for (int waited = 0; waited < ms && !m_stop; waited += 50)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return !m_stop;
    }
    QString nameOf(int index) const { return m_deployment.nodes().at(index).name; }
    void bringBack()
    {
        for (int index : std::set<int>(m_down)) {
            if (m_deployment.restart(index)) {
                ++restarts;
                note(QStringLiteral("restart %1").arg(nameOf(index)));
                m_down.erase(index);
            }
        }
    }
    void run()
    {
        const QList<int> data = m_deployment.redisNodeIndexes();
        const QList<int> sentinels = m_deployment.sentinelIndexes();
        sleepMs(5000);   // warm-up: the app connects, the first polls land
        while (sleepMs(std::uniform_int_distribution<int>(3000, 7000)(m_random))) {
            bringBack();
            if (!m_down.empty())
                continue;   // a restart failed; try again next round
            const bool onSentinel = std::uniform_int_distribution<int>(0, 3)(m_random) == 0;
            const QList<int> &pool = onSentinel ? sentinels : data;
            int index = pool.at(std::uniform_int_distribution<int>(0, int(pool.size()) - 1)(m_random));
            // Half the data-node faults go to the master: those make failovers.
            if (!onSentinel && std::uniform_int_distribution<int>(0, 1)(m_random) == 0) {
                if (auto master = m_deployment.agreedMaster()) {
                    for (int i : data) {
                        if (m_deployment.nodes().at(i).port == master->port)
                            index = i;
                    }
                }
            }
            if (std::uniform_int_distribution<int>(0, 2)(m_random) == 0) {
                const int ms = std::uniform_int_distribution<int>(1000, 4000)(m_random);
                if (m_deployment.pause(index)) {
                    ++stops;
                    note(QStringLiteral("SIGSTOP %1 for %2 ms").arg(nameOf(index)).arg(ms));
                    sleepMs(ms);
                    (void)m_deployment.resume(index);
                    note(QStringLiteral("SIGCONT %1").arg(nameOf(index)));
                }
            } else if (m_deployment.kill(index)) {
                ++kills;
                m_down.insert(index);
                note(QStringLiteral("SIGKILL %1").arg(nameOf(index)));
            }
        }
        bringBack();
        std::unique_lock lock(m_mutex);
        m_idle = true;
        m_exitWake.notify_all();
        m_exitWake.wait(lock, [this] { return m_exit; });
    }

    LocalLauncher &m_deployment;
    std::mt19937 m_random;
    std::set<int> m_down;
    std::atomic_bool m_stop{false};
    mutable std::mutex m_mutex;
    std::condition_variable m_exitWake;
    bool m_idle = false;
    bool m_exit = false;
    QStringList m_log;
    std::thread m_thread;
};

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int seconds = 600;
    quint32 seed = 20261124;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--seconds"))
            seconds = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--seed"))
            seed = args[i + 1].toUInt();
    }

    LocalLauncher cluster;
    if (Status s = cluster.startSentinelDeployment(); !s) {
        std::fprintf(stderr, "soak: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    const RedisUrl url = cluster.sentinelUrl();
    {
        auto c = RedisConnection::open(cluster.nodeUrl(0));
        QList<Command> seedSessions;
        for (int i = 0; i < 2000; ++i)
            seedSessions << Command{"SET", "sess:seed" + QByteArray::number(i), "{\"user\":\"u\"}", "EX", "3600"};
        if (!c || !(*c)->pipeline(seedSessions)) {
            std::fprintf(stderr, "soak: could not seed sessions\n");
            return 1;
        }
    }
    std::printf("SessionDeck chaos soak: %d s, seed %u, cluster %s\n", seconds, seed, qPrintable(url.toString()));
    std::fflush(stdout);

    // Failovers as Sentinel makes them, counted apart from the app.
    std::atomic_int sentinelFailovers{0};
    MasterFollower independent(url, [&](const HostPort &) { ++sentinelFailovers; });

    Workspace workspace(false);
    workspace.setPollInterval(500);
    sdui::MainWindow window(&workspace);
    window.resize(1400, 900);
    window.show();
    if (auto added = workspace.addConnection(url.toSecretString(), QStringLiteral("soak")); !added) {
        std::fprintf(stderr, "soak: %s\n", qPrintable(added.errorMessage()));
        return 1;
    }
    workspace.activate(0);

    StoreStream store(url);
    Chaos chaos(cluster, seed);
    EventLoopWatchdog *watchdog = window.watchdog();
    qint64 rssWarm = 0;
    qint64 heapWarm = 0;
    int scans = 0;
    // Once a minute: RSS, and the bytes malloc has handed out and not got back (all arenas).
    // RSS that grows while the heap in use stays flat is the allocator keeping freed pages
    // (per-thread arenas), not SessionDeck holding on to memory.
    QStringList memoryByMinute;
    QElapsedTimer runClock;
    runClock.start();
    QTimer memoryClock;
    memoryClock.setInterval(60000);
    QObject::connect(&memoryClock, &QTimer::timeout, [&] {
        memoryByMinute << QStringLiteral("%1 s: RSS %2 KiB, heap in use %3 KiB")
                              .arg(runClock.elapsed() / 1000)
                              .arg(residentKiB())
                              .arg(heapInUseKiB());
    });
    memoryClock.start();
    QTimer drive;
    drive.setInterval(4000);
    QObject::connect(&drive, &QTimer::timeout, [&] {
        // A user on the window: a scan, and a look at each page.
        window.sessions()->findChild<QPushButton *>(QStringLiteral("scanButton"))->click();
        ++scans;
        window.pages()->setCurrentIndex((window.pages()->currentIndex() + 1) % window.pages()->count());
        if (rssWarm == 0) {
            rssWarm = residentKiB();
            heapWarm = heapInUseKiB();
        }
    });
    drive.start();
    qint64 hungSeen = 0;
    QTimer hungCheck;
    hungCheck.setInterval(1000);
    QObject::connect(&hungCheck, &QTimer::timeout, [&] {
        if (store.hungNow())
            ++hungSeen;
    });
    hungCheck.start();
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    app.exec();

    drive.stop();   // the end picture shows the dashboard, not the page the drive turned to
    hungCheck.stop();
    memoryClock.stop();
    chaos.stop();
    // Let the last failover finish and its events arrive.
    QEventLoop settle;
    QTimer::singleShot(8000, &settle, &QEventLoop::quit);
    settle.exec();
    store.stop();
    // The dashboard as it stands after the soak, failover markers and all.
    window.pages()->setCurrentIndex(0);
    QEventLoop paint;
    QTimer::singleShot(1500, &paint, &QEventLoop::quit);
    paint.exec();
    const QString png = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("soak-dashboard.png"));
    window.grab().save(png);

    int recorded = 0;
    if (DeploymentMonitor *monitor = workspace.activeMonitor()) {
        for (const TimelineEntry &e : monitor->timeline().entries())
            recorded += e.event.type == QLatin1String("+switch-master") ? 1 : 0;
    }
    const qint64 rssEnd = residentKiB();
    const qint64 heapEnd = heapInUseKiB();
    const qint64 longest = watchdog->longestStallMs();
    const qint64 hung = store.hung + (hungSeen > 0 ? 1 : 0);

    std::printf("\nchaos: %d kills, %d stops, %d restarts\n", chaos.kills, chaos.stops, chaos.restarts);
    for (const QString &line : chaos.log())
        std::printf("  %s\n", qPrintable(line));
    std::printf("\nreport\n");
    std::printf("  crashes                       : 0 (the run reached its report)\n");
    std::printf("  longest UI stall              : %lld ms (%d over 250 ms)\n", longest, watchdog->reportedStalls());
    std::printf("  app memory (RSS)              : %lld KiB after warm-up, %lld KiB at the end (%+lld KiB)\n",
                rssWarm, rssEnd, rssEnd - rssWarm);
    std::printf("  app heap in use (malloc)      : %lld KiB after warm-up, %lld KiB at the end (%+lld KiB)\n",
                heapWarm, heapEnd, heapEnd - heapWarm);
    for (const QString &line : memoryByMinute)
        std::printf("    %s\n", qPrintable(line));
    std::printf("  failovers Sentinel made       : %d\n", sentinelFailovers.load());
    std::printf("  failovers SessionDeck recorded: %d (%s)\n", recorded,
                recorded >= sentinelFailovers ? "none missed" : "MISSED SOME");
    std::printf("  store operations              : %lld ok, %lld failed with an error, %lld hung "
                "(%lld served by memory, slowest %lld ms, %d chain switches)\n",
                qint64(store.ok), qint64(store.failed), hung, qint64(store.byMemory), qint64(store.slowestMs),
                store.storeSwitches.load());
    std::printf("  session scans started         : %d\n", scans);
    std::printf("  the dashboard at the end      : %s\n", qPrintable(png));
    std::fflush(stdout);
    const bool pass = hung == 0 && recorded >= sentinelFailovers && longest < 1000;
    std::printf("\n%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
