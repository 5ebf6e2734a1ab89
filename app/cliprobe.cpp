// sessiondeck-cli probe: the connectivity test, the apps' store chain run tier by tier.

#include "app/clicommon.h"
#include "core/lab/realdrill.h"
#include "core/store/connectivityprobe.h"

#include <chrono>
#include <thread>

using namespace sdcore;

namespace cli {

int runProbe(const QCommandLineParser &parser)
{
    Target target;
    if (auto code = parseTarget(parser, target))
        return *code;
    if (target.url.isCluster())
        return fail(target, makeError(ErrorKind::Unsupported,
                                      QStringLiteral("probe does not run on a Redis Cluster yet (the store chain has no "
                                                     "cluster tier in this version); nothing was tried")));
    QList<RedisUrl> fallbacks;
    for (const QString &text : parser.values(QStringLiteral("fallback"))) {
        auto url = RedisUrl::parse(text);
        if (!url) {
            err() << "sessiondeck-cli: --fallback: " << url.errorMessage() << "\n";
            return ExitUsage;
        }
        if (url->usesTls()) {
            if (auto code = applyTlsOptions(parser, *url, false))
                return *code;
        }
        // Each tier signs in with its own URL's credentials: the primary's password is never
        // sent to a host it was not given for.
        if (url->hasPassword())
            warnAboutArgvPassword(parser, QStringLiteral("--fallback"));
        fallbacks << *url;
    }
    ProbeOptions options;
    options.drill = parser.isSet(QStringLiteral("drill"));
    if (parser.isSet(QStringLiteral("prefix")))
        options.prefix = parser.value(QStringLiteral("prefix")).toUtf8();
    options.connection.connectTimeoutMs = target.options.connectTimeoutMs;
    options.connection.commandTimeoutMs = target.options.commandTimeoutMs;
    const ProbeReport report = ConnectivityProbe::run(target.url, fallbacks, options);

    if (target.json) {
        printJson(report.toJson());
        return report.verdict();
    }
    for (const ProbeTier &tier : report.tiers) {
        out() << tier.name << "  " << tier.target << "  "
              << (tier.ok ? QStringLiteral("OK") : QStringLiteral("FAILED: ") + safe(tier.error)) << "\n";
        for (const ProbeStep &s : tier.steps) {
            out() << "    " << (s.ok ? "ok  " : "FAIL") << "  " << s.name.leftJustified(8) << " "
                  << QString::number(s.ms, 'f', 2).rightJustified(8) << " ms  " << safe(s.detail) << "\n";
        }
        if (tier.leftKey)
            out() << "    a probe key could not be removed; it expires within 30 s\n";
    }
    out() << "Served by: " << (report.servedBy.isEmpty() ? QStringLiteral("none") : report.servedBy) << "\n";
    if (!report.drill.isEmpty()) {
        out() << "Drill:\n";
        for (const DrillPhase &p : report.drill) {
            out() << "    " << p.what.leftJustified(26) << " served by " << (p.servedBy.isEmpty() ? QStringLiteral("none") : p.servedBy)
                  << (p.ok ? "" : " (FAILED)") << "  at " << qRound(p.ms) << " ms\n";
        }
    }
    for (const StoreSwitch &s : report.switches)
        out() << "Switch " << s.fromName << " -> " << s.toName << ": " << safe(s.reason) << "\n";
    out() << (report.verdict() == 0 ? "Verdict: the first tier serves sessions.\n"
              : report.verdict() == 1 ? "Verdict: only a fallback tier serves sessions.\n"
                                      : "Verdict: no Redis tier serves sessions (the apps would fall back to memory).\n");
    out().flush();
    return report.verdict();
}

int runRealDrill(const QCommandLineParser &parser)
{
    // Only ever against a cluster of its own: it kills that cluster's master. Ctrl-C, SIGTERM
    // and SIGHUP end it in order, so that the cluster is stopped and its folder removed.
    cancelOnInterrupt();
    LocalLauncher cluster;
    std::atomic_bool drillOver{false};
    std::thread watcher([&] {
        while (!drillOver.load()) {
            if (g_interrupted.load()) {
                cluster.cancel();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    const auto finish = [&](int code) {
        drillOver = true;
        watcher.join();
        if (g_interrupted.load()) {
            err() << "sessiondeck-cli: drill cancelled; its cluster is stopped and its folder removed\n";
            err().flush();
            return ExitUnreachable;
        }
        return code;
    };
    err() << "Starting a local Sentinel cluster (1 master, 2 replicas, 3 sentinels) for the drill…\n";
    err().flush();
    if (Status s = cluster.startSentinelDeployment(); !s) {
        if (!g_interrupted.load())
            err() << "sessiondeck-cli: " << safe(s.errorMessage()) << "\n";
        return finish(ExitUnreachable);
    }
    RealDrillOptions options;
    options.cancel = &g_interrupted;
    if (parser.isSet(QStringLiteral("prefix")))
        options.prefix = parser.value(QStringLiteral("prefix")).toUtf8();
    err() << "Killing the master " << cluster.agreedMaster()->toString() << " while writing every "
          << options.intervalMs << " ms through [Sentinel master, memory]…\n";
    err().flush();
    const RealDrillReport r = RealDrill::run(cluster, options);
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(r.toJson());
    } else {
        out() << "Old master " << r.oldMaster.toString() << ", new master "
              << (r.newMaster.host.isEmpty() ? QStringLiteral("none") : r.newMaster.toString()) << "\n";
        out() << r.writes << " writes, " << r.failed << " failed\n";
        for (const RealDrillPhase &p : r.phases) {
            out() << "  " << QString::number(p.fromMs).rightJustified(6) << " - " << QString::number(p.toMs).rightJustified(6)
                  << " ms  served by " << p.tier << ": " << p.writes << " writes, " << p.failed << " failed\n";
        }
        out() << "kill -> memory " << r.toMemoryMs << " ms, -> +switch-master " << r.switchSeenMs
              << " ms, -> new master " << r.onNewMasterMs << " ms\n";
        for (const StoreSwitch &sw : r.switches) {
            out() << "  switch " << sw.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) << "  " << sw.fromName
                  << " -> " << sw.toName << ": " << sw.reason << "\n";
        }
        if (!r.error.isEmpty())
            out() << "Drill: " << safe(r.error) << "\n";
        out().flush();
    }
    return finish(r.error.isEmpty() && r.failed == 0 ? ExitOk : ExitUnreachable);
}

} // namespace cli
