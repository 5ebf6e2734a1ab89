// The session census and browser on a large keyspace, against the launcher's redis-server:
//  1. census of N sessions (TTLs and sizes included) next to `redis-cli --scan | wc -l` (a bare
//     count) and the floor, a bare SCAN COUNT 1000 loop with no per-key command;
//  2. the sessions table: rows streamed from the scanner into SessionTableModel, time from the
//     first batch to the whole table, bytes per row; and 10,000,000 synthetic rows' memory;
//  3. server impact: the round trip another client sees (PING every 10 ms) with no census, with
//     a census, and with a rate-limited census.
//
//   bench_sessions [--keys N] [--table-rows N]

#include "core/lab/locallauncher.h"
#include "core/sessions/sessioncensus.h"
#include "ui/models/sessiontablemodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <time.h>

using namespace sdcore;

namespace {

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[size_t(p * double(v.size() - 1))];
}

// About 300 bytes, like an express-session with passport and a little app state.
QByteArray sessionValue(QRandomGenerator &rng, int i)
{
    QByteArray v = "{\"cookie\":{\"originalMaxAge\":86400000,\"expires\":\"2026-11-25T10:00:00.000Z\","
                   "\"httpOnly\":true,\"secure\":true,\"path\":\"/\",\"sameSite\":\"lax\"},"
                   "\"passport\":{\"user\":\"";
    v += "user-" + QByteArray::number(i) + "@example.com\"},\"csrfSecret\":\"";
    for (int k = 0; k < 24; ++k)
        v += char('a' + rng.bounded(26));
    v += "\",\"flash\":{},\"views\":" + QByteArray::number(rng.bounded(100)) + ",\"lastPage\":\"/shop/cart\"}";
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

struct PingStats
{
    double median = 0, p99 = 0, max = 0;
    int samples = 0;
};

// PINGs every 10 ms from its own connection until `stop`.
PingStats pingWhile(const RedisUrl &url, const std::function<void()> &work)
{
    std::atomic_bool stop{false};
    std::vector<double> rtts;
    std::thread pinger([&] {
        auto c = RedisConnection::open(url);
        if (!c)
            return;
        while (!stop) {
            QElapsedTimer t;
            t.start();
            if (!(*c)->command(Command{"PING"}))
                return;
            rtts.push_back(double(t.nsecsElapsed()) / 1e6);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    work();
    stop = true;
    pinger.join();
    return {percentile(rtts, 0.5), percentile(rtts, 0.99), rtts.empty() ? 0 : *std::max_element(rtts.begin(), rtts.end()),
            int(rtts.size())};
}

double cpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

qint64 rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int keys = 1000000;
    qint64 tableRows = 10000000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--keys")
            keys = args[i + 1].toInt();
        else if (args[i] == "--table-rows")
            tableRows = args[i + 1].toLongLong();
    }

    LocalLauncher server;
    if (Status s = server.startStandalone(); !s) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(s.errorMessage()));
        return 1;
    }
    const RedisUrl url = server.standaloneUrl();
    const quint16 port = server.nodes().first().port;
    auto conn = RedisConnection::open(url, ConnectionOptions{2000, 30000, "bench"});
    if (!conn) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(conn.errorMessage()));
        return 1;
    }
    RedisConnection &c = **conn;

    std::printf("SessionDeck session benchmark against redis-server on 127.0.0.1:%u\n", port);
    QRandomGenerator rng(20261124);
    QElapsedTimer clock;
    clock.start();
    qint64 valueBytes = 0;
    QList<Command> batch;
    for (int i = 0; i < keys; ++i) {
        const QByteArray value = sessionValue(rng, i);
        valueBytes += value.size();
        batch << Command{"SET", "sess:" + sessionId(rng), value, "EX", QByteArray::number(60 + rng.bounded(7 * 86400))};
        if (batch.size() == 10000 || i == keys - 1) {
            if (auto r = c.pipeline(batch); !r) {
                std::fprintf(stderr, "bench: seeding: %s\n", qPrintable(r.errorMessage()));
                return 1;
            }
            batch.clear();
        }
    }
    const qint64 dbsize = c.command(Command{"DBSIZE"})->toInteger();
    std::printf("seeded %lld sessions (average value %lld bytes, random TTLs up to 7 days) in %.1f s\n\n",
                dbsize, valueBytes / qMax(1, keys), double(clock.elapsed()) / 1000.0);

    // 1. Census against redis-cli's bare count and the floor.
    double cliSeconds = -1;
    qint64 cliCount = -1;
    const QString cli = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
    if (!cli.isEmpty()) {
        QProcess p;
        clock.restart();
        p.start(QStringLiteral("sh"), {QStringLiteral("-c"),
                                      QStringLiteral("'%1' -p %2 --scan --pattern 'sess:*' | wc -l").arg(cli).arg(port)});
        p.waitForFinished(600000);
        cliSeconds = double(clock.elapsed()) / 1000.0;
        cliCount = p.readAllStandardOutput().trimmed().toLongLong();
    }

    clock.restart();
    qint64 floorCount = 0;
    QByteArray cursor = "0";
    do {
        auto r = c.command(Command{"SCAN", cursor, "MATCH", "sess:*", "COUNT", "1000"});
        if (!r)
            return 1;
        cursor = r->at(0).bytes();
        floorCount += r->at(1).size();
    } while (cursor != "0");
    const double floorSeconds = double(clock.elapsed()) / 1000.0;

    const double cpuBefore = cpuSeconds();
    const CensusResult census = SessionCensus::run(c, QStringLiteral("sess:"));
    const double censusSeconds = double(census.durationMs) / 1000.0;
    const double censusCpu = cpuSeconds() - cpuBefore;

    std::printf("1. Census of %d sessions\n", keys);
    if (cliSeconds >= 0)
        std::printf("   redis-cli --scan --pattern 'sess:*' | wc -l : %6.2f s  (%lld keys, count only)\n", cliSeconds, cliCount);
    std::printf("   floor: bare SCAN COUNT 1000 loop           : %6.2f s  (%lld keys, no per-key command)\n", floorSeconds, floorCount);
    std::printf("   SessionDeck census (PTTL + STRLEN per key) : %6.2f s  (%lld sessions, %s; %.2f s CPU in SessionDeck)\n",
                censusSeconds, census.count, census.complete ? "complete" : qPrintable(census.error), censusCpu);
    if (cliSeconds > 0)
        std::printf("   census / redis-cli count = %.2f (goal < 0.5)\n", censusSeconds / cliSeconds);
    std::printf("   census / floor           = %.2f (goal <= 2)\n\n", censusSeconds / floorSeconds);

    // 2. The sessions table.
    {
        sdui::SessionTableModel model;
        model.clear("sess:");
        const qint64 rssBefore = rssKiB();
        ScanOptions options;
        QElapsedTimer first;
        qint64 firstToLastMs = 0;
        clock.restart();
        const ScanSummary summary = SessionScanner::scan(c, options, nullptr, [&](ScanBatch &&b) {
            if (!first.isValid()) {
                first.start();
                model.reserve(b.dbSize);
            }
            model.appendRows(b.rows);
            firstToLastMs = first.elapsed();
            return true;
        });
        const double scanSeconds = double(clock.elapsed()) / 1000.0;
        const qint64 rows = model.totalRows();
        std::printf("2. Sessions table\n");
        std::printf("   %lld rows (id, user, TTL, size, type) streamed in %.2f s; first batch to whole table %.2f s%s\n",
                    rows, scanSeconds, double(firstToLastMs) / 1000.0, summary.complete ? "" : " (incomplete)");
        std::printf("   model memory: %.1f MB, %.1f bytes per row (process RSS grew %.1f MB)\n",
                    double(model.memoryBytes()) / 1e6, double(model.memoryBytes()) / double(qMax<qint64>(1, rows)),
                    double(rssKiB() - rssBefore) / 1024.0);
        clock.restart();
        model.sort(sdui::SessionTableModel::Ttl, Qt::AscendingOrder);
        const double sortMs = double(clock.nsecsElapsed()) / 1e6;
        clock.restart();
        model.setFilterText(QStringLiteral("user-4242"));
        std::printf("   sort by TTL %.0f ms; filter by user substring %.0f ms (%d rows match)\n", sortMs,
                    double(clock.nsecsElapsed()) / 1e6, model.rowCount());
    }
    if (tableRows > 0) {
        sdui::SessionTableModel model;
        model.clear("sess:");
        model.reserve(tableRows);
        const qint64 rssBefore = rssKiB();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<SessionRow> rowsBatch;
        clock.restart();
        for (qint64 i = 0; i < tableRows; ++i) {
            SessionRow r;
            r.key = "sess:" + sessionId(rng);
            r.pttlMs = rng.bounded(7 * 86400) * 1000LL;
            r.fetchedAtMs = now;
            r.size = 300;
            r.user = QStringLiteral("user-%1@example.com").arg(i);
            rowsBatch << r;
            if (rowsBatch.size() == 10000) {
                model.appendRows(rowsBatch);
                rowsBatch.clear();
            }
        }
        model.appendRows(rowsBatch);
        std::printf("   %lld synthetic rows (32-char ids, 20-char users): model %.0f MB (%.1f bytes per row), "
                    "RSS grew %.0f MB, filled in %.1f s\n\n",
                    qint64(model.totalRows()), double(model.memoryBytes()) / 1e6,
                    double(model.memoryBytes()) / double(model.totalRows()), double(rssKiB() - rssBefore) / 1024.0,
                    double(clock.elapsed()) / 1000.0);
    }

    // 3. Server impact.
    std::printf("3. Round trip another client sees (PING every 10 ms)\n");
    const PingStats idle = pingWhile(url, [] { std::this_thread::sleep_for(std::chrono::seconds(3)); });
    std::printf("   no census              : median %.3f ms, p99 %.3f ms, max %.3f ms (%d pings)\n", idle.median,
                idle.p99, idle.max, idle.samples);
    double took = 0;
    const PingStats busy = pingWhile(url, [&] {
        auto own = RedisConnection::open(url, ConnectionOptions{2000, 30000, "bench-census"});
        const CensusResult r = SessionCensus::run(**own, QStringLiteral("sess:"));
        took = double(r.durationMs) / 1000.0;
    });
    std::printf("   census, no rate limit  : median %.3f ms, p99 %.3f ms, max %.3f ms (%d pings, census %.1f s)\n",
                busy.median, busy.p99, busy.max, busy.samples, took);
    const int limit = qMax(1000, keys / 10);
    const PingStats gentle = pingWhile(url, [&] {
        auto own = RedisConnection::open(url, ConnectionOptions{2000, 30000, "bench-census"});
        ScanOptions options;
        options.keysPerSecond = limit;
        const CensusResult r = SessionCensus::run(**own, QStringLiteral("sess:"), nullptr, options);
        took = double(r.durationMs) / 1000.0;
    });
    const QByteArray label = QStringLiteral("census, %1 keys/s").arg(limit).leftJustified(23).toLatin1();
    std::printf("   %s: median %.3f ms, p99 %.3f ms, max %.3f ms (%d pings, census %.1f s)\n", label.constData(),
                gentle.median, gentle.p99, gentle.max, gentle.samples, took);
    return 0;
}
