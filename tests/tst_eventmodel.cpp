// The Events page's pieces: EventFilter's kinds and search, EventModel fed through an
// EventTimeline (one row per event merged across sentinels, bounded), EventFilterProxy, and
// PubSubModel's batch updates; every model and proxy under QAbstractItemModelTester. Then the
// two widgets, EventsPage and PubSubPanel, driven without a Redis.

#include "core/monitor/deploymentmonitor.h"
#include "core/sentinel/eventfilter.h"
#include "ui/charts/timechart.h"
#include "ui/models/eventfilterproxy.h"
#include "ui/models/eventmodel.h"
#include "ui/models/pubsubmodel.h"
#include "ui/pages/eventspage.h"
#include "ui/pages/pubsubpanel.h"
#include "ui/style/palette.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <cmath>

#include "ui/charts/plot.h"

#include <memory>

using namespace sdcore;
using namespace sdui;

namespace {

using Kind = EventFilter::Kind;

const QByteArray SdownReplica("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379");
const QByteArray SwitchMaster("mymaster 127.0.0.1 6379 127.0.0.1 6380");
const QByteArray OdownMaster("master mymaster 127.0.0.1 6379 #quorum 2/2");

SentinelEvent parsed(const QString &channel, const QByteArray &payload,
                     quint16 sentinelPort = 26379,
                     const QDateTime &at = QDateTime::currentDateTimeUtc())
{
    auto result = SentinelEvent::parse(channel, payload);
    if (!result)
        qFatal("cannot parse %s %s: %s", qPrintable(channel), payload.constData(),
               qPrintable(result.errorMessage()));
    SentinelEvent e = *result;
    e.source = HostPort{QStringLiteral("127.0.0.1"), sentinelPort};
    e.at = at;
    return e;
}

SentinelEvent localEvent(const QString &type, const QString &text,
                         SentinelEvent::Severity severity = SentinelEvent::Severity::Info)
{
    SentinelEvent e;
    e.type = type;
    e.payload = e.detail = text;
    e.masterName = QStringLiteral("mymaster");
    e.local = true;
    e.localSeverity = severity;
    e.at = QDateTime::currentDateTimeUtc();
    return e;
}

// Adds to the timeline and hands the result to the model the way EventsPage does.
void feed(EventTimeline &timeline, EventModel &model, const SentinelEvent &event)
{
    const auto added = timeline.add(event);
    if (!added.duplicate)
        model.applyUpdate(added.entry, added.isNew);
}

std::unique_ptr<QAbstractItemModelTester> tester(QAbstractItemModel *model)
{
    return std::make_unique<QAbstractItemModelTester>(
        model, QAbstractItemModelTester::FailureReportingMode::QtTest);
}

QString text(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

TopologySnapshot pubsubSnapshot(const QList<QPair<QString, qint64>> &channels, qint64 patterns = 0)
{
    TopologySnapshot s;
    s.at = QDateTime::currentDateTimeUtc();
    ShardState &shard = s.shards.emplaceBack();
    shard.hasPrimary = true;
    shard.primary.address = HostPort{QStringLiteral("127.0.0.1"), 6379};
    shard.primary.up = true;
    s.pubsub.valid = true;
    s.pubsub.channels = channels;
    s.pubsub.patterns = patterns;
    return s;
}

} // namespace

class TestEventModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void kindOf_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("kind");
        const QByteArray master("master mymaster 127.0.0.1 6379");
        const QByteArray sentinel(
            "sentinel 5e2f3a9c41d7b8e06f1a2b3c4d5e6f708192a3b4 127.0.0.1 26380 "
            "@ mymaster 127.0.0.1 6379");
        QTest::newRow("+sdown") << "+sdown" << SdownReplica << int(Kind::DownUp);
        QTest::newRow("-sdown") << "-sdown" << SdownReplica << int(Kind::DownUp);
        QTest::newRow("+odown") << "+odown" << OdownMaster << int(Kind::DownUp);
        QTest::newRow("-odown") << "-odown" << master << int(Kind::DownUp);
        QTest::newRow("+switch-master") << "+switch-master" << SwitchMaster << int(Kind::Failover);
        QTest::newRow("+new-epoch") << "+new-epoch" << QByteArray("5") << int(Kind::Failover);
        QTest::newRow("+vote-for-leader")
            << "+vote-for-leader" << QByteArray("a1b2c3 5") << int(Kind::Failover);
        QTest::newRow("+try-failover") << "+try-failover" << master << int(Kind::Failover);
        QTest::newRow("+elected-leader") << "+elected-leader" << master << int(Kind::Failover);
        QTest::newRow("+promoted-slave")
            << "+promoted-slave" << SdownReplica << int(Kind::Failover);
        QTest::newRow("-failover-abort-no-good-slave")
            << "-failover-abort-no-good-slave" << master << int(Kind::Failover);
        QTest::newRow("+failover-end") << "+failover-end" << master << int(Kind::Failover);
        QTest::newRow("+slave") << "+slave" << SdownReplica << int(Kind::Topology);
        QTest::newRow("+sentinel") << "+sentinel" << sentinel << int(Kind::Topology);
        QTest::newRow("+convert-to-slave")
            << "+convert-to-slave" << SdownReplica << int(Kind::Topology);
        QTest::newRow("+reboot") << "+reboot" << SdownReplica << int(Kind::Topology);
        QTest::newRow("+role-change")
            << "+role-change" << (SdownReplica + " new reported role is master")
            << int(Kind::Topology);
        QTest::newRow("-role-change")
            << "-role-change" << (SdownReplica + " new reported role is slave")
            << int(Kind::Topology);
        QTest::newRow("+slave-reconf-sent")
            << "+slave-reconf-sent" << SdownReplica << int(Kind::Topology);
        QTest::newRow("+slave-reconf-done")
            << "+slave-reconf-done" << SdownReplica << int(Kind::Topology);
        QTest::newRow("+config-update-from")
            << "+config-update-from" << sentinel << int(Kind::Topology);
        QTest::newRow("+tilt") << "+tilt" << QByteArray("#tilt mode entered") << int(Kind::Other);
        QTest::newRow("+monitor") << "+monitor" << (master + " quorum 2") << int(Kind::Other);
        QTest::newRow("-dup-sentinel") << "-dup-sentinel" << master << int(Kind::Other);
    }

    void kindOf()
    {
        QFETCH(QString, channel);
        QFETCH(QByteArray, payload);
        QTEST(int(EventFilter::kindOf(parsed(channel, payload))), "kind");
    }

    void kindOfLocal()
    {
        QCOMPARE(EventFilter::kindOf(localEvent("events-lost", "Event stream lost")), Kind::Local);
        // Local whatever the type says.
        QCOMPARE(EventFilter::kindOf(localEvent("+switch-master", "manual")), Kind::Local);
    }

    void filterAccepts()
    {
        const SentinelEvent sdown = parsed("+sdown", SdownReplica);
        const SentinelEvent odown = parsed("+odown", OdownMaster);
        const SentinelEvent local = localEvent("failover-done", "Failover to 127.0.0.1:6381 done");

        EventFilter filter;
        QVERIFY(!filter.isActive());
        QVERIFY(filter.accepts(sdown) && filter.accepts(odown) && filter.accepts(local));

        filter.setSearchText("  SDOWN "); // type, trimmed, any case
        QCOMPARE(filter.searchText(), QStringLiteral("SDOWN"));
        QVERIFY(filter.isActive());
        QVERIFY(filter.accepts(sdown));
        QVERIFY(!filter.accepts(odown));
        filter.setSearchText("Replica 127.0.0.1:6380"); // instanceText()
        QVERIFY(filter.accepts(sdown));
        QVERIFY(!filter.accepts(odown));
        filter.setSearchText("QUORUM 2/2"); // detail
        QVERIFY(filter.accepts(odown));
        QVERIFY(!filter.accepts(sdown));
        filter.setSearchText("@ mymaster"); // raw payload only
        QVERIFY(filter.accepts(sdown));
        QVERIFY(!filter.accepts(odown));
        filter.setSearchText("6381");
        QVERIFY(filter.accepts(local));
        QVERIFY(!filter.accepts(sdown));

        filter.setSearchText(QString());
        filter.setKindShown(Kind::DownUp, false);
        QVERIFY(!filter.isKindShown(Kind::DownUp));
        QVERIFY(!filter.accepts(sdown) && !filter.accepts(odown));
        QVERIFY(filter.accepts(local));
        filter.setKinds(EventFilter::Kinds(Kind::DownUp));
        QVERIFY(filter.accepts(sdown));
        QVERIFY(!filter.accepts(local));

        TimelineEntry entry;
        entry.event = sdown;
        QVERIFY(filter.accepts(entry));
    }

    void modelMergesSentinels()
    {
        EventModel model;
        auto check = tester(&model);
        EventTimeline timeline;
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26379, t0));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(text(model, 0, EventModel::SeenByColumn), QStringLiteral("1 sentinel"));
        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26380, t0.addMSecs(400)));
        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26381, t0.addMSecs(900)));
        // The same sentinel again is a duplicate: no signal at all.
        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26381, t0.addMSecs(950)));

        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(changed.count(), 2); // one per merged copy, each over the whole row
        const QModelIndex left = changed.last().at(0).toModelIndex();
        const QModelIndex right = changed.last().at(1).toModelIndex();
        QCOMPARE(left.row(), 0);
        QCOMPARE(right.row(), 0);
        QCOMPARE(left.column(), 0);
        QCOMPARE(right.column(), EventModel::ColumnCount - 1);

        QCOMPARE(text(model, 0, EventModel::SeenByColumn), QStringLiteral("3 sentinels"));
        const QString tip = text(model, 0, EventModel::SeenByColumn, Qt::ToolTipRole);
        for (const char *address : {"127.0.0.1:26379", "127.0.0.1:26380", "127.0.0.1:26381"})
            QVERIFY2(tip.contains(QLatin1String(address)), qPrintable(tip));
        QCOMPARE(text(model, 0, EventModel::EventColumn), QStringLiteral("+switch-master"));
        QCOMPARE(text(model, 0, EventModel::InstanceColumn),
                 QStringLiteral("master mymaster: 127.0.0.1:6379 → 127.0.0.1:6380"));
        QCOMPARE(model.index(0, 0).data(EventModel::EntryIdRole).toULongLong(),
                 timeline.entries().front().id);
        QCOMPARE(model.index(0, 0).data(EventModel::SeverityRole).toInt(),
                 int(SentinelEvent::Severity::Failover));
        QCOMPARE(model.index(0, 0).data(EventModel::KindRole).toInt(), int(Kind::Failover));
        QVERIFY(model.index(0, 0).data(Qt::BackgroundRole).isValid());
    }

    void modelColumnsAndColours()
    {
        EventModel model;
        auto check = tester(&model);
        EventTimeline timeline;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        feed(timeline, model, parsed("+sdown", SdownReplica, 26379, now));
        feed(timeline, model, parsed("+odown", OdownMaster, 26379, now.addMSecs(5)));
        feed(timeline, model, parsed("+new-epoch", "5", 26379, now.addMSecs(10)));
        feed(timeline, model, parsed("+vote-for-leader", "a1b2c3 5", 26379, now.addMSecs(20)));
        SentinelEvent lost = localEvent("events-lost", "Event stream from sentinel lost", SentinelEvent::Severity::Warning);
        lost.at = now.addMSecs(30);
        feed(timeline, model, lost);
        SentinelEvent old = parsed("-sdown", SdownReplica, 26379, now.addDays(-3));
        feed(timeline, model, old);
        QCOMPARE(model.rowCount(), 6);
        // Reported last, it happened first: its row goes to the top.
        const QString oldTime = text(model, 0, EventModel::TimeColumn);
        QVERIFY2(oldTime.startsWith(old.at.toLocalTime().date().toString(Qt::ISODate)),
                 qPrintable(oldTime));
        model.setEntries({timeline.entries().begin() + 1, timeline.entries().end()});
        QCOMPARE(model.rowCount(), 5);

        QCOMPARE(model.headerData(EventModel::SeenByColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Seen by"));
        const QRegularExpression today(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}$"));
        QVERIFY2(today.match(text(model, 0, EventModel::TimeColumn)).hasMatch(),
                 qPrintable(text(model, 0, EventModel::TimeColumn)));

        QCOMPARE(text(model, 0, EventModel::InstanceColumn),
                 QStringLiteral("replica 127.0.0.1:6380 of mymaster"));
        QCOMPARE(text(model, 1, EventModel::DetailColumn), QStringLiteral("quorum 2/2"));
        QCOMPARE(text(model, 3, EventModel::DetailColumn), QStringLiteral("epoch 5"));
        QCOMPARE(text(model, 4, EventModel::SeenByColumn), QStringLiteral("SessionDeck"));

        // Warning (+sdown, the local warning) and Failover (+odown) rows are coloured, in two
        // different colours; Info rows are not.
        const QVariant warning = model.index(0, 1).data(Qt::BackgroundRole);
        const QVariant failover = model.index(1, 1).data(Qt::BackgroundRole);
        QVERIFY(warning.isValid() && failover.isValid());
        QVERIFY(warning.value<QBrush>().color() != failover.value<QBrush>().color());
        QCOMPARE(model.index(4, 1).data(Qt::BackgroundRole).value<QBrush>().color(),
                 warning.value<QBrush>().color());
        QVERIFY(!model.index(2, 1).data(Qt::BackgroundRole).isValid());
        QCOMPARE(model.index(2, 0).data(EventModel::SeverityRole).toInt(),
                 int(SentinelEvent::Severity::Info));
    }

    void modelSetEntriesThenUpdates()
    {
        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        timeline.add(parsed("+sdown", SdownReplica, 26379, t0));
        timeline.add(parsed("+odown", OdownMaster, 26379, t0.addMSecs(10)));

        EventModel model;
        auto check = tester(&model);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setEntries(timeline.entries());
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 2);

        // The +odown from another sentinel joins row 1; an entry loaded by setEntries that
        // then arrives flagged as new is not shown twice.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        feed(timeline, model, parsed("+odown", OdownMaster, 26380, t0.addMSecs(20)));
        QCOMPARE(text(model, 1, EventModel::SeenByColumn), QStringLiteral("2 sentinels"));
        model.applyUpdate(timeline.entries().back(), true);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(inserted.count(), 0);

        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26379, t0.addMSecs(30)));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(text(model, 2, EventModel::EventColumn), QStringLiteral("+switch-master"));

        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    // The window's issue, defect 5: every event carries the time it happened, and the
    // timeline and the table are in that order, whatever order they were reported in.
    void eventsSortByTheTimeTheyHappened()
    {
        EventTimeline timeline;
        EventModel model;
        auto check = tester(&model);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26379, t0.addMSecs(1000)));
        SentinelEvent done = localEvent("failover-done", "failover done");
        done.at = t0.addMSecs(1100);
        feed(timeline, model, done);
        // Store switches observed at 41.1 s and 43.4 s, reported together after both.
        SentinelEvent first = localEvent("store-switch", "primary → memory", SentinelEvent::Severity::Warning);
        first.at = t0.addMSecs(200);
        SentinelEvent second = localEvent("store-switch", "memory → primary", SentinelEvent::Severity::Warning);
        second.at = t0.addMSecs(1050);
        feed(timeline, model, first);
        feed(timeline, model, second);
        QCOMPARE(model.rowCount(), 4);
        QStringList order;
        for (int r = 0; r < model.rowCount(); ++r)
            order << model.entryAt(r).event.type + QLatin1Char('@') + QString::number(t0.msecsTo(model.entryAt(r).firstSeen));
        QCOMPARE(order, (QStringList{"store-switch@200", "+switch-master@1000", "store-switch@1050", "failover-done@1100"}));
        QStringList timelineOrder;
        for (const TimelineEntry &e : timeline.entries())
            timelineOrder << e.event.type + QLatin1Char('@') + QString::number(t0.msecsTo(e.firstSeen));
        QCOMPARE(timelineOrder, order);
        // A later copy of the switch from another sentinel still merges into its row.
        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26380, t0.addMSecs(1900)));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(text(model, 1, EventModel::SeenByColumn), QStringLiteral("2 sentinels"));
    }

    void modelCapacity()
    {
        EventModel model;
        QCOMPARE(model.capacity(), EventModel::DefaultCapacity);
        QCOMPARE(model.capacity(), 20000);
        model.setCapacity(5);
        auto check = tester(&model);
        EventTimeline timeline;
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        for (int epoch = 1; epoch <= 12; ++epoch)
            feed(timeline, model,
                 parsed("+new-epoch", QByteArray::number(epoch), 26379, t0.addMSecs(epoch)));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(removed.count(), 7);
        QCOMPARE(text(model, 0, EventModel::DetailColumn), QStringLiteral("8"));
        QCOMPARE(text(model, 4, EventModel::DetailColumn), QStringLiteral("12"));
        const quint64 first = timeline.entries().front().id;
        QCOMPARE(model.rowOf(first), -1); // dropped
        QCOMPARE(model.rowOf(timeline.entries().back().id), 4);

        // After the drops an update still finds its row.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        feed(timeline, model, parsed("+new-epoch", "10", 26380, t0.addMSecs(13)));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 2);
        QCOMPARE(text(model, 2, EventModel::SeenByColumn), QStringLiteral("2 sentinels"));

        // An update for an entry the model has dropped is ignored, not appended.
        feed(timeline, model, parsed("+new-epoch", "2", 26380, t0.addMSecs(14)));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(text(model, 4, EventModel::DetailColumn), QStringLiteral("12"));

        // setEntries keeps the newest; a smaller capacity drops at once.
        model.setEntries(timeline.entries());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(text(model, 4, EventModel::DetailColumn), QStringLiteral("12"));
        model.setCapacity(2);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(text(model, 0, EventModel::DetailColumn), QStringLiteral("11"));
    }

    void proxyFilters()
    {
        EventModel model;
        EventFilterProxy proxy;
        proxy.setSourceModel(&model);
        auto checkModel = tester(&model);
        auto checkProxy = tester(&proxy);
        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        feed(timeline, model, parsed("+sdown", SdownReplica, 26379, t0));
        feed(timeline, model, parsed("+odown", OdownMaster, 26379, t0.addMSecs(1)));
        feed(timeline, model, parsed("+new-epoch", "5", 26379, t0.addMSecs(2)));
        feed(timeline, model, parsed("+vote-for-leader", "a1b2c3 5", 26379, t0.addMSecs(3)));
        feed(timeline, model, parsed("+switch-master", SwitchMaster, 26379, t0.addMSecs(4)));
        SentinelEvent lost = localEvent("events-lost", "Event stream lost");
        lost.at = t0.addMSecs(4);
        feed(timeline, model, lost);
        QCOMPARE(proxy.rowCount(), 6);

        EventFilter filter;
        filter.setKinds(EventFilter::Kinds(Kind::Failover));
        proxy.setFilter(filter);
        QCOMPARE(proxy.rowCount(), 3);
        QCOMPARE(text(proxy, 0, EventModel::EventColumn), QStringLiteral("+new-epoch"));
        QCOMPARE(text(proxy, 2, EventModel::EventColumn), QStringLiteral("+switch-master"));

        filter.setSearchText("a1B2c3");
        proxy.setFilter(filter);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(text(proxy, 0, EventModel::EventColumn), QStringLiteral("+vote-for-leader"));

        filter = EventFilter();
        filter.setSearchText("6380");
        proxy.setFilter(filter);
        QCOMPARE(proxy.rowCount(), 2); // the replica's +sdown, the new master in +switch-master

        // Rows arriving later are filtered as they come; merges keep the row.
        feed(timeline, model, parsed("-sdown", SdownReplica, 26379, t0.addMSecs(5)));
        feed(timeline, model, parsed("+tilt", "#tilt mode entered", 26379, t0.addMSecs(6)));
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(proxy.rowCount(), 3);
        QCOMPARE(text(proxy, 2, EventModel::EventColumn), QStringLiteral("-sdown"));
        feed(timeline, model, parsed("-sdown", SdownReplica, 26380, t0.addMSecs(7)));
        QCOMPARE(proxy.rowCount(), 3);
        QCOMPARE(text(proxy, 2, EventModel::SeenByColumn), QStringLiteral("2 sentinels"));

        // The capacity bound removes rows through the proxy too.
        model.setCapacity(3);
        QCOMPARE(proxy.rowCount(), 1); // -sdown; +tilt and the local event do not match
        proxy.setFilter(EventFilter());
        QCOMPARE(proxy.rowCount(), 3);
    }

    void pubSubModelBatches()
    {
        PubSubModel model;
        auto check = tester(&model);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.setChannels({{"sessions:invalidate", 3}, {"sessions:logout", 1}});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(PubSubModel::ColumnCount));
        QCOMPARE(text(model, 0, PubSubModel::ChannelColumn), QStringLiteral("sessions:invalidate"));
        QCOMPARE(model.index(0, PubSubModel::SubscribersColumn).data().toLongLong(), 3);
        QVERIFY(!model.index(0, 0).data(PubSubModel::DroppedRole).toBool());

        // Same set, one count fell: no reset, one dataChanged, the row marked.
        model.setChannels({{"sessions:invalidate", 2}, {"sessions:logout", 1}});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
        QVERIFY(model.index(0, 0).data(PubSubModel::DroppedRole).toBool());
        QCOMPARE(model.index(0, 0).data(PubSubModel::PreviousSubscribersRole).toLongLong(), 3);
        QCOMPARE(text(model, 0, PubSubModel::SubscribersColumn, Qt::ToolTipRole),
                 QStringLiteral("subscribers fell from 3 to 2: an app instance dropped off?"));
        QCOMPARE(model.index(0, 1).data(Qt::ForegroundRole).value<QBrush>().color(), sdui::palette::bad());
        QVERIFY(!model.index(1, 1).data(Qt::ForegroundRole).isValid());

        // Same set in another order: the rows keep their order; the mark clears once steady.
        model.setChannels({{"sessions:logout", 1}, {"sessions:invalidate", 2}});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(text(model, 0, PubSubModel::ChannelColumn), QStringLiteral("sessions:invalidate"));
        QVERIFY(!model.index(0, 0).data(PubSubModel::DroppedRole).toBool());
        QVERIFY(model.index(0, 1).data(Qt::ToolTipRole).toString().isEmpty());
        model.setChannels({{"sessions:logout", 1}, {"sessions:invalidate", 2}});
        QCOMPARE(changed.count(), 2); // nothing changed: no signal

        // Two counts changing emit one range over both rows.
        model.setChannels({{"sessions:invalidate", 4}, {"sessions:logout", 0}});
        QCOMPARE(changed.count(), 3);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 0);
        QCOMPARE(changed.last().at(1).toModelIndex().row(), 1);
        QCOMPARE(changed.last().at(1).toModelIndex().column(), PubSubModel::ColumnCount - 1);
        QVERIFY(model.index(1, 0).data(PubSubModel::DroppedRole).toBool());

        // A changed set resets, and a channel still there keeps its previous count.
        model.setChannels({{"sessions:invalidate", 3}, {"tier:switch", 5}});
        QCOMPARE(reset.count(), 2);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf("sessions:logout"), -1);
        QCOMPARE(model.rowOf("tier:switch"), 1);
        QVERIFY(model.index(0, 0).data(PubSubModel::DroppedRole).toBool());
        QCOMPARE(model.index(1, 0).data(PubSubModel::PreviousSubscribersRole).toLongLong(), -1);

        // A repeated name is not mistaken for the same set.
        model.setChannels({{"sessions:invalidate", 3}, {"sessions:invalidate", 3}});
        QCOMPARE(reset.count(), 3);
        QCOMPARE(model.rowCount(), 1);

        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(reset.count(), 4);
    }

    void eventsPageFiltersAndCounts()
    {
        EventsPage page;
        page.setMonitor(nullptr);
        auto checkModel = tester(page.model());
        auto checkProxy = tester(page.proxy());
        QCOMPARE(page.searchEdit()->objectName(), QStringLiteral("eventSearch"));
        QVERIFY(page.findChild<QTableView *>("eventTable"));
        QCOMPARE(page.countText(), QStringLiteral("0 of 0 events"));

        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        feed(timeline, *page.model(), parsed("+sdown", SdownReplica, 26379, t0));
        QCOMPARE(page.countText(), QStringLiteral("1 of 1 event"));
        feed(timeline, *page.model(), parsed("+odown", OdownMaster, 26379, t0.addMSecs(1)));
        feed(timeline, *page.model(),
             parsed("+switch-master", SwitchMaster, 26379, t0.addMSecs(2)));
        QCOMPARE(page.countText(), QStringLiteral("3 of 3 events"));

        page.searchEdit()->setText("quorum");
        QCOMPARE(page.proxy()->rowCount(), 1);
        QCOMPARE(page.countText(), QStringLiteral("1 of 3 events"));
        page.searchEdit()->clear();
        page.kindToggle(Kind::DownUp)->setChecked(false);
        QCOMPARE(page.proxy()->rowCount(), 1);
        QCOMPARE(text(*page.proxy(), 0, EventModel::EventColumn), QStringLiteral("+switch-master"));
        QCOMPARE(page.countText(), QStringLiteral("1 of 3 events"));
        page.kindToggle(Kind::DownUp)->setChecked(true);
        QCOMPARE(page.countText(), QStringLiteral("3 of 3 events"));
    }

    void eventsPageFollowsMonitor()
    {
        DeploymentMonitor first(RedisUrl::tcp("127.0.0.1", 1));
        first.addLocalEvent("events-lost", "before the page", SentinelEvent::Severity::Warning);
        EventsPage page;
        page.setMonitor(&first);
        QCOMPARE(page.model()->rowCount(), 1); // loaded from the timeline
        first.addLocalEvent("events-restored", "after", SentinelEvent::Severity::Info);
        QCOMPARE(page.model()->rowCount(), 2);
        QCOMPARE(text(*page.model(), 1, EventModel::SeenByColumn), QStringLiteral("SessionDeck"));

        DeploymentMonitor second(RedisUrl::tcp("127.0.0.1", 2));
        page.setMonitor(&second);
        QCOMPARE(page.model()->rowCount(), 0);
        first.addLocalEvent("events-lost", "no longer shown", SentinelEvent::Severity::Info);
        QCOMPARE(page.model()->rowCount(), 0);
        second.addLocalEvent("events-lost", "shown", SentinelEvent::Severity::Info);
        QCOMPARE(page.model()->rowCount(), 1);
        page.setMonitor(nullptr);
        QCOMPARE(page.model()->rowCount(), 0);
        QCOMPARE(page.monitor(), nullptr);
    }

    void eventsPageAutoScroll()
    {
        EventsPage page;
        page.resize(800, 300);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        int epoch = 0;
        auto addRows = [&](int n) {
            for (int i = 0; i < n; ++i, ++epoch)
                feed(timeline, *page.model(),
                     parsed("+new-epoch", QByteArray::number(epoch), 26379, t0.addMSecs(epoch)));
            QCoreApplication::processEvents();
        };
        QScrollBar *bar = page.table()->verticalScrollBar();
        addRows(100);
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum()); // followed the new rows
        bar->setValue(0);
        addRows(10);
        QCOMPARE(bar->value(), 0); // the user scrolled up: stays put
        bar->setValue(bar->maximum());
        addRows(10);
        QCOMPARE(bar->value(), bar->maximum());
        QCOMPARE(page.countText(), QStringLiteral("120 of 120 events"));
    }

    void pubSubPanelShowsSnapshots()
    {
        PubSubPanel panel;
        panel.setMonitor(nullptr);
        auto check = tester(panel.model());
        QVERIFY(panel.chart());

        panel.showSnapshot(pubsubSnapshot({{"sessions:invalidate", 3}, {"sessions:logout", 1}}, 2));
        QCOMPARE(panel.model()->rowCount(), 2);
        QVERIFY2(panel.patternsText().contains('2'), qPrintable(panel.patternsText()));
        QVERIFY(panel.errorText().isEmpty());

        panel.showSnapshot(pubsubSnapshot({{"sessions:invalidate", 2}, {"sessions:logout", 1}}, 2));
        QCOMPARE(panel.model()->index(0, 1).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("subscribers fell from 3 to 2: an app instance dropped off?"));

        // An error keeps the last complete channel list and says why.
        TopologySnapshot failed = pubsubSnapshot({});
        failed.pubsub.valid = false;
        failed.pubsub.patterns = -1;
        failed.pubsub.error = QStringLiteral("NOPERM this user has no permissions to run 'pubsub'");
        panel.showSnapshot(failed);
        QVERIFY2(panel.errorText().contains("NOPERM"), qPrintable(panel.errorText()));
        QCOMPARE(panel.model()->rowCount(), 2);
        QVERIFY(!panel.table()->isEnabled());

        TopologySnapshot down = pubsubSnapshot({});
        down.shards.first().primary.up = false;
        down.pubsub.valid = false;
        panel.showSnapshot(down);
        QVERIFY2(panel.errorText().contains("down"), qPrintable(panel.errorText()));

        panel.showSnapshot(pubsubSnapshot({{"sessions:invalidate", 2}, {"sessions:logout", 1}}, 0));
        QVERIFY(panel.errorText().isEmpty());
        QVERIFY(panel.table()->isEnabled());
    }

    void pubSubPanelChartsTopChannels()
    {
        PubSubPanel panel;
        QList<QPair<QString, qint64>> channels;
        for (int i = 0; i < 10; ++i)
            channels.append({QStringLiteral("ch%1").arg(i), qint64(i % 5)});
        panel.showSnapshot(pubsubSnapshot(channels, 1));
        const QStringList top = panel.chartedChannels();
        QCOMPARE(top.size(), PubSubPanel::MaxChartChannels);
        QCOMPARE(top.first(), QStringLiteral("ch4")); // 4 subscribers, name breaks the tie
        QCOMPARE(top.at(1), QStringLiteral("ch9"));
        QVERIFY(!top.contains("ch0") && !top.contains("ch5"));
        QCOMPARE(panel.chart()->graphCount(), PubSubPanel::MaxChartChannels + 1); // + patterns
        QCOMPARE(panel.chart()->graph(0)->name(), QStringLiteral("ch4"));
        const QCPRange x = panel.chart()->xAxis->range();
        QCOMPARE(x.size(), PubSubPanel::ChartSeconds);
        QVERIFY(panel.chart()->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>());
    }

    // Markers become items only inside the visible range; the items are reused as the list
    // changes, and an unchanged list touches nothing.
    void chartMarkersFollowTheVisibleRange()
    {
        sdui::TimeChart chart(QStringLiteral("Sessions"), QString());
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        QList<sdui::ChartMarker> markers;
        for (int i = 0; i < 300; ++i)
            markers << sdui::ChartMarker{now - 3000 + i * 10, QStringLiteral("m%1").arg(i), QString(), Qt::red};
        chart.setMarkers(markers);
        chart.refresh(now - 300, now);
        QCOMPARE(chart.markerCount(), 30);   // now-290 … now
        const int items = chart.itemCount();
        QCOMPARE(items, 60);                 // a line and a label each
        chart.refresh(now - 3600, now);
        QCOMPARE(chart.markerCount(), 300);
        // One more, the oldest dropped: the items are reused, none added or removed.
        markers.removeFirst();
        markers << sdui::ChartMarker{now, QStringLiteral("new"), QString(), Qt::blue};
        chart.setMarkers(markers);
        QCOMPARE(chart.markerCount(), 300);
        QCOMPARE(chart.itemCount(), 600);
        QCOMPARE(chart.markerLabels().last(), QStringLiteral("new"));
        chart.refresh(now - 300, now);
        QCOMPARE(chart.markerCount(), 31);
        QCOMPARE(chart.itemCount(), 62);
    }

    // The window's issue, defect 4: a series with no data for a while shows a gap, not a line
    // across it; a reset chart keeps no axis of what it showed before.
    void chartLeavesGapsAndResets()
    {
        sdui::TimeChart chart(QStringLiteral("Replication lag"), QString());
        chart.setBytes(true);
        MetricSeries lag;
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        for (int i = 0; i < 10; ++i)
            lag.append(now - 200 + i, 100);
        // Two minutes as master: no lag figures. Then a replica again, far behind.
        for (int i = 0; i < 10; ++i)
            lag.append(now - 60 + i, 10 * 1024 * 1024);
        chart.setSeries({{QStringLiteral("replica"), &lag}});
        chart.refresh(now - 300, now);
        QCPGraphDataContainer &data = *chart.graph(0)->data();
        QCOMPARE(data.size(), 21);
        int gaps = 0;
        for (auto it = data.constBegin(); it != data.constEnd(); ++it) {
            if (std::isnan(it->value)) {
                ++gaps;
                QVERIFY(it->key > now - 191 && it->key < now - 60);
            }
        }
        QCOMPARE(gaps, 1);
        QVERIFY(chart.yAxis->range().upper > 10 * 1024 * 1024);

        chart.reset();
        QCOMPARE(chart.graphCount(), 0);
        QCOMPARE(chart.yAxis->range().upper, 1024.0);   // a byte axis: no "0 bytes" ticks
        QVERIFY(chart.xAxis->range().upper > now - 5);
    }

    void pubSubPanelChartsMonitorHistory()
    {
        DeploymentMonitor monitor(RedisUrl::tcp("127.0.0.1", 1));
        PubSubPanel panel;
        panel.setMonitor(&monitor);
        // The history fills from polls; without a Redis it stays empty and the graphs too.
        panel.showSnapshot(pubsubSnapshot({{"sessions:invalidate", 3}}, 1));
        QCOMPARE(panel.chartedChannels(), QStringList{"sessions:invalidate"});
        QCOMPARE(panel.chart()->graph(0)->dataCount(), 0);
        panel.setMonitor(nullptr);
        QCOMPARE(panel.model()->rowCount(), 0);
        QVERIFY(panel.chartedChannels().isEmpty());
    }
};

QTEST_MAIN(TestEventModel)
#include "tst_eventmodel.moc"
