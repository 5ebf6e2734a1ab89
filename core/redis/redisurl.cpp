#include "core/redis/redisurl.h"

#include "core/redis/urltext.h"

#include <QStringDecoder>
#include <QUrl>

#include <climits>
#include <optional>

namespace sdcore {

using namespace urltext;

namespace {

// A parse step either succeeds silently or stops the whole parse with this error.
using Failure = std::optional<Error>;

const char *const kSupportedSchemes =
    "supported schemes: redis://, rediss://, unix://, redis-sentinel://, rediss-sentinel://, "
    "redis-cluster://, rediss-cluster://";

// Every message goes through here so that users always get the same shape and a position to
// look at. Callers pass only components that cannot be (part of) the password.
Error badUrl(const QString &what, qsizetype index)
{
    // The multi-argument arg() substitutes in one pass, so a '%' inside `what` stays literal.
    return makeError(ErrorKind::BadUrl, QStringLiteral("Invalid URL: %1 (at character %2)")
                                            .arg(what, QString::number(index + 1)));
}

Error badUrl(const char *what, qsizetype index)
{
    return badUrl(QString::fromLatin1(what), index);
}

struct Parsed
{
    RedisUrl::Kind kind = RedisUrl::Kind::Tcp;
    QList<HostPort> hosts;
    QString socketPath;
    QString masterName;
    QString username;
    QString password;
    int db = 0;
    int timeoutMs = 0;
    TlsOptions tls;
};

// Works on the trimmed text with absolute indexes so every error can point at its position.
class UrlParser
{
public:
    explicit UrlParser(const QString &text) : m_text(text) {}

    Failure run();
    const Parsed &parsed() const { return m_out; }

private:
    QStringView slice(qsizetype from, qsizetype to) const
    {
        return QStringView(m_text).sliced(from, to - from);
    }
    // First index in [from, to) holding one of `chars`, or `to`.
    qsizetype findAny(qsizetype from, qsizetype to, QStringView chars) const;

    Failure parseScheme(qsizetype *restStart);
    Failure parseNetworkTarget(qsizetype start);
    Failure parseUnixTarget(qsizetype start);
    Failure parseUserInfo(qsizetype from, qsizetype to);
    Failure parseHostList(qsizetype from, qsizetype to);
    Failure parseHostPort(qsizetype from, qsizetype to);
    Failure parseIpv6(qsizetype from, qsizetype to, QString *host);
    Failure parsePort(qsizetype from, qsizetype to, quint16 *port);
    Failure parseDb(qsizetype from, qsizetype to);
    Failure parseTimeout(qsizetype from, qsizetype to);
    Failure parseQuery(qsizetype from, qsizetype to);
    Failure parseInsecure(qsizetype from, qsizetype to);
    Failure decode(qsizetype from, qsizetype to, const char *what, bool echo, QString *out);

    const QString &m_text;
    Parsed m_out;
};

qsizetype UrlParser::findAny(qsizetype from, qsizetype to, QStringView chars) const
{
    for (qsizetype i = from; i < to; ++i) {
        if (chars.contains(m_text.at(i)))
            return i;
    }
    return to;
}

Failure UrlParser::run()
{
    if (m_text.isEmpty())
        return badUrl("empty URL", 0);
    qsizetype rest = 0;
    if (Failure f = parseScheme(&rest))
        return f;
    return m_out.kind == RedisUrl::Kind::Unix ? parseUnixTarget(rest) : parseNetworkTarget(rest);
}

Failure UrlParser::parseScheme(qsizetype *restStart)
{
    const QString supported = QString::fromLatin1(kSupportedSchemes);
    const qsizetype sep = m_text.indexOf(u"://");
    if (sep < 0) {
        // Only name the word before ':' when it is one of ours: in "user:secret@host" it is
        // the user name, but nothing else about a scheme-less string is safe to echo.
        const qsizetype colon = m_text.indexOf(u':');
        const QString candidate = colon > 0 ? m_text.left(colon).toLower() : QString();
        if (isKnownScheme(candidate))
            return badUrl(QStringLiteral("expected '://' after '%1'; %2").arg(candidate, supported),
                          colon);
        return badUrl(QStringLiteral("missing scheme (no '://'); ") + supported
                          + QStringLiteral(", e.g. redis://localhost:6379"),
                      0);
    }
    if (sep == 0)
        return badUrl(QStringLiteral("missing scheme before '://'; ") + supported, 0);
    const QStringView scheme = slice(0, sep);
    if (!isSchemeToken(scheme))
        return badUrl(QStringLiteral("malformed scheme; ") + supported, 0);

    const QString lower = scheme.toString().toLower();
    if (isTlsScheme(lower)) {
        m_out.tls.enabled = true;
        m_out.kind = lower.contains(u"sentinel") ? RedisUrl::Kind::Sentinel
                     : lower.contains(u"cluster") ? RedisUrl::Kind::Cluster
                                                  : RedisUrl::Kind::Tcp;
    } else if (lower == u"redis")
        m_out.kind = RedisUrl::Kind::Tcp;
    else if (lower == u"unix")
        m_out.kind = RedisUrl::Kind::Unix;
    else if (lower == u"redis-sentinel")
        m_out.kind = RedisUrl::Kind::Sentinel;
    else if (lower == u"redis-cluster")
        m_out.kind = RedisUrl::Kind::Cluster;
    else
        return badUrl(QStringLiteral("unknown scheme '%1'; %2").arg(scheme.toString(), supported), 0);
    *restStart = sep + 3;
    return {};
}

Failure UrlParser::parseNetworkTarget(qsizetype start)
{
    const qsizetype end = m_text.size();
    // Pasted passwords often hold a raw '@', '#', '/' or '?'. Nothing after the host may contain
    // a raw '@' (a master name needs %40), so the last '@' is the one separator that cannot be
    // inside the password, and no piece of the password reaches the host, db or query parsers.
    qsizetype hostStart = start;
    const qsizetype at = m_text.lastIndexOf(u'@');
    if (at >= start) {
        if (Failure f = parseUserInfo(start, at))
            return f;
        hostStart = at + 1;
    }
    const qsizetype hostEnd = findAny(hostStart, end, u"/?#");
    if (Failure f = parseHostList(hostStart, hostEnd))
        return f;

    qsizetype pos = hostEnd;
    if (pos < end && m_text.at(pos) == u'/') {
        const qsizetype dbEnd = findAny(pos + 1, end, u"?#");
        // "redis://host/" is common in configs and means the default db.
        if (dbEnd > pos + 1) {
            if (Failure f = parseDb(pos + 1, dbEnd))
                return f;
            if (m_out.kind == RedisUrl::Kind::Cluster && m_out.db != 0)
                return badUrl("a Redis Cluster has only db 0; remove the '/db' part", pos);
        }
        pos = dbEnd;
    }
    if (pos < end && m_text.at(pos) == u'?') {
        const qsizetype queryEnd = findAny(pos + 1, end, u"#");
        if (Failure f = parseQuery(pos + 1, queryEnd))
            return f;
        pos = queryEnd;
    }

    if (m_out.kind != RedisUrl::Kind::Sentinel) {
        if (pos < end)
            return badUrl("a '#' fragment is only allowed on redis-sentinel:// URLs, where it "
                          "names the master",
                          pos);
        return {};
    }
    if (pos >= end)
        return badUrl("missing master name; redis-sentinel:// URLs end with '#' and the master "
                      "name, e.g. redis-sentinel://host:26379#mymaster",
                      end);
    if (pos + 1 == end)
        return badUrl("empty master name after '#'", pos);
    return decode(pos + 1, end, "master name", true, &m_out.masterName);
}

Failure UrlParser::parseUnixTarget(qsizetype start)
{
    const qsizetype end = m_text.size();
    if (start == end)
        return badUrl("missing socket path, e.g. unix:///var/run/redis/redis.sock", start);

    qsizetype pathStart = start;
    if (m_text.at(start) != u'/') {
        // Credentials end right before the absolute path. A socket path may contain '@' itself
        // (systemd instances such as /run/redis@main/), so only "@/" separates them.
        const qsizetype at = m_text.lastIndexOf(u"@/");
        if (at < start) {
            const qsizetype lastAt = m_text.lastIndexOf(u'@');
            // The path is not echoed: without a '@/' we cannot tell it from a password.
            return badUrl("socket path must be absolute (start with '/'), e.g. "
                          "unix:///var/run/redis/redis.sock",
                          lastAt >= start ? lastAt + 1 : start);
        }
        if (Failure f = parseUserInfo(start, at))
            return f;
        pathStart = at + 1;
    }

    const qsizetype pathEnd = findAny(pathStart, end, u"?#");
    if (Failure f = decode(pathStart, pathEnd, "socket path", true, &m_out.socketPath))
        return f;
    // hiredis takes a C string; an embedded NUL would silently cut the path short.
    if (m_out.socketPath.contains(QChar(u'\0')))
        return badUrl("socket path contains a NUL character (%00)", pathStart);

    qsizetype pos = pathEnd;
    if (pos < end && m_text.at(pos) == u'?') {
        const qsizetype queryEnd = findAny(pos + 1, end, u"#");
        if (Failure f = parseQuery(pos + 1, queryEnd))
            return f;
        pos = queryEnd;
    }
    if (pos < end)
        return badUrl("a '#' fragment is only allowed on redis-sentinel:// URLs, where it names "
                      "the master",
                      pos);
    return {};
}

Failure UrlParser::parseUserInfo(qsizetype from, qsizetype to)
{
    // The user name cannot hold a raw ':' but the password can, so split at the first one.
    const qsizetype colon = findAny(from, to, u":");
    if (Failure f = decode(from, colon, "user name", true, &m_out.username))
        return f;
    if (colon < to)
        return decode(colon + 1, to, "password", false, &m_out.password);
    return {};
}

Failure UrlParser::parseHostList(qsizetype from, qsizetype to)
{
    if (m_out.kind != RedisUrl::Kind::Sentinel && m_out.kind != RedisUrl::Kind::Cluster) {
        const qsizetype comma = findAny(from, to, u",");
        if (comma < to)
            return badUrl("several hosts are only allowed in redis-sentinel:// and "
                          "redis-cluster:// URLs",
                          comma);
        return parseHostPort(from, to);
    }
    qsizetype itemStart = from;
    for (;;) {
        const qsizetype comma = findAny(itemStart, to, u",");
        if (Failure f = parseHostPort(itemStart, comma))
            return f;
        if (comma >= to)
            return {};
        itemStart = comma + 1;
    }
}

Failure UrlParser::parseHostPort(qsizetype from, qsizetype to)
{
    HostPort node;
    node.port = m_out.kind == RedisUrl::Kind::Sentinel ? RedisUrl::DefaultSentinelPort
                                                       : RedisUrl::DefaultRedisPort;
    if (from == to)
        return badUrl("empty host", from);

    qsizetype portColon = -1;
    if (m_text.at(from) == u'[') {
        const qsizetype close = findAny(from, to, u"]");
        if (close >= to)
            return badUrl("unclosed '[' in IPv6 address", from);
        if (Failure f = parseIpv6(from + 1, close, &node.host))
            return f;
        if (close + 1 < to) {
            if (m_text.at(close + 1) != u':')
                return badUrl(QStringLiteral("unexpected character '%1' after IPv6 address; "
                                             "expected ':' and a port")
                                  .arg(m_text.at(close + 1)),
                              close + 1);
            portColon = close + 1;
        }
    } else {
        const qsizetype colon = findAny(from, to, u":");
        if (colon < to && findAny(colon + 1, to, u":") < to)
            return badUrl("IPv6 addresses must be in brackets, e.g. [::1]:6379", from);
        if (colon == from)
            return badUrl("empty host", from);
        for (qsizetype i = from; i < colon; ++i) {
            if (!isHostChar(m_text.at(i)))
                return badUrl(QStringLiteral("invalid character '%1' in host name")
                                  .arg(m_text.at(i)),
                              i);
        }
        node.host = slice(from, colon).toString();
        if (colon < to)
            portColon = colon;
    }
    if (portColon >= 0) {
        if (Failure f = parsePort(portColon + 1, to, &node.port))
            return f;
    }
    m_out.hosts.append(node);
    return {};
}

Failure UrlParser::parseIpv6(qsizetype from, qsizetype to, QString *host)
{
    if (from == to)
        return badUrl("empty host between '[' and ']'", from - 1);

    const qsizetype percent = findAny(from, to, u"%");
    QString zone;
    if (percent < to) {
        // RFC 6874: the '%' that introduces a zone is itself percent-encoded in a URL.
        if (!slice(percent, to).startsWith(u"%25") || percent + 3 == to)
            return badUrl(QStringLiteral("invalid IPv6 zone; write it as %25 and the interface "
                                         "name, e.g. [fe80::1%25eth0]"),
                          percent);
        for (qsizetype i = percent + 3; i < to; ++i) {
            if (!isZoneChar(m_text.at(i)))
                return badUrl(QStringLiteral("invalid character '%1' in IPv6 zone")
                                  .arg(m_text.at(i)),
                              i);
        }
        zone = slice(percent + 3, to).toString();
    }
    for (qsizetype i = from; i < percent; ++i) {
        const QChar c = m_text.at(i);
        if (hexValue(c) < 0 && c != u':' && c != u'.')
            return badUrl(QStringLiteral("invalid character '%1' in IPv6 address").arg(c), i);
    }
    const QStringView addr = slice(from, percent);
    if (!isValidIpv6(addr))
        return badUrl(QStringLiteral("invalid IPv6 address '%1'").arg(addr.toString()), from);
    // getaddrinfo() wants the zone after a plain '%'.
    *host = zone.isEmpty() ? addr.toString() : addr.toString() + u'%' + zone;
    return {};
}

Failure UrlParser::parsePort(qsizetype from, qsizetype to, quint16 *port)
{
    if (from == to)
        return badUrl("missing port after ':'", from - 1);
    const QStringView text = slice(from, to);
    // A non-numeric "port" is not echoed: in "redis://user:secret" (the '@host' forgotten)
    // it is the password.
    if (!allDigits(text))
        return badUrl("invalid port: not a number (expected 1-65535)", from);
    const auto value = decimalValue(text, 65535);
    if (!value || *value == 0)
        return badUrl(QStringLiteral("invalid port %1 (expected 1-65535)").arg(text.toString()),
                      from);
    *port = quint16(*value);
    return {};
}

Failure UrlParser::parseDb(qsizetype from, qsizetype to)
{
    const QStringView text = slice(from, to);
    const bool negative = text.startsWith(u'-');
    const QStringView digits = negative ? text.sliced(1) : text;
    if (!allDigits(digits))
        return badUrl("invalid db: not a number (expected 0-2147483647)", from);
    const auto value = decimalValue(digits, INT_MAX);
    if (negative || !value)
        return badUrl(QStringLiteral("db out of range: %1 (expected 0-2147483647)")
                          .arg(text.toString()),
                      from);
    m_out.db = int(*value);
    return {};
}

Failure UrlParser::parseTimeout(qsizetype from, qsizetype to)
{
    const QStringView text = slice(from, to);
    if (!allDigits(text))
        return badUrl("invalid timeout: expected a positive number of milliseconds", from);
    const auto value = decimalValue(text, INT_MAX);
    if (!value)
        return badUrl(QStringLiteral("timeout out of range: %1 (at most 2147483647 ms)")
                          .arg(text.toString()),
                      from);
    if (*value == 0)
        return badUrl("invalid timeout 0: expected a positive number of milliseconds", from);
    m_out.timeoutMs = int(*value);
    return {};
}

Failure UrlParser::parseQuery(qsizetype from, qsizetype to)
{
    const bool isUnix = m_out.kind == RedisUrl::Kind::Unix;
    static const QStringList tlsKeys{QStringLiteral("cacert"), QStringLiteral("cert"), QStringLiteral("key"),
                                     QStringLiteral("sni"), QStringLiteral("insecure")};
    QStringList seen;
    qsizetype itemStart = from;
    for (;;) {
        const qsizetype itemEnd = findAny(itemStart, to, u"&");
        // Empty items ("?&timeout=5", a trailing '&') carry nothing; tolerate them.
        if (itemEnd > itemStart) {
            const qsizetype eq = findAny(itemStart, itemEnd, u"=");
            const QString key = slice(itemStart, eq).toString();
            const bool isTimeout = key == u"timeout";
            const bool isDb = isUnix && key == u"db";
            const bool isTls = !isUnix && tlsKeys.contains(key);
            if (!isTimeout && !isDb && !isTls) {
                if (key == u"db")
                    return badUrl("unknown query parameter 'db': give the database as a path "
                                  "instead, e.g. redis://host:6379/2",
                                  itemStart);
                return badUrl(QStringLiteral("unknown query parameter '%1' (supported: %2)")
                                  .arg(key, isUnix ? QStringLiteral("db, timeout")
                                                   : QStringLiteral("timeout, and with TLS cacert, cert, "
                                                                    "key, sni, insecure")),
                              itemStart);
            }
            if (isTls && !m_out.tls.enabled)
                return badUrl(QStringLiteral("'%1' is a TLS option; TLS URLs start with rediss:// or "
                                             "rediss-sentinel://")
                                  .arg(key),
                              itemStart);
            if (seen.contains(key))
                return badUrl(QStringLiteral("duplicate query parameter '%1'").arg(key), itemStart);
            seen << key;
            if (eq + 1 >= itemEnd)
                return badUrl(QStringLiteral("missing value for query parameter '%1'").arg(key),
                              itemStart);
            Failure f;
            if (isTimeout)
                f = parseTimeout(eq + 1, itemEnd);
            else if (isDb)
                f = parseDb(eq + 1, itemEnd);
            else if (key == u"insecure")
                f = parseInsecure(eq + 1, itemEnd);
            else if (key == u"cacert")
                f = decode(eq + 1, itemEnd, "CA file", true, &m_out.tls.caFile);
            else if (key == u"cert")
                f = decode(eq + 1, itemEnd, "certificate file", true, &m_out.tls.certFile);
            else if (key == u"key")
                f = decode(eq + 1, itemEnd, "key file", true, &m_out.tls.keyFile);
            else
                f = decode(eq + 1, itemEnd, "server name", true, &m_out.tls.serverName);
            if (f)
                return f;
        }
        if (itemEnd >= to)
            return {};
        itemStart = itemEnd + 1;
    }
}

Failure UrlParser::parseInsecure(qsizetype from, qsizetype to)
{
    const QString value = slice(from, to).toString().toLower();
    if (value == u"1" || value == u"true" || value == u"yes") {
        m_out.tls.insecure = true;
        return {};
    }
    if (value == u"0" || value == u"false" || value == u"no") {
        m_out.tls.insecure = false;
        return {};
    }
    return badUrl("invalid value for 'insecure': expected 1 or 0", from);
}

// Percent-decodes [from, to) as UTF-8. `echo` is false for the password so that not even the
// broken escape of a password ends up in a message.
Failure UrlParser::decode(qsizetype from, qsizetype to, const char *what, bool echo, QString *out)
{
    const QStringView in = slice(from, to);
    if (!in.contains(u'%')) {
        *out = in.toString();
        return {};
    }
    const QString whatText = QString::fromLatin1(what);
    QByteArray bytes;
    qsizetype runStart = 0;
    for (qsizetype i = 0; i < in.size(); ++i) {
        if (in.at(i) != u'%')
            continue;
        bytes += in.sliced(runStart, i - runStart).toUtf8();
        if (i + 2 >= in.size() || hexValue(in.at(i + 1)) < 0 || hexValue(in.at(i + 2)) < 0) {
            const QString shown =
                echo ? QStringLiteral(" '%1'").arg(in.sliced(i, std::min<qsizetype>(3, in.size() - i))
                                                       .toString())
                     : QString();
            // Built by concatenation: "%25" in an arg() template would be taken as a placeholder.
            return badUrl(QStringLiteral("invalid percent escape") + shown + QStringLiteral(" in the ")
                              + whatText
                              + QStringLiteral(" (escapes are '%' and two hex digits; write a "
                                               "literal '%' as %25)"),
                          from + i);
        }
        bytes += char(hexValue(in.at(i + 1)) * 16 + hexValue(in.at(i + 2)));
        i += 2;
        runStart = i + 1;
    }
    bytes += in.sliced(runStart).toUtf8();

    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString decoded = decoder.decode(bytes);
    if (decoder.hasError())
        return badUrl(QStringLiteral("the percent escapes in the %1 are not valid UTF-8").arg(whatText),
                      from);
    *out = std::move(decoded);
    return {};
}

} // namespace

QString HostPort::toString() const
{
    if (host.contains(u':'))
        return u'[' + host + QStringLiteral("]:") + QString::number(port);
    return host + u':' + QString::number(port);
}

Result<RedisUrl> RedisUrl::parse(const QString &text)
{
    const QString trimmed = text.trimmed();
    UrlParser parser(trimmed);
    if (Failure failure = parser.run())
        return *std::move(failure);

    const Parsed &p = parser.parsed();
    RedisUrl url;
    url.m_kind = p.kind;
    url.m_hosts = p.hosts;
    url.m_socketPath = p.socketPath;
    url.m_masterName = p.masterName;
    url.m_username = p.username;
    url.m_password = p.password;
    url.m_db = p.db;
    url.m_timeoutMs = p.timeoutMs;
    url.m_tls = p.tls;
    return url;
}

RedisUrl RedisUrl::tcp(const QString &host, quint16 port, int db)
{
    RedisUrl url;
    url.m_kind = Kind::Tcp;
    // Callers sometimes pass an address copied out of a URL, brackets included.
    const bool bracketed = host.size() >= 2 && host.startsWith(u'[') && host.endsWith(u']');
    url.m_hosts = {HostPort{bracketed ? host.mid(1, host.size() - 2) : host, port}};
    url.m_db = db;
    return url;
}

RedisUrl RedisUrl::cluster(const QList<HostPort> &seeds)
{
    RedisUrl url;
    url.m_kind = Kind::Cluster;
    url.m_hosts = seeds;
    return url;
}

RedisUrl RedisUrl::sentinel(const QList<HostPort> &sentinels, const QString &masterName, int db)
{
    RedisUrl url;
    url.m_kind = Kind::Sentinel;
    url.m_hosts = sentinels;
    url.m_masterName = masterName;
    url.m_db = db;
    return url;
}

void RedisUrl::setTls(const TlsOptions &tls)
{
    if (m_kind != Kind::Unix)
        m_tls = tls;
}

RedisUrl RedisUrl::withNode(const HostPort &node) const
{
    RedisUrl url = *this;
    url.m_kind = Kind::Tcp;
    url.m_hosts = {node};
    url.m_masterName.clear();
    url.m_socketPath.clear();
    return url;
}

QString RedisUrl::toString() const
{
    return build(false);
}

QString RedisUrl::toSecretString() const
{
    return build(true);
}

QString RedisUrl::build(bool revealPassword) const
{
    QString out;
    switch (m_kind) {
    case Kind::Tcp: out = m_tls.enabled ? QStringLiteral("rediss://") : QStringLiteral("redis://"); break;
    case Kind::Unix: out = QStringLiteral("unix://"); break;
    case Kind::Sentinel:
        out = m_tls.enabled ? QStringLiteral("rediss-sentinel://") : QStringLiteral("redis-sentinel://");
        break;
    case Kind::Cluster:
        out = m_tls.enabled ? QStringLiteral("rediss-cluster://") : QStringLiteral("redis-cluster://");
        break;
    }

    const bool hasUserInfo = !m_username.isEmpty() || !m_password.isEmpty();
    if (hasUserInfo) {
        out += encodeComponent(m_username);
        if (!m_password.isEmpty())
            out += u':' + (revealPassword ? encodeComponent(m_password) : QStringLiteral("***"));
        out += u'@';
    }

    if (m_kind == Kind::Unix) {
        // With credentials in front, a raw "@/" inside the path would be read as their end.
        out += encodeComponent(m_socketPath, hasUserInfo ? QByteArray("/:+,=")
                                                         : QByteArray("/:+,=@"));
        QStringList query;
        if (m_db != 0)
            query << QStringLiteral("db=") + QString::number(m_db);
        if (m_timeoutMs > 0)
            query << QStringLiteral("timeout=") + QString::number(m_timeoutMs);
        if (!query.isEmpty())
            out += u'?' + query.join(u'&');
        return out;
    }

    QStringList nodes;
    for (const HostPort &node : m_hosts)
        nodes << urlHostPort(node);
    out += nodes.join(u',');
    if (m_db != 0)
        out += u'/' + QString::number(m_db);
    QStringList query;
    if (m_timeoutMs > 0)
        query << QStringLiteral("timeout=") + QString::number(m_timeoutMs);
    if (m_tls.enabled) {
        const auto add = [&query](const char *key, const QString &value) {
            if (!value.isEmpty())
                query << QLatin1String(key) + u'=' + encodeComponent(value, "/");
        };
        add("cacert", m_tls.caFile);
        add("cert", m_tls.certFile);
        add("key", m_tls.keyFile);
        add("sni", m_tls.serverName);
        if (m_tls.insecure)
            query << QStringLiteral("insecure=1");
    }
    if (!query.isEmpty())
        out += u'?' + query.join(u'&');
    if (m_kind == Kind::Sentinel)
        out += u'#' + encodeComponent(m_masterName);
    return out;
}

} // namespace sdcore
