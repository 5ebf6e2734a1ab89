// SentinelEvent::parse on real Sentinel event payloads and on malformed ones (which must fail
// with ErrorKind::Protocol, never crash), and EventTimeline's merging of the copies every
// sentinel publishes: merge, duplicate, merge window and capacity.

#include "core/sentinel/eventtimeline.h"
#include "core/sentinel/sentinelevent.h"
#include "tests/support/testsupport.h"

#include <QTest>

using namespace sdcore;

namespace {

const QString RunId = QStringLiteral("5e2f3a9c41d7b8e06f1a2b3c4d5e6f708192a3b4");

SentinelEvent received(const QString &channel, const QByteArray &payload, quint16 sentinelPort,
                       const QDateTime &at)
{
    auto parsed = SentinelEvent::parse(channel, payload);
    if (!parsed)
        qFatal("cannot parse %s %s: %s", qPrintable(channel), payload.constData(),
               qPrintable(parsed.errorMessage()));
    SentinelEvent e = *parsed;
    e.source = HostPort{QStringLiteral("127.0.0.1"), sentinelPort};
    e.at = at;
    return e;
}

} // namespace

class TestSentinelEvent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseValid_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("instance");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("masterName");
        QTest::addColumn<QString>("masterAddress");
        QTest::addColumn<QString>("detail");
        QTest::addColumn<int>("severity");

        const int none = int(SentinelEvent::Instance::None);
        const int master = int(SentinelEvent::Instance::Master);
        const int replica = int(SentinelEvent::Instance::Replica);
        const int sentinel = int(SentinelEvent::Instance::Sentinel);
        const int info = int(SentinelEvent::Severity::Info);
        const int warning = int(SentinelEvent::Severity::Warning);
        const int failover = int(SentinelEvent::Severity::Failover);

        QTest::newRow("+sdown replica")
            << "+sdown"
            << QByteArray("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379")
            << replica << "127.0.0.1:6380"
            << "127.0.0.1:6380"
            << "mymaster"
            << "127.0.0.1:6379"
            << "" << warning;
        QTest::newRow("-sdown replica")
            << "-sdown"
            << QByteArray("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379")
            << replica << "127.0.0.1:6380"
            << "127.0.0.1:6380"
            << "mymaster"
            << "127.0.0.1:6379"
            << "" << info;
        QTest::newRow("+switch-master")
            << "+switch-master" << QByteArray("mymaster 127.0.0.1 6379 127.0.0.1 6380") << master
            << "mymaster"
            << "127.0.0.1:6380"
            << "mymaster"
            << "127.0.0.1:6380"
            << "" << failover;
        QTest::newRow("+odown") << "+odown"
                                << QByteArray("master mymaster 127.0.0.1 6379 #quorum 2/2")
                                << master << "mymaster"
                                << "127.0.0.1:6379"
                                << "mymaster"
                                << "127.0.0.1:6379"
                                << "quorum 2/2" << failover;
        QTest::newRow("+new-epoch") << "+new-epoch" << QByteArray("5") << none << ""
                                    << ":0"
                                    << ""
                                    << ":0"
                                    << "5" << info;
        QTest::newRow("+vote-for-leader")
            << "+vote-for-leader" << QByteArray("a1b2c3 5") << none << "a1b2c3"
            << ":0"
            << ""
            << ":0"
            << "epoch 5" << info;
        QTest::newRow("+sentinel") << "+sentinel"
                                   << (QByteArray("sentinel ") + RunId.toLatin1() +
                                       " 127.0.0.1 26380 @ mymaster 127.0.0.1 6379")
                                   << sentinel << RunId << "127.0.0.1:26380"
                                   << "mymaster"
                                   << "127.0.0.1:6379"
                                   << "" << info;
        QTest::newRow("+role-change")
            << "+role-change"
            << QByteArray("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379 new "
                          "reported role is master")
            << replica << "127.0.0.1:6380"
            << "127.0.0.1:6380"
            << "mymaster"
            << "127.0.0.1:6379"
            << "new reported role is master" << info;
        QTest::newRow("+tilt") << "+tilt" << QByteArray("#tilt mode entered") << none << ""
                               << ":0"
                               << ""
                               << ":0"
                               << "tilt mode entered" << warning;
        QTest::newRow("-failover-abort-no-good-slave")
            << "-failover-abort-no-good-slave" << QByteArray("master mymaster 127.0.0.1 6379")
            << master << "mymaster"
            << "127.0.0.1:6379"
            << "mymaster"
            << "127.0.0.1:6379"
            << "" << failover;
        QTest::newRow("+monitor with quorum")
            << "+monitor" << QByteArray("master mymaster 127.0.0.1 6379 quorum 2") << master
            << "mymaster"
            << "127.0.0.1:6379"
            << "mymaster"
            << "127.0.0.1:6379"
            << "quorum 2" << info;
    }

    void parseValid()
    {
        QFETCH(QString, channel);
        QFETCH(QByteArray, payload);
        const auto parsed = SentinelEvent::parse(channel, payload);
        QVERIFY_OK(parsed);
        const SentinelEvent &e = *parsed;
        QCOMPARE(e.type, channel);
        QCOMPARE(e.payload, QString::fromUtf8(payload));
        QVERIFY(e.at.isValid());
        QVERIFY(!e.local);
        QTEST(int(e.instance), "instance");
        QTEST(e.name, "name");
        QTEST(e.address.toString(), "address");
        QTEST(e.masterName, "masterName");
        QTEST(e.masterAddress.toString(), "masterAddress");
        QTEST(e.detail, "detail");
        QTEST(int(e.severity()), "severity");
        QVERIFY(!e.summary().isEmpty());
    }

    void switchMasterAddresses()
    {
        const auto e =
            SentinelEvent::parse("+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380");
        QVERIFY(e);
        QCOMPARE(e->oldMaster, (HostPort{"127.0.0.1", 6379}));
        QCOMPARE(e->newMaster, (HostPort{"127.0.0.1", 6380}));
        QVERIFY(e->isFailoverStep());
        QCOMPARE(e->instanceText(),
                 QStringLiteral("master mymaster: 127.0.0.1:6379 → 127.0.0.1:6380"));
    }

    void instanceText()
    {
        const auto e = SentinelEvent::parse(
            "+sdown", "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379");
        QVERIFY(e);
        QCOMPARE(e->instanceText(), QStringLiteral("replica 127.0.0.1:6380 of mymaster"));
        QCOMPARE(e->summary(), QStringLiteral("+sdown replica 127.0.0.1:6380 of mymaster"));
        const auto odown =
            SentinelEvent::parse("+odown", "master mymaster 127.0.0.1 6379 #quorum 2/2");
        QVERIFY(odown);
        QCOMPARE(odown->summary(),
                 QStringLiteral("+odown master mymaster at 127.0.0.1:6379 (quorum 2/2)"));
    }

    void parseMalformed_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("switch-master short")
            << "+switch-master" << QByteArray("mymaster 127.0.0.1");
        QTest::newRow("switch-master bad port")
            << "+switch-master" << QByteArray("mymaster 127.0.0.1 6379 127.0.0.1 0");
        QTest::newRow("sdown empty") << "+sdown" << QByteArray("");
        QTest::newRow("sdown unknown instance") << "+sdown" << QByteArray("bogus x 1.2.3.4 5");
        QTest::newRow("sdown port not a number")
            << "+sdown" << QByteArray("slave a 127.0.0.1 notaport");
        QTest::newRow("sdown truncated master")
            << "+sdown" << QByteArray("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster");
        QTest::newRow("sdown bad master port")
            << "+sdown" << QByteArray("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 x");
        QTest::newRow("not an event channel") << "hello" << QByteArray("world");
        QTest::newRow("empty channel") << "" << QByteArray("master m 127.0.0.1 6379");
        QTest::newRow("new-epoch empty") << "+new-epoch" << QByteArray("");
        QTest::newRow("vote-for-leader short") << "+vote-for-leader" << QByteArray("a1b2c3");
        QTest::newRow("binary garbage") << "+sdown" << QByteArray("\xff\xfe\x00 \x01", 5);
        QTest::newRow("only '#'") << "+odown" << QByteArray("#");
    }

    void parseMalformed()
    {
        QFETCH(QString, channel);
        QFETCH(QByteArray, payload);
        const auto parsed = SentinelEvent::parse(channel, payload);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().kind, ErrorKind::Protocol);
        QVERIFY2(parsed.errorMessage().contains(QStringLiteral("Malformed sentinel event")),
                 qPrintable(parsed.errorMessage()));
    }

    void timelineMergesSentinels()
    {
        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        const QByteArray payload("mymaster 127.0.0.1 6379 127.0.0.1 6380");
        auto first = timeline.add(received("+switch-master", payload, 26379, t0));
        QVERIFY(first.isNew);
        QVERIFY(!first.duplicate);
        auto second = timeline.add(received("+switch-master", payload, 26380, t0.addMSecs(300)));
        QVERIFY(!second.isNew);
        QVERIFY(!second.duplicate);
        QCOMPARE(second.entry.id, first.entry.id);
        auto third = timeline.add(received("+switch-master", payload, 26381, t0.addMSecs(1200)));
        QCOMPARE(third.entry.id, first.entry.id);
        QCOMPARE(third.entry.seenCount(), 3);
        QCOMPARE(third.entry.firstSeen, t0);
        QCOMPARE(third.entry.lastSeen, t0.addMSecs(1200));
        QCOMPARE(timeline.entries().size(), size_t(1));
        QCOMPARE(
            timeline.entries().front().seenBy,
            (QList<HostPort>{{"127.0.0.1", 26379}, {"127.0.0.1", 26380}, {"127.0.0.1", 26381}}));

        // Another type with the same payload is another entry.
        auto other = timeline.add(received("+sdown", "master mymaster 127.0.0.1 6379", 26379, t0));
        QVERIFY(other.isNew);
        QVERIFY(other.entry.id > first.entry.id);
        QCOMPARE(timeline.entries().size(), size_t(2));
    }

    void timelineIgnoresDuplicate()
    {
        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        const QByteArray payload("master mymaster 127.0.0.1 6379 #quorum 2/2");
        QVERIFY(timeline.add(received("+odown", payload, 26379, t0)).isNew);
        const auto again = timeline.add(received("+odown", payload, 26379, t0.addMSecs(50)));
        QVERIFY(again.duplicate);
        QVERIFY(!again.isNew);
        QCOMPARE(again.entry.seenCount(), 1);
        QCOMPARE(timeline.entries().size(), size_t(1));
        QCOMPARE(timeline.entries().front().lastSeen, t0);
    }

    // A failover that repeats (A→B, B→A, A→B) within the merge window is a new entry when the
    // same sentinels announce it again, not a duplicate of the first.
    void timelineRepeatedFailoverIsNew()
    {
        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        const QByteArray ab("mymaster 127.0.0.1 6379 127.0.0.1 6380");
        const QByteArray ba("mymaster 127.0.0.1 6380 127.0.0.1 6379");
        QVERIFY(timeline.add(received("+switch-master", ab, 26379, t0)).isNew);
        QVERIFY(!timeline.add(received("+switch-master", ab, 26380, t0.addMSecs(900))).isNew);
        QVERIFY(timeline.add(received("+switch-master", ba, 26379, t0.addMSecs(4000))).isNew);
        const auto again = timeline.add(received("+switch-master", ab, 26380, t0.addMSecs(8000)));
        QVERIFY(again.isNew);
        QVERIFY(!again.duplicate);
        QVERIFY(!timeline.add(received("+switch-master", ab, 26379, t0.addMSecs(8300))).isNew);
        QCOMPARE(timeline.entries().size(), size_t(3));
        QCOMPARE(timeline.entries().back().seenCount(), 2);
    }

    void timelineMergeWindow()
    {
        EventTimeline timeline(100, 2000);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        const QByteArray payload("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379");
        QVERIFY(timeline.add(received("+sdown", payload, 26379, t0)).isNew);
        QVERIFY(!timeline.add(received("+sdown", payload, 26380, t0.addMSecs(1999))).isNew);
        // The window counts from the entry's last copy; past it, the same text is a new event
        // (the replica went down again), even from a sentinel that has not reported it yet.
        const auto later =
            timeline.add(received("+sdown", payload, 26381, t0.addMSecs(1999 + 2001)));
        QVERIFY(later.isNew);
        QCOMPARE(later.entry.seenCount(), 1);
        QCOMPARE(timeline.entries().size(), size_t(2));
        // And the first sentinel's next copy joins the new entry, not a duplicate of the old.
        const auto joined = timeline.add(received("+sdown", payload, 26379, t0.addMSecs(4500)));
        QVERIFY(!joined.isNew);
        QVERIFY(!joined.duplicate);
        QCOMPARE(joined.entry.id, later.entry.id);
    }

    void timelineCapacity()
    {
        EventTimeline timeline(3);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        QList<quint64> ids;
        for (int epoch = 1; epoch <= 5; ++epoch) {
            const auto added = timeline.add(
                received("+new-epoch", QByteArray::number(epoch), 26379, t0.addMSecs(epoch)));
            QVERIFY(added.isNew);
            ids << added.entry.id;
        }
        QCOMPARE(timeline.entries().size(), size_t(3));
        QCOMPARE(timeline.entries().front().id, ids.at(2));
        QCOMPARE(timeline.entries().back().id, ids.at(4));
        QCOMPARE(timeline.entries().front().event.detail, QStringLiteral("3"));
        for (qsizetype i = 1; i < ids.size(); ++i)
            QVERIFY(ids.at(i) > ids.at(i - 1));
        timeline.clear();
        QVERIFY(timeline.entries().empty());
        // Ids stay unique across a clear.
        QVERIFY(timeline.add(received("+new-epoch", "6", 26379, t0.addMSecs(6))).entry.id >
                ids.last());
    }

    void timelineNeverMergesLocal()
    {
        EventTimeline timeline;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        SentinelEvent local;
        local.type = QStringLiteral("events-lost");
        local.payload = local.detail = QStringLiteral("Event stream lost");
        local.local = true;
        local.localSeverity = SentinelEvent::Severity::Warning;
        local.at = t0;
        QVERIFY(timeline.add(local).isNew);
        local.at = t0.addMSecs(10);
        QVERIFY(timeline.add(local).isNew);
        QCOMPARE(timeline.entries().size(), size_t(2));
        QCOMPARE(timeline.entries().back().event.severity(), SentinelEvent::Severity::Warning);
    }
};

QTEST_GUILESS_MAIN(TestSentinelEvent)
#include "tst_sentinelevent.moc"
