#include "core/store/sessionstore.h"

#include "core/support/jsontext.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace sdcore {

namespace {

int digitsAt(QByteArrayView s, qsizetype at, int count, bool *ok)
{
    int v = 0;
    for (int k = 0; k < count; ++k) {
        const char c = s[at + k];
        if (c < '0' || c > '9') {
            *ok = false;
            return 0;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

// Date.prototype.toJSON's form, "2026-11-25T10:00:00.000Z", as ms since the epoch, without
// QDateTime (this runs on every session write); nullopt for any other form.
std::optional<qint64> parseJsDate(QByteArrayView s)
{
    if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
        || s[19] != '.' || s[23] != 'Z') {
        return std::nullopt;
    }
    bool ok = true;
    const int y = digitsAt(s, 0, 4, &ok), mo = digitsAt(s, 5, 2, &ok), d = digitsAt(s, 8, 2, &ok);
    const int h = digitsAt(s, 11, 2, &ok), mi = digitsAt(s, 14, 2, &ok), se = digitsAt(s, 17, 2, &ok);
    const int ms = digitsAt(s, 20, 3, &ok);
    if (!ok || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
        return std::nullopt;
    // Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    const int yy = y - (mo <= 2 ? 1 : 0);
    const int era = (yy >= 0 ? yy : yy - 399) / 400;
    const int yoe = yy - era * 400;
    const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const qint64 days = qint64(era) * 146097 + doe - 719468;
    return ((days * 24 + h) * 60 + mi) * 60000LL + se * 1000LL + ms;
}

} // namespace

Result<qint64> SessionStore::ttlSeconds(const QByteArray &session, qint64 defaultTtl, const QDateTime &now)
{
    if (!JsonText::isValid(session) || !JsonText::forEachMember(session, [](const JsonText::Member &) { return false; })) {
        // The slow parser only to say what is wrong.
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(session, &error);
        return makeError(ErrorKind::ServerError,
                         error.error != QJsonParseError::NoError
                             ? QStringLiteral("The session is not JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset)
                             : QStringLiteral("The session is JSON but not an object"));
    }
    // As connect-redis: `if (sess.cookie && sess.cookie.expires)`; a falsy value means none.
    const auto cookie = JsonText::member(session, "cookie");
    if (!cookie || !cookie->startsWith('{'))
        return defaultTtl;
    const auto expires = JsonText::member(*cookie, "expires");
    if (!expires || *expires == "null" || *expires == "false" || *expires == "\"\"")
        return defaultTtl;
    qint64 expiresMs = 0;
    if (expires->startsWith('"')) {
        std::optional<qint64> at;
        if (const auto plain = JsonText::plainString(*expires))
            at = parseJsDate(*plain);
        if (!at) {
            // Another date form: as new Date(text) would, or NaN (which deletes the session).
            const QJsonDocument doc = QJsonDocument::fromJson("[" + expires->toByteArray() + "]");
            const QDateTime parsed = QDateTime::fromString(doc.array().at(0).toString(), Qt::ISODateWithMs);
            if (!parsed.isValid())
                return qint64(0);
            at = parsed.toMSecsSinceEpoch();
        }
        expiresMs = *at;
    } else if (*expires == "true") {
        expiresMs = 1;   // new Date(true): the epoch's first millisecond
    } else if (expires->startsWith('{') || expires->startsWith('[')) {
        return qint64(0);   // new Date({}) is NaN
    } else {
        const double v = expires->toDouble();
        if (v == 0)
            return defaultTtl;
        expiresMs = qint64(v);
    }
    return qint64(std::ceil(double(expiresMs - now.toMSecsSinceEpoch()) / 1000.0));
}

} // namespace sdcore
