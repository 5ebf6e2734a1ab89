// The printable form of keys (injective, reversible) and the readings of a session argument:
// pure functions, no server.

#include "core/redis/redisconnection.h"
#include "core/redis/scanbound.h"
#include "core/sessions/sessionkeyresolver.h"
#include "core/sessions/sessionttl.h"
#include "core/support/keytext.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace sdcore;

class TestKeyText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printableRoundTripsRandomBytes()
    {
        QRandomGenerator rng(20261201);
        QHash<QString, QByteArray> seen;
        for (int i = 0; i < 20000; ++i) {
            QByteArray key;
            const int n = int(rng.bounded(12));
            for (int k = 0; k < n; ++k) {
                // Biased towards the bytes that matter: backslash, x, hex digits, controls, UTF-8.
                static const QByteArray hot("\\x0a1fF\n\t\x1b\x7f\xc3\xa9\xe2\x80\xae\xff ");
                key += rng.bounded(3) == 0 ? char(rng.bounded(256)) : hot.at(int(rng.bounded(hot.size())));
            }
            const QString printed = KeyText::printable(key);
            const auto back = KeyText::fromPrintable(printed);
            QVERIFY2(back && *back == key, qPrintable(printed));
            const auto other = seen.constFind(printed);
            QVERIFY2(other == seen.cend() || *other == key, qPrintable(printed));   // injective
            seen.insert(printed, key);
            for (QChar c : printed)
                QVERIFY2(c.isPrint() && c != QChar(0x202e), qPrintable(printed));
        }
    }

    void printableForms_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QString>("printed");
        QTest::newRow("plain") << QByteArray("sess:abc") << QStringLiteral("sess:abc");
        QTest::newRow("backslash") << QByteArray("a\\x0ab") << QStringLiteral("a\\\\x0ab");
        QTest::newRow("newline") << QByteArray("a\nb") << QStringLiteral("a\\x0ab");
        QTest::newRow("utf-8") << QByteArray("caf\xc3\xa9") << QStringLiteral("caf\u00e9");
        QTest::newRow("bidi override") << QByteArray("\xe2\x80\xae" "x") << QStringLiteral("\\xe2\\x80\\xaex");
        QTest::newRow("invalid utf-8") << QByteArray("\xff") << QStringLiteral("\\xff");
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << QStringLiteral("\\xc0\\xaf");
        QTest::newRow("space") << QByteArray(" sp") << QStringLiteral(" sp");
    }

    void printableForms()
    {
        QFETCH(QByteArray, key);
        QFETCH(QString, printed);
        QCOMPARE(KeyText::printable(key), printed);
        QCOMPARE(*KeyText::fromPrintable(printed), key);
    }

    void badEscapesAreNotPrintedForms()
    {
        QVERIFY(!KeyText::fromPrintable(QStringLiteral("a\\b")));
        QVERIFY(!KeyText::fromPrintable(QStringLiteral("a\\x4")));
        QVERIFY(!KeyText::fromPrintable(QStringLiteral("a\\")));
        QCOMPARE(*KeyText::fromPrintable(QStringLiteral("\\x4A")), QByteArray("J"));
    }

    void terminalSafeEscapesControls()
    {
        const QString hostile = QStringLiteral("mallory\nvictim\t59m\x1b[2J\u202egnp.exe\u0085");
        const QString safe = KeyText::terminalSafe(hostile);
        QVERIFY(!safe.contains(QChar('\n')) && !safe.contains(QChar('\t')) && !safe.contains(QChar(0x1b)));
        QVERIFY(!safe.contains(QChar(0x202e)) && !safe.contains(QChar(0x85)));
        QCOMPARE(safe, QStringLiteral("mallory\\x0avictim\\x0959m\\x1b[2J\\u{202e}gnp.exe\\x85"));
        QCOMPARE(KeyText::terminalSafe(QStringLiteral("a\n\tb\x1b"), true), QStringLiteral("a\n\tb\\x1b"));
        QCOMPARE(KeyText::terminalSafe(QStringLiteral("plain caf\u00e9")), QStringLiteral("plain caf\u00e9"));
    }

    void readingsTakeArgumentsLiterally()
    {
        const auto keys = [](const QString &input) {
            QList<QByteArray> out;
            for (const KeyReading &r : SessionKeyResolver::readings(input, "sess:"))
                out << r.key;
            return out;
        };
        QCOMPARE(keys("sess:a%41"), (QList<QByteArray>{"sess:a%41", "sess:sess:a%41"}));
        QCOMPARE(keys(" sp"), QList<QByteArray>{"sess: sp"});
        QCOMPARE(keys("s:foo.bar"), (QList<QByteArray>{"sess:s:foo.bar", "sess:foo"}));
        QCOMPARE(keys("abc"), QList<QByteArray>{"sess:abc"});
        QCOMPARE(keys("abc=="), QList<QByteArray>{"sess:abc=="});
        QCOMPARE(keys("connect.sid=s%3Aabc.sig"), (QList<QByteArray>{"sess:connect.sid=s%3Aabc.sig", "sess:abc"}));
        QCOMPARE(keys("Cookie: connect.sid=s%3Aabc.sig"), (QList<QByteArray>{"sess:Cookie: connect.sid=s%3Aabc.sig", "sess:abc"}));
        QCOMPARE(keys("a\\x0ab"), QList<QByteArray>{"sess:a\nb"});
        QCOMPARE(keys("a\\\\x0ab"), QList<QByteArray>{"sess:a\\x0ab"});
        QCOMPARE(keys("a\\b"), QList<QByteArray>{"sess:a\\b"});   // not a printed form: literal
        QVERIFY(keys("").isEmpty());
        QCOMPARE(keys("sess:"), (QList<QByteArray>{"sess:", "sess:sess:"}));   // the key that is the prefix alone, too
    }

    void scanBoundStopsEndlessWalks()
    {
        ScanBound repeats(100);
        QVERIFY(repeats.step("5", 100, 0));
        QVERIFY(repeats.step("5", 100, 0));
        QVERIFY(repeats.step("5", 100, 0));
        QVERIFY(!repeats.step("5", 100, 0));
        QVERIFY(repeats.error().contains("keeps returning cursor 5"));

        ScanBound buckets(10);
        qint64 cursor = 1;
        bool stopped = false;
        for (int i = 0; i < 100000 && !stopped; ++i)
            stopped = !buckets.step(QByteArray::number(cursor++), 1000, 0);
        QVERIFY(stopped);
        QVERIFY(cursor < 1000);

        // Without DBSIZE (an ACL user without +dbsize) a long walk is not stopped; a cursor that
        // keeps coming back still is.
        ScanBound unknown(-1);
        for (qint64 c = 1; c <= 5000; ++c)
            QVERIFY(unknown.step(QByteArray::number(c), 10000, c * 1000));
        QVERIFY(unknown.step("x9", 100, 0) && unknown.step("x9", 100, 0) && unknown.step("x9", 100, 0));
        QVERIFY(!unknown.step("x9", 100, 0));

        // A real walk of a big, sparse table is not stopped: 1M buckets for 100k keys.
        ScanBound sparse(100000);
        for (qint64 c = 1; c <= 1000; ++c)
            QVERIFY(sparse.step(QByteArray::number(c), 1000, c * 100));
        QVERIFY(sparse.step("0", 1000, 100000));
    }

    void durationsAndShortSecrets()
    {
        QCOMPARE(*SessionTtl::parseDuration("90s"), 90000);
        QCOMPARE(*SessionTtl::parseDuration("1h30m"), 5400000);
        QCOMPARE(*SessionTtl::parseDuration("7d"), 7LL * 86400000);
        QCOMPARE(*SessionTtl::parseDuration("120"), 120000);
        for (const char *bad : {"0", "0s", "", "soon", "99999999999999999999", "99999999d", "1x"})
            QVERIFY2(!SessionTtl::parseDuration(QString::fromLatin1(bad)), bad);

        // A short password is cut out as a whole token only: ordinary words stay readable.
        QCOMPARE(RedisConnection::redactSecrets("WRONGTYPE Operation against a key", {"e"}, false),
                 QStringLiteral("WRONGTYPE Operation against a key"));
        QVERIFY(!RedisConnection::redactSecrets("ERR bad 'e'", {"e"}, true).contains("'e'"));
        QVERIFY(!RedisConnection::redactSecrets("ERR echo Zq9-long-secret-value", {"Zq9-long-secret-value"}, false)
                     .contains("Zq9-long"));
        // ACL SETUSER: the password rules are secrets, the others are not.
        const QList<QByteArray> acl = RedisConnection::secretArguments({"ACL", "SETUSER", "app", "on", ">pw123", "~*"});
        QVERIFY(acl.contains("pw123") && !acl.contains("on") && !acl.contains("~*"));
    }
};

QTEST_APPLESS_MAIN(TestKeyText)
#include "tst_keytext.moc"
