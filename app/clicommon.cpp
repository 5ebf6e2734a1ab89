#include "clicommon.h"

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
    "so (--no-auth-warning hides it).\n"
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
    if (auto code = applyTlsOptions(parser, target.url, parser.isSet(QStringLiteral("tls"))))
        return code;
    if (target.url.hasPassword())
        warnAboutArgvPassword(parser, QStringLiteral("--url"));
    if (auto code = passwordFromOptions(parser, target))
        return code;
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
