// INFO text parsing.

#include "core/support/info.h"

#include <QTest>

using namespace sdcore;

class TestInfo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesSectionsAndFields()
    {
        const QByteArray text = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"
                                "uptime_in_seconds:42\r\n\r\n# Clients\r\nconnected_clients:3\r\n"
                                "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
                                "slave0:ip=127.0.0.1,port=6380,state=online,offset=99,lag=0\r\n"
                                "# Keyspace\r\ndb0:keys=3306,expires=3306,avg_ttl=123\r\n";
        const Info info = Info::parse(text);
        QCOMPARE(info.text("redis_version"), QStringLiteral("7.0.15"));
        QCOMPARE(info.integer("uptime_in_seconds"), 42);
        QCOMPARE(info.integer("connected_clients"), 3);
        QCOMPARE(info.sectionOf("role"), QByteArray("replication"));
        QCOMPARE(info.subFields("db0").value("keys"), QByteArray("3306"));
        QCOMPARE(info.subFields("slave0").value("port"), QByteArray("6380"));
        QCOMPARE(info.integer("missing", -7), -7);
        QCOMPARE(info.integer("redis_mode", -1), -1);   // not a number
    }

    void toleratesOddInput()
    {
        QVERIFY(Info::parse("").isEmpty());
        const Info info = Info::parse("no colon here\n:leading colon\nkey:value:with:colons\nlf_only:1\n");
        QCOMPARE(info.value("key"), QByteArray("value:with:colons"));
        QCOMPARE(info.integer("lf_only"), 1);
        QCOMPARE(info.fields().size(), 2);
    }
};

QTEST_APPLESS_MAIN(TestInfo)
#include "tst_info.moc"
