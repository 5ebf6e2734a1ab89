#include "clicommon.h"

#include <QJsonDocument>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

using namespace sdcore;

namespace cli {

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
    "         Topology and health: master, replicas, sentinels, quorum. Exit 0 healthy,\n"
    "         1 degraded (a replica or sentinel down, quorum met), 2 critical (no reachable\n"
    "         master, or quorum not met).\n"
    "  events --url URL [--json] [--seconds N]\n"
    "         Stream the sentinels' events (failovers, down/up) as they happen, one line each,\n"
    "         until Ctrl-C (or N seconds). Needs a redis-sentinel:// URL.\n"
    "  failover --url URL --yes [--timeout S] [--json]\n"
    "         Ask Sentinel to fail over the master and follow it to its end; prints the old\n"
    "         and new master. Refuses without --yes.\n"
    "  sessions stats --url URL [--prefix P] [--replica] [--rate KEYS/S] [--json]\n"
    "         Count the sessions: TTL and size histograms, total bytes (SCAN, never KEYS).\n"
    "  sessions list --url URL [--prefix P] [--match GLOB] [--limit N] [--replica] [--json]\n"
    "         One session per line: id, TTL, size, type, user (--json: one object per line).\n"
    "  sessions show --url URL ID [--prefix P] [--whole] [--json]\n"
    "         The decoded session. ID is a session id, a full key, or the browser's cookie\n"
    "         (connect.sid=s%3A<id>.<signature>).\n"
    "  sessions delete --url URL (ID... | --match GLOB) [--dry-run] [--yes] [--json]\n"
    "         Delete the given sessions, or all matching GLOB (UNLINK in batches). More than\n"
    "         one key or a pattern needs --yes. Every deletion goes to the audit log.\n"
    "  probe  --url URL [--fallback URL]... [--drill] [--prefix P] [--json]\n"
    "         Run the apps' session store chain (Sentinel master, fallbacks, memory) tier by\n"
    "         tier with a probe session, timing each step. Exit 0 when the first tier passes,\n"
    "         1 when only a fallback does, 2 when none does (memory does not count).\n"
    "  drill  [--json]\n"
    "         The real drill, on a local Sentinel cluster it starts for it: kill the master\n"
    "         while writing every 10 ms through [Sentinel master, memory]; report failed\n"
    "         writes, the tier of each phase and the switch times. Exit 0 when none failed.\n"
    "  demo   [--seconds N] [--rate OPS]\n"
    "         Start a local demo Sentinel cluster with session traffic; print its URL and run\n"
    "         until Ctrl-C (or N seconds).\n"
    "\n"
    "URLs: redis://[user[:password]@]host[:port][/db]\n"
    "      unix:///path/redis.sock[?db=N]\n"
    "      redis-sentinel://[user[:password]@]host[:port][,host2[:port2]...][/db]#masterName\n"
    "A password not in the URL is taken from the REDISCLI_AUTH environment variable, or\n"
    "asked for on the terminal when the server wants one (sessions commands).\n"
    "\n"
    "Exit codes: 0 ok, 1 degraded (status), 2 unreachable, critical or failed, 64 bad arguments.\n";

int usage(const QString &problem)
{
    if (!problem.isEmpty())
        err() << "sessiondeck-cli: " << problem << "\n\n";
    err() << usageText;
    err().flush();
    return ExitUsage;
}

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


void quitOnInterrupt(QCoreApplication &app)
{
    auto onSignal = [](int sig) {
        g_interrupted = true;
        std::signal(sig, SIG_DFL);
    };
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    auto *check = new QTimer(&app);
    QObject::connect(check, &QTimer::timeout, &app, [&app] {
        if (g_interrupted)
            app.quit();
    });
    check->start(100);
}

void cancelOnInterrupt()
{
    auto onSignal = [](int sig) {
        g_interrupted = true;
        std::signal(sig, SIG_DFL);
    };
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

bool promptPassword(Target &target)
{
    if (!isatty(STDIN_FILENO))
        return false;
    err() << "Password for " << target.url.toString() << ": ";
    err().flush();
    termios saved{};
    const bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    QTextStream in(stdin);
    const QString password = in.readLine();
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err() << "\n";
    err().flush();
    if (password.isEmpty())
        return false;
    target.url.setPassword(password);
    return true;
}

} // namespace cli
