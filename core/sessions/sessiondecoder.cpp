#include "core/sessions/sessiondecoder.h"

#include "core/sessions/sessionuserscan.h"
#include "core/support/jsontext.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <limits>

namespace sdcore {

namespace {

using UserScan::completeMembersEnd;
using UserScan::firstNonSpace;

// The detail pane shows text, not megabytes: longer pretty texts and field values are cut.
constexpr qsizetype MaxPrettyBytes = 1 << 20;
constexpr qsizetype MaxFieldChars = 1024;
// As QJsonDocument::Indented, which the pane showed before.
constexpr int PrettyIndent = 4;
constexpr int HashHexPreviewBytes = 32;
// A truncated value counts as connect-redis when "cookie" appears this early (it is the first key
// express-session writes).
constexpr qsizetype CookieSearchBytes = 1024;

// The longest prefix of at most maxBytes that does not end inside a UTF-8 sequence.
qsizetype utf8Boundary(QByteArrayView bytes, qsizetype maxBytes)
{
    if (bytes.size() <= maxBytes)
        return bytes.size();
    qsizetype n = maxBytes;
    while (n > 0 && n > maxBytes - 4 && (uchar(bytes[n]) & 0xC0) == 0x80)
        --n;
    return n;
}

// Text for a view: the whole bytes as UTF-8, or their first MaxPrettyBytes and a closing line.
// `bytes` may be the start of a longer text of fullSize bytes.
QString displayText(QByteArrayView bytes, qsizetype fullSize = -1)
{
    const qsizetype n = utf8Boundary(bytes, MaxPrettyBytes);
    const qsizetype total = qMax(fullSize, bytes.size());
    QString text = QString::fromUtf8(bytes.first(n));
    if (n < total)
        text += QStringLiteral("\n… %1 more bytes").arg(total - n);
    return text;
}

// JSON text Qt accepted, indented for a view from its own text.
QString prettyJson(QByteArrayView json)
{
    qsizetype fullSize = 0;
    // One byte past the cut tells utf8Boundary whether the cut splits a character.
    const QByteArray head =
        JsonText::indentedHead(json, PrettyIndent, MaxPrettyBytes + 1, &fullSize);
    return displayText(head, fullSize);
}

QString cutField(QString text)
{
    if (text.size() > MaxFieldChars) {
        text.truncate(MaxFieldChars);
        text += QChar(0x2026);
    }
    return text;
}

// A field's JSON value as compact text, cut. Compacting a prefix gives a prefix of the whole, so
// a 20 MB cart is not compacted whole to show its first thousand characters.
QString fieldJson(QByteArrayView json)
{
    for (qsizetype n = 4 * MaxFieldChars;; n *= 2) {
        const bool whole = n >= json.size();
        QString text =
            QString::fromUtf8(JsonText::compact(whole ? json : json.first(utf8Boundary(json, n))));
        if (whole || text.size() > MaxFieldChars)
            return cutField(std::move(text));
    }
}

// The text of a JSON string token (a key, a cookie attribute).
QString stringText(QByteArrayView token)
{
    if (const auto plain = JsonText::plainString(token))
        return QString::fromUtf8(*plain);
    // Escapes are rare here: let the parser decode them.
    QByteArray wrapped;
    wrapped.reserve(token.size() + 2);
    wrapped.append('[').append(token).append(']');
    return QJsonDocument::fromJson(wrapped).array().at(0).toString();
}

// A cookie attribute as a person reads it: strings without quotes.
QString attributeText(QByteArrayView json)
{
    return json.startsWith('"') ? cutField(stringText(json)) : fieldJson(json);
}

// An object's top-level members, each name once, in the order they first appear with the last
// value, as JSON.parse in the app reads a name written twice (QJsonObject keeps the last too).
QList<QPair<QString, QByteArrayView>> orderedMembers(QByteArrayView object)
{
    QList<QPair<QString, QByteArrayView>> members;
    QHash<QString, qsizetype> seen;
    JsonText::forEachMember(object, [&](const JsonText::Member &m) {
        const QString name = stringText(m.key);
        const auto it = seen.constFind(name);
        if (it != seen.constEnd()) {
            members[*it].second = m.value;
        } else {
            seen.insert(name, members.size());
            members.append({name, m.value});
        }
        return true;
    });
    return members;
}

// A hash field's text as a JSON string token.
QByteArray jsonString(const QString &text)
{
    // QJsonDocument holds only objects and arrays: wrap, then drop the brackets.
    const QByteArray json = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return json.mid(1, json.size() - 2);
}

QString numberText(const QJsonValue &value)
{
    constexpr qint64 NotIntegral = std::numeric_limits<qint64>::min();
    const qint64 i = value.toInteger(NotIntegral);
    if (i != NotIntegral)
        return QString::number(i);
    return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
}

// A user from a string or number; "" for anything else.
QString userText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return numberText(value);
    return {};
}

enum class TextProblem { None, Nul, BadUtf8, Control };

// Checks UTF-8 strictly (no overlongs, surrogates or code points past U+10FFFF). With
// allowCutEnd a sequence cut off by the end of the bytes is fine: a truncated value ends anywhere.
TextProblem textProblem(QByteArrayView bytes, bool allowCutEnd)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const qsizetype n = bytes.size();
    if (n > 0 && std::memchr(p, 0, size_t(n)))
        return TextProblem::Nul;
    TextProblem control = TextProblem::None;
    qsizetype i = 0;
    while (i < n) {
        const uchar c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                control = TextProblem::Control;
            ++i;
            continue;
        }
        int len;
        char32_t cp;
        char32_t min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return TextProblem::BadUtf8;
        }
        for (int k = 1; k < len; ++k) {
            if (i + k >= n)
                return allowCutEnd ? control : TextProblem::BadUtf8;
            const uchar cc = p[i + k];
            if ((cc & 0xC0) != 0x80)
                return TextProblem::BadUtf8;
            cp = (cp << 6) | (cc & 0x3F);
            // Reject overlongs and out-of-range values as soon as the second byte says so, so
            // that a cut sequence is only accepted when it could still become valid.
            if (k == 1) {
                const char32_t lowest = cp << (6 * (len - 2));
                const char32_t highest = lowest | ((1u << (6 * (len - 2))) - 1);
                if (highest < min || lowest > 0x10FFFF || (lowest >= 0xD800 && highest <= 0xDFFF))
                    return TextProblem::BadUtf8;
            }
        }
        if (cp >= 0x80 && cp <= 0x9F)
            control = TextProblem::Control;
        i += len;
    }
    return control;
}

QString textProblemNote(TextProblem problem)
{
    switch (problem) {
    case TextProblem::Nul:
        return QStringLiteral("binary: contains NUL bytes");
    case TextProblem::BadUtf8:
        return QStringLiteral("binary: not valid UTF-8");
    case TextProblem::Control:
        return QStringLiteral("binary: contains control characters");
    case TextProblem::None:
        break;
    }
    return {};
}

void addNote(QString &note, const QString &more)
{
    if (more.isEmpty())
        return;
    if (!note.isEmpty())
        note += QStringLiteral("; ");
    note += more;
}

QByteArray idOf(const QByteArray &key, const QByteArray &prefix)
{
    return !prefix.isEmpty() && key.startsWith(prefix) ? key.mid(prefix.size()) : key;
}

// The hash fields userOf() looks at, the top-level names it reads.
const char *const HashUserFields[] = {"user", "userId", "user_id", "username", "email", "passport"};

// Cookie fields in the order a person looks for them; unknown ones follow in the JSON's order.
const char *const CookieOrder[] = {"originalMaxAge", "expires", "httpOnly", "secure",
                                   "sameSite",       "path",    "domain"};

// The user as userOf() finds it, but read from the text by quickUser(), so that a number keeps
// its digits (a QJsonValue holds 12345678901234567890 as a double). quickUser() does not match
// keys written with escapes ("\u0075ser"): when it finds none, userOf() on object() answers.
template <typename Object> QString userFromText(QByteArrayView json, Object &&object)
{
    const QString user = SessionDecoder::quickUser(json);
    return user.isEmpty() ? SessionDecoder::userOf(object()) : user;
}

// Fills kind, user, fields, cookie data and notes from a JSON object: `text`, which Qt parsed as
// `object`. Fields come from the text so that they keep its numbers and order.
void describeObject(DecodedSession &d, QByteArrayView text, const QJsonObject &object)
{
    d.user = userFromText(text, [&object] { return object; });
    const QJsonValue cookieValue = object.value(QLatin1String("cookie"));
    const bool connectRedis = cookieValue.isObject();
    d.kind = connectRedis ? DecodedSession::Kind::ConnectRedis : DecodedSession::Kind::Json;
    const QList<QPair<QString, QByteArrayView>> members = orderedMembers(text);
    if (connectRedis) {
        QByteArrayView cookieText;
        for (const auto &m : members) {
            if (m.first == QLatin1String("cookie"))
                cookieText = m.second;
        }
        const QList<QPair<QString, QByteArrayView>> cookie = orderedMembers(cookieText);
        for (const char *name : CookieOrder) {
            for (const auto &m : cookie) {
                if (m.first == QLatin1String(name))
                    d.fields.append({QStringLiteral("cookie.") + m.first, attributeText(m.second)});
            }
        }
        for (const auto &m : cookie) {
            if (std::find_if(std::begin(CookieOrder), std::end(CookieOrder), [&](const char *n) {
                    return m.first == QLatin1String(n);
                }) == std::end(CookieOrder))
                d.fields.append({QStringLiteral("cookie.") + m.first, attributeText(m.second)});
        }
        const QJsonObject cookieObject = cookieValue.toObject();
        const QJsonValue maxAge = cookieObject.value(QLatin1String("originalMaxAge"));
        if (maxAge.isDouble())
            d.cookieMaxAgeMs = qint64(maxAge.toDouble());
        const QJsonValue expires = cookieObject.value(QLatin1String("expires"));
        if (expires.isString()) {
            d.cookieExpires = QDateTime::fromString(expires.toString(), Qt::ISODateWithMs).toUTC();
            if (!d.cookieExpires.isValid())
                addNote(d.note, QStringLiteral("cookie.expires is not a date"));
        }
    }
    for (const auto &m : members) {
        if (connectRedis && m.first == QLatin1String("cookie"))
            continue;
        d.fields.append({m.first, fieldJson(m.second)});
    }
}

QString jsonErrorNote(const QJsonParseError &error, int offsetShift)
{
    return QStringLiteral("not JSON: %1 at offset %2")
        .arg(error.errorString())
        .arg(qMax(0, error.offset - offsetShift));
}

QString truncationNote(qsizetype have, qint64 fullSize)
{
    if (fullSize < 0)
        return QStringLiteral("value truncated to first %1 bytes").arg(have);
    return QStringLiteral("value truncated to first %1 of %2 bytes").arg(have).arg(fullSize);
}

void decodeTruncated(DecodedSession &d, const QByteArray &value, qint64 fullSize)
{
    const TextProblem problem = textProblem(value, true);
    if (problem != TextProblem::None) {
        d.kind = DecodedSession::Kind::Binary;
        d.pretty = SessionDecoder::hexDump(value);
        d.note = textProblemNote(problem);
        addNote(d.note, truncationNote(value.size(), fullSize));
        return;
    }
    d.pretty = displayText(value);
    const qsizetype start = firstNonSpace(value);
    if (start < value.size() && value[start] == '{') {
        // The members that arrived whole still make an object: decode those.
        const qsizetype end = completeMembersEnd(value);
        const QByteArray whole = end > 0 ? value.left(end) + '}' : QByteArray();
        QJsonParseError error{};
        const QJsonDocument partial =
            end > 0 ? QJsonDocument::fromJson(whole, &error) : QJsonDocument();
        if (end > 0 && error.error == QJsonParseError::NoError && partial.isObject()) {
            describeObject(d, whole, partial.object());
        } else {
            d.user = SessionDecoder::quickUser(value);
            d.kind = QByteArrayView(value)
                             .first(qMin(value.size(), CookieSearchBytes))
                             .contains(QByteArrayView("\"cookie\""))
                         ? DecodedSession::Kind::ConnectRedis
                         : DecodedSession::Kind::Json;
        }
    } else {
        d.kind = DecodedSession::Kind::Text;
    }
    addNote(d.note, truncationNote(value.size(), fullSize));
}

QString hashValueText(const QByteArray &value)
{
    if (SessionDecoder::isText(value))
        return cutField(QString::fromUtf8(value));
    QString hex;
    const qsizetype n = qMin<qsizetype>(value.size(), HashHexPreviewBytes);
    hex.reserve(n * 3 + 24);
    hex += QStringLiteral("hex:");
    for (qsizetype i = 0; i < n; ++i) {
        hex += QLatin1Char(' ');
        hex += QString::number(uchar(value[i]), 16).rightJustified(2, QLatin1Char('0'));
    }
    if (n < value.size())
        hex += QStringLiteral(" … (%1 bytes)").arg(value.size());
    return hex;
}

QByteArray unquote(QByteArray value)
{
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
        return value.mid(1, value.size() - 2);
    return value;
}

// "s:<id>.<signature>" -> id
QByteArray signedCookieId(const QByteArray &decoded)
{
    const QByteArray body = decoded.mid(2);
    const qsizetype dot = body.lastIndexOf('.');
    return dot >= 0 ? body.left(dot) : body;
}

} // namespace

QString DecodedSession::sizeUnit() const
{
    return kind == Kind::Hash ? QStringLiteral("fields") : QStringLiteral("bytes");
}

QString DecodedSession::kindName(Kind kind)
{
    switch (kind) {
    case Kind::ConnectRedis:
        return QStringLiteral("connect-redis");
    case Kind::Json:
        return QStringLiteral("JSON");
    case Kind::Text:
        return QStringLiteral("text");
    case Kind::Binary:
        return QStringLiteral("binary");
    case Kind::Hash:
        return QStringLiteral("hash");
    case Kind::OtherType:
        return QStringLiteral("other type");
    case Kind::Missing:
        return QStringLiteral("missing");
    }
    return {};
}

DecodedSession SessionDecoder::decodeString(const QByteArray &key, const QByteArray &prefix,
                                            const QByteArray &value, qint64 fullSize,
                                            bool truncated)
{
    DecodedSession d;
    d.key = key;
    d.id = idOf(key, prefix);
    d.redisType = "string";
    d.size = fullSize >= 0 ? fullSize : (truncated ? -1 : value.size());
    d.truncated = truncated;
    d.raw = value;

    if (value.isEmpty()) {
        d.kind = DecodedSession::Kind::Text;
        d.note = truncated ? truncationNote(0, fullSize) : QStringLiteral("empty value");
        return d;
    }
    if (truncated) {
        decodeTruncated(d, value, fullSize);
        return d;
    }

    const qsizetype start = firstNonSpace(value);
    const char first = start < value.size() ? value[start] : '\0';
    const TextProblem problem = textProblem(value, false);
    QString jsonNote;
    if (first == '{' || first == '[') {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(value, &error);
        if (error.error == QJsonParseError::NoError) {
            if (doc.isObject()) {
                describeObject(d, value, doc.object());
            } else {
                d.kind = DecodedSession::Kind::Json;
            }
            d.pretty = prettyJson(value);
            return d;
        }
        jsonNote = jsonErrorNote(error, 0);
    } else if (problem == TextProblem::None) {
        if (start == value.size()) {
            jsonNote = QStringLiteral("whitespace only");
        } else if (!std::strchr("\"-.0123456789tfn", first)) {
            QJsonParseError error{};
            error.error = QJsonParseError::IllegalValue;
            error.offset = int(start);
            jsonNote = jsonErrorNote(error, 0);
        } else {
            // A scalar ("text", 42, true): QJsonDocument wants an array around it.
            QByteArray wrapped;
            wrapped.reserve(value.size() + 2);
            wrapped.append('[').append(value).append(']');
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
            if (error.error == QJsonParseError::NoError && doc.array().size() == 1) {
                d.kind = DecodedSession::Kind::Json;
                d.pretty = prettyJson(value);
                return d;
            }
            jsonNote = error.error == QJsonParseError::NoError
                           ? QStringLiteral("not JSON: more than one value")
                           : jsonErrorNote(error, 1);
        }
    }

    if (problem == TextProblem::None) {
        d.kind = DecodedSession::Kind::Text;
        d.pretty = displayText(value);
        d.note = jsonNote;
    } else {
        d.kind = DecodedSession::Kind::Binary;
        d.pretty = hexDump(value);
        d.note = textProblemNote(problem);
    }
    return d;
}

DecodedSession SessionDecoder::decodeHash(const QByteArray &key, const QByteArray &prefix,
                                          const QList<QByteArray> &flat)
{
    DecodedSession d;
    d.key = key;
    d.id = idOf(key, prefix);
    d.redisType = "hash";
    d.kind = DecodedSession::Kind::Hash;
    d.note = QStringLiteral("hash");
    const qsizetype pairs = flat.size() / 2;
    d.size = pairs;
    if (flat.size() % 2)
        addNote(d.note, QStringLiteral("odd reply length, last field dropped"));

    QStringList lines;
    lines.reserve(pairs);
    d.fields.reserve(pairs);
    // Hash sessions keep the user in a field too. The fields userOf() reads make one JSON object
    // for userFromText(), so that a number in a JSON field keeps its digits: JSON objects as they
    // are (passport.user is found in them), other text as strings.
    QByteArray userJson = "{";
    for (qsizetype i = 0; i < pairs; ++i) {
        const QByteArray &name = flat.at(2 * i);
        const QString field = QString::fromUtf8(name);
        const QByteArray &value = flat.at(2 * i + 1);
        const QString shown = hashValueText(value);
        d.fields.append({field, shown});
        lines << field + QStringLiteral(": ") + shown;
        if (std::none_of(std::begin(HashUserFields), std::end(HashUserFields),
                         [&name](const char *f) { return name == f; }) ||
            !isText(value))
            continue;
        if (userJson.size() > 1)
            userJson += ',';
        userJson += '"' + name + "\":";
        const qsizetype start = firstNonSpace(value);
        if (start < value.size() && value[start] == '{' &&
            QJsonDocument::fromJson(value).isObject())
            userJson += value;
        else
            userJson += jsonString(QString::fromUtf8(value));
    }
    userJson += '}';
    d.user =
        userFromText(userJson, [&userJson] { return QJsonDocument::fromJson(userJson).object(); });
    d.pretty = lines.join(QLatin1Char('\n'));
    return d;
}

DecodedSession SessionDecoder::otherType(const QByteArray &key, const QByteArray &prefix,
                                         const QByteArray &type)
{
    DecodedSession d;
    d.key = key;
    d.id = idOf(key, prefix);
    d.redisType = type;
    if (type == "none") {
        d.kind = DecodedSession::Kind::Missing;
        d.note = QStringLiteral("key does not exist (expired or deleted)");
    } else {
        d.kind = DecodedSession::Kind::OtherType;
        d.note = QString::fromUtf8(type) + QStringLiteral(": not decoded");
    }
    return d;
}

QString SessionDecoder::userOf(const QJsonObject &session)
{
    for (const char *name : {"user", "userId", "user_id", "username", "email"}) {
        const QString user = userText(session.value(QLatin1String(name)));
        if (!user.isEmpty())
            return user;
    }
    const QJsonValue passport = session.value(QLatin1String("passport"));
    if (passport.isObject()) {
        const QString user = userText(passport.toObject().value(QLatin1String("user")));
        if (!user.isEmpty())
            return user;
    }
    const QJsonValue userValue = session.value(QLatin1String("user"));
    if (userValue.isObject()) {
        const QJsonObject user = userValue.toObject();
        for (const char *name : {"id", "email", "name", "username"}) {
            const QString text = userText(user.value(QLatin1String(name)));
            if (!text.isEmpty())
                return text;
        }
    }
    return {};
}

QStringList SessionDecoder::userIdentities(const QJsonObject &session)
{
    QStringList out;
    const auto add = [&out](const QJsonValue &v) {
        const QString text = userText(v);
        if (!text.isEmpty() && !out.contains(text))
            out << text;
    };
    for (const char *name : {"user", "userId", "user_id", "username", "email"})
        add(session.value(QLatin1String(name)));
    const QJsonValue passport = session.value(QLatin1String("passport"));
    if (passport.isObject())
        add(passport.toObject().value(QLatin1String("user")));
    for (const char *holder : {"user", "passport"}) {
        QJsonValue v = session.value(QLatin1String(holder));
        if (QLatin1String(holder) == QLatin1String("passport") && v.isObject())
            v = v.toObject().value(QLatin1String("user"));
        if (!v.isObject())
            continue;
        const QJsonObject user = v.toObject();
        for (const char *name : {"id", "email", "name", "username"})
            add(user.value(QLatin1String(name)));
    }
    return out;
}

QString SessionDecoder::hexDump(const QByteArray &bytes, int maxBytes)
{
    static const char digits[] = "0123456789abcdef";
    const qsizetype n = qMin<qsizetype>(bytes.size(), qMax(0, maxBytes));
    const qsizetype lines = (n + 15) / 16;
    QByteArray out;
    out.reserve(lines * 68 + 32);
    for (qsizetype line = 0; line < lines; ++line) {
        const qsizetype offset = line * 16;
        for (int shift = 28; shift >= 0; shift -= 4)
            out.append(digits[(quint64(offset) >> shift) & 0xF]);
        out.append(':');
        for (qsizetype i = 0; i < 16; ++i) {
            if (i % 2 == 0)
                out.append(' ');
            if (offset + i < n) {
                const uchar c = uchar(bytes[offset + i]);
                out.append(digits[c >> 4]).append(digits[c & 0xF]);
            } else {
                out.append("  ");
            }
        }
        out.append("  ");
        for (qsizetype i = offset; i < qMin(n, offset + 16); ++i) {
            const uchar c = uchar(bytes[i]);
            out.append(c >= 0x20 && c < 0x7F ? char(c) : '.');
        }
        if (line + 1 < lines)
            out.append('\n');
    }
    QString text = QString::fromLatin1(out);
    if (n < bytes.size()) {
        if (!text.isEmpty())
            text += QLatin1Char('\n');
        text += QStringLiteral("… %1 more bytes").arg(bytes.size() - n);
    }
    return text;
}

bool SessionDecoder::isText(QByteArrayView bytes)
{
    return textProblem(bytes, false) == TextProblem::None;
}

QByteArray SessionDecoder::sessionIdFromInput(const QString &input, const QByteArray &prefix)
{
    QByteArray s = input.toUtf8().trimmed();
    for (const QByteArrayView header : {QByteArrayView("cookie:"), QByteArrayView("set-cookie:")}) {
        if (s.toLower().startsWith(header)) {
            s = s.mid(header.size()).trimmed();
            break;
        }
    }
    if (s.isEmpty())
        return {};

    const auto plain = [&prefix](const QByteArray &value) {
        const QByteArray decoded = QByteArray::fromPercentEncoding(unquote(value));
        if (!prefix.isEmpty() && decoded.startsWith(prefix))
            return decoded.mid(prefix.size());
        if (decoded.startsWith("s:"))
            return signedCookieId(decoded);
        return decoded;
    };

    // An id may end in base64 padding ("abc=="); anything else with '=' is a cookie list.
    QByteArray unpadded = s;
    while (unpadded.endsWith('='))
        unpadded.chop(1);
    if (!unpadded.contains('=') && !unpadded.contains(';'))
        return plain(s);

    QByteArray firstSigned;
    QByteArray unsignedSid;
    for (const QByteArray &part : s.split(';')) {
        const qsizetype eq = part.indexOf('=');
        if (eq < 0)
            continue;
        const QByteArray name = part.left(eq).trimmed();
        const QByteArray value = unquote(part.mid(eq + 1).trimmed());
        const QByteArray decoded = QByteArray::fromPercentEncoding(value);
        if (decoded.startsWith("s:")) {
            if (name == "connect.sid")
                return signedCookieId(decoded);
            if (firstSigned.isEmpty())
                firstSigned = signedCookieId(decoded);
        } else if (name == "connect.sid" && unsignedSid.isEmpty()) {
            unsignedSid = plain(value);
        }
    }
    return !firstSigned.isEmpty() ? firstSigned : unsignedSid;
}

} // namespace sdcore
