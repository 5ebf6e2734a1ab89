#pragma once

// Extends or shortens one session's life: PEXPIRE, and on request the session's cookie.expires
// rewritten to match, the way connect-redis would store it (the JSON's own text kept byte for
// byte but for that one string; the value and its TTL written in one step, and only when nobody
// changed the session in between). Blocking, on the connection's thread.

#include "core/redis/redisconnection.h"

#include <QDateTime>

#include <optional>

namespace sdcore {

struct TouchResult
{
    QByteArray key;
    qint64 pttlMs = -2;          // the TTL the server reports afterwards
    bool cookieUpdated = false;
    QDateTime expires;           // the cookie's new expiry, when updated (UTC)
};

class SessionTtl
{
public:
    // `ttlMs` > 0. With `updateCookie`, cookie.expires becomes now + ttl (a session without a
    // cookie.expires string is an error: nothing is changed).
    static Result<TouchResult> touch(RedisConnection &connection, const QByteArray &key, qint64 ttlMs,
                                     bool updateCookie);
    // "90s", "30m", "2h", "7d", "1h30m" or plain seconds, in milliseconds; nullopt otherwise.
    static std::optional<qint64> parseDuration(const QString &text);
    // `value` with its cookie.expires string replaced by `expires` (ISO 8601 with ms, UTC, as
    // express-session writes it); nullopt when it has none.
    static std::optional<QByteArray> withCookieExpires(const QByteArray &value, const QDateTime &expires);
};

} // namespace sdcore
