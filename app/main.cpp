// sessiondeck: the desktop app. Wires the Workspace (core) to the MainWindow (ui).

#include "core/lab/demodeployment.h"
#include "core/support/eventloopwatchdog.h"
#include "core/support/logging.h"
#include "core/workspace/workspace.h"
#include "ui/window/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SessionDeck"));
    QApplication::setApplicationName(QStringLiteral("sessiondeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("SessionDeck"));
    QApplication::setApplicationVersion(QStringLiteral(SESSIONDECK_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/sessiondeck/sessiondeck.png")));
    QApplication::setDesktopFileName(QStringLiteral("sessiondeck"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("SessionDeck: a dashboard for the Redis "
                                                    "clusters that hold web sessions."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {"demo", "Start a local demo deployment and connect to it: Sentinel, or a Redis Cluster with "
                 "'--demo cluster'."},
        {"connect", "Connect to this Redis or Sentinel URL.", "url"},
        {"log-level", "trace, debug, info (default), warn, error, off.", "level", "info"},
        {"screenshot", "Save a PNG of the window to this file before quitting (see --quit-after).",
         "file"},
        {"quit-after", "Quit after this many seconds.", "seconds"},
    });
    parser.addPositionalArgument(QStringLiteral("cluster"), QStringLiteral("With --demo: a Redis Cluster demo."),
                                 QStringLiteral("[cluster]"));
    parser.process(app);
    const QStringList positional = parser.positionalArguments();
    const bool clusterDemo = positional == QStringList{QStringLiteral("cluster")};
    if (!positional.isEmpty() && !(clusterDemo && parser.isSet(QStringLiteral("demo")))) {
        std::fprintf(stderr, "sessiondeck: unexpected argument '%s' (only '--demo cluster' takes one)\n",
                     qPrintable(positional.first()));
        return 64;
    }

    sdcore::LogOptions logOptions;
    logOptions.level = parser.value(QStringLiteral("log-level"));
    if (auto s = sdcore::Logging::setup(logOptions); !s) {
        std::fprintf(stderr, "sessiondeck: %s\n", qPrintable(s.errorMessage()));
        return 64;
    }
    spdlog::info("SessionDeck {} starting; log file {}", SESSIONDECK_VERSION,
                 sdcore::Logging::logFilePath().toStdString());

    sdcore::Workspace workspace;
    workspace.setDemoFactory([clusterDemo] {
        sdcore::DemoOptions options;
        options.cluster = clusterDemo;
        return std::make_unique<sdcore::DemoDeployment>(options);
    });
    sdui::MainWindow window(&workspace);

    if (parser.isSet(QStringLiteral("connect"))) {
        auto index = workspace.addConnection(parser.value(QStringLiteral("connect")));
        if (!index) {
            std::fprintf(stderr, "sessiondeck: %s\n", qPrintable(index.errorMessage()));
            return 64;
        }
        if (workspace.connections().at(*index).url.hasPassword()) {
            std::fprintf(stderr, "sessiondeck: warning: the password in --connect shows in `ps` and in the "
                                 "shell history; File > New connection... takes it without that, and can keep "
                                 "it in the system keychain\n");
        }
        workspace.activate(*index);
    } else if (parser.isSet(QStringLiteral("demo"))) {
        workspace.startDemo();
    } else if (!workspace.connections().isEmpty()) {
        workspace.activate(0);
    }
    // Scripts (make demo on a machine without a display) read the demo URL from stdout.
    QObject::connect(&workspace, &sdcore::Workspace::demoReady, [](const sdcore::RedisUrl &url) {
        std::printf("demo-url: %s\n", qPrintable(url.toString()));
        std::fflush(stdout);
    });
    QObject::connect(&workspace, &sdcore::Workspace::demoFailed, [](const QString &message) {
        std::fprintf(stderr, "sessiondeck: the demo cluster could not start: %s\n",
                     qPrintable(message));
    });

    window.show();

    if (parser.isSet(QStringLiteral("quit-after"))) {
        bool ok = false;
        const double seconds = parser.value(QStringLiteral("quit-after")).toDouble(&ok);
        if (!ok || seconds <= 0) {
            std::fprintf(stderr, "sessiondeck: --quit-after wants a positive number of seconds\n");
            return 64;
        }
        const QString screenshot = parser.value(QStringLiteral("screenshot"));
        QTimer::singleShot(int(seconds * 1000), &app, [&app, &window, screenshot] {
            if (!screenshot.isEmpty()) {
                const QString path = QFileInfo(screenshot).absoluteFilePath();
                QDir().mkpath(QFileInfo(path).absolutePath());
                if (window.grab().save(path))
                    std::printf("screenshot: %s\n", qPrintable(path));
                else
                    std::fprintf(stderr, "sessiondeck: could not save %s\n", qPrintable(path));
                std::fflush(stdout);
            }
            app.quit();
        });
    }
    const int code = app.exec();
    spdlog::info("SessionDeck exiting; the longest stall of the window's event loop was {} ms",
                 window.watchdog()->longestStallMs());
    return code;
}
