// The window on a real Redis Cluster: the dashboard shows each shard with its primary and
// replica, the cluster's state and slots in the tiles, the session count across shards, and a
// primary killed puts the failover on the timeline; a manual failover of a shard from the
// dialog (TAKEOVER asks a second time). Renders the dashboard and the dialog to PNG.

#include "core/cluster/clusterslot.h"
#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"
#include "tests/support/testsupport.h"
#include "tests/support/testwindow.h"
#include "ui/dialogs/clusterfailoverdialog.h"
#include "ui/pages/dashboardpage.h"

#include <QApplication>
#include <QComboBox>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>

using namespace sdcore;

class TestClusterWindow : public QObject
{
    Q_OBJECT

    LocalLauncher m_cluster;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY_OK(m_cluster.startCluster());
        // 900 sessions, each written on the primary of its slot.
        std::map<quint16, std::unique_ptr<RedisConnection>> primaries;
        for (int i = 0; i < m_cluster.nodes().size(); ++i) {
            auto conn = RedisConnection::open(m_cluster.nodeUrl(i));
            QVERIFY_OK(conn);
            primaries[m_cluster.nodes().at(i).port] = std::move(*conn);
        }
        for (int i = 0; i < 900; ++i) {
            const QByteArray key = "sess:window-" + QByteArray::number(i);
            auto index = m_cluster.primaryIndexOfSlot(keySlot(key));
            QVERIFY_OK(index);
            auto set = primaries[m_cluster.nodes().at(*index).port]->command(
                Command{"SET", key, sessionJson("\"user\":\"u" + QByteArray::number(i) + "\""), "PX", "3600000"});
            QVERIFY_OK(set);
        }
    }

    void dashboardShowsShards()
    {
        TestWindow shown(250, QSize(1280, 800));
        QVERIFY(shown.exposed());
        auto &[workspace, window] = shown;
        auto index = workspace.addConnection(m_cluster.clusterUrl(), QStringLiteral("sessions cluster"));
        QVERIFY_OK(index);
        workspace.activate(*index);
        sdui::DashboardPage *dash = window.dashboard();
        QTRY_COMPARE_WITH_TIMEOUT(dash->tileText("health"), QStringLiteral("OK"), 20000);
        QCOMPARE(dash->tileText("sentinels"), QStringLiteral("ok"));   // the cluster-state tile
        QVERIFY2(dash->tileText("quorum").startsWith("16"), qPrintable(dash->tileText("quorum")));
        QVERIFY2(dash->tileText("node").contains("3 of 3 primaries up"), qPrintable(dash->tileText("node")));
        QTRY_VERIFY_WITH_TIMEOUT(dash->tileText("sessions").startsWith("900"), 20000);

        // One row per shard, each with its primary and its replica under it.
        QTreeWidget *topology = dash->topology();
        QCOMPARE(topology->topLevelItemCount(), 3);
        int covered = 0;
        for (int i = 0; i < 3; ++i) {
            QTreeWidgetItem *shard = topology->topLevelItem(i);
            QVERIFY2(shard->text(0).startsWith("shard "), qPrintable(shard->text(0)));
            QCOMPARE(shard->childCount(), 2);
            QCOMPARE(shard->child(0)->text(1), QStringLiteral("primary"));
            QCOMPARE(shard->child(1)->text(1), QStringLiteral("replica"));
            QCOMPARE(shard->child(0)->text(2), QStringLiteral("up"));
            covered += shard->text(0).section('(', 1).section(' ', 0, 0).toInt();
        }
        QCOMPARE(covered, 16384);
        QVERIFY(window.grab().save(testOutputDir() + "/cluster-dashboard.png"));

        // A manual failover of the second shard, from the dialog.
        QVERIFY(dash->failoverButton()->isEnabled());
        dash->failoverButton()->click();
        sdui::ClusterFailoverDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<sdui::ClusterFailoverDialog *>()) != nullptr);
        QCOMPARE(dialog->shardBox()->count(), 3);
        dialog->shardBox()->setCurrentIndex(1);
        const QString primary = topology->topLevelItem(1)->child(0)->text(0);
        const QString replica = topology->topLevelItem(1)->child(1)->text(0);
        QVERIFY2(dialog->planText().contains("promote replica " + replica + " in place of primary " + primary),
                 qPrintable(dialog->planText()));
        QVERIFY(dialog->failoverButton()->isEnabled());
        QVERIFY(dialog->grab().save(testOutputDir() + "/cluster-failover-dialog.png"));
        // TAKEOVER asks again; cancelled there, nothing happens.
        dialog->setMode(sdcore::ClusterFailoverRequest::Mode::Takeover);
        dialog->accept();
        QMessageBox *second = nullptr;
        QTRY_VERIFY((second = window.findChild<QMessageBox *>("failoverSecondConfirm")) != nullptr);
        QVERIFY(second->text().contains("without the other primaries' vote"));
        second->button(QMessageBox::Cancel)->click();
        QTest::qWait(300);
        QVERIFY(!workspace.activeMonitor()->failoverRunning());
        QCOMPARE(topology->topLevelItem(1)->child(0)->text(0), primary);
        // The default, confirmed once.
        dash->failoverButton()->click();
        QTRY_VERIFY((dialog = window.findChild<sdui::ClusterFailoverDialog *>()) != nullptr);
        dialog->shardBox()->setCurrentIndex(1);
        dialog->accept();
        QTRY_VERIFY_WITH_TIMEOUT(dash->failoverStatus().contains("done in"), 20000);
        QVERIFY2(dash->failoverStatus().contains(primary + " → " + replica), qPrintable(dash->failoverStatus()));
        QTRY_COMPARE_WITH_TIMEOUT(topology->topLevelItem(1)->child(0)->text(0), replica, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(workspace.activeMonitor()->timeline(), QStringLiteral("failover")), 1, 10000);
        QVERIFY(window.grab().save(testOutputDir() + "/cluster-manual-failover.png"));
        QVERIFY_OK(m_cluster.waitForClusterReady(20000));

        // A primary dies: the shard's replica takes over and the failover is on the timeline.
        auto first = m_cluster.primaryIndexOfSlot(0);
        QVERIFY_OK(first);
        const QString killed = QStringLiteral("127.0.0.1:%1").arg(m_cluster.nodes().at(*first).port);
        QVERIFY_OK(m_cluster.kill(*first));
        QTRY_VERIFY_WITH_TIMEOUT(countOf(workspace.activeMonitor()->timeline(), QStringLiteral("failover")) == 2, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(topology->topLevelItem(0)->child(0)->text(0) != killed, 5000);
        QVERIFY(window.grab().save(testOutputDir() + "/cluster-after-failover.png"));
    }
};

QTEST_MAIN(TestClusterWindow)
#include "tst_clusterwindow.moc"
