#include "core/redis/urltext.h"

#include <QUrl>

namespace sdcore::urltext {

// QChar::isDigit() and friends accept non-ASCII digits and letters; URLs must not.
bool isAsciiDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

bool isAsciiAlpha(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z');
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

bool isHostChar(QChar c)
{
    return isAsciiAlpha(c) || isAsciiDigit(c) || c == u'.' || c == u'-' || c == u'_';
}

bool isZoneChar(QChar c)
{
    return isHostChar(c) || c == u'~';
}

bool allDigits(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s) {
        if (!isAsciiDigit(c))
            return false;
    }
    return true;
}

// `digits` must be all ASCII digits. Leading zeros are skipped so that "007" is not mistaken
// for an overflow; anything above `max` yields nullopt.
std::optional<qint64> decimalValue(QStringView digits, qint64 max)
{
    while (digits.size() > 1 && digits.front() == u'0')
        digits = digits.sliced(1);
    if (digits.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (QChar c : digits)
        value = value * 10 + (c.unicode() - u'0');
    if (value > max)
        return std::nullopt;
    return value;
}

bool isSchemeToken(QStringView s)
{
    if (s.isEmpty() || !isAsciiAlpha(s.front()))
        return false;
    for (QChar c : s) {
        if (!isAsciiAlpha(c) && !isAsciiDigit(c) && c != u'+' && c != u'-' && c != u'.')
            return false;
    }
    return true;
}

// TLS spellings: rediss:// (redis-py, node-redis, Lettuce), rediss-sentinel:// (Lettuce), and
// the "+tls"/"+ssl" forms some configs use.
bool isTlsScheme(const QString &lower)
{
    static const QStringList tls{
        QStringLiteral("rediss"),           QStringLiteral("rediss-sentinel"),
        QStringLiteral("rediss+sentinel"),  QStringLiteral("redis+tls"),
        QStringLiteral("redis+ssl"),        QStringLiteral("redis-sentinel+tls"),
        QStringLiteral("redis-sentinel+ssl"), QStringLiteral("rediss-cluster"),
    };
    return tls.contains(lower);
}

bool isKnownScheme(const QString &lower)
{
    return lower == u"redis" || lower == u"unix" || lower == u"redis-sentinel" || lower == u"redis-cluster"
        || isTlsScheme(lower);
}

bool isIpv4(QStringView s)
{
    const auto parts = s.split(u'.');
    if (parts.size() != 4)
        return false;
    for (QStringView part : parts) {
        if (part.size() > 3 || !allDigits(part) || part.toInt() > 255)
            return false;
    }
    return true;
}

// Counts the 16-bit groups in a colon-separated run such as "fe80:0:1" (an IPv4 tail counts as
// two), or -1 when the run is malformed. Characters were already checked to be hex, ':' or '.'.
int ipv6Groups(QStringView run, bool allowIpv4Tail)
{
    if (run.isEmpty())
        return 0;
    const auto parts = run.split(u':');
    int groups = 0;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QStringView part = parts.at(i);
        if (part.contains(u'.')) {
            if (!allowIpv4Tail || i != parts.size() - 1 || !isIpv4(part))
                return -1;
            groups += 2;
        } else {
            if (part.isEmpty() || part.size() > 4)
                return -1;
            groups += 1;
        }
    }
    return groups;
}

bool isValidIpv6(QStringView addr)
{
    const qsizetype gap = addr.indexOf(u"::");
    if (gap < 0)
        return ipv6Groups(addr, true) == 8;
    if (addr.indexOf(u"::", gap + 1) >= 0)
        return false;   // a second "::" (or ":::")
    const int left = ipv6Groups(addr.first(gap), false);
    const int right = ipv6Groups(addr.sliced(gap + 2), true);
    return left >= 0 && right >= 0 && left + right <= 7;
}

QString encodeComponent(const QString &text, const QByteArray &keep)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text, keep));
}

// The form a host takes inside a URL: brackets for IPv6 and the zone's '%' written as %25
// (RFC 6874), so that parse() reads it back.
QString urlHostPort(const HostPort &node)
{
    if (!node.host.contains(u':'))
        return node.toString();
    QString host = node.host;
    host.replace(QStringLiteral("%"), QStringLiteral("%25"));
    return u'[' + host + QStringLiteral("]:") + QString::number(node.port);
}

} // namespace sdcore::urltext
