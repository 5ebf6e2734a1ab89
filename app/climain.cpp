// sessiondeck-cli: the command-line face of SessionDeck. Uses core only (no widgets).
//
// Exit codes: 0 success, 2 target unreachable or the operation failed, 64 bad arguments.

#include "democluster.h"
#include "info.h"
#include "logging.h"
#include "masterresolver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>

using namespace sdcore;

namespace {

constexpr int ExitOk = 0;
constexpr int ExitUnreachable = 2;
constexpr int ExitUsage = 64;

std::atomic_bool g_interrupted{false};

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

const char *usageText =
    "Usage: sessiondeck-cli [--log-level LEVEL] <command> [options]\n"
    "\n"
    "Commands:\n"
    "  ping   --url URL [--json] [--count N] [--timeout MS]\n"
    "         Connect (through the sentinels for a redis-sentinel:// URL) and print the node's\n"
    "         role, Redis version and PING round-trip time.\n"
    "  status --url URL [--json] [--timeout MS]\n"
    "         Like ping, plus the Sentinel view: master, replicas and sentinels.\n"
    "  demo   [--seconds N] [--rate OPS]\n"
    "         Start a local demo Sentinel cluster with session traffic; print its URL and run\n"
    "         until Ctrl-C (or N seconds).\n"
    "\n"
    "URLs: redis://[user[:password]@]host[:port][/db]\n"
    "      unix:///path/redis.sock[?db=N]\n"
    "      redis-sentinel://[user[:password]@]host[:port][,host2[:port2]...][/db]#masterName\n"
    "A password not in the URL is taken from the REDISCLI_AUTH environment variable.\n"
    "\n"
    "Exit codes: 0 ok, 2 unreachable or failed, 64 bad arguments.\n";

int usage(const QString &problem)
{
    if (!problem.isEmpty())
        err() << "sessiondeck-cli: " << problem << "\n\n";
    err() << usageText;
    err().flush();
    return ExitUsage;
}

struct Target
{
    RedisUrl url;
    ConnectionOptions options;
    bool json = false;
};

// Parses --url/--timeout/--json; returns an exit code on failure.
std::optional<int> parseTarget(const QCommandLineParser &parser, Target &target)
{
    if (!parser.isSet(QStringLiteral("url"))) {
        usage(QStringLiteral("--url is required"));
        return ExitUsage;
    }
    auto url = RedisUrl::parse(parser.value(QStringLiteral("url")));
    if (!url) {
        err() << "sessiondeck-cli: " << url.errorMessage() << "\n";
        return ExitUsage;
    }
    target.url = *url;
    if (!target.url.hasPassword()) {
        const QString env = qEnvironmentVariable("REDISCLI_AUTH");
        if (!env.isEmpty())
            target.url.setPassword(env);
    }
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        const int ms = parser.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || ms <= 0) {
            usage(QStringLiteral("--timeout wants a positive number of milliseconds"));
            return ExitUsage;
        }
        target.options.connectTimeoutMs = target.options.commandTimeoutMs = ms;
    } else if (target.url.timeoutMs() > 0) {
        target.options.connectTimeoutMs = target.options.commandTimeoutMs = target.url.timeoutMs();
    }
    target.options.clientName = "sessiondeck-cli";
    target.json = parser.isSet(QStringLiteral("json"));
    return std::nullopt;
}

void printJson(const QJsonObject &object)
{
    out() << QJsonDocument(object).toJson(QJsonDocument::Indented);
    out().flush();
}

int fail(const Target &target, const Error &error)
{
    if (target.json) {
        printJson(QJsonObject{{"ok", false},
                              {"url", target.url.toString()},
                              {"error", error.message},
                              {"kind", errorKindName(error.kind)}});
    }
    err() << "sessiondeck-cli: " << error.message << "\n";
    err().flush();
    return ExitUnreachable;
}

int runPing(const QCommandLineParser &parser, bool withTopology)
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

    if (withTopology && target.url.isSentinel()) {
        auto sentinel = MasterResolver::openSentinel(target.url, node->via->answeredBy, target.options);
        if (!sentinel)
            return fail(target, sentinel.error());
        const QByteArray name = target.url.masterName().toUtf8();
        auto replies = (*sentinel)->pipeline({Command{"SENTINEL", "MASTER", name},
                                              Command{"SENTINEL", "REPLICAS", name},
                                              Command{"SENTINEL", "SENTINELS", name}});
        if (!replies)
            return fail(target, replies.error());
        const RedisValue &master = replies->at(0);
        lines << QStringLiteral("  master   %1:%2  flags %3  quorum %4  other sentinels %5")
                     .arg(QString::fromUtf8(master.field("ip")), QString::fromUtf8(master.field("port")),
                          QString::fromUtf8(master.field("flags")),
                          QString::fromUtf8(master.field("quorum")),
                          QString::fromUtf8(master.field("num-other-sentinels")));
        QJsonArray replicas, sentinels;
        for (const RedisValue &r : replies->at(1).elements()) {
            const QString addr = QString::fromUtf8(r.field("ip") + ':' + r.field("port"));
            lines << QStringLiteral("  replica  %1  flags %2  link %3  offset %4")
                         .arg(addr, QString::fromUtf8(r.field("flags")),
                              QString::fromUtf8(r.field("master-link-status")),
                              QString::fromUtf8(r.field("slave-repl-offset")));
            replicas.append(QJsonObject{{"address", addr},
                                        {"flags", QString::fromUtf8(r.field("flags"))},
                                        {"link", QString::fromUtf8(r.field("master-link-status"))}});
        }
        for (const RedisValue &s : replies->at(2).elements()) {
            const QString addr = QString::fromUtf8(s.field("ip") + ':' + s.field("port"));
            lines << QStringLiteral("  sentinel %1  flags %2").arg(addr, QString::fromUtf8(s.field("flags")));
            sentinels.append(QJsonObject{{"address", addr}, {"flags", QString::fromUtf8(s.field("flags"))}});
        }
        json.insert("master_flags", QString::fromUtf8(master.field("flags")));
        json.insert("quorum", master.field("quorum").toInt());
        json.insert("replicas", replicas);
        json.insert("other_sentinels", sentinels);
        auto dbsize = node->connection->command(Command{"DBSIZE"});
        if (dbsize) {
            lines << QStringLiteral("  keys in db %1: %2").arg(target.url.db()).arg(dbsize->toInteger());
            json.insert("keys", dbsize->toInteger());
        }
    }

    if (target.json)
        printJson(json);
    else
        out() << lines.join(QLatin1Char('\n')) << "\n";
    out().flush();
    return ExitOk;
}

int runDemo(QCoreApplication &app, const QCommandLineParser &parser)
{
    DemoOptions options;
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
    // The first Ctrl-C stops the cluster in order; a second one ends the program at once.
    auto onSignal = [](int sig) {
        g_interrupted = true;
        std::signal(sig, SIG_DFL);
    };
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    int exitCode = ExitOk;
    DemoCluster demo(options);
    QObject::connect(&demo, &DemoCluster::progress, [](const QString &m) {
        err() << m << "\n";
        err().flush();
    });
    QObject::connect(&demo, &DemoCluster::failed, [&](const QString &m) {
        err() << "sessiondeck-cli: demo cluster failed: " << m << "\n";
        err().flush();
        exitCode = ExitUnreachable;
        app.quit();
    });
    QObject::connect(&demo, &DemoCluster::ready, [&](const RedisUrl &url) {
        out() << "demo-url: " << url.toString() << "\n";
        out().flush();
        err() << "Demo cluster running. Press Ctrl-C to stop it.\n";
        err().flush();
        if (seconds > 0)
            QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    });
    QTimer interruptCheck;
    QObject::connect(&interruptCheck, &QTimer::timeout, [&] {
        if (g_interrupted)
            app.quit();
    });
    interruptCheck.start(100);
    demo.start();
    app.exec();
    return exitCode;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SessionDeck"));
    QCoreApplication::setApplicationName(QStringLiteral("sessiondeck"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SESSIONDECK_VERSION));

    QCommandLineParser parser;
    parser.addOptions({
        {"url", "Connection target URL.", "url"},
        {"json", "Print the result as JSON."},
        {"count", "Number of PINGs.", "n"},
        {"timeout", "Connect and command timeout in ms (default 2000).", "ms"},
        {"seconds", "Run the demo for this many seconds.", "n"},
        {"rate", "Demo traffic, operations per second.", "ops"},
        {"log-level", "trace, debug, info, warn (default), error, off.", "level"},
    });
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("command", "ping, status or demo");
    if (!parser.parse(app.arguments()))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << usageText;
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
    if (positional.size() > 1)
        return usage(QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));
    const QString command = positional.first();
    if (command == QLatin1String("ping"))
        return runPing(parser, false);
    if (command == QLatin1String("status"))
        return runPing(parser, true);
    if (command == QLatin1String("demo"))
        return runDemo(app, parser);
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}
