#pragma once

// One logger setup for the app and the CLI: spdlog's default logger writes to a rotating file in
// the app-data folder, to the in-memory LogBuffer, and (for the CLI, when asked) to stderr.
// Call once from main() before threads start.

#include "core/support/result.h"

#include <QString>

namespace sdcore {

struct LogOptions
{
    QString level = QStringLiteral("info");   // trace, debug, info, warn, error, critical, off
    bool toStderr = false;
    bool toFile = true;
    QString fileName = QStringLiteral("sessiondeck.log");
    QString directory;   // empty: <AppDataLocation>/logs
};

class Logging
{
public:
    // Fails only on a level name it does not know; a log file that cannot be opened is reported
    // on stderr and logging continues without it.
    static Status setup(const LogOptions &options);
    static QString logFilePath();
    static bool isValidLevel(const QString &level);
};

} // namespace sdcore
