#pragma once

// What the command-line mode's commands share: output streams, the usage text, the target
// (URL, password, timeouts) parsed from the options, JSON printing, failure reporting and
// Ctrl-C handling. Exit codes: 0 success, 1 degraded (status), 2 target unreachable, critical
// or the operation failed, 64 bad arguments.

#include "core/redis/redisconnection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonObject>
#include <QTextStream>

#include <atomic>
#include <optional>

namespace cli {

constexpr int ExitOk = 0;
constexpr int ExitDegraded = 1;
constexpr int ExitUnreachable = 2;
constexpr int ExitUsage = 64;

// Set by the first Ctrl-C, SIGTERM or SIGHUP once quitOnInterrupt() or cancelOnInterrupt() ran.
extern std::atomic_bool g_interrupted;

QTextStream &out();
QTextStream &err();
QString usageText();
int usage(const QString &problem);
// Exit 64 with the command's usage when an option that is not `command`'s own is set
// ("sessions delete", "ping", ...).
std::optional<int> checkOptions(const QCommandLineParser &parser, const QString &command);
// Text from a server, escaped of control characters for a terminal (see KeyText::terminalSafe).
QString safe(const QString &text);

struct Target
{
    sdcore::RedisUrl url;
    sdcore::ConnectionOptions options;
    bool json = false;
};

// --tls (when `enable`), --cacert, --cert, --key, --sni and --insecure into url; an exit code
// when a TLS option is given for a connection without TLS.
std::optional<int> applyTlsOptions(const QCommandLineParser &parser, sdcore::RedisUrl &url, bool enable);
// Parses --url/--timeout/--json; a password not in the URL comes from REDISCLI_AUTH. Returns an
// exit code on failure.
std::optional<int> parseTarget(const QCommandLineParser &parser, Target &target);
// Asks for the password on the terminal, without echo; false when stdin is not a terminal.
bool promptPassword(Target &target);
// The password from the terminal (prompt, no echo) or the first line of stdin.
bool readPassword(Target &target, bool prompt);
// --password-file, --askpass or REDISCLI_AUTH into target.url; an exit code on failure.
std::optional<int> passwordFromOptions(const QCommandLineParser &parser, Target &target);
// The first line of a password file that only its owner can read (else an Error saying why).
sdcore::Result<QString> readPasswordFile(const QString &path);
// On stderr, unless --no-auth-warning: a password given in `option` is visible to `ps`.
void warnAboutArgvPassword(const QCommandLineParser &parser, const QString &option);
void printJson(const QJsonObject &object);
int fail(const Target &target, const sdcore::Error &error);

// The first Ctrl-C (or SIGTERM, SIGHUP) quits `app`'s event loop, so the command ends in order;
// a second one ends the program at once.
void quitOnInterrupt(QCoreApplication &app);
// For blocking commands: the first Ctrl-C only sets g_interrupted, which they poll.
void cancelOnInterrupt();

int runSessions(const QCommandLineParser &parser, const QStringList &arguments);
int runProbe(const QCommandLineParser &parser);
int runRealDrill(const QCommandLineParser &parser);

} // namespace cli
