// sessiondeck-cli: the command-line face of SessionDeck. Uses core only (no widgets).
//
// Exit codes: 0 success, 1 degraded (status), 2 target unreachable, critical or the operation
// failed, 64 bad arguments.

#include "app/clicommon.h"
#include "core/cluster/clusterfailover.h"
#include "core/cluster/clusterrouter.h"
#include "core/lab/demodeployment.h"
#include "core/monitor/topologypoller.h"
#include "core/sentinel/eventtimeline.h"
#include "core/sentinel/failovercontroller.h"
#include "core/sentinel/masterresolver.h"
#include "core/sentinel/sentineleventstream.h"
#include "core/support/format.h"
#include "core/support/info.h"
#include "core/support/logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <numeric>

using namespace sdcore;
using namespace cli;

namespace {

// A cluster: each primary that serves slots, PINGed `count` times.
int pingCluster(const Target &target, int count)
{
    ClusterRouter router(target.url, target.options);
    if (Status s = router.refresh(); !s)
        return fail(target, s.error());
    QJsonArray nodes;
    QStringList lines;
    bool allUp = true;
    for (const HostPort &primary : router.primaries()) {
        auto conn = router.connectionTo(primary);
        double sum = 0;
        QString error;
        for (int i = 0; i < count && conn && error.isEmpty(); ++i) {
            QElapsedTimer timer;
            timer.start();
            if (auto pong = (*conn)->command(Command{"PING"}); !pong)
                error = pong.errorMessage();
            sum += double(timer.nsecsElapsed()) / 1e6;
        }
        if (!conn)
            error = conn.errorMessage();
        allUp = allUp && error.isEmpty();
        const double avg = sum / double(count);
        nodes.append(error.isEmpty() ? QJsonObject{{"node", primary.toString()}, {"ok", true}, {"rtt_ms", avg}}
                                     : QJsonObject{{"node", primary.toString()}, {"ok", false}, {"error", error}});
        lines << (error.isEmpty() ? QStringLiteral("PONG from primary %1: round trip %2 ms").arg(primary.toString()).arg(avg, 0, 'f', 3)
                                  : QStringLiteral("primary %1: %2").arg(primary.toString(), error));
    }
    if (target.json) {
        printJson(QJsonObject{{"ok", allUp}, {"url", target.url.toString()}, {"kind", "cluster"}, {"primaries", nodes}});
    } else {
        for (const QString &line : std::as_const(lines))
            out() << safe(line) << "\n";
    }
    out().flush();
    return allUp ? ExitOk : ExitUnreachable;
}

int runPing(const QCommandLineParser &parser)
{
    Target target;
    if (auto code = parseTarget(parser, target))
        return *code;
    int count = 1;
    if (parser.isSet(QStringLiteral("count"))) {
        bool ok = false;
        count = parser.value(QStringLiteral("count")).toInt(&ok);
        if (!ok || count < 1 || count > 100000)
            return usage(QStringLiteral("--count wants a number from 1 to 100000"));
    }

    if (target.url.isCluster())
        return pingCluster(target, count);
    auto node = MasterResolver::connect(target.url, target.options, target.url.isSentinel());
    if (!node)
        return fail(target, node.error());

    QList<double> rtts;
    for (int i = 0; i < count; ++i) {
        QElapsedTimer timer;
        timer.start();
        auto pong = node->connection->command(Command{"PING"});
        if (!pong)
            return fail(target, pong.error());
        rtts << double(timer.nsecsElapsed()) / 1e6;
    }
    auto infoReply = node->connection->command(Command{"INFO", "server"});
    if (!infoReply)
        return fail(target, infoReply.error());
    const Info info = Info::parse(infoReply->bytes());
    const QString version = info.text("redis_version");
    const QString role = QString::fromUtf8(node->role);
    double sum = 0, best = rtts.first(), worst = rtts.first();
    for (double r : rtts) {
        sum += r;
        best = std::min(best, r);
        worst = std::max(worst, r);
    }
    const double avg = sum / double(rtts.size());

    QJsonObject json{{"ok", true},
                     {"url", target.url.toString()},
                     {"node", node->node.toString()},
                     {"role", role},
                     {"version", version},
                     {"rtt_ms", avg},
                     {"rtt_min_ms", best},
                     {"rtt_max_ms", worst},
                     {"pings", count}};
    if (node->via)
        json.insert("sentinel", node->via->answeredBy.toString());

    QStringList lines;
    lines << QStringLiteral("PONG from %1: role %2, Redis %3, round trip %4 ms%5")
                 .arg(node->node.toString(), role, version)
                 .arg(avg, 0, 'f', 3)
                 .arg(count > 1 ? QStringLiteral(" (avg of %1, min %2, max %3)")
                                      .arg(count)
                                      .arg(best, 0, 'f', 3)
                                      .arg(worst, 0, 'f', 3)
                                : QString());
    if (node->via) {
        lines << QStringLiteral("  master of '%1' named by sentinel %2")
                     .arg(target.url.masterName(), node->via->answeredBy.toString());
    }

    if (target.json)
        printJson(json);
    else {
        for (const QString &line : std::as_const(lines))
            out() << safe(line) << "\n";
    }
    out().flush();
    return ExitOk;
}

QString nodeLine(const char *what, const RedisNodeState &n)
{
    QString line = QStringLiteral("  %1 %2  %3").arg(QLatin1String(what), -8).arg(n.address.toString(), -21)
                       .arg(n.up ? QStringLiteral("up") : QStringLiteral("DOWN"));
    if (n.up) {
        const auto figure = [](qint64 v) { return v < 0 ? QStringLiteral("?") : QString::number(v); };
        line += QStringLiteral("  %1  rtt %2 ms  clients %3  mem %4  ops/s %5")
                    .arg(n.role, QString::number(n.rttMs, 'f', 2), figure(n.connectedClients),
                         n.usedMemory < 0 ? QStringLiteral("?") : format::bytes(n.usedMemory), figure(n.opsPerSec));
        if (n.lagBytes >= 0)
            line += QStringLiteral("  lag %1 B / %2 s").arg(n.lagBytes).arg(n.lagSeconds);
        if (!n.masterLinkStatus.isEmpty())
            line += QStringLiteral("  link %1").arg(n.masterLinkStatus);
    } else {
        line += QStringLiteral("  %1").arg(n.reason);
    }
    if (!n.flags.isEmpty())
        line += QStringLiteral("  [%1]").arg(n.flags.join(QLatin1Char(',')));
    return line;
}

int runStatus(const QCommandLineParser &parser)
{
    Target target;
    if (auto code = parseTarget(parser, target))
        return *code;
    PollerOptions options;
    options.nodeTimeoutMs = target.options.commandTimeoutMs;
    options.cycleBudgetMs = qMax(3000, 4 * target.options.commandTimeoutMs);
    TopologyPoller poller(target.url, options);
    const TopologySnapshot s = poller.pollOnce();
    const int code = s.health == Health::Ok ? ExitOk
                     : s.health == Health::Degraded ? ExitDegraded
                                                    : ExitUnreachable;
    if (target.json) {
        printJson(s.toJson());
        return code;
    }
    QStringList lines;
    lines << QStringLiteral("%1: %2").arg(target.url.toString(), healthName(s.health).toUpper());
    for (const QString &p : s.problems)
        lines << QStringLiteral("  ! %1").arg(p);
    const SentinelGroup &group = s.sentinel;
    if (s.hasSentinels() && !group.masterNameUnknown) {
        lines << QStringLiteral("  master group '%1', quorum %2 (%3), asked sentinel %4")
                     .arg(group.masterName, group.quorum < 0 ? QStringLiteral("?") : QString::number(group.quorum),
                          group.quorumText.isEmpty() ? QStringLiteral("?") : group.quorumText,
                          group.answeredBy.toString());
    }
    if (s.isCluster() && !s.cluster.answeredBy.host.isEmpty()) {
        lines << QStringLiteral("  cluster_state %1, %2 of 16384 slots ok, %3 nodes known, current epoch %4, "
                                "asked %5")
                     .arg(s.cluster.state)
                     .arg(s.cluster.slotsOk)
                     .arg(s.cluster.knownNodes)
                     .arg(s.cluster.currentEpoch)
                     .arg(s.cluster.answeredBy.toString());
    }
    for (const ShardState &shard : s.shards) {
        if (s.isCluster()) {
            lines << QStringLiteral("  shard %1 (%2 slots)%3")
                         .arg(shard.slots.isEmpty() ? QStringLiteral("without slots") : shard.name)
                         .arg(std::accumulate(shard.slots.begin(), shard.slots.end(), 0,
                                              [](int n, const SlotRange &r) { return n + r.count(); }))
                         .arg(shard.migrations.isEmpty() ? QString()
                                                         : QStringLiteral(", %1 slot(s) migrating").arg(shard.migrations.size()));
            for (const SlotMigration &m : shard.migrations)
                lines << QStringLiteral("    slot %1 %2 %3").arg(m.slot).arg(m.importing ? "importing from" : "migrating to",
                                                                   m.peer.isEmpty() ? m.peerId : m.peer);
        }
        if (shard.hasPrimary)
            lines << nodeLine(s.isCluster() ? "primary" : "master", shard.primary);
        for (const RedisNodeState &r : shard.replicas)
            lines << nodeLine("replica", r);
    }
    if (!s.spareNodes.isEmpty())
        lines << QStringLiteral("  nodes without slots (a failed old primary rejoins as a replica when it is back)");
    for (const RedisNodeState &n : s.spareNodes)
        lines << nodeLine("no-slots", n);
    for (const SentinelState &st : group.sentinels) {
        // One arg() call for the texts: a server's reason may hold "%1" itself.
        lines << QStringLiteral("  sentinel %1  %2%3")
                     .arg(st.address.toString().leftJustified(21),
                          st.up ? QStringLiteral("up  rtt %1 ms").arg(st.rttMs, 0, 'f', 2)
                                : QStringLiteral("DOWN  ") + st.reason,
                          st.flags.isEmpty() ? QString() : QStringLiteral("  [%1]").arg(st.flags.join(QLatin1Char(','))));
    }
    qint64 keys = 0;
    for (const ShardState &shard : s.shards)
        keys += shard.primaryUp() ? qMax<qint64>(0, shard.primary.keys) : 0;
    if (s.reachedPrimary())
        lines << QStringLiteral("  keys in db %1: %2%3")
                     .arg(target.url.db())
                     .arg(keys)
                     .arg(s.primariesUp() < s.primariesKnown()
                              ? QStringLiteral(" (%1 of %2 primaries answered)").arg(s.primariesUp()).arg(s.primariesKnown())
                              : QString());
    for (QString &line : lines)
        line = safe(line);
    out() << lines.join(QLatin1Char('\n')) << "\n";
    out().flush();
    return code;
}

QJsonObject eventJson(const SentinelEvent &e)
{
    return QJsonObject{{"time", e.at.toString(Qt::ISODateWithMs)},
                       {"type", e.type},
                       {"instance", instanceName(e.instance)},
                       {"name", e.name},
                       {"address", e.address.port ? e.address.toString() : QString()},
                       {"master_name", e.masterName},
                       {"detail", e.detail},
                       {"payload", e.payload},
                       {"sentinel", e.source.toString()}};
}

// A cluster publishes no events: poll it every second and print what changed.
int runClusterEvents(QCoreApplication &app, const Target &target, int seconds)
{
    PollerOptions options;
    options.intervalMs = 1000;
    options.pubsub = false;
    TopologyPoller poller(target.url, options);
    const TopologySnapshot first = poller.pollOnce();
    if (first.shards.isEmpty() && first.errorKind == ErrorKind::Unsupported) {
        err() << "sessiondeck-cli: " << safe(first.error) << "\n";
        return ExitUsage;
    }
    if (first.shards.isEmpty()
        && (first.errorKind == ErrorKind::AuthFailed || first.errorKind == ErrorKind::NoAuth
            || first.errorKind == ErrorKind::NoPermission)) {
        err() << "sessiondeck-cli: " << safe(first.error) << "\n";
        return ExitUnreachable;
    }
    if (first.shards.isEmpty())
        err() << "no cluster node answers yet (" << safe(first.error) << "); watching, polled every second\n";
    else
        err() << "watching cluster through " << first.cluster.answeredBy.toString() << " (" << first.shards.size()
              << " shards, polled every second)\n";
    err().flush();
    QObject::connect(&poller, &TopologyPoller::polled, [&](const TopologySnapshot &s) {
        for (const SentinelEvent &e : s.events) {
            if (target.json) {
                QJsonObject o{{"time", e.at.toString(Qt::ISODateWithMs)},
                              {"type", e.type},
                              {"detail", e.detail},
                              {"seen_by", e.source.toString()}};
                if (e.type == ClusterEventType::Failover) {
                    o.insert("old_primary", e.oldMaster.toString());
                    o.insert("new_primary", e.newMaster.toString());
                    o.insert("shard", e.name);
                }
                out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
            } else {
                out() << e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) << "  " << e.type << "  "
                      << safe(e.detail) << "\n";
            }
        }
        out().flush();
    });
    quitOnInterrupt(app);
    poller.start(1);
    if (seconds > 0)
        QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    app.exec();
    return ExitOk;
}

int runEvents(QCoreApplication &app, const QCommandLineParser &parser)
{
    Target target;
    if (auto code = parseTarget(parser, target))
        return *code;
    if (!target.url.isSentinel() && !target.url.isCluster())
        return usage(QStringLiteral("events needs a redis-sentinel:// or redis-cluster:// URL"));
    int seconds = 0;
    if (parser.isSet(QStringLiteral("seconds"))) {
        bool ok = false;
        seconds = parser.value(QStringLiteral("seconds")).toInt(&ok);
        if (!ok || seconds <= 0)
            return usage(QStringLiteral("--seconds wants a positive number"));
    }
    if (target.url.isCluster())
        return runClusterEvents(app, target, seconds);
    quitOnInterrupt(app);
    EventTimeline timeline;
    SentinelEventStream stream(target.url);
    int linksUp = 0;
    QObject::connect(&stream, &SentinelEventStream::eventReceived, [&](const SentinelEvent &e) {
        if (!e.masterName.isEmpty() && e.masterName != target.url.masterName())
            return;
        const auto added = timeline.add(e);
        if (!added.isNew)
            return;   // the same event from another sentinel
        if (target.json) {
            out() << QJsonDocument(eventJson(e)).toJson(QJsonDocument::Compact) << "\n";
        } else {
            out() << e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) << "  "
                  << safe(e.summary()) << "  (sentinel " << e.source.toString() << ")\n";
        }
        out().flush();
    });
    QObject::connect(&stream, &SentinelEventStream::linkChanged,
                     [&](const HostPort &sentinel, bool up, const QString &reason) {
        linksUp += up ? 1 : 0;
        if (up)
            err() << "listening to sentinel " << sentinel.toString() << "\n";
        else
            err() << "sentinel " << sentinel.toString() << ": " << safe(reason) << "\n";
        err().flush();
    });
    // Discover the other sentinels once, so events reach us from all of them.
    PollerOptions pollerOptions;
    TopologyPoller poller(target.url, pollerOptions);
    stream.start();
    const TopologySnapshot snapshot = poller.pollOnce();
    stream.addSentinels(poller.knownSentinels());
    const QList<SentinelState> &sentinelStates = snapshot.sentinel.sentinels;
    if (std::none_of(sentinelStates.begin(), sentinelStates.end(), [](const SentinelState &s) { return s.up; })) {
        err() << "sessiondeck-cli: no sentinel reachable: " << safe(snapshot.error) << "\n";
        return ExitUnreachable;
    }
    if (seconds > 0)
        QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    app.exec();
    return ExitOk;
}

// What `failover --yes` would do, from one poll; fails over nothing.
int failoverDryRun(const Target &target)
{
    PollerOptions options;
    TopologyPoller poller(target.url, options);
    const TopologySnapshot s = poller.pollOnce();
    // A Sentinel deployment: one shard, the sentinels' group.
    const ShardState shard = s.shards.value(0);
    const HostPort answeredBy = s.sentinel.answeredBy;
    QStringList replicas;
    for (const RedisNodeState &r : shard.replicas)
        replicas << QStringLiteral("%1 (%2)").arg(r.address.toString(), r.up ? QStringLiteral("up") : QStringLiteral("down"));
    const bool possible = shard.hasPrimary && !s.sentinel.sentinels.isEmpty() && !shard.replicas.isEmpty();
    if (target.json) {
        printJson(QJsonObject{{"dry_run", true},
                              {"master_name", target.url.masterName()},
                              {"current_master", shard.hasPrimary ? shard.primary.address.toString() : QString()},
                              {"replicas", QJsonArray::fromStringList(replicas)},
                              {"sentinel", answeredBy.toString()},
                              {"possible", possible},
                              {"problems", QJsonArray::fromStringList(s.problems)}});
    } else {
        out() << "Dry run: nothing was failed over.\n";
        out() << "Would ask sentinel " << (answeredBy.host.isEmpty() ? QStringLiteral("(none reachable)") : answeredBy.toString())
              << " to fail over '" << safe(target.url.masterName()) << "': current master "
              << (shard.hasPrimary ? shard.primary.address.toString() : QStringLiteral("(unknown)")) << "; a replica among "
              << (replicas.isEmpty() ? QStringLiteral("(none)") : replicas.join(QStringLiteral(", "))) << " would be promoted.\n";
        for (const QString &p : s.problems)
            out() << "  ! " << safe(p) << "\n";
    }
    out().flush();
    return possible ? ExitOk : ExitUnreachable;
}

// "host:port" ("[::1]:7000" for IPv6), checked as a URL's host would be.
Result<HostPort> parseHostPort(const QString &text)
{
    static const QRegularExpression withPort(QStringLiteral(":[0-9]+$"));
    if (text.isEmpty() || text.contains(QRegularExpression(QStringLiteral("[/@?#,\\s]"))) || !withPort.match(text).hasMatch())
        return makeError(ErrorKind::BadUrl, QStringLiteral("want HOST:PORT, e.g. 127.0.0.1:7001"));
    auto url = RedisUrl::parse(QStringLiteral("redis://") + text);
    if (!url)
        return url.error();
    return url->hosts().first();
}

// One cluster shard: plan from one poll, confirm, CLUSTER FAILOVER, follow.
int runClusterFailover(const QCommandLineParser &parser, Target &target)
{
    ClusterFailoverRequest request;
    const bool byPrimary = parser.isSet(QStringLiteral("primary"));
    const bool byReplica = parser.isSet(QStringLiteral("promote"));
    if (parser.values(QStringLiteral("primary")).size() > 1 || parser.values(QStringLiteral("promote")).size() > 1)
        return usage(QStringLiteral("failover: name one node: --primary or --replica was given twice"));
    if (byPrimary == byReplica)
        return usage(QStringLiteral("failover on a cluster: name the shard with --primary HOST:PORT or the replica to "
                                    "promote with --replica HOST:PORT (one of them)"));
    const QString address = parser.value(byPrimary ? QStringLiteral("primary") : QStringLiteral("promote"));
    auto hostPort = parseHostPort(address);
    if (!hostPort)
        return usage(QStringLiteral("--%1: %2").arg(byPrimary ? "primary" : "replica", hostPort.errorMessage()));
    (byPrimary ? request.primary : request.replica) = *hostPort;
    if (parser.isSet(QStringLiteral("force")) && parser.isSet(QStringLiteral("takeover")))
        return usage(QStringLiteral("failover: --force and --takeover do not go together"));
    if (parser.isSet(QStringLiteral("force")))
        request.mode = ClusterFailoverRequest::Mode::Force;
    if (parser.isSet(QStringLiteral("takeover")))
        request.mode = ClusterFailoverRequest::Mode::Takeover;
    if (parser.isSet(QStringLiteral("dry-run")) && parser.isSet(QStringLiteral("yes")))
        return usage(QStringLiteral("failover: --dry-run and --yes do not go together"));
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        const int seconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || seconds <= 0 || seconds > 3600)
            return usage(QStringLiteral("--timeout wants a number of seconds from 1 to 3600"));
        request.timeoutMs = seconds * 1000;
        target.options = ConnectionOptions();
    }
    PollerOptions pollerOptions;
    pollerOptions.pubsub = false;
    TopologyPoller poller(target.url, pollerOptions);
    const TopologySnapshot s = poller.pollOnce();
    auto plan = ClusterFailover::plan(s, request);
    if (!plan) {
        if (target.json)
            printJson(QJsonObject{{"ok", false}, {"error", plan.errorMessage()}});
        else
            err() << "sessiondeck-cli: " << safe(plan.errorMessage()) << "\n";
        return plan.error().kind == ErrorKind::BadUrl ? ExitUsage : ExitUnreachable;
    }
    if (parser.isSet(QStringLiteral("dry-run"))) {
        if (target.json) {
            printJson(QJsonObject{{"dry_run", true},
                                  {"shard", plan->shard},
                                  {"primary", plan->primary.toString()},
                                  {"replica", plan->replica.toString()},
                                  {"mode", failoverModeName(plan->mode)},
                                  {"warnings", QJsonArray::fromStringList(plan->warnings)}});
        } else {
            out() << "Dry run: nothing was failed over. With --yes: " << safe(plan->description()) << ".\n";
            for (const QString &w : plan->warnings)
                out() << "  ! " << safe(w) << "\n";
            out() << "  " << failoverModeRisk(plan->mode) << "\n";
        }
        return ExitOk;
    }
    if (!parser.isSet(QStringLiteral("yes")))
        return usage(QStringLiteral("%1. It drops the clients' connections to %2; run again with --yes to confirm")
                         .arg(plan->description(), plan->primary.toString()));
    if (plan->mode != ClusterFailoverRequest::Mode::Default)
        err() << "warning: " << failoverModeRisk(plan->mode) << "\n";
    for (const QString &w : plan->warnings)
        err() << "warning: " << safe(w) << "\n";
    cancelOnInterrupt();
    const FailoverOutcome outcome = ClusterFailover::run(target.url, *plan, [](const QString &step) {
        err() << safe(step) << "\n";
        err().flush();
    }, &g_interrupted);
    if (target.json) {
        printJson(QJsonObject{{"ok", outcome.ok},
                              {"shard", outcome.masterName},
                              {"mode", failoverModeName(plan->mode)},
                              {"old_primary", outcome.oldMaster.toString()},
                              {"new_primary", outcome.ok ? outcome.newMaster.toString() : QString()},
                              {"elapsed_ms", outcome.elapsedMs},
                              {"error", outcome.error},
                              {"steps", QJsonArray::fromStringList(outcome.steps)}});
    } else {
        (outcome.ok ? out() : err()) << safe(outcome.summary()) << "\n";
    }
    out().flush();
    err().flush();
    return outcome.ok ? ExitOk : ExitUnreachable;
}

int runFailover(QCoreApplication &app, const QCommandLineParser &parser)
{
    Target target;
    if (auto code = parseTarget(parser, target))
        return *code;
    if (target.url.isCluster())
        return runClusterFailover(parser, target);
    for (const char *clusterOnly : {"primary", "promote", "force", "takeover"}) {
        if (parser.isSet(QLatin1String(clusterOnly)))
            return usage(QStringLiteral("failover: --%1 is for a cluster shard (redis-cluster:// URLs)")
                             .arg(QLatin1String(clusterOnly) == QLatin1String("promote") ? QStringLiteral("replica")
                                                                                         : QLatin1String(clusterOnly)));
    }
    if (!target.url.isSentinel())
        return usage(QStringLiteral("failover needs a redis-sentinel:// or redis-cluster:// URL"));
    if (parser.isSet(QStringLiteral("dry-run"))) {
        if (parser.isSet(QStringLiteral("yes")))
            return usage(QStringLiteral("failover: --dry-run and --yes do not go together"));
        return failoverDryRun(target);
    }
    if (!parser.isSet(QStringLiteral("yes"))) {
        return usage(QStringLiteral("a failover demotes the current master of '%1' and drops its "
                                    "clients' connections; run again with --yes to confirm")
                         .arg(target.url.masterName()));
    }
    int timeoutSeconds = 60;
    if (parser.isSet(QStringLiteral("timeout"))) {
        // For failover, --timeout is in seconds (the whole failover), not a connection timeout.
        bool ok = false;
        timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || timeoutSeconds <= 0)
            return usage(QStringLiteral("--timeout wants a positive number of seconds"));
        target.options = ConnectionOptions();
    }
    quitOnInterrupt(app);

    // Listen first, so the whole sequence of events is seen.
    SentinelEventStream stream(target.url);
    FailoverController controller(target.url);
    QObject::connect(&stream, &SentinelEventStream::eventReceived, &controller, &FailoverController::onEvent);
    PollerOptions pollerOptions;
    TopologyPoller poller(target.url, pollerOptions);
    const TopologySnapshot before = poller.pollOnce();
    const QList<HostPort> sentinels = poller.knownSentinels();
    stream.addSentinels(sentinels);
    stream.start();

    FailoverOutcome outcome;
    bool done = false;
    QObject::connect(&controller, &FailoverController::progress, [](const QString &step) {
        err() << safe(step) << "\n";
        err().flush();
    });
    QObject::connect(&controller, &FailoverController::finished, [&](const FailoverOutcome &o) {
        outcome = o;
        done = true;
        app.quit();
    });
    // Give the subscriptions a moment to be in place (they connect within milliseconds on a
    // healthy network), then start.
    QTimer::singleShot(stream.connectedCount() == stream.linkCount() ? 0 : 300, &app, [&] {
        QList<HostPort> order;
        for (const SentinelState &s : before.sentinel.sentinels) {
            if (s.up)
                order << s.address;
        }
        for (const HostPort &h : sentinels) {
            if (!order.contains(h))
                order << h;
        }
        controller.start(order, timeoutSeconds * 1000);
    });
    app.exec();
    if (!done) {
        err() << "sessiondeck-cli: interrupted; the failover may still be running\n";
        return ExitUnreachable;
    }
    if (target.json) {
        printJson(QJsonObject{{"ok", outcome.ok},
                              {"master_name", outcome.masterName},
                              {"old_master", outcome.oldMaster.toString()},
                              {"new_master", outcome.ok ? outcome.newMaster.toString() : QString()},
                              {"elapsed_ms", outcome.elapsedMs},
                              {"sentinel", outcome.askedSentinel.toString()},
                              {"error", outcome.error},
                              {"steps", QJsonArray::fromStringList(outcome.steps)}});
    } else {
        (outcome.ok ? out() : err()) << safe(outcome.summary()) << "\n";
    }
    out().flush();
    err().flush();
    return outcome.ok ? ExitOk : ExitUnreachable;
}

int runDemo(QCoreApplication &app, const QCommandLineParser &parser)
{
    DemoOptions options;
    options.cluster = parser.isSet(QStringLiteral("cluster"));
    int seconds = 0;
    if (parser.isSet(QStringLiteral("seconds"))) {
        bool ok = false;
        seconds = parser.value(QStringLiteral("seconds")).toInt(&ok);
        if (!ok || seconds <= 0)
            return usage(QStringLiteral("--seconds wants a positive number"));
    }
    if (parser.isSet(QStringLiteral("rate"))) {
        bool ok = false;
        options.operationsPerSecond = parser.value(QStringLiteral("rate")).toInt(&ok);
        if (!ok || options.operationsPerSecond <= 0)
            return usage(QStringLiteral("--rate wants a positive number of operations per second"));
    }
    quitOnInterrupt(app);

    int exitCode = ExitOk;
    DemoDeployment demo(options);
    QObject::connect(&demo, &DemoDeployment::progress, [](const QString &m) {
        err() << m << "\n";
        err().flush();
    });
    QObject::connect(&demo, &DemoDeployment::failed, [&](const QString &m) {
        err() << "sessiondeck-cli: the demo failed: " << m << "\n";
        err().flush();
        exitCode = ExitUnreachable;
        app.quit();
    });
    QObject::connect(&demo, &DemoDeployment::ready, [&](const RedisUrl &url) {
        out() << "demo-url: " << url.toString() << "\n";
        out().flush();
        err() << (options.cluster ? "Demo Redis Cluster running" : "Demo Sentinel deployment running")
              << ". Press Ctrl-C to stop it.\n";
        err().flush();
        if (seconds > 0)
            QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    });
    demo.start();
    app.exec();
    return exitCode;
}

// The arguments with a failover's "--replica X" spelled "--promote X" (see main()). The command
// is the first argument that is neither an option nor the value of one.
QStringList failoverArguments(QStringList args, const QList<QCommandLineOption> &options)
{
    QSet<QString> valued;
    for (const QCommandLineOption &option : options) {
        if (!option.valueName().isEmpty()) {
            for (const QString &name : option.names())
                valued.insert(name);
        }
    }
    QString command;
    for (qsizetype i = 1; i < args.size() && command.isEmpty(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--"))
            break;
        if (a.startsWith(u'-')) {
            const QString name = a.mid(a.startsWith(QLatin1String("--")) ? 2 : 1);
            if (valued.contains(name))
                ++i;   // its value follows
            continue;
        }
        command = a;
    }
    if (command != QLatin1String("failover"))
        return args;
    for (QString &a : args) {
        if (a == QLatin1String("--replica"))
            a = QStringLiteral("--promote");
        else if (a.startsWith(QLatin1String("--replica=")))
            a = QStringLiteral("--promote=") + a.mid(10);
    }
    return args;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SessionDeck"));
    QCoreApplication::setApplicationName(QStringLiteral("sessiondeck"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SESSIONDECK_VERSION));

    QCommandLineParser parser;
    const QList<QCommandLineOption> options{
        {"url", "Connection target URL.", "url"},
        {"json", "Print the result as JSON."},
        {"count", "Number of PINGs.", "n"},
        {"timeout", "Connect and command timeout in ms (default 2000).", "ms"},
        {"seconds", "Run the demo for this many seconds.", "n"},
        {"rate", "Demo traffic in operations per second; for sessions, a keys-per-second limit.", "n"},
        {"log-level", "trace, debug, info, warn (default), error, off.", "level"},
        {"yes", "Confirm a failover or a multi-key delete."},
        {"prefix", "Session key prefix (default sess:).", "prefix"},
        {"replica", "Read from a healthy replica (Sentinel URLs)."},
        {"match", "Glob for session ids (after the prefix).", "glob"},
        {"user", "sessions delete: every session of this user (log out everywhere).", "name"},
        {"ttl", "sessions touch: the session's new time to live (90s, 30m, 2h, 7d).", "duration"},
        {"update-cookie", "sessions touch: set the cookie's expires to match."},
        {"limit", "List at most this many sessions.", "n"},
        {"output", "sessions list: write the sessions to this file instead, CSV or JSON by its extension (.csv, .json).", "file"},
        {"dry-run", "Show what would be deleted (or failed over), do nothing."},
        {"cluster", "demo: a Redis Cluster (3 primaries, 3 replicas) instead of Sentinel."},
        {"primary", "failover on a cluster: the shard, by its primary.", "host:port"},
        {"force", "failover on a cluster: CLUSTER FAILOVER FORCE (without the primary)."},
        {"takeover", "failover on a cluster: CLUSTER FAILOVER TAKEOVER (without the primary or a vote)."},
        {"expect", "sessions delete --match/--user: delete only the very keys a dry run found (its COUNT:DIGEST).", "fingerprint"},
        {"whole", "Show the whole value, however large."},
        {"fallback", "A fallback Redis URL for probe (repeat for more).", "url"},
        {"drill", "probe: make the active tier fail in-process and follow the chain."},
        {"askpass", "Read the password from the terminal (or the first line of a pipe)."},
        {"password-file", "Read the password from the first line of FILE (mode 0600).", "file"},
        {"no-auth-warning", "No warning for a password given on the command line."},
        {"tls", "Use TLS (as rediss:// does)."},
        {"cacert", "CA certificate file (PEM) to verify the servers with.", "file"},
        {"cert", "Client certificate file (PEM).", "file"},
        {"key", "Private key file (PEM) of the client certificate.", "file"},
        {"sni", "Server name to send and verify (default: the host).", "name"},
        {"insecure", "Do not verify the servers' certificates (testing only)."},
    };
    parser.addOptions(options);
    // `failover --replica HOST:PORT` names the replica to promote, while the other commands'
    // --replica is a switch: the failover's is read as --promote.
    QCommandLineOption promote(QStringLiteral("promote"), QStringLiteral("failover on a cluster: the replica to promote."),
                               QStringLiteral("host:port"));
    promote.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(promote);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("command", "ping, status, events, failover, sessions, probe, drill or demo");
    if (!parser.parse(failoverArguments(app.arguments(), options)))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << usageText();
        return ExitOk;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        out() << "sessiondeck-cli " << SESSIONDECK_VERSION << "\n";
        return ExitOk;
    }

    LogOptions logOptions;
    logOptions.level = parser.isSet(QStringLiteral("log-level")) ? parser.value(QStringLiteral("log-level"))
                                                                   : QStringLiteral("warn");
    logOptions.toStderr = true;
    logOptions.fileName = QStringLiteral("sessiondeck-cli.log");
    if (Status s = Logging::setup(logOptions); !s)
        return usage(s.errorMessage());

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usage(QStringLiteral("no command given"));
    const QString specName = positional.first() == QLatin1String("sessions") && positional.size() > 1
                                 ? QStringLiteral("sessions ") + positional.at(1)
                                 : positional.first();
    if (auto code = checkOptions(parser, specName))
        return *code;
    if (positional.first() == QLatin1String("sessions"))
        return runSessions(parser, positional.mid(1));
    if (positional.size() > 1)
        return usage(QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));
    const QString command = positional.first();
    if (command == QLatin1String("ping"))
        return runPing(parser);
    if (command == QLatin1String("status"))
        return runStatus(parser);
    if (command == QLatin1String("events"))
        return runEvents(app, parser);
    if (command == QLatin1String("failover"))
        return runFailover(app, parser);
    if (command == QLatin1String("demo"))
        return runDemo(app, parser);
    if (command == QLatin1String("probe"))
        return runProbe(parser);
    if (command == QLatin1String("drill"))
        return runRealDrill(parser);
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}
