// Demo sessions look exactly like express-session + connect-redis ones.

#include "core/lab/demotraffic.h"
#include "core/lab/locallauncher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <cmath>

using namespace sdcore;

class TestDemoTraffic : public QObject
{
    Q_OBJECT

    LocalLauncher m_server;

    QList<QByteArray> allKeys(RedisConnection &conn)
    {
        QList<QByteArray> keys;
        QByteArray cursor = "0";
        do {
            auto r = conn.command({"SCAN", cursor, "MATCH", "sess:*", "COUNT", "1000"});
            if (!r)
                return keys;
            cursor = r->at(0).bytes();
            for (const auto &k : r->at(1).elements())
                keys << k.bytes();
        } while (cursor != "0");
        return keys;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_server.startStandalone()); }

    void sessionIdShape()
    {
        QRandomGenerator rng(7);
        const QRegularExpression shape("^[A-Za-z0-9_-]{32}$");
        QSet<QByteArray> seen;
        for (int i = 0; i < 200; ++i) {
            const QByteArray id = DemoTraffic::newSessionId(rng);
            QVERIFY2(shape.match(QString::fromLatin1(id)).hasMatch(), id.constData());
            seen.insert(id);
        }
        QCOMPARE(seen.size(), 200);
    }

    void seedWritesConnectRedisSessions()
    {
        auto conn = RedisConnection::open(m_server.standaloneUrl());
        QVERIFY(conn);
        QVERIFY((*conn)->command({"FLUSHALL"}));

        TrafficOptions options;
        options.seed = 42;
        DemoTraffic traffic(m_server.standaloneUrl(), options);
        QVERIFY(traffic.seed(300));
        QCOMPARE(traffic.stats().created, 300);

        const auto keys = allKeys(**conn);
        QCOMPARE(keys.size(), 300);
        int withUser = 0;
        for (const QByteArray &key : keys) {
            QVERIFY(key.startsWith("sess:"));
            QCOMPARE(key.size(), 5 + 32);
            auto replies = (*conn)->pipeline({{"GET", key}, {"TTL", key}});
            QVERIFY(replies);
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(replies->at(0).bytes(), &error);
            QCOMPARE(error.error, QJsonParseError::NoError);
            const QJsonObject cookie = doc.object().value("cookie").toObject();
            QVERIFY(cookie.value("originalMaxAge").toDouble() > 0);
            QCOMPARE(cookie.value("httpOnly").toBool(), true);
            QCOMPARE(cookie.value("path").toString(), QStringLiteral("/"));
            // connect-redis: TTL = ceil((expires - now) / 1000).
            const QDateTime expires = QDateTime::fromString(cookie.value("expires").toString(),
                                                            Qt::ISODateWithMs);
            QVERIFY(expires.isValid());
            const qint64 expected = qint64(std::ceil(
                double(QDateTime::currentDateTimeUtc().msecsTo(expires)) / 1000.0));
            const qint64 ttl = replies->at(1).toInteger();
            QVERIFY2(ttl <= expected + 1 && ttl >= expected - 5,
                     qPrintable(QStringLiteral("ttl %1 expected %2").arg(ttl).arg(expected)));
            if (doc.object().contains("user") || doc.object().contains("passport"))
                ++withUser;
        }
        QVERIFY(withUser > 0 && withUser < 300);   // a mix of signed-in and anonymous sessions
    }

    void tickMixesOperations()
    {
        auto conn = RedisConnection::open(m_server.standaloneUrl());
        QVERIFY(conn);
        QVERIFY((*conn)->command({"FLUSHALL"}));
        TrafficOptions options;
        options.seed = 9;
        options.maxSessions = 150;
        DemoTraffic traffic(m_server.standaloneUrl(), options);
        QVERIFY(traffic.seed(100));
        for (int i = 0; i < 20; ++i)
            QVERIFY(traffic.tick(50));
        const TrafficStats &s = traffic.stats();
        QCOMPARE(s.created - 100 + s.touched + s.read + s.destroyed, 20 * 50);
        QVERIFY(s.touched > 0);
        QVERIFY(s.destroyed > 0);
        // The live set the generator tracks is what Redis holds.
        QCOMPARE((*conn)->command({"DBSIZE"})->toInteger(), traffic.liveSessions());
        QVERIFY(traffic.liveSessions() <= options.maxSessions + 50);
    }

    void deadServerIsAnErrorNotAHang()
    {
        TrafficOptions options;
        options.connection.connectTimeoutMs = 300;
        DemoTraffic traffic(RedisUrl::tcp("127.0.0.1", findFreePort()), options);
        auto s = traffic.tick(10);
        QVERIFY(!s);
        QCOMPARE(s.error().kind, ErrorKind::Refused);
        QCOMPARE(traffic.stats().failedBatches, 1);
    }
};

QTEST_GUILESS_MAIN(TestDemoTraffic)
#include "tst_demotraffic.moc"
