// GUI smoke test (offscreen): the window against the launcher's Sentinel cluster, and a PNG of it.

#include "clusterlauncher.h"
#include "dashboardpage.h"
#include "mainwindow.h"
#include "testcluster.h"
#include "welcomepage.h"
#include "workspace.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QTest>

#include <qcustomplot.h>

using namespace sdcore;

class TestMainWindow : public QObject
{
    Q_OBJECT

    ClusterLauncher m_cluster;

private Q_SLOTS:
    void initTestCase()
    {
        auto s = m_cluster.startSentinelCluster();
        QVERIFY2(s, qPrintable(s.errorMessage()));
    }

    void welcomeRejectsBadUrl()
    {
        Workspace workspace(false);
        sdui::MainWindow window(&workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *stack = window.findChild<QStackedWidget *>();
        QCOMPARE(stack->currentWidget(), window.welcome());

        auto *edit = window.welcome()->findChild<QLineEdit *>("urlEdit");
        edit->setText("redis://secret-host:notaport");
        QTest::mouseClick(window.welcome()->findChild<QPushButton *>("connectButton"), Qt::LeftButton);
        auto *message = window.welcome()->findChild<QLabel *>("welcomeMessage");
        QVERIFY2(message->text().contains("Invalid URL"), qPrintable(message->text()));
        QCOMPARE(stack->currentWidget(), window.welcome());
        QVERIFY(workspace.connections().isEmpty());
    }

    void dashboardShowsLiveCluster()
    {
        Workspace workspace(false);
        workspace.setPollInterval(250);
        sdui::MainWindow window(&workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *edit = window.welcome()->findChild<QLineEdit *>("urlEdit");
        edit->setText(m_cluster.sentinelUrl().toString());
        QTest::keyClick(edit, Qt::Key_Return);

        sdui::DashboardPage *dash = window.dashboard();
        QTRY_COMPARE_WITH_TIMEOUT(dash->tileText("role"), QStringLiteral("master"), 20000);
        QCOMPARE(dash->tileText("node"), QStringLiteral("127.0.0.1:%1").arg(m_cluster.nodes().at(0).port));
        QCOMPARE(dash->tileText("replicas"), QStringLiteral("2"));
        QVERIFY(window.connectionStateText().startsWith("Connected"));
        QCOMPARE(window.findChild<QListWidget *>("connectionList")->count(), 1);
        // A few polls so the chart has a line to show.
        QTRY_VERIFY_WITH_TIMEOUT(dash->chart()->graph(0)->dataCount() >= 4, 20000);

        const QString path = testOutputDir() + "/mainwindow.png";
        const QPixmap shot = window.grab();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(path));
        qInfo("window screenshot: %s", qPrintable(path));

        // The master goes away: the window says so instead of freezing.
        QVERIFY(m_cluster.kill(0));
        QTRY_VERIFY_WITH_TIMEOUT(window.connectionStateText().startsWith("Unreachable")
                                     || dash->tileText("node") != QStringLiteral("127.0.0.1:%1")
                                                                        .arg(m_cluster.nodes().at(0).port),
                                 20000);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
