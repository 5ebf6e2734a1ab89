#pragma once

// Turns a session value read from Redis into something a person can read: the kind of value
// (connect-redis JSON, other JSON, text, binary, hash), its user, cookie fields and a pretty text.
// Pure functions on bytes, no network; any thread may call them.

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace sdcore {

struct DecodedSession
{
    enum class Kind { ConnectRedis, Json, Text, Binary, Hash, OtherType, Missing };
    Kind kind = Kind::Missing;
    QByteArray key;
    QByteArray id;                 // key without the prefix
    QByteArray redisType;          // "string", "hash", "list", "none", ...
    qint64 pttlMs = -2;            // as PTTL returned: -1 no TTL, -2 missing
    qint64 size = -1;              // value length in bytes (STRLEN), field count (hash), -1 unknown:
                                   // name it with sizeUnit()
    qint64 memoryUsage = -1;       // MEMORY USAGE if known
    bool truncated = false;        // raw holds only the first bytes of the value
    QByteArray raw;                // the bytes fetched (string), or empty
    QString user;                  // "" if none found
    // Indented JSON, the text, or a hex dump for binary; for a hash "field: value" lines. Cut
    // (with a closing "… N more bytes" line) past about 1 MiB so a view can show it. JSON is
    // re-indented from its own text: numbers and strings as written, members in their order.
    QString pretty;
    // For the detail pane. connect-redis: the cookie's fields ("cookie.expires", strings
    // unquoted) in a fixed order, the others after them in the JSON's order, then the app's
    // top-level fields in the JSON's order, as compact JSON (the text as written, whitespace
    // outside strings removed); other JSON objects: their top-level fields; a name written twice
    // shows once, where it first appears, with the last value (as JSON.parse reads it); a hash:
    // its fields, text or a hex preview. Values past about 1,000 characters are cut with "…".
    QList<QPair<QString, QString>> fields;
    QString note;                  // why shown raw, or what is odd: "not JSON: ... at offset N"
    std::optional<qint64> cookieMaxAgeMs;
    QDateTime cookieExpires;       // UTC, invalid if absent or unparsable

    // What `size` counts, for a display: "fields" for a hash, else "bytes".
    QString sizeUnit() const;
    static QString kindName(Kind kind);   // "connect-redis", "JSON", "text", "binary", ...
};

class SessionDecoder
{
public:
    // value: the string value (or its first bytes when truncated); fullSize the STRLEN.
    static DecodedSession decodeString(const QByteArray &key, const QByteArray &prefix,
                                       const QByteArray &value, qint64 fullSize, bool truncated);
    // fields from HGETALL (flat list: field, value, field, value ...)
    static DecodedSession decodeHash(const QByteArray &key, const QByteArray &prefix,
                                     const QList<QByteArray> &flat);
    // any other type: shown by type, not decoded; "none" gives Kind::Missing
    static DecodedSession otherType(const QByteArray &key, const QByteArray &prefix,
                                    const QByteArray &type);

    // The user a session belongs to, first match wins: user, userId, user_id, username, email,
    // passport.user, then when `user` is an object: user.id, user.email, user.name, user.username.
    // Strings as is (empty ones skipped), numbers as their text. "" when none. A QJsonValue holds
    // an integer past the qint64 range as a double, which has lost digits by then
    // (12345678901234567890 reads 12345678901234567000): decodeString(), decodeHash() and
    // quickUser() read the number's text instead.
    static QString userOf(const QJsonObject &session);
    // Every name the session's user goes by, in userOf()'s order: the fields userOf() reads,
    // and id, email, name and username of a `user` or `passport.user` object. What "log this
    // user out everywhere" matches against: {"user":{"id":3,"name":"alice3"}} is 3 and alice3.
    static QStringList userIdentities(const QJsonObject &session);
    // Fast path for the table, called for up to millions of rows: the same as userOf() from the
    // first bytes of a JSON object, possibly cut mid-way, without building a document. A value cut
    // off at the end does not count; a syntax error gives "". Never reads past the end of `bytes`.
    static QString quickUser(QByteArrayView bytes);

    // A hex + ASCII dump (16 bytes per line, like `xxd`) of at most maxBytes bytes; ends with
    // "… N more bytes" when cut.
    static QString hexDump(const QByteArray &bytes, int maxBytes = 4096);
    // True when bytes are valid UTF-8 text without NUL or other control chars except \t \n \r.
    static bool isText(QByteArrayView bytes);

    // The session id in what a user pastes: an id ("abc"), a full key ("sess:abc"), or the
    // express-session cookie ("connect.sid=s%3Aabc.SIG", "s:abc.SIG", a "Cookie: " header with
    // other cookies). The signature is the part after the last '.' following "s:". Any cookie
    // name is accepted if its value starts with s: (connect.sid preferred). "" when none.
    static QByteArray sessionIdFromInput(const QString &input, const QByteArray &prefix);
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::DecodedSession)
