#include "sessionstore.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace sdcore {

Result<qint64> SessionStore::ttlSeconds(const QByteArray &session, qint64 defaultTtl, const QDateTime &now)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(session, &error);
    if (!doc.isObject()) {
        return makeError(ErrorKind::ServerError,
                         error.error != QJsonParseError::NoError
                             ? QStringLiteral("The session is not JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset)
                             : QStringLiteral("The session is JSON but not an object"));
    }
    // As connect-redis: `if (sess.cookie && sess.cookie.expires)`, a falsy value means none.
    const QJsonValue expires = doc.object().value(QStringLiteral("cookie")).toObject().value(QStringLiteral("expires"));
    qint64 expiresMs = 0;
    if (expires.isString() && !expires.toString().isEmpty()) {
        const QDateTime at = QDateTime::fromString(expires.toString(), Qt::ISODateWithMs);
        // new Date("garbage") is NaN there, and a NaN TTL is not > 0: the session is deleted.
        if (!at.isValid())
            return qint64(0);
        expiresMs = at.toMSecsSinceEpoch();
    } else if (expires.isDouble() && expires.toDouble() != 0) {
        expiresMs = qint64(expires.toDouble());
    } else {
        return defaultTtl;
    }
    return qint64(std::ceil(double(expiresMs - now.toMSecsSinceEpoch()) / 1000.0));
}

} // namespace sdcore
