#pragma once

// Shared by the integration tests: where tests write files they leave for people to look at.

#include <QDir>
#include <QString>

inline QString testOutputDir()
{
    QString dir = qEnvironmentVariable("SESSIONDECK_TEST_OUTPUT");
    if (dir.isEmpty())
        dir = QDir::tempPath() + QStringLiteral("/sessiondeck-test-output");
    QDir().mkpath(dir);
    return dir;
}
