#include "app/clicommon.h"

#include "core/support/keytext.h"

#include <QFile>
#include <QJsonDocument>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <sys/stat.h>
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

namespace {

// Each command: its usage lines and the options it takes beyond the connection options
// (--url, --json, --timeout and the password and TLS options) and the global ones.
struct CommandSpec
{
    const char *name;
    bool connects;              // takes --url and the connection options
    QStringList options;
    const char *usage;
};

const QList<CommandSpec> &commandSpecs()
{
    static const QList<CommandSpec> specs{
        {"ping", true, {"count"},
         "  ping   --url URL [--json] [--count N] [--timeout MS]\n"
         "         Connect (through the sentinels for a redis-sentinel:// URL) and print the node's\n"
         "         role, Redis version and PING round-trip time.\n"},
        {"status", true, {},
         "  status --url URL [--json] [--timeout MS]\n"
         "         Topology and health: master, replicas, sentinels, quorum; for a cluster each\n"
         "         shard's slots, primary and replicas, and cluster_state. Exit 0 healthy,\n"
         "         1 degraded (a replica or sentinel down, quorum met), 2 critical (no reachable\n"
         "         master, quorum not met, cluster_state fail or slots nobody serves).\n"},
        {"events", true, {"seconds"},
         "  events --url URL [--json] [--seconds N]\n"
         "         Stream the sentinels' events (failovers, down/up) as they happen, one line each,\n"
         "         until Ctrl-C (or N seconds). Needs a redis-sentinel:// or redis-cluster:// URL;\n"
         "         a cluster publishes no events, so its nodes are polled every second and what\n"
         "         changed is printed (a failover names old_primary and new_primary with --json).\n"},
        {"failover", true, {"yes", "dry-run", "primary", "promote", "force", "takeover"},
         "  failover --url URL (--yes | --dry-run) [--timeout S] [--json]\n"
         "         Ask Sentinel to fail over the master and follow it to its end; prints the old\n"
         "         and new master. Refuses without --yes; --dry-run only shows what it would do.\n"
         "  failover --url redis-cluster://... (--primary HOST:PORT | --replica HOST:PORT)\n"
         "           [--force | --takeover] (--yes | --dry-run) [--timeout S] [--json]\n"
         "         Fail one cluster shard over: CLUSTER FAILOVER to the replica (the named one, or\n"
         "         the shard's most up-to-date healthy one), followed until it is primary.\n"
         "         --force does without the primary (it may be down; unreplicated writes are\n"
         "         lost); --takeover also without the other primaries' vote (writes may be lost,\n"
         "         and two primaries may serve the same slots until one is stopped).\n"},
        {"sessions stats", true, {"prefix", "replica", "rate"},
         "  sessions stats --url URL [--prefix P] [--replica] [--rate KEYS/S] [--json]\n"
         "         Count the sessions: TTL and size histograms, total bytes (SCAN, never KEYS).\n"},
        {"sessions list", true, {"prefix", "match", "limit", "replica", "rate", "output"},
         "  sessions list --url URL [--prefix P] [--match GLOB] [--limit N] [--replica] [--rate KEYS/S]\n"
         "                [--json] [--output FILE.csv|FILE.json]\n"
         "         One session per line: id, TTL, size, type, user (--json: one object per line).\n"
         "         --output writes them to a file instead, as the window's Export does (written\n"
         "         only when the whole scan went through).\n"
         "         Ids are printed in their printable form (\\\\ for a backslash, \\xNN for other\n"
         "         bytes); show and delete accept them back as printed.\n"},
        {"sessions show", true, {"prefix", "whole", "replica"},
         "  sessions show --url URL ID [--prefix P] [--whole] [--replica] [--json]\n"
         "         The decoded session. ID is a session id or a full key, taken literally, or the\n"
         "         browser's cookie (connect.sid=s%3A<id>.<signature>). --whole prints the whole\n"
         "         value however large (otherwise the first 64 KiB).\n"},
        {"sessions delete", true, {"prefix", "match", "user", "dry-run", "yes", "rate", "expect"},
         "  sessions delete --url URL (ID... | --match GLOB | --user NAME) [--dry-run] [--yes]\n"
         "                  [--expect FINGERPRINT] [--prefix P] [--rate KEYS/S] [--json]\n"
         "         Delete the given sessions, or every session whose id matches GLOB (UNLINK in\n"
         "         batches). An ID is taken literally first (a full key when it starts with the\n"
         "         prefix, else an id under it); it is read as a cookie only when it has a\n"
         "         cookie's form, and when two readings name existing keys nothing is deleted.\n"
         "         The prefix is matched literally; GLOB applies to the id after it; an empty\n"
         "         GLOB is refused. --user NAME deletes every session whose user goes by NAME\n"
         "         (the user's id, name, email or username: log out everywhere). More than one\n"
         "         key, a pattern or a user needs --yes: the delete then\n"
         "         removes exactly the keys its own scan matched; keys created meanwhile are\n"
         "         left and counted. To delete exactly what a --match or --user dry run found,\n"
         "         pass the fingerprint it printed as --expect COUNT:DIGEST: the delete refuses\n"
         "         when any key was added, removed or replaced since. Every deletion\n"
         "         is written to the audit log before its first key goes.\n"},
        {"sessions touch", true, {"prefix", "ttl", "update-cookie"},
         "  sessions touch --url URL ID --ttl DURATION [--update-cookie] [--prefix P] [--json]\n"
         "         Extend or shorten one session's life (PEXPIRE; DURATION as 90s, 30m, 2h, 7d,\n"
         "         1h30m or seconds). --update-cookie also sets its cookie.expires to match, as\n"
         "         connect-redis writes it, only if the app did not change it meanwhile.\n"},
        {"probe", true, {"fallback", "drill", "prefix"},
         "  probe  --url URL [--fallback URL]... [--drill] [--prefix P] [--json]\n"
         "         Run the apps' session store chain (Sentinel master, fallbacks, memory) tier by\n"
         "         tier with a probe session, timing each step. Each tier signs in with its own\n"
         "         URL's credentials (a fallback's password goes in its own URL). Exit 0 when the\n"
         "         first tier passes, 1 when only a fallback does, 2 when none does.\n"},
        {"drill", false, {"json", "prefix"},
         "  drill  [--json] [--prefix P]\n"
         "         The real drill, on a local Sentinel cluster it starts for it: kill the master\n"
         "         while writing every 10 ms through [Sentinel master, memory]; report failed\n"
         "         writes, the tier of each phase and the switch times. Exit 0 when none failed.\n"},
        {"demo", false, {"seconds", "rate", "cluster"},
         "  demo   [--cluster] [--seconds N] [--rate OPS]\n"
         "         Start a local demo Sentinel deployment (or with --cluster a Redis Cluster of 3\n"
         "         primaries and 3 replicas) with session traffic; print its URL and run until\n"
         "         Ctrl-C (or N seconds).\n"},
    };
    return specs;
}

const CommandSpec *specOf(const QString &command)
{
    for (const CommandSpec &spec : commandSpecs()) {
        if (command == QLatin1String(spec.name))
            return &spec;
    }
    return nullptr;
}

const char *usageTail =
    "\n"
    "URLs: redis://[user[:password]@]host[:port][/db]\n"
    "      unix:///path/redis.sock[?db=N]\n"
    "      redis-sentinel://[user[:password]@]host[:port][,host2[:port2]...][/db]#masterName\n"
    "      rediss:// and rediss-sentinel:// are the same over TLS.\n"
    "TLS: --tls (TLS with a redis:// URL), --cacert FILE (the CA that signed the servers'\n"
    "certificates; the system's CAs by default), --cert FILE and --key FILE (a client\n"
    "certificate), --sni NAME (the server name sent and verified; the host by default),\n"
    "--insecure (no certificate verification; for testing only). They apply to --url, and\n"
    "to every --fallback that uses TLS. A certificate that does not verify is an error.\n"
    "Passwords: --password-file FILE (its first line; the file must be yours and mode 0600),\n"
    "--askpass (asked on the terminal, or the first line of a pipe), the URL, or the\n"
    "REDISCLI_AUTH environment variable, in that order; the sessions commands ask on the\n"
    "terminal when the server wants one. A password in --url shows in `ps`: a warning says\n"
    "so (--no-auth-warning hides it). Each option belongs to its commands; any other is\n"
    "refused (exit 64). Text output escapes control characters of what the server sent;\n"
    "--json output is exact.\n"
    "\n"
    "Exit codes: 0 ok, 1 degraded (status), 2 unreachable, critical or failed, 64 bad arguments.\n";

} // namespace

QString usageText()
{
    QString text = QStringLiteral("Usage: sessiondeck-cli [--log-level LEVEL] <command> [options]\n\nCommands:\n");
    for (const CommandSpec &spec : commandSpecs())
        text += QLatin1String(spec.usage);
    return text + QLatin1String(usageTail);
}

std::optional<int> checkOptions(const QCommandLineParser &parser, const QString &command)
{
    const CommandSpec *spec = specOf(command);
    if (!spec)
        return std::nullopt;
    static const QStringList global{"log-level", "help", "h", "?", "help-all", "version", "v"};
    static const QStringList connection{"url", "json", "timeout", "askpass", "password-file", "no-auth-warning",
                                        "tls", "cacert", "cert", "key", "sni", "insecure"};
    // A value given twice is not "the last one wins": `--match 'W9*' --match '*'` would widen a
    // delete, `--url A --url B` move it to another server.
    static const QStringList once{"url", "match", "user", "prefix", "expect", "ttl", "timeout", "count", "seconds", "rate", "limit", "output",
                                  "password-file", "cacert", "cert", "key", "sni", "log-level"};
    for (const QString &name : once) {
        if (parser.values(name).size() > 1) {
            err() << "sessiondeck-cli: --" << name << " is given more than once; give it once\n";
            err().flush();
            return ExitUsage;
        }
    }
    for (const QString &name : parser.optionNames()) {
        if (global.contains(name) || spec->options.contains(name) || (spec->connects && connection.contains(name)))
            continue;
        err() << "sessiondeck-cli: --" << name << " is not an option of " << spec->name << "\n\nUsage:\n"
              << spec->usage;
        err().flush();
        return ExitUsage;
    }
    return std::nullopt;
}

QString safe(const QString &text)
{
    return KeyText::terminalSafe(text);
}

int usage(const QString &problem)
{
    // A problem named is enough: the whole usage would bury it.
    if (!problem.isEmpty())
        err() << "sessiondeck-cli: " << problem << "\n(sessiondeck-cli --help lists every command and its options)\n";
    else
        err() << usageText();
    err().flush();
    return ExitUsage;
}

void warnAboutArgvPassword(const QCommandLineParser &parser, const QString &option)
{
    if (parser.isSet(QStringLiteral("no-auth-warning")))
        return;
    err() << "Warning: the password in " << option
          << " shows in `ps` and in the shell history; prefer REDISCLI_AUTH, --askpass or "
             "--password-file (--no-auth-warning hides this).\n";
    err().flush();
}

// The password, from the first of: --password-file, --askpass, the URL, REDISCLI_AUTH.
std::optional<int> passwordFromOptions(const QCommandLineParser &parser, Target &target)
{
    if (parser.isSet(QStringLiteral("password-file"))) {
        auto password = readPasswordFile(parser.value(QStringLiteral("password-file")));
        if (!password) {
            err() << "sessiondeck-cli: " << password.errorMessage() << "\n";
            err().flush();
            return ExitUsage;
        }
        target.url.setPassword(*password);
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("askpass"))) {
        if (!readPassword(target, isatty(STDIN_FILENO))) {
            err() << "sessiondeck-cli: --askpass: no password given\n";
            err().flush();
            return ExitUsage;
        }
        return std::nullopt;
    }
    if (!target.url.hasPassword()) {
        const QString env = qEnvironmentVariable("REDISCLI_AUTH");
        if (!env.isEmpty())
            target.url.setPassword(env);
    }
    return std::nullopt;
}

Result<QString> readPasswordFile(const QString &path)
{
    struct stat st{};
    const QByteArray native = QFile::encodeName(path);
    if (::stat(native.constData(), &st) != 0 || !S_ISREG(st.st_mode))
        return makeError(ErrorKind::BadUrl, QStringLiteral("--password-file: %1 is not a readable file").arg(path));
    if (st.st_uid != ::getuid())
        return makeError(ErrorKind::BadUrl, QStringLiteral("--password-file: %1 belongs to another user").arg(path));
    if ((st.st_mode & 077) != 0) {
        return makeError(ErrorKind::BadUrl,
                         QStringLiteral("--password-file: %1 can be read by others (mode %2); run chmod 600 on it")
                             .arg(path)
                             .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0')));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::BadUrl, QStringLiteral("--password-file: cannot read %1").arg(path));
    QByteArray line = file.readLine(4096);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return makeError(ErrorKind::BadUrl, QStringLiteral("--password-file: %1 is empty").arg(path));
    return QString::fromUtf8(line);
}

std::optional<int> applyTlsOptions(const QCommandLineParser &parser, RedisUrl &url, bool enable)
{
    TlsOptions tls = url.tls();
    if (enable) {
        if (url.kind() == RedisUrl::Kind::Unix) {
            usage(QStringLiteral("--tls: a unix:// socket does not use TLS"));
            return ExitUsage;
        }
        tls.enabled = true;
    }
    const QStringList options{QStringLiteral("cacert"), QStringLiteral("cert"), QStringLiteral("key"),
                              QStringLiteral("sni"), QStringLiteral("insecure")};
    for (const QString &option : options) {
        if (!parser.isSet(option))
            continue;
        if (!tls.enabled) {
            usage(QStringLiteral("--%1 is a TLS option: add --tls, or use a rediss:// or rediss-sentinel:// URL")
                      .arg(option));
            return ExitUsage;
        }
        if (option == QLatin1String("cacert"))
            tls.caFile = parser.value(option);
        else if (option == QLatin1String("cert"))
            tls.certFile = parser.value(option);
        else if (option == QLatin1String("key"))
            tls.keyFile = parser.value(option);
        else if (option == QLatin1String("sni"))
            tls.serverName = parser.value(option);
        else
            tls.insecure = true;
    }
    url.setTls(tls);
    return std::nullopt;
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
    // TLS options may be meant for a TLS fallback only (probe --fallback rediss://… --cacert F).
    bool tlsFallback = false;
    for (const QString &text : parser.values(QStringLiteral("fallback"))) {
        if (auto fallback = RedisUrl::parse(text); fallback && fallback->usesTls())
            tlsFallback = true;
    }
    const bool tls = parser.isSet(QStringLiteral("tls"));
    if (tls || target.url.usesTls() || !tlsFallback) {
        if (auto code = applyTlsOptions(parser, target.url, tls))
            return code;
    }
    if (target.url.hasPassword())
        warnAboutArgvPassword(parser, QStringLiteral("--url"));
    if (auto code = passwordFromOptions(parser, target))
        return code;
    // failover's --timeout is the whole failover's, in seconds; it reads it itself.
    const bool failover = parser.positionalArguments().value(0) == QLatin1String("failover");
    if (parser.isSet(QStringLiteral("timeout")) && !failover) {
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
    err() << "sessiondeck-cli: " << safe(error.message) << "\n";
    err().flush();
    return ExitUnreachable;
}


void quitOnInterrupt(QCoreApplication &app)
{
    auto onSignal = [](int sig) {
        g_interrupted = true;
        std::signal(sig, SIG_DFL);
    };
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        std::signal(sig, onSignal);
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
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        std::signal(sig, onSignal);
}

bool promptPassword(Target &target)
{
    if (!isatty(STDIN_FILENO))
        return false;
    return readPassword(target, true);
}

bool readPassword(Target &target, bool prompt)
{
    if (!prompt) {
        // A pipe: the first line (`… | sessiondeck-cli --askpass`).
        QTextStream in(stdin);
        const QString password = in.readLine();
        if (password.isEmpty())
            return false;
        target.url.setPassword(password);
        return true;
    }
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
