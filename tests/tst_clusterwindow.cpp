// The window on a real Redis Cluster: the Sessions page scans every shard, shows each row's
// shard, opens a session from its own node and deletes exactly the sessions chosen (selected,
// then by pattern) on the nodes that hold them; the dashboard shows each shard with its primary
// and replica, the cluster's state and slots in the tiles, the session count across shards, and
// a primary killed puts the failover on the timeline; a manual failover of a shard from the
// dialog (TAKEOVER asks a second time). The Pub/Sub page lists each node's channels and their
// subscribers, shard channels marked. Renders the pages and the dialog to PNG.

#include "core/cluster/clusterslot.h"
#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"
#include "tests/support/testsupport.h"
#include "tests/support/testwindow.h"
#include "core/cluster/clusterrouter.h"
#include "ui/dialogs/clusterfailoverdialog.h"
#include "ui/dialogs/deleteconfirmdialog.h"
#include "ui/models/sessiontablemodel.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/pubsubpanel.h"
#include "ui/pages/sessionspage.h"
#include "ui/models/pubsubmodel.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>

using namespace sdcore;

namespace {

// True when `slot` is in one of the ranges of a shard's name ("0-5460", "5461-10922 16000").
bool shardHolds(const QString &shard, int slot)
{
    for (const QString &range : shard.split(u' ', Qt::SkipEmptyParts)) {
        const int first = range.section(u'-', 0, 0).toInt();
        const int last = range.contains(u'-') ? range.section(u'-', 1, 1).toInt() : first;
        if (slot >= first && slot <= last)
            return true;
    }
    return false;
}

// Presses Delete in the next confirmation dialog.
void confirmNextDelete()
{
    QTimer::singleShot(0, qApp, [] {
        if (auto *d = qobject_cast<sdui::DeleteConfirmDialog *>(QApplication::activeModalWidget()))
            d->deleteButton()->click();
        else
            confirmNextDelete();   // not open yet
    });
}

} // namespace

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

    void sessionsPageAcrossShards()
    {
        ClusterRouter router(m_cluster.clusterUrl());
        QVERIFY_OK(router.refresh());
        QList<QPair<QByteArray, Command>> writes;
        for (int i = 0; i < 30; ++i) {
            const QByteArray key = "sess:gone-" + QByteArray::number(i);
            writes.append({key, Command{"SET", key, sessionJson("\"user\":\"gone\""), "PX", "3600000"}});
        }
        QVERIFY_OK(router.pipeline(writes));
        const auto exists = [&](const QByteArray &key) {
            auto r = router.command(key, Command{"EXISTS", key});
            return r ? r->toInteger() : -1;
        };

        TestWindow shown(250, QSize(1280, 800));
        QVERIFY(shown.exposed());
        auto &[workspace, window] = shown;
        auto index = workspace.addConnection(m_cluster.clusterUrl(), QStringLiteral("sessions cluster"));
        QVERIFY_OK(index);
        workspace.activate(*index);
        window.pages()->setCurrentWidget(window.sessions());
        sdui::SessionsPage *page = window.sessions();
        sdui::SessionTableModel *model = page->model();
        QTRY_VERIFY_WITH_TIMEOUT(!page->scanning() && model->totalRows() == 930, 20000);
        QVERIFY2(page->statusText().contains("930 sessions from 3 shards"), qPrintable(page->statusText()));

        // Each row names the shard whose slots hold its key; the three shards all appear.
        QVERIFY(!page->table()->isColumnHidden(sdui::SessionTableModel::Shard));
        QSet<QString> shards;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QString shard = model->shardAt(r);
            QVERIFY2(shardHolds(shard, keySlot(model->keyAt(r))), qPrintable(shard + " " + model->keyAt(r)));
            QCOMPARE(model->index(r, sdui::SessionTableModel::Shard).data().toString(), shard);
            shards.insert(shard);
        }
        QCOMPARE(shards.size(), 3);

        // A session opens from its own node.
        page->filterEdit()->setText(QStringLiteral("gone-1"));   // gone-1 and gone-10 to gone-19
        QCOMPARE(model->rowCount(), 11);
        page->table()->setCurrentIndex(model->index(0, 0));
        auto *json = page->findChild<QPlainTextEdit *>("detailJson");
        QTRY_VERIFY_WITH_TIMEOUT(json->toPlainText().contains("originalMaxAge"), 10000);
        QVERIFY(json->toPlainText().contains("gone"));
        QVERIFY(window.grab().save(testOutputDir() + "/cluster-sessions.png"));

        // The eleven shown, selected and deleted; nothing else.
        QList<QByteArray> chosen;
        for (int r = 0; r < model->rowCount(); ++r)
            chosen << model->keyAt(r);
        page->table()->selectAll();
        confirmNextDelete();
        page->deleteSelected();
        QTRY_COMPARE_WITH_TIMEOUT(model->totalRows(), 919, 10000);
        for (const QByteArray &key : std::as_const(chosen))
            QCOMPARE(exists(key), 0);
        QCOMPARE(exists("sess:gone-2"), 1);
        QCOMPARE(exists("sess:window-1"), 1);

        // The other nineteen by pattern, across the shards; the 900 others stay.
        page->filterEdit()->clear();
        confirmNextDelete();
        page->deleteByPattern(QStringLiteral("gone-*"));
        QTRY_VERIFY_WITH_TIMEOUT(page->statusText().contains("Deleted 19"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!page->scanning() && model->totalRows() == 900, 20000);
        for (int i = 0; i < 30; ++i)
            QCOMPARE(exists("sess:gone-" + QByteArray::number(i)), 0);
        qint64 keys = 0;
        for (const HostPort &primary : router.primaries()) {
            auto conn = router.connectionTo(primary);
            QVERIFY_OK(conn);
            auto size = (*conn)->command(Command{"DBSIZE"});
            QVERIFY_OK(size);
            keys += size->toInteger();
        }
        QCOMPARE(keys, 900);
    }

    void pubsubNodeByNode()
    {
        // Subscribers on two nodes of one channel, and one on a shard channel where it lives.
        ClusterRouter router(m_cluster.clusterUrl());
        QVERIFY_OK(router.refresh());
        const QList<HostPort> primaries = router.primaries();
        QCOMPARE(primaries.size(), 3);
        std::vector<std::unique_ptr<RedisConnection>> subscribers;
        const auto subscribe = [&](const HostPort &node, const Command &command) {
            auto conn = RedisConnection::open(m_cluster.clusterUrl().withNode(node));
            QVERIFY_OK(conn);
            QVERIFY_OK((*conn)->command(command));
            subscribers.push_back(std::move(*conn));
        };
        subscribe(primaries.at(0), Command{"SUBSCRIBE", "sessions:invalidate"});
        subscribe(primaries.at(1), Command{"SUBSCRIBE", "sessions:invalidate"});
        subscribe(primaries.at(1), Command{"SUBSCRIBE", "sessions:invalidate"});
        const HostPort owner = router.nodeOf("tier:{switch}");
        subscribe(owner, Command{"SSUBSCRIBE", "tier:{switch}"});

        TestWindow shown(250, QSize(1280, 800));
        QVERIFY(shown.exposed());
        auto &[workspace, window] = shown;
        auto index = workspace.addConnection(m_cluster.clusterUrl(), QStringLiteral("pubsub cluster"));
        QVERIFY_OK(index);
        workspace.activate(*index);
        window.pages()->setCurrentWidget(window.pubsub());
        sdui::PubSubModel *model = window.pubsub()->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 20000);
        QVERIFY(model->perNode());
        const int first = model->rowOf("sessions:invalidate", primaries.at(0).toString());
        const int second = model->rowOf("sessions:invalidate", primaries.at(1).toString());
        const int sharded = model->rowOf("tier:{switch}", owner.toString() + ", shard channel");
        QVERIFY(first >= 0 && second >= 0 && sharded >= 0);
        QCOMPARE(model->rowAt(first).subscribers, 1);
        QCOMPARE(model->rowAt(second).subscribers, 2);
        QCOMPARE(model->rowAt(sharded).subscribers, 1);
        QVERIFY(!window.pubsub()->findChild<QTableView *>("pubsubTable")->isColumnHidden(sdui::PubSubModel::NodeColumn));
        // The chart's series is the channel's subscribers over the whole cluster.
        const auto &channels = workspace.activeMonitor()->lastSnapshot()->pubsub.channels;
        QCOMPARE(channels.size(), 1);
        QCOMPARE(channels.first().second, 3);
        QTest::qWait(1200);   // a second point on the chart
        QVERIFY(window.grab().save(testOutputDir() + "/cluster-pubsub.png"));

        // A subscriber leaves: its row drops.
        subscribers.erase(subscribers.begin() + 1);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowAt(model->rowOf("sessions:invalidate", primaries.at(1).toString())).subscribers,
                                  1, 10000);
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
