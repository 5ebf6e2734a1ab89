#include "core/support/format.h"

#include "core/sessions/sessionscanner.h"
#include "core/support/keytext.h"

#include <QCoreApplication>
#include <QDateTime>

namespace sdcore::format {

QString ttl(qint64 pttlMs)
{
    if (pttlMs == -1)
        return QStringLiteral("no TTL");
    if (pttlMs < 0)
        return QStringLiteral("gone");
    const qint64 s = pttlMs / 1000;
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d%2h").arg(s / 86400).arg((s % 86400) / 3600, 2, 10, QLatin1Char('0'));
}

QString countdown(qint64 pttlMs)
{
    if (pttlMs == -1)
        return QCoreApplication::translate("format", "no TTL");
    if (pttlMs <= 0)
        return QCoreApplication::translate("format", "expired");
    const qint64 s = (pttlMs + 999) / 1000;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400) {
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    return QCoreApplication::translate("format", "%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString bytes(qint64 n, const QLocale &locale)
{
    return n < 0 ? QStringLiteral("–") : locale.formattedDataSize(n);
}

QString count(qint64 n, const QLocale &locale)
{
    return n < 0 ? QStringLiteral("–") : locale.toString(n);
}

QString age(qint64 seconds)
{
    if (seconds < 60)
        return QCoreApplication::translate("format", "%1 s ago").arg(seconds);
    if (seconds < 3600)
        return QCoreApplication::translate("format", "%1 min ago").arg(seconds / 60);
    return QCoreApplication::translate("format", "%1 h ago").arg(seconds / 3600);
}

QString sessionId(const QByteArray &key, const QByteArray &prefix)
{
    return KeyText::printable(key.startsWith(prefix) ? QByteArrayView(key).sliced(prefix.size()) : QByteArrayView(key));
}

QJsonObject sessionRowJson(const SessionRow &row, const QByteArray &prefix, qint64 nowMs)
{
    QJsonObject o{{"key", KeyText::printable(row.key)},
                  {"key_base64", QString::fromLatin1(row.key.toBase64())},
                  {"id", sessionId(row.key, prefix)},
                  {"ttl_ms", row.pttlMs},
                  {"size", row.size},
                  {"type", SessionRow::typeName(row.type)},
                  {"user", row.user}};
    if (row.pttlMs >= 0) {
        o.insert("expires_at",
                 QDateTime::fromMSecsSinceEpoch(nowMs + row.pttlMs, Qt::UTC).toString(Qt::ISODateWithMs));
    }
    return o;
}

} // namespace sdcore::format
