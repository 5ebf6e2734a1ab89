// How SessionDecoder reads people's input and a session's user: quickUser (the scan's fast
// reading of a session's user) agrees with userOf on common shapes, stays inside its bytes and
// survives cut and broken input; a pasted cookie, key or id gives the session id.

#include "core/sessions/sessiondecoder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sdcore;

namespace {

const QByteArray Prefix = "sess:";

const QByteArray Session =
    "{\"cookie\":{\"originalMaxAge\":86400000,\"expires\":\"2026-11-25T10:00:00.000Z\",\"secure\":"
    "false,"
    "\"httpOnly\":true,\"path\":\"/\",\"sameSite\":\"lax\",\"domain\":\"example.com\"},"
    "\"passport\":{\"user\":\"u123\"},\"cart\":[1,2],\"views\":3}";

QString userOfJson(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test JSON does not parse: %s: %s", json.constData(),
               qPrintable(error.errorString()));
    return SessionDecoder::userOf(doc.object());
}

} // namespace

class TestSessionInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quickUserAgreesWithUserOf_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("user");
        QTest::newRow("user string") << QByteArray("{\"user\":\"alice\"}") << "alice";
        QTest::newRow("userId number") << QByteArray("{\"userId\":42}") << "42";
        QTest::newRow("user_id") << QByteArray("{\"user_id\":\"u-1\"}") << "u-1";
        QTest::newRow("username before email")
            << QByteArray("{\"email\":\"c@x.io\",\"username\":\"carol\"}") << "carol";
        QTest::newRow("user beats userId written first")
            << QByteArray("{\"userId\":1,\"user\":\"first\"}") << "first";
        QTest::newRow("connect-redis passport") << Session << "u123";
        QTest::newRow("passport with strategy")
            << QByteArray("{\"passport\":{\"strategy\":\"x\",\"user\":\"p\"}}") << "p";
        QTest::newRow("passport number")
            << QByteArray("{\"passport\":{\"user\":12345}}") << "12345";
        QTest::newRow("user object id")
            << QByteArray("{\"user\":{\"name\":\"dan\",\"id\":7}}") << "7";
        QTest::newRow("user object email")
            << QByteArray("{\"user\":{\"name\":\"Eve\",\"email\":\"e@x\"}}") << "e@x";
        QTest::newRow("user object nested")
            << QByteArray("{\"user\":{\"profile\":{\"id\":1},\"username\":\"zed\"}}") << "zed";
        QTest::newRow("userId beats user object")
            << QByteArray("{\"user\":{\"id\":7},\"userId\":3}") << "3";
        QTest::newRow("passport beats user object")
            << QByteArray("{\"user\":{\"id\":7},\"passport\":{\"user\":\"pp\"}}") << "pp";
        QTest::newRow("escaped quotes before")
            << QByteArray("{\"note\":\"say \\\"user\\\":\\\"mallory\\\"\",\"user\":\"real\"}")
            << "real";
        QTest::newRow("escaped value")
            << QByteArray("{\"user\":\"a\\\"b\\\\c\\/d\"}") << "a\"b\\c/d";
        QTest::newRow("unicode escapes")
            << QByteArray("{\"username\":\"J\\u00fcrgen \\ud83d\\ude00\"}")
            << QString::fromUtf8("Jürgen 😀");
        QTest::newRow("raw UTF-8")
            << QByteArray("{\"username\":\"Zoë\"}") << QString::fromUtf8("Zoë");
        QTest::newRow("nested objects before")
            << QByteArray("{\"prefs\":{\"user\":\"nested\",\"deep\":{\"userId\":1}},\"list\":[{"
                          "\"user\":\"x\"}],\"email\":\"top@x\"}")
            << "top@x";
        QTest::newRow("whitespace")
            << QByteArray("\n {\r\n  \"cart\" : [ 1 , { } ] ,\n  \"user\"\t:\t\"spaced\" \n}\n ")
            << "spaced";
        QTest::newRow("user as a value")
            << QByteArray("{\"role\":\"user\",\"kind\":\"userId\",\"userId\":\"9\"}") << "9";
        QTest::newRow("user as a key in an array")
            << QByteArray("{\"list\":[\"user\",{\"user\":\"x\"}],\"email\":\"e\"}") << "e";
        QTest::newRow("null user") << QByteArray("{\"user\":null,\"email\":\"n@x\"}") << "n@x";
        QTest::newRow("empty user") << QByteArray("{\"user\":\"\",\"user_id\":5}") << "5";
        QTest::newRow("bool user") << QByteArray("{\"user\":true,\"username\":\"t\"}") << "t";
        QTest::newRow("array user")
            << QByteArray("{\"user\":[\"a\"],\"email\":\"arr@x\"}") << "arr@x";
        QTest::newRow("negative decimal") << QByteArray("{\"userId\":-3.5}") << "-3.5";
        QTest::newRow("duplicate key: last wins")
            << QByteArray("{\"user\":\"a\",\"user\":\"b\"}") << "b";
        QTest::newRow("duplicate key: later non-string")
            << QByteArray("{\"user\":\"a\",\"email\":\"m\",\"user\":false}") << "m";
        QTest::newRow("none") << QByteArray("{\"cookie\":{\"path\":\"/\"},\"views\":3}") << "";
        QTest::newRow("empty object") << QByteArray("{}") << "";
        QTest::newRow("top-level array") << QByteArray("[{\"user\":\"x\"}]") << "";
    }

    void quickUserAgreesWithUserOf()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, user);
        QCOMPARE(userOfJson(json), user);
        QCOMPARE(SessionDecoder::quickUser(json), user);
    }

    void quickUserOnCutAndBrokenInput_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("user");
        QTest::newRow("cut after the value") << QByteArray("{\"user\":\"alice\"") << "alice";
        QTest::newRow("cut in a later value")
            << QByteArray("{\"email\":\"a@x\",\"user\":\"bo") << "a@x";
        QTest::newRow("cut number") << QByteArray("{\"userId\":12") << "";
        QTest::newRow("number then comma") << QByteArray("{\"userId\":12,") << "12";
        QTest::newRow("cut in passport")
            << QByteArray("{\"cookie\":{},\"passport\":{\"user\":\"p1\"") << "p1";
        QTest::newRow("cut in an array") << QByteArray("{\"cart\":[1,2,{\"user\":\"x\"") << "";
        QTest::newRow("cut in an escape") << QByteArray("{\"user\":\"a\\") << "";
        QTest::newRow("cut in a key") << QByteArray("{\"email\":\"e\",\"use") << "e";
        QTest::newRow("cut after colon") << QByteArray("{\"email\":\"e\",\"user\":") << "e";
        QTest::newRow("empty") << QByteArray() << "";
        QTest::newRow("spaces") << QByteArray("   ") << "";
        QTest::newRow("brace") << QByteArray("{") << "";
        QTest::newRow("not JSON") << QByteArray("user=alice") << "";
        QTest::newRow("array") << QByteArray("[1,2]") << "";
        QTest::newRow("syntax error") << QByteArray("{\"user\":\"a\" \"x\"}") << "";
        QTest::newRow("garbage after") << QByteArray("{\"user\":\"a\"} x") << "";
        QTest::newRow("unquoted key") << QByteArray("{user:\"a\"}") << "";
    }

    void quickUserOnCutAndBrokenInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, user);
        QCOMPARE(SessionDecoder::quickUser(bytes), user);
    }

    // Every prefix of a session, seen through a view into the whole: if quickUser looked past the
    // view's end it would see more than the exactly sized copy does.
    void quickUserStaysInsideItsBytes()
    {
        const QByteArray docs[] = {
            Session,
            "{\"a\":\"x\\\"y\",\"user\":{\"profile\":{\"n\":[1,{\"q\":\"}\"}]},\"email\":"
            "\"e\\u0041\"},\"userId\":-12.5e3}",
        };
        for (const QByteArray &doc : docs) {
            for (qsizetype n = 0; n <= doc.size(); ++n) {
                const QByteArrayView view(doc.constData(), n);
                const QByteArray copy = doc.left(n);
                QCOMPARE(SessionDecoder::quickUser(view), SessionDecoder::quickUser(copy));
            }
        }
    }

    void sessionIdFromInput_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<QByteArray>("id");
        QTest::newRow("plain id") << "abc" << Prefix << QByteArray("abc");
        QTest::newRow("uid-safe id") << "kZ-9_xQ2wErT5yU7iO0pAsDfGhJkLzXc" << Prefix
                                     << QByteArray("kZ-9_xQ2wErT5yU7iO0pAsDfGhJkLzXc");
        QTest::newRow("whitespace") << "  abc \n" << Prefix << QByteArray("abc");
        QTest::newRow("full key") << "sess:abc" << Prefix << QByteArray("abc");
        QTest::newRow("full key, other prefix")
            << "myapp:sess:abc" << QByteArray("myapp:sess:") << QByteArray("abc");
        QTest::newRow("no prefix configured")
            << "sess:abc" << QByteArray() << QByteArray("sess:abc");
        QTest::newRow("cookie encoded")
            << "connect.sid=s%3Aabc.SIGNATURE" << Prefix << QByteArray("abc");
        QTest::newRow("cookie unencoded")
            << "connect.sid=s:abc.SIGNATURE" << Prefix << QByteArray("abc");
        QTest::newRow("value encoded") << "s%3Aabc.SIG" << Prefix << QByteArray("abc");
        QTest::newRow("value lower-case escape") << "s%3aabc.SIG" << Prefix << QByteArray("abc");
        QTest::newRow("value unencoded") << "s:abc.SIG" << Prefix << QByteArray("abc");
        QTest::newRow("signature with escapes")
            << "s%3Aabc.Xy%2Fz%2Bw" << Prefix << QByteArray("abc");
        QTest::newRow("dots in id") << "s:a.b.c.SIG" << Prefix << QByteArray("a.b.c");
        QTest::newRow("unsigned") << "s:abc" << Prefix << QByteArray("abc");
        QTest::newRow("header") << "Cookie: a=b; connect.sid=s%3Aabc.sig; c=d" << Prefix
                                << QByteArray("abc");
        QTest::newRow("several cookies")
            << "a=b; connect.sid=s%3Aabc.sig; c=d" << Prefix << QByteArray("abc");
        QTest::newRow("header lower case")
            << "cookie:connect.sid=s%3Aabc.sig" << Prefix << QByteArray("abc");
        QTest::newRow("set-cookie") << "Set-Cookie: connect.sid=s%3Aabc.sig; Path=/; HttpOnly"
                                    << Prefix << QByteArray("abc");
        QTest::newRow("other cookie name")
            << "theme=dark; my.sid=s%3Axyz.sig" << Prefix << QByteArray("xyz");
        QTest::newRow("connect.sid preferred")
            << "x.sid=s%3Aother.sig; connect.sid=s%3Aabc.sig" << Prefix << QByteArray("abc");
        QTest::newRow("quoted") << "connect.sid=\"s%3Aabc.sig\"" << Prefix << QByteArray("abc");
        QTest::newRow("spaces around")
            << "\t connect.sid = s%3Aabc.sig ;  " << Prefix << QByteArray("abc");
        QTest::newRow("unsigned cookie") << "connect.sid=abc" << Prefix << QByteArray("abc");
        QTest::newRow("padded id") << "abc==" << Prefix << QByteArray("abc==");
        QTest::newRow("no session cookie") << "a=b; c=d" << Prefix << QByteArray();
        QTest::newRow("empty") << "" << Prefix << QByteArray();
        QTest::newRow("blank") << "   " << Prefix << QByteArray();
        QTest::newRow("header only") << "Cookie: " << Prefix << QByteArray();
    }

    void sessionIdFromInput()
    {
        QFETCH(QString, input);
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, id);
        QCOMPARE(SessionDecoder::sessionIdFromInput(input, prefix), id);
    }
};

QTEST_APPLESS_MAIN(TestSessionInput)
#include "tst_sessioninput.moc"
