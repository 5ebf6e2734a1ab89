#pragma once

// Runs sessiondeck-cli as a user would, for the CLI tests: arguments, environment, standard
// input; the exit code (-1 when it crashed or hung past the timeout) and both outputs.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

struct CliRun
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

inline CliRun runCli(const QStringList &args,
                     const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                     const QByteArray &input = {}, int timeoutMs = 120000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SESSIONDECK_CLI), args);
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return CliRun{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                  p.readAllStandardError()};
}
