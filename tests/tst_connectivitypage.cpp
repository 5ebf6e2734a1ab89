// The Connectivity page offscreen against a real redis-server: Run shows each tier as a row with
// its steps timed and the verdict; a dead fallback shows as a failed row with its error; Drill
// shows the switch to the next tier and the failback. Saves a PNG to look at.

#include "core/lab/locallauncher.h"
#include "tests/support/testsupport.h"
#include "ui/pages/connectivitypage.h"

#include <QLineEdit>
#include <QTableWidget>
#include <QTest>

using namespace sdcore;
using namespace sdui;

class TestConnectivityPage : public QObject
{
    Q_OBJECT

    LocalLauncher m_first;
    LocalLauncher m_second;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_first.startStandalone());
        QVERIFY(m_second.startStandalone());
    }

    void runAndDrill()
    {
        ConnectivityPage page;
        page.resize(1200, 700);
        page.setConnection(m_first.standaloneUrl(), QStringLiteral("local"), nullptr);
        page.show();
        const QString dead = QStringLiteral("redis://127.0.0.1:%1").arg(findFreePort());
        page.fallbackEdit()->setText(dead + QLatin1Char(' ') + m_second.standaloneUrl().toString());
        page.run(false);
        QVERIFY(page.running());
        QTRY_VERIFY_WITH_TIMEOUT(!page.running(), 20000);
        QVERIFY2(page.verdictText().contains(QStringLiteral("first tier")), qPrintable(page.verdictText()));
        QVERIFY(page.servedByText().contains(QStringLiteral("primary")));
        QTableWidget *table = page.table();
        QCOMPARE(table->rowCount(), 4);   // primary, two fallbacks, memory
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("OK"));
        QVERIFY(table->item(0, 3)->text().endsWith(QStringLiteral(" ms")));   // connect
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("FAILED"));
        QVERIFY(table->item(1, table->columnCount() - 1)->text().startsWith(QStringLiteral("connect:")));
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("OK"));
        QCOMPARE(table->item(3, 0)->text(), QStringLiteral("memory"));

        page.run(true);
        QTRY_VERIFY_WITH_TIMEOUT(!page.running(), 20000);
        const QStringList drill = page.drillLines();
        QCOMPARE(drill.size(), 3);
        QVERIFY2(drill.at(1).contains(QStringLiteral("served by fallback 2")), qPrintable(drill.join('\n')));
        QVERIFY(drill.at(2).contains(QStringLiteral("served by primary")));
        const QString png = testOutputDir() + QStringLiteral("/connectivity.png");
        QVERIFY(page.grab().save(png));
        qInfo("saved %s", qPrintable(png));

        // A bad fallback URL is refused before anything runs.
        page.fallbackEdit()->setText(QStringLiteral("redis://host:notaport"));
        page.run(false);
        QVERIFY(!page.running());
        QVERIFY(page.verdictText().contains(QStringLiteral("Fallback URL")));
    }
};

QTEST_MAIN(TestConnectivityPage)
#include "tst_connectivitypage.moc"
