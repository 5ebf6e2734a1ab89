#include "core/sessions/sessionttl.h"

#include "core/support/jsontext.h"

#include <QRegularExpression>

namespace sdcore {

namespace {

// Sets the value and its TTL only if the value is still what was read.
constexpr char CompareAndSet[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return 0 end";

} // namespace

std::optional<qint64> SessionTtl::parseDuration(const QString &text)
{
    static const QRegularExpression plain(QStringLiteral("^[0-9]{1,12}$"));
    static const QRegularExpression parts(
        QStringLiteral("^(?:([0-9]{1,7})d)?(?:([0-9]{1,8})h)?(?:([0-9]{1,9})m)?(?:([0-9]{1,12})s)?$"));
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    // Bounded digits: no part can overflow, and nothing past about 27,000 years gets through.
    qint64 ms = 0;
    if (plain.match(t).hasMatch()) {
        ms = t.toLongLong() * 1000;
    } else {
        const auto m = parts.match(t);
        if (!m.hasMatch())
            return std::nullopt;
        ms = m.captured(1).toLongLong() * 86400000 + m.captured(2).toLongLong() * 3600000
             + m.captured(3).toLongLong() * 60000 + m.captured(4).toLongLong() * 1000;
    }
    return ms > 0 ? std::optional<qint64>(ms) : std::nullopt;
}

std::optional<QByteArray> SessionTtl::withCookieExpires(const QByteArray &value, const QDateTime &expires)
{
    if (!JsonText::isValid(value))
        return std::nullopt;
    const auto cookie = JsonText::member(value, "cookie");
    if (!cookie)
        return std::nullopt;
    const auto token = JsonText::member(*cookie, "expires");
    if (!token || !token->startsWith('"'))
        return std::nullopt;
    const qsizetype at = token->data() - value.constData();
    const QByteArray text = '"' + expires.toUTC().toString(Qt::ISODateWithMs).toLatin1() + '"';
    QByteArray out = value;
    out.replace(at, token->size(), text);
    return out;
}

Result<TouchResult> SessionTtl::touch(RedisConnection &connection, const QByteArray &key, qint64 ttlMs,
                                      bool updateCookie)
{
    TouchResult r;
    r.key = key;
    if (ttlMs <= 0)
        return makeError(ErrorKind::ServerError, QStringLiteral("a TTL must be longer than 0"));
    if (updateCookie) {
        auto value = connection.command(Command{"GET", key});
        if (!value)
            return value.error();
        if (value->isNil())
            return makeError(ErrorKind::NotFound, QStringLiteral("the session is gone (expired or deleted)"));
        r.expires = QDateTime::currentDateTimeUtc().addMSecs(ttlMs);
        const auto updated = withCookieExpires(value->bytes(), r.expires);
        if (!updated) {
            return makeError(ErrorKind::ServerError,
                             QStringLiteral("the session has no cookie.expires to update (not an express-session "
                                            "session?); nothing was changed"));
        }
        auto set = connection.command(Command{"EVAL", CompareAndSet, "1", key, value->bytes(), *updated,
                                              QByteArray::number(ttlMs)});
        if (!set)
            return set.error();
        if (set->isInteger() && set->toInteger() == 0) {
            return makeError(ErrorKind::ServerError,
                             QStringLiteral("the session changed while it was being updated (the app wrote it); "
                                            "nothing was changed: try again"));
        }
        r.cookieUpdated = true;
    } else {
        auto set = connection.command(Command{"PEXPIRE", key, QByteArray::number(ttlMs)});
        if (!set)
            return set.error();
        if (set->toInteger() == 0)
            return makeError(ErrorKind::NotFound, QStringLiteral("the session is gone (expired or deleted)"));
    }
    if (auto pttl = connection.command(Command{"PTTL", key}); pttl && pttl->isInteger())
        r.pttlMs = pttl->toInteger();
    return r;
}

} // namespace sdcore
