// The sessions table model alone, under QAbstractItemModelTester and without a server: rows
// arrive in batches, sort, filter (also by a pasted cookie), go on removal, count their TTLs
// down from the read without reading again, and keep odd keys whole.

#include "ui/models/sessiontablemodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QTest>

using namespace sdcore;
using namespace sdui;

namespace {

SessionRow row(const QByteArray &key, qint64 pttl, qint64 fetchedAt, qint64 size, const QString &user)
{
    SessionRow r;
    r.key = key;
    r.pttlMs = pttl;
    r.fetchedAtMs = fetchedAt;
    r.size = size;
    r.user = user;
    return r;
}

int rowOfKey(const SessionTableModel *model, const QByteArray &key)
{
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->keyAt(r) == key)
            return r;
    }
    return -1;
}

} // namespace

class TestSessionTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A cluster's rows: each with its shard (the column sorts by it); a key listed under two
    // shards (it moved mid-scan) goes from the table entirely when it is deleted.
    void shardColumn()
    {
        SessionTableModel model;
        model.clear("sess:");
        QVERIFY(!model.hasShards());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        model.appendRows({row("sess:a", 5000, now, 1, QString()), row("sess:moved", 5000, now, 1, QString())});
        QVERIFY(!model.hasShards());
        QCOMPARE(model.shardAt(0), QString());
        model.appendRows({row("sess:b", 5000, now, 1, QString())}, QStringLiteral("5461-10922"));
        model.appendRows({row("sess:c", 5000, now, 1, QString())}, QStringLiteral("0-5460"));
        model.appendRows({row("sess:moved", 5000, now, 1, QString())}, QStringLiteral("migrating"));
        QVERIFY(model.hasShards());
        QCOMPARE(model.rowCount(), 5);
        model.sort(SessionTableModel::Shard, Qt::AscendingOrder);
        QCOMPARE(model.index(2, SessionTableModel::Shard).data().toString(), QStringLiteral("0-5460"));
        QCOMPARE(model.keyAt(2), QByteArray("sess:c"));
        QCOMPARE(model.shardAt(4), QStringLiteral("migrating"));
        QCOMPARE(model.headerData(SessionTableModel::Shard, Qt::Horizontal).toString(), QStringLiteral("Shard"));
        QCOMPARE(model.removeKeys({"sess:moved"}), 2);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.visibleRowOf("sess:moved"), -1);
        model.clear("sess:");
        QVERIFY(!model.hasShards());
    }

    void modelUnderTester()
    {
        SessionTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 now = 1000000000000LL;
        model.setNow(now);
        model.clear("sess:");
        QList<SessionRow> batch;
        for (int i = 0; i < 500; ++i)
            batch << row("sess:id" + QByteArray::number(i), i % 5 == 0 ? -1 : (i + 1) * 1000, now, 100 + i,
                         QStringLiteral("user%1").arg(i % 50));
        model.appendRows(batch.mid(0, 200));
        model.appendRows(batch.mid(200));
        QCOMPARE(model.rowCount(), 500);
        QCOMPARE(model.keyAt(3), QByteArray("sess:id3"));
        QCOMPARE(model.data(model.index(3, SessionTableModel::Id)).toString(), QStringLiteral("id3"));
        QCOMPARE(model.data(model.index(3, SessionTableModel::Ttl)).toString(), QStringLiteral("4 s"));
        QCOMPARE(model.data(model.index(0, SessionTableModel::Ttl)).toString(), QStringLiteral("no TTL"));
        // The TTL counts down from the fetch time; nothing is re-read.
        model.setNow(now + 2500);
        QCOMPARE(model.ttlMsAt(3, model.now()), 1500);
        QCOMPARE(model.data(model.index(3, SessionTableModel::Ttl)).toString(), QStringLiteral("2 s"));
        model.setNow(now + 10000);
        QCOMPARE(model.data(model.index(3, SessionTableModel::Ttl)).toString(), QStringLiteral("expired"));
        model.setNow(now);

        model.sort(SessionTableModel::Size, Qt::DescendingOrder);
        QCOMPARE(model.keyAt(0), QByteArray("sess:id499"));
        model.sort(SessionTableModel::Ttl, Qt::AscendingOrder);
        QCOMPARE(model.keyAt(0), QByteArray("sess:id1"));
        QCOMPARE(model.ttlMsAt(499, now), -1);   // no TTL last
        model.sort(SessionTableModel::Id, Qt::AscendingOrder);
        QCOMPARE(model.keyAt(0), QByteArray("sess:id0"));

        model.setFilterText(QStringLiteral("USER7"));   // user, case-insensitive
        QCOMPARE(model.rowCount(), 10);
        model.setFilterText(QStringLiteral("connect.sid=s%3Aid42.signature"));   // a pasted cookie
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.keyAt(0), QByteArray("sess:id42"));
        model.setFilterText(QString());
        QCOMPARE(model.rowCount(), 500);
        // An id as the table prints it (a backslash doubled, other bytes as \xNN) finds its row.
        model.appendRows({row(QByteArray("sess:back\\slash\nnl"), 5000, now, 1, QString())});
        const QString printed = model.data(model.index(model.rowCount() - 1, SessionTableModel::Id)).toString();
        QCOMPARE(printed, QStringLiteral("back\\\\slash\\x0anl"));
        model.setFilterText(printed);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.keyAt(0), QByteArray("sess:back\\slash\nnl"));
        model.setFilterText(QString());
        QCOMPARE(model.removeKeys({QByteArray("sess:back\\slash\nnl")}), 1);

        QCOMPARE(model.removeKeys({"sess:id1", "sess:id2", "sess:nope"}), 2);
        QCOMPARE(model.rowCount(), 498);
        QCOMPARE(model.totalRows(), 498);
        QCOMPARE(rowOfKey(&model, "sess:id1"), -1);
        const auto h = model.ttlHistogram(now);
        QCOMPARE(h[CensusResult::NoTtl], 100);
        // TTLs of 1..59 s are rows 0..58; 12 of them (every 5th) have no TTL, and 2 were removed.
        QCOMPARE(h[CensusResult::UnderMinute], 59 - 12 - 2);
        // Keys outside the prefix and odd bytes survive the packed store.
        model.appendRows({row(QByteArray("other:\0x", 8), 5000, now, 1, QString()),
                          row("sess:" + QByteArray(300000, 'k'), 5000, now, 1, QStringLiteral("long"))});
        QCOMPARE(model.keyAt(model.rowCount() - 2), QByteArray("other:\0x", 8));
        QCOMPARE(model.keyAt(model.rowCount() - 1).size(), 300005);
        QCOMPARE(model.userAt(model.rowCount() - 1), QStringLiteral("long"));
        QVERIFY(model.memoryBytes() > 0);
        // The locking store's lock and tombstone keys are shown as such.
        model.appendRows({row("sess:lock:id7", 3000, now, 8, QString()), row("sess:tomb:id8", 3000, now, 1, QString())});
        QCOMPARE(model.data(model.index(model.rowCount() - 2, SessionTableModel::Type)).toString(), QStringLiteral("lock"));
        QCOMPARE(model.data(model.index(model.rowCount() - 1, SessionTableModel::Type)).toString(), QStringLiteral("tombstone"));
    }
};

QTEST_MAIN(TestSessionTableModel)
#include "tst_sessiontablemodel.moc"
