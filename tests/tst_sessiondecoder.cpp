// SessionDecoder on what express-session + connect-redis write and on everything else a session
// key may hold: other JSON, text, binary, cut values, hashes, other types; random input must not
// break it and a 20 MB value must decode. The pretty text and fields keep the JSON's own text
// (numbers past a double's precision, escapes) and order. (The user and id readings are in
// tst_sessioninput.)

#include "core/sessions/sessiondecoder.h"
#include "core/support/jsontext.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <limits>

using namespace sdcore;
using Kind = DecodedSession::Kind;

namespace {

const QByteArray Prefix = "sess:";

const QByteArray Session =
    "{\"cookie\":{\"originalMaxAge\":86400000,\"expires\":\"2026-11-25T10:00:00.000Z\",\"secure\":"
    "false,"
    "\"httpOnly\":true,\"path\":\"/\",\"sameSite\":\"lax\",\"domain\":\"example.com\"},"
    "\"passport\":{\"user\":\"u123\"},\"cart\":[1,2],\"views\":3}";

QString fieldValue(const DecodedSession &d, const QString &name)
{
    for (const auto &f : d.fields) {
        if (f.first == name)
            return f.second;
    }
    return QStringLiteral("<absent>");
}

QStringList fieldNames(const DecodedSession &d)
{
    QStringList names;
    for (const auto &f : d.fields)
        names << f.first;
    return names;
}

} // namespace

class TestSessionDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void kindNames()
    {
        QCOMPARE(DecodedSession::kindName(Kind::ConnectRedis), QStringLiteral("connect-redis"));
        QCOMPARE(DecodedSession::kindName(Kind::Json), QStringLiteral("JSON"));
        QCOMPARE(DecodedSession::kindName(Kind::Text), QStringLiteral("text"));
        QCOMPARE(DecodedSession::kindName(Kind::Binary), QStringLiteral("binary"));
        QCOMPARE(DecodedSession::kindName(Kind::Hash), QStringLiteral("hash"));
        QCOMPARE(DecodedSession::kindName(Kind::OtherType), QStringLiteral("other type"));
        QCOMPARE(DecodedSession::kindName(Kind::Missing), QStringLiteral("missing"));
    }

    void connectRedisSession()
    {
        const DecodedSession d =
            SessionDecoder::decodeString("sess:abc", Prefix, Session, Session.size(), false);
        QCOMPARE(d.kind, Kind::ConnectRedis);
        QCOMPARE(d.key, QByteArray("sess:abc"));
        QCOMPARE(d.id, QByteArray("abc"));
        QCOMPARE(d.redisType, QByteArray("string"));
        QCOMPARE(d.size, qint64(Session.size()));
        QCOMPARE(d.raw, Session);
        QVERIFY(!d.truncated);
        QCOMPARE(d.user, QStringLiteral("u123"));
        QCOMPARE(d.note, QString());
        QCOMPARE(d.cookieMaxAgeMs, std::optional<qint64>(86400000));
        QCOMPARE(d.cookieExpires, QDateTime(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC));
        QCOMPARE(d.cookieExpires.timeSpec(), Qt::UTC);
        const QStringList expected{"cookie.originalMaxAge",
                                   "cookie.expires",
                                   "cookie.httpOnly",
                                   "cookie.secure",
                                   "cookie.sameSite",
                                   "cookie.path",
                                   "cookie.domain",
                                   "passport",
                                   "cart",
                                   "views"};
        QCOMPARE(fieldNames(d), expected);
        QCOMPARE(fieldValue(d, "cookie.originalMaxAge"), QStringLiteral("86400000"));
        QCOMPARE(fieldValue(d, "cookie.expires"), QStringLiteral("2026-11-25T10:00:00.000Z"));
        QCOMPARE(fieldValue(d, "cookie.httpOnly"), QStringLiteral("true"));
        QCOMPARE(fieldValue(d, "cookie.secure"), QStringLiteral("false"));
        QCOMPARE(fieldValue(d, "cookie.sameSite"), QStringLiteral("lax"));
        QCOMPARE(fieldValue(d, "cookie.domain"), QStringLiteral("example.com"));
        QCOMPARE(fieldValue(d, "passport"), QStringLiteral("{\"user\":\"u123\"}"));
        QCOMPARE(fieldValue(d, "cart"), QStringLiteral("[1,2]"));
        QCOMPARE(fieldValue(d, "views"), QStringLiteral("3"));
        QVERIFY(d.pretty.contains(QStringLiteral("\n    \"cookie\": {")));
        QCOMPARE(QJsonDocument::fromJson(d.pretty.toUtf8()), QJsonDocument::fromJson(Session));
    }

    void cookieWithoutMaxAge()
    {
        const QByteArray v =
            "{\"cookie\":{\"originalMaxAge\":null,\"path\":\"/\",\"priority\":\"high\"},\"n\":1}";
        const DecodedSession d = SessionDecoder::decodeString("sess:x", Prefix, v, v.size(), false);
        QCOMPARE(d.kind, Kind::ConnectRedis);
        QVERIFY(!d.cookieMaxAgeMs);
        QVERIFY(!d.cookieExpires.isValid());
        const QStringList expected{"cookie.originalMaxAge", "cookie.path", "cookie.priority", "n"};
        QCOMPARE(fieldNames(d), expected);
        QCOMPARE(fieldValue(d, "cookie.originalMaxAge"), QStringLiteral("null"));
        QCOMPARE(d.user, QString());
    }

    // The session's own text, not a QJsonDocument's re-serialisation, which turned the userId
    // into a double (12345678901234567000) and 1.50 into 1.5, and sorted the members by name.
    void connectRedisKeepsTextAndOrder()
    {
        const QByteArray v =
            "{\"cookie\":{\"originalMaxAge\":86400000,\"expires\":\"2026-12-02T10:00:00.000Z\","
            "\"httpOnly\":true,\"path\":\"/\"},\"zeta\":1,\"userId\":12345678901234567890,"
            "\"alpha\":{\"b\":2,\"a\":1.50}}";
        const DecodedSession d = SessionDecoder::decodeString("sess:n", Prefix, v, v.size(), false);
        QCOMPARE(d.kind, Kind::ConnectRedis);
        QCOMPARE(d.pretty, QStringLiteral("{\n"
                                          "    \"cookie\": {\n"
                                          "        \"originalMaxAge\": 86400000,\n"
                                          "        \"expires\": \"2026-12-02T10:00:00.000Z\",\n"
                                          "        \"httpOnly\": true,\n"
                                          "        \"path\": \"/\"\n"
                                          "    },\n"
                                          "    \"zeta\": 1,\n"
                                          "    \"userId\": 12345678901234567890,\n"
                                          "    \"alpha\": {\n"
                                          "        \"b\": 2,\n"
                                          "        \"a\": 1.50\n"
                                          "    }\n"
                                          "}"));
        const QStringList expected{"cookie.originalMaxAge",
                                   "cookie.expires",
                                   "cookie.httpOnly",
                                   "cookie.path",
                                   "zeta",
                                   "userId",
                                   "alpha"};
        QCOMPARE(fieldNames(d), expected);
        QCOMPARE(fieldValue(d, "zeta"), QStringLiteral("1"));
        QCOMPARE(fieldValue(d, "userId"), QStringLiteral("12345678901234567890"));
        QCOMPARE(fieldValue(d, "alpha"), QStringLiteral("{\"b\":2,\"a\":1.50}"));
        QCOMPARE(d.user, QStringLiteral("12345678901234567890"));
        QCOMPARE(SessionDecoder::quickUser(v), QStringLiteral("12345678901234567890"));
        QCOMPARE(d.cookieMaxAgeMs, std::optional<qint64>(86400000));
        QCOMPARE(d.cookieExpires, QDateTime(QDate(2026, 12, 2), QTime(10, 0), Qt::UTC));
        QCOMPARE(d.note, QString());
    }

    // Cookie attributes past the known ones, and the app's fields, in the JSON's order; strings
    // unquoted and decoded, other values as written.
    void cookieFieldsInJsonOrder()
    {
        const QByteArray v = "{\"cookie\":{\"zz\":\"a\\\"b\",\"path\":\"/\",\"aa\":1.0,"
                             "\"expires\":null},\"b\":1,\"a\":[ 2 , 3 ]}";
        const DecodedSession d = SessionDecoder::decodeString("sess:c", Prefix, v, v.size(), false);
        QCOMPARE(d.kind, Kind::ConnectRedis);
        const QStringList expected{"cookie.expires", "cookie.path", "cookie.zz",
                                   "cookie.aa",      "b",           "a"};
        QCOMPARE(fieldNames(d), expected);
        QCOMPARE(fieldValue(d, "cookie.zz"), QStringLiteral("a\"b"));
        QCOMPARE(fieldValue(d, "cookie.aa"), QStringLiteral("1.0"));
        QCOMPARE(fieldValue(d, "cookie.expires"), QStringLiteral("null"));
        QCOMPARE(fieldValue(d, "a"), QStringLiteral("[2,3]"));
        QVERIFY(!d.cookieExpires.isValid());
    }

    void sessionUser_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("user");
        const int cr = int(Kind::ConnectRedis);
        QTest::newRow("passport.user")
            << QByteArray("{\"cookie\":{\"path\":\"/\"},\"passport\":{\"user\":\"u123\"}}") << cr
            << "u123";
        QTest::newRow("passport.user number")
            << QByteArray("{\"cookie\":{},\"passport\":{\"user\":4711}}") << cr << "4711";
        QTest::newRow("user object")
            << QByteArray(
                   "{\"cookie\":{},\"user\":{\"name\":\"Ann\",\"email\":\"ann@example.com\"}}")
            << cr << "ann@example.com";
        QTest::newRow("user object id")
            << QByteArray("{\"cookie\":{},\"user\":{\"id\":17,\"name\":\"Ann\"}}") << cr << "17";
        QTest::newRow("numeric userId")
            << QByteArray("{\"cookie\":{},\"userId\":12345}") << cr << "12345";
        // Past the qint64 range a QJsonValue holds a double: 12345678901234567000.
        QTest::newRow("userId past qint64")
            << QByteArray("{\"cookie\":{},\"userId\":12345678901234567890}") << cr
            << "12345678901234567890";
        QTest::newRow("passport.user past qint64")
            << QByteArray("{\"cookie\":{},\"passport\":{\"user\":-98765432109876543210}}") << cr
            << "-98765432109876543210";
        QTest::newRow("decimal user id as written")
            << QByteArray("{\"cookie\":{},\"user\":{\"id\":7.50}}") << cr << "7.50";
        QTest::newRow("no cookie: JSON")
            << QByteArray("{\"username\":\"bob\"}") << int(Kind::Json) << "bob";
        QTest::newRow("none") << QByteArray("{\"cookie\":{},\"views\":1}") << cr << "";
    }

    void sessionUser()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, kind);
        QFETCH(QString, user);
        const DecodedSession d =
            SessionDecoder::decodeString("sess:a", Prefix, value, value.size(), false);
        QCOMPARE(int(d.kind), kind);
        QCOMPARE(d.user, user);
        QCOMPARE(SessionDecoder::quickUser(value), user);
    }

    void otherJson_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("pretty");
        QTest::newRow("array") << QByteArray("[1,2]") << "[\n    1,\n    2\n]";
        QTest::newRow("empty object") << QByteArray("{}") << "{}";
        QTest::newRow("string") << QByteArray("\"hello\"") << "\"hello\"";
        QTest::newRow("number") << QByteArray(" 42 ") << "42";
        QTest::newRow("true") << QByteArray("true") << "true";
        QTest::newRow("null") << QByteArray("null") << "null";
    }

    void otherJson()
    {
        QFETCH(QByteArray, value);
        QFETCH(QString, pretty);
        const DecodedSession d =
            SessionDecoder::decodeString("sess:j", Prefix, value, value.size(), false);
        QCOMPARE(d.kind, Kind::Json);
        QCOMPARE(d.pretty, pretty);
        QCOMPARE(d.note, QString());
        QCOMPARE(d.user, QString());
    }

    // Indented from the value's text: every number and string byte for byte, members in their
    // order, empty containers as {} and [] (QJsonDocument wrote "{\n    }").
    void prettyKeepsText_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("pretty");
        QTest::newRow("nested arrays and objects")
            << QByteArray("[[1,[2,3]],{\"k\":[{\"x\":[]}]}]")
            << "[\n    [\n        1,\n        [\n            2,\n            3\n        ]\n    ],\n"
               "    {\n        \"k\": [\n            {\n                \"x\": []\n            }\n"
               "        ]\n    }\n]";
        QTest::newRow("empty containers")
            << QByteArray("{\"a\":{},\"b\":[],\"c\":[{}],\"d\":{ \"e\" : [ ] }}")
            << "{\n    \"a\": {},\n    \"b\": [],\n    \"c\": [\n        {}\n    ],\n"
               "    \"d\": {\n        \"e\": []\n    }\n}";
        QTest::newRow("string escapes")
            << QByteArray("{\"s\":\"q\\\" b\\\\ e\\u00e9 s\\/ t\\t\",\"\\u00e9\":\"\"}")
            << "{\n    \"s\": \"q\\\" b\\\\ e\\u00e9 s\\/ t\\t\",\n    \"\\u00e9\": \"\"\n}";
        QTest::newRow("raw UTF-8")
            << QByteArray("{\"\xc3\xa9\":\"Zo\xc3\xab\",\"a\":\"\xf0\x9f\x98\x80\"}")
            << QString::fromUtf8(
                   "{\n    \"\xc3\xa9\": \"Zo\xc3\xab\",\n    \"a\": \"\xf0\x9f\x98\x80\"\n}");
        QTest::newRow("numbers as written")
            << QByteArray("[1.50,-0,1E+2,1e-7,0.1000,12345678901234567890123]")
            << "[\n    1.50,\n    -0,\n    1E+2,\n    1e-7,\n    0.1000,\n"
               "    12345678901234567890123\n]";
        QTest::newRow("members in their order")
            << QByteArray("{\"z\":1,\"a\":{\"y\":true,\"b\":null}}")
            << "{\n    \"z\": 1,\n    \"a\": {\n        \"y\": true,\n"
               "        \"b\": null\n    }\n}";
        QTest::newRow("whitespace around tokens")
            << QByteArray("\n [ 1 ,\t\"a  b\" , { \"k\" :\r\n false , \"e\" : { } } ] \n")
            << "[\n    1,\n    \"a  b\",\n    {\n        \"k\": false,\n        \"e\": {}\n"
               "    }\n]";
        QTest::newRow("top-level empty array") << QByteArray(" [ ] ") << "[]";
        QTest::newRow("scalar string") << QByteArray("\"caf\\u00e9\"") << "\"caf\\u00e9\"";
        QTest::newRow("scalar number") << QByteArray(" 1.50\n") << "1.50";
    }

    void prettyKeepsText()
    {
        QFETCH(QByteArray, value);
        QFETCH(QString, pretty);
        const DecodedSession d =
            SessionDecoder::decodeString("sess:p", Prefix, value, value.size(), false);
        QCOMPARE(d.kind, Kind::Json);
        QCOMPARE(d.pretty, pretty);
        QCOMPARE(d.note, QString());
        // Only whitespace moved: the same value.
        QCOMPARE(QJsonDocument::fromJson("[" + d.pretty.toUtf8() + "]"),
                 QJsonDocument::fromJson("[" + value + "]"));
    }

    // A JSON object's fields in its order, compact from its text; a name written twice once, in
    // its first place with its last value, as the app's JSON.parse reads it.
    void fieldsKeepText()
    {
        const QByteArray v = "{\"b\":[1, 2.0],\"a\":\"x\\u00e9\",\"c\":{ \"z\" : null },"
                             "\"\\u0064\":{},\"b\":[3.0]}";
        const DecodedSession d = SessionDecoder::decodeString("sess:f", Prefix, v, v.size(), false);
        QCOMPARE(d.kind, Kind::Json);
        const QStringList expected{"b", "a", "c", "d"};
        QCOMPARE(fieldNames(d), expected);
        QCOMPARE(fieldValue(d, "b"), QStringLiteral("[3.0]"));
        QCOMPARE(fieldValue(d, "a"), QStringLiteral("\"x\\u00e9\""));
        QCOMPARE(fieldValue(d, "c"), QStringLiteral("{\"z\":null}"));
        QCOMPARE(fieldValue(d, "d"), QStringLiteral("{}"));
        // A key written with escapes, which quickUser does not match, still names the user.
        const QByteArray escaped = "{\"\\u0075serId\":\"esc\",\"n\":1.0}";
        const DecodedSession e =
            SessionDecoder::decodeString("sess:e", Prefix, escaped, escaped.size(), false);
        QCOMPARE(e.user, QStringLiteral("esc"));
        QCOMPARE(fieldNames(e), QStringList({"userId", "n"}));
        QCOMPARE(fieldValue(e, "n"), QStringLiteral("1.0"));
    }

    void jsonTextIndented_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("indent");
        QTest::addColumn<QByteArray>("indented");
        QTest::addColumn<QByteArray>("compact");
        QTest::newRow("object, 2")
            << QByteArray(" { \"a\" : [ 1 , {} ] , \"b\":\"x y\" } ") << 2
            << QByteArray("{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"x y\"\n}")
            << QByteArray("{\"a\":[1,{}],\"b\":\"x y\"}");
        QTest::newRow("no indent") << QByteArray("[1,[2]]") << 0 << QByteArray("[\n1,\n[\n2\n]\n]")
                                   << QByteArray("[1,[2]]");
        QTest::newRow("quotes and backslashes in strings")
            << QByteArray("[\"\\\\\", \"\\\" ,:{}[]\"]") << 2
            << QByteArray("[\n  \"\\\\\",\n  \"\\\" ,:{}[]\"\n]")
            << QByteArray("[\"\\\\\",\"\\\" ,:{}[]\"]");
        QTest::newRow("literal") << QByteArray(" null ") << 2 << QByteArray("null")
                                 << QByteArray("null");
        QTest::newRow("empty") << QByteArray() << 2 << QByteArray() << QByteArray();
        // Not JSON: some text, from inside the bytes.
        QTest::newRow("cut string")
            << QByteArray("[\"ab\\") << 2 << QByteArray("[\n  \"ab\\") << QByteArray("[\"ab\\");
        QTest::newRow("stray closers")
            << QByteArray("]}1") << 2 << QByteArray("\n]\n}1") << QByteArray("]}1");
        QTest::newRow("cut after open")
            << QByteArray("{ ") << 2 << QByteArray("{\n  ") << QByteArray("{");
    }

    void jsonTextIndented()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, indent);
        QFETCH(QByteArray, indented);
        QFETCH(QByteArray, compact);
        QCOMPARE(JsonText::indented(text, indent), QString::fromUtf8(indented));
        QCOMPARE(JsonText::compact(text), compact);
        // Seen through a view into a longer buffer: nothing past its end is read.
        const QByteArray padded = text + "\"}]  x";
        const QByteArrayView view(padded.constData(), text.size());
        QCOMPARE(JsonText::indented(view, indent), QString::fromUtf8(indented));
        QCOMPARE(JsonText::compact(view), compact);
        for (qsizetype max = 0; max <= indented.size() + 1; ++max) {
            qsizetype fullSize = -1;
            QCOMPARE(JsonText::indentedHead(text, indent, max, &fullSize), indented.left(max));
            QCOMPARE(fullSize, indented.size());
        }
    }

    void text_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("note");
        QTest::newRow("words") << QByteArray("hello world") << "not JSON: illegal value at offset ";
        QTest::newRow("invalid JSON")
            << QByteArray("{\"a\":") << "not JSON: unterminated object at offset 5";
        QTest::newRow("two values") << QByteArray("1,2") << "not JSON: more than one value";
        QTest::newRow("utf-8 and tabs") << QByteArray("Grüße\tfrom\r\nZürich 🎉") << "not JSON: ";
        QTest::newRow("whitespace") << QByteArray(" \n ") << "whitespace only";
    }

    void text()
    {
        QFETCH(QByteArray, value);
        QFETCH(QString, note);
        const DecodedSession d =
            SessionDecoder::decodeString("sess:t", Prefix, value, value.size(), false);
        QCOMPARE(d.kind, Kind::Text);
        QCOMPARE(d.pretty, QString::fromUtf8(value));
        QVERIFY2(d.note.startsWith(note), qPrintable(d.note));
    }

    void binary_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("note");
        QTest::newRow("NUL bytes")
            << QByteArray("ab\0cd\x01\xff", 7) << "binary: contains NUL bytes";
        QTest::newRow("invalid UTF-8")
            << QByteArray("caf\xe9 au lait") << "binary: not valid UTF-8";
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << "binary: not valid UTF-8";
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << "binary: not valid UTF-8";
        QTest::newRow("control") << QByteArray("bell\x07") << "binary: contains control characters";
        QTest::newRow("JSON-looking")
            << QByteArray("{\"a\":\"\xff\"}") << "binary: not valid UTF-8";
        QTest::newRow("java serialized") << QByteArray("\xac\xed\x00\x05", 4) + "sr" +
                                                QByteArray("\x00\x11", 2) + "java.util.HashMap"
                                         << "binary: contains NUL bytes";
    }

    void binary()
    {
        QFETCH(QByteArray, value);
        QFETCH(QString, note);
        const DecodedSession d =
            SessionDecoder::decodeString("sess:b", Prefix, value, value.size(), false);
        QCOMPARE(d.kind, Kind::Binary);
        QCOMPARE(d.note, note);
        QCOMPARE(d.pretty, SessionDecoder::hexDump(value));
        QCOMPARE(d.user, QString());
    }

    void hexDump()
    {
        const QByteArray bytes = QByteArray("{\"cookie\":{\"orig") + QByteArray("\0\x01\xffZ", 4);
        QCOMPARE(SessionDecoder::hexDump(bytes),
                 QStringLiteral(
                     "00000000: 7b22 636f 6f6b 6965 223a 7b22 6f72 6967  {\"cookie\":{\"orig\n"
                     "00000010: 0001 ff5a                                ...Z"));
        QCOMPARE(SessionDecoder::hexDump(QByteArray()), QString());
        QCOMPARE(
            SessionDecoder::hexDump(QByteArray(40, 'a'), 16),
            QStringLiteral("00000000: 6161 6161 6161 6161 6161 6161 6161 6161  aaaaaaaaaaaaaaaa\n"
                           "… 24 more bytes"));
        const QString big = SessionDecoder::hexDump(QByteArray(100000, 'x'));
        QCOMPARE(big.count(QLatin1Char('\n')), 4096 / 16);
        QVERIFY(big.endsWith(QStringLiteral("… 95904 more bytes")));
        QCOMPARE(SessionDecoder::hexDump(QByteArray(3, 'x'), -5), QStringLiteral("… 3 more bytes"));
    }

    void isText_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("text");
        QTest::newRow("empty") << QByteArray() << true;
        QTest::newRow("ascii") << QByteArray("hello") << true;
        QTest::newRow("tab cr lf") << QByteArray("a\tb\r\nc") << true;
        QTest::newRow("2-3-4 byte UTF-8") << QByteArray("é€😀") << true;
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << false;
        QTest::newRow("ESC") << QByteArray("\x1b[0m") << false;
        QTest::newRow("DEL") << QByteArray("\x7f") << false;
        QTest::newRow("C1 control") << QByteArray("\xc2\x85") << false;
        QTest::newRow("lone continuation") << QByteArray("\x80") << false;
        QTest::newRow("cut sequence") << QByteArray("\xe2\x82") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("overlong 3-byte") << QByteArray("\xe0\x80\xaf") << false;
        QTest::newRow("latin-1") << QByteArray("\xe9t\xe9") << false;
    }

    void isText()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, text);
        QCOMPARE(SessionDecoder::isText(bytes), text);
    }

    void truncated()
    {
        // A connect-redis session with a large cart, of which the first 300 bytes arrived.
        QByteArray full =
            "{\"cookie\":{\"originalMaxAge\":3600000,\"expires\":\"2026-01-02T03:04:05.678Z\","
            "\"httpOnly\":true,\"path\":\"/\"},\"passport\":{\"user\":\"u-77\"},\"cart\":[";
        for (int i = 0; i < 5000; ++i)
            full += QByteArray::number(i) + ',';
        full += "0]}";
        const QByteArray head = full.left(300);
        const DecodedSession d =
            SessionDecoder::decodeString("sess:big", Prefix, head, full.size(), true);
        QCOMPARE(d.kind, Kind::ConnectRedis);
        QVERIFY(d.truncated);
        QCOMPARE(d.size, qint64(full.size()));
        QCOMPARE(d.raw, head);
        QCOMPARE(d.user, QStringLiteral("u-77"));
        QCOMPARE(d.pretty, QString::fromUtf8(head));
        QCOMPARE(d.note,
                 QStringLiteral("value truncated to first 300 of %1 bytes").arg(full.size()));
        QCOMPARE(fieldNames(d), QStringList({"cookie.originalMaxAge", "cookie.expires",
                                             "cookie.httpOnly", "cookie.path", "passport"}));
        // The members that arrived whole are decoded; the cut cart is not.
        QCOMPARE(d.cookieMaxAgeMs, std::optional<qint64>(3600000));
        QCOMPARE(d.cookieExpires, QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 678), Qt::UTC));
        QCOMPARE(fieldValue(d, "passport"), QStringLiteral("{\"user\":\"u-77\"}"));
        QCOMPARE(fieldValue(d, "cart"), QStringLiteral("<absent>"));

        // Cut inside the cookie: nothing whole, but "cookie" near the start says connect-redis.
        const QByteArray early = full.left(40);
        const DecodedSession e =
            SessionDecoder::decodeString("sess:big", Prefix, early, full.size(), true);
        QCOMPARE(e.kind, Kind::ConnectRedis);
        QVERIFY(e.fields.isEmpty());
        QVERIFY(e.note.contains(QStringLiteral("truncated")));

        // The whole members keep their text and order.
        const QByteArray numbers =
            "{\"z\":1.50,\"userId\":12345678901234567890,\"a\":[1, 2],\"b\":[3,";
        const DecodedSession k =
            SessionDecoder::decodeString("sess:k", Prefix, numbers, 1000, true);
        QCOMPARE(k.kind, Kind::Json);
        QCOMPARE(fieldNames(k), QStringList({"z", "userId", "a"}));
        QCOMPARE(fieldValue(k, "z"), QStringLiteral("1.50"));
        QCOMPARE(fieldValue(k, "userId"), QStringLiteral("12345678901234567890"));
        QCOMPARE(fieldValue(k, "a"), QStringLiteral("[1,2]"));
        QCOMPARE(k.user, QStringLiteral("12345678901234567890"));

        const QByteArray plain = "{\"userId\":\"x9\",\"data\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        const DecodedSession j = SessionDecoder::decodeString("sess:j", Prefix, plain, 99999, true);
        QCOMPARE(j.kind, Kind::Json);
        QCOMPARE(j.user, QStringLiteral("x9"));

        // Cut in the middle of "€" (3 bytes): still text.
        const QByteArray text = QByteArray("price: 10 €").chopped(1);
        const DecodedSession t = SessionDecoder::decodeString("sess:t", Prefix, text, 1000, true);
        QCOMPARE(t.kind, Kind::Text);
        QCOMPARE(t.note,
                 QStringLiteral("value truncated to first %1 of 1000 bytes").arg(text.size()));

        const QByteArray bin("\x00\x01\x02\x03", 4);
        const DecodedSession b = SessionDecoder::decodeString("sess:b", Prefix, bin, 1 << 20, true);
        QCOMPARE(b.kind, Kind::Binary);
        QVERIFY(b.note.contains(QStringLiteral("NUL")));
        QVERIFY(b.note.contains(QStringLiteral("truncated")));
    }

    void empty()
    {
        const DecodedSession d =
            SessionDecoder::decodeString("sess:e", Prefix, QByteArray(), 0, false);
        QCOMPARE(d.kind, Kind::Text);
        QCOMPARE(d.note, QStringLiteral("empty value"));
        QCOMPARE(d.size, qint64(0));
        QCOMPARE(d.pretty, QString());
        QCOMPARE(d.user, QString());
    }

    void keyWithoutPrefix()
    {
        const DecodedSession d = SessionDecoder::decodeString("other:1", Prefix, "x", 1, false);
        QCOMPARE(d.id, QByteArray("other:1"));
        const DecodedSession e =
            SessionDecoder::decodeString("sess:1", QByteArray(), "x", 1, false);
        QCOMPARE(e.id, QByteArray("sess:1"));
    }

    void hash()
    {
        const QList<QByteArray> flat{"userId",   "42",
                                     "passport", "{\"user\":\"p1\"}",
                                     "blob",     QByteArray("\x00\x01\xfe", 3),
                                     "created",  "2026-01-01"};
        const DecodedSession d = SessionDecoder::decodeHash("sess:h", Prefix, flat);
        QCOMPARE(d.kind, Kind::Hash);
        QCOMPARE(d.redisType, QByteArray("hash"));
        QCOMPARE(d.id, QByteArray("h"));
        QCOMPARE(d.size, qint64(4));
        QCOMPARE(d.note, QStringLiteral("hash"));
        QCOMPARE(d.user, QStringLiteral("42"));
        const QStringList names{"userId", "passport", "blob", "created"};
        QCOMPARE(fieldNames(d), names);
        QCOMPARE(fieldValue(d, "blob"), QStringLiteral("hex: 00 01 fe"));
        QCOMPARE(fieldValue(d, "passport"), QStringLiteral("{\"user\":\"p1\"}"));
        QCOMPARE(d.pretty,
                 QStringLiteral("userId: 42\npassport: {\"user\":\"p1\"}\nblob: hex: 00 01 fe\n"
                                "created: 2026-01-01"));

        const DecodedSession p =
            SessionDecoder::decodeHash("sess:h", Prefix, {"passport", "{\"user\":\"p1\"}"});
        QCOMPARE(p.user, QStringLiteral("p1"));

        const DecodedSession odd = SessionDecoder::decodeHash("sess:o", Prefix, {"a", "1", "b"});
        QCOMPARE(odd.size, qint64(1));
        QVERIFY(odd.note.contains(QStringLiteral("odd")));

        const DecodedSession longBinary =
            SessionDecoder::decodeHash("sess:l", Prefix, {"f", QByteArray(100, '\0')});
        QCOMPARE(fieldValue(longBinary, "f"), QStringLiteral("hex:") +
                                                  QStringLiteral(" 00").repeated(32) +
                                                  QStringLiteral(" … (100 bytes)"));

        const DecodedSession none = SessionDecoder::decodeHash("sess:n", Prefix, {});
        QCOMPARE(none.size, qint64(0));
        QVERIFY(none.fields.isEmpty());
    }

    // A hash's size counts fields, a string's bytes; a number in a hash's JSON field keeps its
    // digits as the user.
    void hashSizeUnitAndUser()
    {
        const DecodedSession h =
            SessionDecoder::decodeHash("sess:h", Prefix, {"a", "1", "b", "2", "c", "3"});
        QCOMPARE(h.size, qint64(3));
        QCOMPARE(h.sizeUnit(), QStringLiteral("fields"));
        const DecodedSession s = SessionDecoder::decodeString("sess:s", Prefix, "abc", 3, false);
        QCOMPARE(s.sizeUnit(), QStringLiteral("bytes"));
        const DecodedSession j = SessionDecoder::decodeString("sess:j", Prefix, "{}", 2, false);
        QCOMPARE(j.sizeUnit(), QStringLiteral("bytes"));

        QCOMPARE(SessionDecoder::decodeHash(
                     "sess:h", Prefix, {"passport", "{\"user\":12345678901234567890}", "n", "1"})
                     .user,
                 QStringLiteral("12345678901234567890"));
        QCOMPARE(SessionDecoder::decodeHash("sess:h", Prefix, {"user", " {\"id\":1.50} "}).user,
                 QStringLiteral("1.50"));
        // Top-level fields are text, whatever they look like; the order is userOf's.
        QCOMPARE(
            SessionDecoder::decodeHash(
                "sess:h", Prefix, {"email", "e@x", "userId", "12345678901234567890", "user", "[1]"})
                .user,
            QStringLiteral("[1]"));
        QCOMPARE(SessionDecoder::decodeHash("sess:h", Prefix,
                                            {"username", "a \"q\" \\ \xc3\xa9", "email", "e"})
                     .user,
                 QString::fromUtf8("a \"q\" \\ \xc3\xa9"));
        QCOMPARE(
            SessionDecoder::decodeHash("sess:h", Prefix, {"user", "{broken", "email", "e"}).user,
            QStringLiteral("{broken"));
        QCOMPARE(
            SessionDecoder::decodeHash("sess:h", Prefix, {"passport", "{\"\\u0075ser\":\"esc\"}"})
                .user,
            QStringLiteral("esc"));
        QCOMPARE(SessionDecoder::decodeHash("sess:h", Prefix, {"email", "", "passport", "[]"}).user,
                 QString());
    }

    void otherType()
    {
        const DecodedSession l = SessionDecoder::otherType("sess:l", Prefix, "list");
        QCOMPARE(l.kind, Kind::OtherType);
        QCOMPARE(l.redisType, QByteArray("list"));
        QCOMPARE(l.id, QByteArray("l"));
        QCOMPARE(l.note, QStringLiteral("list: not decoded"));
        const DecodedSession m = SessionDecoder::otherType("sess:m", Prefix, "none");
        QCOMPARE(m.kind, Kind::Missing);
        QCOMPARE(m.pttlMs, qint64(-2));
    }

    void fuzz()
    {
        QRandomGenerator rng(20260101);
        const QByteArray alphabet =
            "{}[]\":,\\ user userId email passport 0123456789.-eE truefalsenull";
        const QByteArray seeds[] = {
            Session,
            "{\"user\":{\"id\":7,\"email\":\"a@b\"},\"passport\":{\"user\":\"x\\\"y\"},\"userId\":"
            "12}",
            "{\"cookie\":{\"path\":\"/"
            "\"},\"email\":\"J\\u00fcrgen\",\"list\":[{\"user\":[1,{\"a\":\"}\"}]}]}",
        };
        int agreements = 0;
        for (int round = 0; round < 20000; ++round) {
            QByteArray buf;
            const int mode = round % 4;
            if (mode == 0) {
                buf.resize(rng.bounded(301));
                for (char &c : buf)
                    c = char(rng.bounded(256));
            } else if (mode == 1) {
                buf.resize(rng.bounded(301));
                for (char &c : buf)
                    c = alphabet.at(rng.bounded(alphabet.size()));
                buf.prepend('{');
            } else {
                buf = seeds[rng.bounded(int(std::size(seeds)))];
                const int mutations = 1 + rng.bounded(4);
                for (int m = 0; m < mutations && !buf.isEmpty(); ++m) {
                    const int at = rng.bounded(int(buf.size()));
                    switch (rng.bounded(4)) {
                    case 0:
                        buf[at] = char(rng.bounded(256));
                        break;
                    case 1:
                        buf[at] = alphabet.at(rng.bounded(alphabet.size()));
                        break;
                    case 2:
                        buf.remove(at, 1 + rng.bounded(4));
                        break;
                    default:
                        buf.insert(at, alphabet.at(rng.bounded(alphabet.size())));
                        break;
                    }
                }
                if (mode == 3)
                    buf.truncate(rng.bounded(int(buf.size()) + 1));
                buf.truncate(300);
            }
            // As an exactly sized heap block, and as a view followed by more bytes.
            const QString user = SessionDecoder::quickUser(QByteArray(buf.constData(), buf.size()));
            const QByteArray padded = buf + ",\"user\":\"LEAK\"}";
            QCOMPARE(SessionDecoder::quickUser(QByteArrayView(padded.constData(), buf.size())),
                     user);
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(buf, &error);
            if (error.error == QJsonParseError::NoError && doc.isObject() && !buf.contains("\\u")) {
                // Still valid after mutation: must still agree, but for a number written another
                // way (1e3, 1.0) and keys spelled with \u escapes.
                const QString expected = SessionDecoder::userOf(doc.object());
                bool quickIsNumber = false;
                bool expectedIsNumber = false;
                const double quickNumber = user.toDouble(&quickIsNumber);
                const double expectedNumber = expected.toDouble(&expectedIsNumber);
                if (!(quickIsNumber && expectedIsNumber && quickNumber == expectedNumber))
                    QCOMPARE(user, expected);
                ++agreements;
            }
            const DecodedSession d =
                SessionDecoder::decodeString("sess:f", Prefix, buf, buf.size(), false);
            QCOMPARE(d.size, qint64(buf.size()));
            const DecodedSession t =
                SessionDecoder::decodeString("sess:f", Prefix, buf, 1000, true);
            QVERIFY(t.note.contains(QStringLiteral("truncated")));
            SessionDecoder::sessionIdFromInput(QString::fromUtf8(buf), Prefix);
            // The text tools on any bytes: inside them, and a prefix gives a prefix.
            qsizetype fullSize = -1;
            const QByteArray indented =
                JsonText::indentedHead(buf, 2, std::numeric_limits<qsizetype>::max(), &fullSize);
            QCOMPARE(fullSize, indented.size());
            QCOMPARE(JsonText::indented(QByteArrayView(padded.constData(), buf.size())),
                     QString::fromUtf8(indented));
            QCOMPARE(JsonText::indentedHead(buf, 2, 64, &fullSize), indented.left(64));
            QCOMPARE(fullSize, indented.size());
            const QByteArray compact = JsonText::compact(buf);
            QCOMPARE(JsonText::compact(QByteArrayView(padded.constData(), buf.size())), compact);
            QVERIFY(compact.startsWith(JsonText::compact(buf.left(buf.size() / 2))));
            if (error.error == QJsonParseError::NoError) {
                QCOMPARE(QJsonDocument::fromJson(indented), doc);
                QCOMPARE(QJsonDocument::fromJson(compact), doc);
            }
        }
        QVERIFY2(agreements > 100, qPrintable(QString::number(agreements)));
    }

    void hugeValue()
    {
        // A 20 MB session (a huge cart), 20 MB of text and 20 MB of noise.
        QByteArray json = "{\"cookie\":{\"path\":\"/\"},\"userId\":\"big\",\"cart\":[";
        while (json.size() < 20 * 1024 * 1024)
            json += "1234567,";
        json += "0],\"blob\":\"" + QByteArray(1 << 20, 'z') + "\"}";
        const DecodedSession d =
            SessionDecoder::decodeString("sess:h", Prefix, json, json.size(), false);
        QCOMPARE(d.kind, Kind::ConnectRedis);
        QCOMPARE(d.user, QStringLiteral("big"));
        QCOMPARE(d.size, qint64(json.size()));
        QVERIFY(d.pretty.size() < 2 * 1024 * 1024);
        QVERIFY(d.pretty.endsWith(QStringLiteral("more bytes")));
        QVERIFY(fieldValue(d, "cart").size() <= 1025);
        QCOMPARE(SessionDecoder::quickUser(json), QStringLiteral("big"));

        const QByteArray text(20 * 1024 * 1024, 'a');
        const DecodedSession t =
            SessionDecoder::decodeString("sess:t", Prefix, text, text.size(), false);
        QCOMPARE(t.kind, Kind::Text);
        QVERIFY(t.pretty.size() < 2 * 1024 * 1024);

        QByteArray noise(20 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(7);
        rng.fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
        noise[0] = '{';
        const DecodedSession n =
            SessionDecoder::decodeString("sess:n", Prefix, noise, noise.size(), false);
        QCOMPARE(n.kind, Kind::Binary);
        QVERIFY(n.pretty.endsWith(QStringLiteral("more bytes")));
        QCOMPARE(SessionDecoder::quickUser(noise), QString());
    }

};

QTEST_APPLESS_MAIN(TestSessionDecoder)
#include "tst_sessiondecoder.moc"
