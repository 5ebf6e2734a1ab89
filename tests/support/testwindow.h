#pragma once

// Shared by the GUI tests: the main window on its workspace, shown (offscreen), at a size that
// fits every page unless told otherwise. `persist` makes the workspace load and save the
// connection list as the app does.

#include "core/workspace/workspace.h"
#include "ui/window/mainwindow.h"

#include <QTest>

struct TestWindow
{
    explicit TestWindow(int pollIntervalMs = 250, QSize size = QSize(1400, 900), bool persist = false)
        : workspace(persist), window(&workspace)
    {
        workspace.setPollInterval(pollIntervalMs);
        if (size.isValid())
            window.resize(size);
        window.show();
    }
    // Whether the window is on screen; tests QVERIFY it before driving the window.
    bool exposed() { return QTest::qWaitForWindowExposed(&window); }

    sdcore::Workspace workspace;
    sdui::MainWindow window;
};
