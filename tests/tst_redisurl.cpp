#include "core/redis/redisurl.h"
#include "tests/support/testsupport.h"

#include <QTest>
#include <QUrl>

using namespace sdcore;

namespace sdcore {
// Lets QCOMPARE print both sides of a failed RedisUrl comparison (test passwords only).
char *toString(const RedisUrl &url)
{
    return qstrdup(url.toSecretString().toUtf8().constData());
}
} // namespace sdcore

namespace {

QString kindName(RedisUrl::Kind kind)
{
    switch (kind) {
    case RedisUrl::Kind::Tcp: return QStringLiteral("tcp");
    case RedisUrl::Kind::Unix: return QStringLiteral("unix");
    case RedisUrl::Kind::Sentinel: return QStringLiteral("sentinel");
    case RedisUrl::Kind::Cluster: return QStringLiteral("cluster");
    }
    return QStringLiteral("?");
}

QString joinedHosts(const RedisUrl &url)
{
    QStringList out;
    for (const HostPort &node : url.hosts())
        out << node.toString();
    return out.join(u',');
}

QString bad()
{
    return errorKindName(ErrorKind::BadUrl);
}

QString encoded(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

} // namespace

class TestRedisUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesValidUrls_data();
    void parsesValidUrls();
    void rejectsInvalidUrls_data();
    void rejectsInvalidUrls();
    void reportsErrorPosition_data();
    void reportsErrorPosition();
    void unknownSchemeListsSupportedOnes();
    void parsesTls();
    void formatsCanonically_data();
    void formatsCanonically();
    void toStringNeverShowsPassword_data();
    void toStringNeverShowsPassword();
    void errorsNeverShowPassword_data();
    void errorsNeverShowPassword();
    void secretStringRoundTrips_data();
    void secretStringRoundTrips();
    void hostPortToString_data();
    void hostPortToString();
    void factories();
    void withNodeKeepsCredentials();
};

void TestRedisUrl::parsesValidUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("hosts");       // HostPort::toString() joined by ','
    QTest::addColumn<QString>("firstHost");   // HostPort::host of the first node, no brackets
    QTest::addColumn<int>("db");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("master");
    QTest::addColumn<QString>("socket");
    QTest::addColumn<int>("timeout");

    const QString none;
    const QString tcp = QStringLiteral("tcp");
    const QString unix = QStringLiteral("unix");
    const QString sentinel = QStringLiteral("sentinel");
    const QString cluster = QStringLiteral("cluster");

    QTest::newRow("minimal") << "redis://localhost" << tcp << "localhost:6379" << "localhost" << 0
                             << none << none << none << none << 0;
    QTest::newRow("port and db") << "redis://127.0.0.1:6380/2" << tcp << "127.0.0.1:6380"
                                 << "127.0.0.1" << 2 << none << none << none << none << 0;
    QTest::newRow("everything") << "redis://alice:secret@cache.example.com:7000/5?timeout=2500"
                                << tcp << "cache.example.com:7000" << "cache.example.com" << 5
                                << "alice" << "secret" << none << none << 2500;
    QTest::newRow("password only") << "redis://:hunter2@host" << tcp << "host:6379" << "host" << 0
                                   << none << "hunter2" << none << none << 0;
    QTest::newRow("user only") << "redis://bob@host" << tcp << "host:6379" << "host" << 0 << "bob"
                               << none << none << none << 0;
    QTest::newRow("empty password") << "redis://alice:@host" << tcp << "host:6379" << "host" << 0
                                    << "alice" << none << none << none << 0;
    QTest::newRow("encoded @ : % / in password")
        << "redis://:p%40ss%3Aw%25rd%2F@host" << tcp << "host:6379" << "host" << 0 << none
        << "p@ss:w%rd/" << none << none << 0;
    QTest::newRow("encoded user") << "redis://us%40er%3A1:pw@host" << tcp << "host:6379" << "host"
                                  << 0 << "us@er:1" << "pw" << none << none << 0;
    QTest::newRow("raw @ in password") << "redis://:p@ss@host:6380" << tcp << "host:6380" << "host"
                                       << 0 << none << "p@ss" << none << none << 0;
    QTest::newRow("raw @ and : in password") << "redis://alice:a:b@c@host" << tcp << "host:6379"
                                             << "host" << 0 << "alice" << "a:b@c" << none << none
                                             << 0;
    QTest::newRow("raw # / ? in password") << "redis://:p#s/s?w@host/1" << tcp << "host:6379"
                                           << "host" << 1 << none << "p#s/s?w" << none << none
                                           << 0;
    QTest::newRow("utf-8 password") << "redis://:%C3%BC%E2%82%AC@host" << tcp << "host:6379"
                                    << "host" << 0 << none
                                    << QString::fromUtf8("\xc3\xbc\xe2\x82\xac") << none << none
                                    << 0;
    QTest::newRow("ipv6 loopback") << "redis://[::1]:6380" << tcp << "[::1]:6380" << "::1" << 0
                                   << none << none << none << none << 0;
    QTest::newRow("ipv6 default port") << "redis://[::1]" << tcp << "[::1]:6379" << "::1" << 0
                                       << none << none << none << none << 0;
    QTest::newRow("ipv6 with ipv4 tail") << "redis://u:pw@[::ffff:192.0.2.1]/3" << tcp
                                         << "[::ffff:192.0.2.1]:6379" << "::ffff:192.0.2.1" << 3
                                         << "u" << "pw" << none << none << 0;
    QTest::newRow("full ipv6") << "redis://[2001:db8:0:0:0:0:2:1]:7000" << tcp
                               << "[2001:db8:0:0:0:0:2:1]:7000" << "2001:db8:0:0:0:0:2:1" << 0
                               << none << none << none << none << 0;
    QTest::newRow("trailing slash") << "redis://host/" << tcp << "host:6379" << "host" << 0
                                    << none << none << none << none << 0;
    QTest::newRow("limits") << "redis://my_host-1.example.com:65535/2147483647" << tcp
                            << "my_host-1.example.com:65535" << "my_host-1.example.com"
                            << 2147483647 << none << none << none << none << 0;
    QTest::newRow("whitespace trimmed") << " \tredis://host:1234 \n" << tcp << "host:1234"
                                        << "host" << 0 << none << none << none << none << 0;
    QTest::newRow("upper-case scheme") << "REDIS://Host" << tcp << "Host:6379" << "Host" << 0
                                       << none << none << none << none << 0;
    QTest::newRow("timeout") << "redis://h?timeout=1" << tcp << "h:6379" << "h" << 0 << none
                             << none << none << none << 1;

    QTest::newRow("sentinel minimal") << "redis-sentinel://s1#mymaster" << sentinel << "s1:26379"
                                      << "s1" << 0 << none << none << "mymaster" << none << 0;
    QTest::newRow("several sentinels")
        << "redis-sentinel://user:pw@s1:26380,s2,10.0.0.3:26381/3?timeout=100#my%20master"
        << sentinel << "s1:26380,s2:26379,10.0.0.3:26381" << "s1" << 3 << "user" << "pw"
        << "my master" << none << 100;
    QTest::newRow("sentinel ipv6 and zone")
        << "redis-sentinel://[::1]:26379,[fe80::1%25eth0]:26380#m" << sentinel
        << "[::1]:26379,[fe80::1%eth0]:26380" << "::1" << 0 << none << none << "m" << none << 0;
    QTest::newRow("sentinel raw @ in password") << "redis-sentinel://:p@ss@h1,h2#m" << sentinel
                                                << "h1:26379,h2:26379" << "h1" << 0 << none
                                                << "p@ss" << "m" << none << 0;
    QTest::newRow("sentinel raw # in password") << "redis-sentinel://:p#ss@h1#m" << sentinel
                                                << "h1:26379" << "h1" << 0 << none << "p#ss"
                                                << "m" << none << 0;
    QTest::newRow("sentinel encoded master") << "redis-sentinel://h#a%40b%23c" << sentinel
                                             << "h:26379" << "h" << 0 << none << none << "a@b#c"
                                             << none << 0;

    QTest::newRow("cluster one seed") << "redis-cluster://10.0.0.1" << cluster << "10.0.0.1:6379" << "10.0.0.1"
                                      << 0 << none << none << none << none << 0;
    QTest::newRow("cluster seeds") << "redis-cluster://app:p@ss@n1:7000,n2,[::1]:7002/?timeout=250" << cluster
                                   << "n1:7000,n2:6379,[::1]:7002" << "n1" << 0 << "app" << "p@ss" << none << none
                                   << 250;
    QTest::newRow("cluster db 0") << "REDIS-CLUSTER://h/0" << cluster << "h:6379" << "h" << 0 << none << none
                                  << none << none << 0;

    QTest::newRow("unix") << "unix:///tmp/redis.sock" << unix << none << none << 0 << none << none
                          << none << "/tmp/redis.sock" << 0;
    QTest::newRow("unix db") << "unix:///tmp/redis.sock?db=3" << unix << none << none << 3 << none
                             << none << none << "/tmp/redis.sock" << 0;
    QTest::newRow("unix credentials db timeout")
        << "unix://:pw@/var/run/redis.sock?db=1&timeout=300" << unix << none << none << 1 << none
        << "pw" << none << "/var/run/redis.sock" << 300;
    QTest::newRow("unix @ in path") << "unix://alice:s%40cret@/run/redis@main/redis.sock" << unix
                                    << none << none << 0 << "alice" << "s@cret" << none
                                    << "/run/redis@main/redis.sock" << 0;
    QTest::newRow("unix encoded path") << "unix:///tmp/my%20dir/r.sock" << unix << none << none
                                       << 0 << none << none << none << "/tmp/my dir/r.sock" << 0;
}

void TestRedisUrl::parsesValidUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, kind);
    QFETCH(QString, hosts);
    QFETCH(QString, firstHost);
    QFETCH(int, db);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, master);
    QFETCH(QString, socket);
    QFETCH(int, timeout);

    const auto parsed = RedisUrl::parse(url);
    QVERIFY_OK(parsed);
    const RedisUrl &u = *parsed;
    QCOMPARE(kindName(u.kind()), kind);
    QCOMPARE(u.isSentinel(), kind == QLatin1String("sentinel"));
    QCOMPARE(joinedHosts(u), hosts);
    QCOMPARE(u.hosts().isEmpty() ? QString() : u.hosts().first().host, firstHost);
    QCOMPARE(u.db(), db);
    QCOMPARE(u.username(), user);
    QCOMPARE(u.password(), password);
    QCOMPARE(u.hasPassword(), !password.isEmpty());
    QCOMPARE(u.masterName(), master);
    QCOMPARE(u.socketPath(), socket);
    QCOMPARE(u.timeoutMs(), timeout);
}

void TestRedisUrl::rejectsInvalidUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("kind");   // errorKindName()
    QTest::addColumn<QString>("message");   // expected substring

    QTest::newRow("empty") << "" << bad() << "empty URL";
    QTest::newRow("blank") << "  \t " << bad() << "empty URL";
    QTest::newRow("no scheme") << "localhost:6379" << bad() << "missing scheme";
    QTest::newRow("bare host") << "localhost" << bad() << "missing scheme";
    QTest::newRow("nothing before ://") << "://host" << bad() << "missing scheme";
    QTest::newRow("scheme without //") << "redis:host:6379" << bad()
                                       << "expected '://' after 'redis'";
    QTest::newRow("unknown scheme") << "http://host" << bad() << "unknown scheme 'http'";
    QTest::newRow("malformed scheme") << "re dis://host" << bad() << "malformed scheme";
    QTest::newRow("TLS option without TLS") << "redis://h?cacert=/ca.pem" << bad()
                                            << "'cacert' is a TLS option";
    QTest::newRow("TLS option on a socket") << "unix:///tmp/r.sock?sni=x" << bad()
                                            << "unknown query parameter 'sni'";
    QTest::newRow("bad insecure value") << "rediss://h?insecure=maybe" << bad() << "'insecure'";
    QTest::newRow("duplicate TLS option") << "rediss://h?sni=a&sni=b" << bad() << "duplicate";
    QTest::newRow("empty CA file") << "rediss://h?cacert=" << bad() << "missing value";

    QTest::newRow("empty host") << "redis://" << bad() << "empty host";
    QTest::newRow("empty host after credentials") << "redis://:pw@" << bad() << "empty host";
    QTest::newRow("empty host before port") << "redis://:6379" << bad() << "empty host";
    QTest::newRow("empty host before db") << "redis:///2" << bad() << "empty host";
    QTest::newRow("space in host") << "redis://my host" << bad()
                                   << "invalid character ' ' in host name";
    QTest::newRow("several hosts on redis://") << "redis://h1,h2" << bad() << "several hosts";
    QTest::newRow("cluster db 1") << "redis-cluster://h1,h2/1" << bad() << "only db 0";
    QTest::newRow("cluster fragment") << "redis-cluster://h1#m" << bad() << "fragment";
    QTest::newRow("cluster empty seed") << "redis-cluster://h1,,h2" << bad() << "empty host";
    QTest::newRow("cluster trailing comma") << "redis-cluster://h1," << bad() << "empty host";
    QTest::newRow("cluster without ://") << "redis-cluster:h1" << bad() << "expected '://'";

    QTest::newRow("non-numeric port") << "redis://host:abc" << bad() << "invalid port";
    QTest::newRow("empty port") << "redis://host:" << bad() << "missing port";
    QTest::newRow("port 0") << "redis://host:0" << bad() << "invalid port 0";
    QTest::newRow("port 70000") << "redis://host:70000" << bad() << "invalid port 70000";
    QTest::newRow("signed port") << "redis://host:+80" << bad() << "invalid port";
    QTest::newRow("huge port") << "redis://host:99999999999999999999999" << bad() << "invalid port";

    QTest::newRow("db too big") << "redis://host/99999999999" << bad() << "db out of range";
    QTest::newRow("db int overflow") << "redis://host/2147483648" << bad() << "db out of range";
    QTest::newRow("negative db") << "redis://host/-1" << bad() << "db out of range";
    QTest::newRow("non-numeric db") << "redis://host/abc" << bad() << "invalid db";
    QTest::newRow("db with more path") << "redis://host/1/2" << bad() << "invalid db";
    QTest::newRow("signed db") << "redis://host/+1" << bad() << "invalid db";
    QTest::newRow("unix negative db") << "unix:///tmp/r.sock?db=-1" << bad() << "db out of range";
    QTest::newRow("unix non-numeric db") << "unix:///tmp/r.sock?db=x" << bad() << "invalid db";
    QTest::newRow("unix db too big") << "unix:///tmp/r.sock?db=99999999999" << bad()
                                     << "db out of range";

    QTest::newRow("empty master name") << "redis-sentinel://h#" << bad() << "empty master name";
    QTest::newRow("sentinel without #") << "redis-sentinel://h:26379" << bad()
                                        << "missing master name";
    QTest::newRow("sentinel without host") << "redis-sentinel://#m" << bad() << "empty host";
    QTest::newRow("sentinel empty list item") << "redis-sentinel://h1,,h2#m" << bad()
                                              << "empty host";
    QTest::newRow("sentinel trailing comma") << "redis-sentinel://h1,#m" << bad() << "empty host";
    QTest::newRow("sentinel bad port") << "redis-sentinel://h1,h2:99999#m" << bad()
                                       << "invalid port 99999";
    QTest::newRow("fragment on redis://") << "redis://host#frag" << bad() << "fragment";
    QTest::newRow("fragment on unix://") << "unix:///tmp/r.sock#x" << bad() << "fragment";

    QTest::newRow("bad escape in password") << "redis://:p%zzw@host" << bad()
                                            << "invalid percent escape in the password";
    QTest::newRow("short escape in password") << "redis://:pw%4@host" << bad()
                                              << "invalid percent escape in the password";
    QTest::newRow("escape cut at end") << "redis://:pw%@host" << bad() << "invalid percent escape";
    QTest::newRow("bad escape in user") << "redis://us%zz:pw@host" << bad()
                                        << "invalid percent escape '%zz' in the user name";
    QTest::newRow("bad escape in master") << "redis-sentinel://h#m%g1" << bad()
                                          << "in the master name";
    QTest::newRow("bad escape in socket path") << "unix:///tmp/%4" << bad()
                                               << "in the socket path";
    QTest::newRow("not utf-8") << "redis://:%FF@host" << bad() << "not valid UTF-8";
    QTest::newRow("NUL in socket path") << "unix:///tmp/a%00b" << bad() << "NUL";

    QTest::newRow("unknown parameter") << "redis://host?foo=1" << bad()
                                       << "unknown query parameter 'foo'";
    QTest::newRow("db parameter on redis://") << "redis://host?db=2" << bad()
                                              << "unknown query parameter 'db'";
    QTest::newRow("unknown parameter on unix") << "unix:///tmp/r.sock?db=1&ssl=true" << bad()
                                               << "unknown query parameter 'ssl'";
    QTest::newRow("timeout 0") << "redis://host?timeout=0" << bad() << "invalid timeout";
    QTest::newRow("timeout with unit") << "redis://host?timeout=5s" << bad() << "invalid timeout";
    QTest::newRow("timeout without value") << "redis://host?timeout" << bad()
                                           << "missing value for query parameter 'timeout'";
    QTest::newRow("timeout empty value") << "redis://host?timeout=" << bad() << "missing value";
    QTest::newRow("duplicate timeout") << "redis://host?timeout=1&timeout=2" << bad()
                                       << "duplicate query parameter 'timeout'";

    QTest::newRow("unclosed bracket") << "redis://[::1:6379" << bad() << "unclosed '['";
    QTest::newRow("unclosed bracket in list") << "redis-sentinel://[::1,h2#m" << bad()
                                              << "unclosed '['";
    QTest::newRow("garbage after bracket") << "redis://[::1]6379" << bad()
                                           << "after IPv6 address";
    QTest::newRow("bad ipv6 character") << "redis://[::g]" << bad()
                                        << "invalid character 'g' in IPv6 address";
    QTest::newRow("too few ipv6 groups") << "redis://[1:2]" << bad() << "invalid IPv6 address";
    QTest::newRow("two ::") << "redis://[1::2::3]" << bad() << "invalid IPv6 address";
    QTest::newRow("empty brackets") << "redis://[]:6379" << bad() << "empty host";
    QTest::newRow("zone without %25") << "redis://[fe80::1%eth0]" << bad() << "IPv6 zone";
    QTest::newRow("unbracketed ipv6") << "redis://fe80::1" << bad() << "must be in brackets";

    QTest::newRow("relative unix path") << "unix://tmp/redis.sock" << bad() << "absolute";
    QTest::newRow("relative unix path after credentials") << "unix://:pw@tmp/redis.sock" << bad()
                                                          << "absolute";
    QTest::newRow("unix without path") << "unix://" << bad() << "missing socket path";
}

void TestRedisUrl::rejectsInvalidUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, kind);
    QFETCH(QString, message);

    const auto parsed = RedisUrl::parse(url);
    if (parsed.ok())
        QFAIL(qPrintable(QStringLiteral("accepted as %1").arg(parsed->toString())));
    QCOMPARE(errorKindName(parsed.error().kind), kind);
    const QString text = parsed.errorMessage();
    QVERIFY2(text.contains(message), qPrintable(text));
    QVERIFY2(text.startsWith(QLatin1String("Invalid URL: ")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String(" (at character ")), qPrintable(text));
}

void TestRedisUrl::reportsErrorPosition_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("position");   // 1-based, in the trimmed input

    QTest::newRow("empty") << "" << 1;
    QTest::newRow("unknown scheme") << "http://h" << 1;
    QTest::newRow("bad port") << "redis://host:abc" << 14;
    QTest::newRow("port 0, leading blanks ignored") << "   redis://host:0" << 14;
    QTest::newRow("bad db") << "redis://h/x" << 11;
    QTest::newRow("fragment") << "redis://:pw@h#x" << 14;
    QTest::newRow("bad escape") << "redis://:p%zz@h" << 11;
    QTest::newRow("empty list item") << "redis-sentinel://h1,,h2#m" << 21;
    QTest::newRow("second query parameter") << "redis://h?timeout=1&bogus=2" << 21;
    QTest::newRow("missing master at the end") << "redis-sentinel://h" << 19;
    QTest::newRow("host char") << "redis://ab!c" << 11;
    QTest::newRow("relative unix path") << "unix://tmp/r.sock" << 8;
}

void TestRedisUrl::reportsErrorPosition()
{
    QFETCH(QString, url);
    QFETCH(int, position);

    const auto parsed = RedisUrl::parse(url);
    QVERIFY(!parsed.ok());
    const QString expected = QStringLiteral("(at character %1)").arg(position);
    QVERIFY2(parsed.errorMessage().endsWith(expected), qPrintable(parsed.errorMessage()));
}

void TestRedisUrl::unknownSchemeListsSupportedOnes()
{
    for (const QString &url : {QStringLiteral("http://host"), QStringLiteral("localhost:6379")}) {
        const auto parsed = RedisUrl::parse(url);
        QVERIFY(!parsed.ok());
        const QString text = parsed.errorMessage();
        QVERIFY2(text.contains(QLatin1String("redis://")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("unix://")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("redis-sentinel://")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("redis-cluster://")), qPrintable(text));
    }
}

void TestRedisUrl::parsesTls()
{
    const auto parsed = RedisUrl::parse(
        QStringLiteral("rediss://:pw@host:6380/2?cacert=/etc/redis/ca%20file.pem&cert=/c.pem&key=/k.pem&sni=redis.example.com&insecure=0"));
    QVERIFY_OK(parsed);
    QCOMPARE(parsed->kind(), RedisUrl::Kind::Tcp);
    QVERIFY(parsed->usesTls());
    QCOMPARE(parsed->tls().caFile, QStringLiteral("/etc/redis/ca file.pem"));
    QCOMPARE(parsed->tls().certFile, QStringLiteral("/c.pem"));
    QCOMPARE(parsed->tls().keyFile, QStringLiteral("/k.pem"));
    QCOMPARE(parsed->tls().serverName, QStringLiteral("redis.example.com"));
    QVERIFY(!parsed->tls().insecure);
    QCOMPARE(parsed->toString(),
             QStringLiteral("rediss://:***@host:6380/2?cacert=/etc/redis/ca%20file.pem&cert=/c.pem&key=/k.pem&sni=redis.example.com"));
    // The data nodes a sentinel names are reached over TLS as well.
    QVERIFY(parsed->withNode(HostPort{QStringLiteral("10.0.0.2"), 6381}).usesTls());

    const auto upper = RedisUrl::parse(QStringLiteral("REDISS://host"));
    QVERIFY(upper.ok() && upper->usesTls() && upper->kind() == RedisUrl::Kind::Tcp);
    QCOMPARE(upper->hosts().first().port, quint16(6379));
    const auto alias = RedisUrl::parse(QStringLiteral("redis+tls://h?insecure=1"));
    QVERIFY(alias.ok() && alias->usesTls() && alias->tls().insecure);
    QCOMPARE(alias->toString(), QStringLiteral("rediss://h:6379?insecure=1"));
    const auto sentinel = RedisUrl::parse(QStringLiteral("rediss-sentinel://h1,h2:26380?cacert=/ca.pem#m"));
    QVERIFY_OK(sentinel);
    QCOMPARE(sentinel->kind(), RedisUrl::Kind::Sentinel);
    QVERIFY(sentinel->usesTls());
    QCOMPARE(sentinel->toString(), QStringLiteral("rediss-sentinel://h1:26379,h2:26380?cacert=/ca.pem#m"));
    const auto cluster = RedisUrl::parse(QStringLiteral("rediss-cluster://:pw@h1,h2:7001?cacert=/ca.pem&sni=r.example"));
    QVERIFY_OK(cluster);
    QCOMPARE(cluster->kind(), RedisUrl::Kind::Cluster);
    QVERIFY(cluster->isCluster());
    QVERIFY(cluster->usesTls());
    QCOMPARE(cluster->toString(), QStringLiteral("rediss-cluster://:***@h1:6379,h2:7001?cacert=/ca.pem&sni=r.example"));
    // Each node of the cluster is a plain TLS node with the same credentials.
    const RedisUrl node = cluster->withNode(HostPort{QStringLiteral("10.0.0.7"), 7005});
    QCOMPARE(node.kind(), RedisUrl::Kind::Tcp);
    QVERIFY(node.usesTls());
    QCOMPARE(node.password(), QStringLiteral("pw"));
    QCOMPARE(RedisUrl::parse(cluster->toSecretString())->password(), QStringLiteral("pw"));
    // Plain URLs stay plain, and a unix socket never takes TLS.
    QVERIFY(!RedisUrl::parse(QStringLiteral("redis://h"))->usesTls());
    RedisUrl socket = *RedisUrl::parse(QStringLiteral("unix:///tmp/r.sock"));
    socket.setTls(TlsOptions{true, {}, {}, {}, {}, false});
    QVERIFY(!socket.usesTls());
}

void TestRedisUrl::formatsCanonically_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QString>("secret");

    QTest::newRow("user password db")
        << "redis://alice:secret@127.0.0.1:6380/2" << "redis://alice:***@127.0.0.1:6380/2"
        << "redis://alice:secret@127.0.0.1:6380/2";
    QTest::newRow("password only") << "redis://:pw@h" << "redis://:***@h:6379"
                                   << "redis://:pw@h:6379";
    QTest::newRow("no credentials, db 0 dropped") << "redis://h/0" << "redis://h:6379"
                                                  << "redis://h:6379";
    QTest::newRow("user only") << "redis://bob@h" << "redis://bob@h:6379" << "redis://bob@h:6379";
    QTest::newRow("user needing encoding") << "redis://us%3Aer:x@h" << "redis://us%3Aer:***@h:6379"
                                           << "redis://us%3Aer:x@h:6379";
    QTest::newRow("raw @ in password") << "redis://:p@ss@h" << "redis://:***@h:6379"
                                       << "redis://:p%40ss@h:6379";
    QTest::newRow("ipv6 with timeout") << "redis://[::1]:6380?timeout=500"
                                       << "redis://[::1]:6380?timeout=500"
                                       << "redis://[::1]:6380?timeout=500";
    QTest::newRow("sentinels") << "redis-sentinel://h1,h2:26380#mymaster"
                               << "redis-sentinel://h1:26379,h2:26380#mymaster"
                               << "redis-sentinel://h1:26379,h2:26380#mymaster";
    QTest::newRow("sentinel everything")
        << "redis-sentinel://u:pw@h/4?timeout=10#my%20master"
        << "redis-sentinel://u:***@h:26379/4?timeout=10#my%20master"
        << "redis-sentinel://u:pw@h:26379/4?timeout=10#my%20master";
    QTest::newRow("sentinel ipv6 zone") << "redis-sentinel://[fe80::1%25eth0]:26380#m"
                                        << "redis-sentinel://[fe80::1%25eth0]:26380#m"
                                        << "redis-sentinel://[fe80::1%25eth0]:26380#m";
    QTest::newRow("unix db") << "unix:///tmp/r.sock?db=3" << "unix:///tmp/r.sock?db=3"
                             << "unix:///tmp/r.sock?db=3";
    QTest::newRow("unix password timeout") << "unix://:pw@/tmp/r.sock?timeout=5"
                                           << "unix://:***@/tmp/r.sock?timeout=5"
                                           << "unix://:pw@/tmp/r.sock?timeout=5";
}

void TestRedisUrl::formatsCanonically()
{
    QFETCH(QString, url);
    QFETCH(QString, display);
    QFETCH(QString, secret);

    const auto parsed = RedisUrl::parse(url);
    QVERIFY_OK(parsed);
    QCOMPARE(parsed->toString(), display);
    QCOMPARE(parsed->toSecretString(), secret);
}

void TestRedisUrl::toStringNeverShowsPassword_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("password");

    QTest::newRow("encoded specials") << "redis://alice:Zebra%40Quokka%3A42@h:6380/2"
                                      << "Zebra@Quokka:42";
    QTest::newRow("encoded percent") << "redis://:Wombat%25x@h" << "Wombat%x";
    QTest::newRow("raw @") << "redis://:Platypus@ss@h" << "Platypus@ss";
    QTest::newRow("sentinel") << "redis-sentinel://u:Narwhal99@s1,s2/1?timeout=5#m" << "Narwhal99";
    QTest::newRow("unix") << "unix://:Axolotl77@/tmp/r.sock?db=2" << "Axolotl77";
    QTest::newRow("ipv6") << "redis://admin:Capybara%2F%3F%23@[::1]:6380" << "Capybara/?#";
}

void TestRedisUrl::toStringNeverShowsPassword()
{
    QFETCH(QString, url);
    QFETCH(QString, password);

    const auto parsed = RedisUrl::parse(url);
    QVERIFY_OK(parsed);
    QCOMPARE(parsed->password(), password);

    const QString display = parsed->toString();
    QVERIFY2(!display.contains(password), qPrintable(display));
    QVERIFY2(!display.contains(encoded(password)), qPrintable(display));
    QVERIFY2(display.contains(QLatin1String(":***@")), qPrintable(display));
    QVERIFY(parsed->toSecretString().contains(encoded(password)));

    // Derived URLs must hide it just as well.
    const QString node = parsed->withNode(HostPort{QStringLiteral("10.0.0.9"), 6390}).toString();
    QVERIFY2(!node.contains(password), qPrintable(node));
}

void TestRedisUrl::errorsNeverShowPassword_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("secret");   // must not appear in the message

    const QString secret = QStringLiteral("Zebra42");
    QTest::newRow("bad port") << "redis://alice:Zebra42@host:abc" << secret;
    QTest::newRow("port 0") << "redis://alice:Zebra42@host:0" << secret;
    QTest::newRow("bad db") << "redis://alice:Zebra42@host/abc" << secret;
    QTest::newRow("negative db") << "redis://alice:Zebra42@host/-5" << secret;
    QTest::newRow("unknown parameter") << "redis://alice:Zebra42@host?foo=1" << secret;
    QTest::newRow("bad timeout") << "redis://alice:Zebra42@host?timeout=x" << secret;
    QTest::newRow("fragment") << "redis://alice:Zebra42@host#frag" << secret;
    QTest::newRow("empty host") << "redis://alice:Zebra42@" << secret;
    QTest::newRow("bad host") << "redis://alice:Zebra42@ho st" << secret;
    QTest::newRow("unclosed bracket") << "redis://alice:Zebra42@[::1" << secret;
    QTest::newRow("several hosts") << "redis://alice:Zebra42@h1,h2" << secret;
    QTest::newRow("bad escape") << "redis://alice:Zebra%zz42@host" << "Zebra";
    QTest::newRow("short escape") << "redis://alice:Zebra42%4@host" << secret;
    QTest::newRow("not utf-8") << "redis://alice:Zebra42%FF@host" << secret;
    QTest::newRow("sentinel without master") << "redis-sentinel://alice:Zebra42@h1,h2" << secret;
    QTest::newRow("sentinel empty master") << "redis-sentinel://alice:Zebra42@h1#" << secret;
    QTest::newRow("sentinel, raw # in password") << "redis-sentinel://alice:Zeb#ra42@h" << "ra42";
    QTest::newRow("raw / in password, bad port") << "redis://alice:Zeb/ra42@host:x" << "ra42";
    QTest::newRow("rediss") << "rediss://alice:Zebra42@host?cacert=" << secret;
    QTest::newRow("unknown scheme") << "http://alice:Zebra42@host" << secret;
    QTest::newRow("missing ://") << "redis//alice:Zebra42@host" << secret;
    QTest::newRow("forgot @host") << "redis://alice:Zebra42" << secret;
    QTest::newRow("relative unix path") << "unix://alice:Zebra42@tmp/r.sock" << secret;
    QTest::newRow("unix bad db") << "unix://alice:Zebra42@/tmp/r.sock?db=x" << secret;
}

void TestRedisUrl::errorsNeverShowPassword()
{
    QFETCH(QString, url);
    QFETCH(QString, secret);

    const auto parsed = RedisUrl::parse(url);
    QVERIFY(!parsed.ok());
    QVERIFY2(!parsed.errorMessage().contains(secret), qPrintable(parsed.errorMessage()));
}

void TestRedisUrl::secretStringRoundTrips_data()
{
    QTest::addColumn<RedisUrl>("url");

    RedisUrl specials = RedisUrl::tcp(QStringLiteral("cache.local"), 6380, 4);
    specials.setUsername(QStringLiteral("al:ce@x"));
    specials.setPassword(QString::fromUtf8("p@ss:w/rd%?#&= \xc3\xbc\xe2\x82\xac"));
    QTest::newRow("tcp with special characters") << specials;

    RedisUrl escapeLike = RedisUrl::tcp(QStringLiteral("::1"), 6379);
    escapeLike.setPassword(QStringLiteral("a%2Fb%zz"));
    QTest::newRow("password that looks escaped") << escapeLike;

    RedisUrl tls = RedisUrl::tcp(QStringLiteral("h"), 6380);
    tls.setPassword(QStringLiteral("pw&cacert=x"));
    tls.setTls(TlsOptions{true, QStringLiteral("/ca dir/&ca.pem"), QStringLiteral("/c?.pem"),
                          QStringLiteral("/k#.pem"), QStringLiteral("redis.example.com"), true});
    QTest::newRow("TLS with files") << tls;

    RedisUrl stars = RedisUrl::tcp(QStringLiteral("h"), 1);
    stars.setPassword(QStringLiteral("***"));
    QTest::newRow("password of stars") << stars;

    RedisUrl sentinels = RedisUrl::sentinel(
        {HostPort{QStringLiteral("fe80::1%eth0"), 26380}, HostPort{QStringLiteral("s2"), 26379}},
        QStringLiteral("my master#1@x"), 2);
    sentinels.setUsername(QStringLiteral("ops"));
    sentinels.setPassword(QStringLiteral("se:cr@t/#?"));
    QTest::newRow("sentinel with zone and odd master") << sentinels;

    const QStringList parsedUrls{
        QStringLiteral("unix://:p%40ss@/tmp/my%20dir/r@1.sock?db=5&timeout=250"),
        QStringLiteral("unix:///run/redis@main/redis.sock"),
        QStringLiteral("redis-sentinel://:p@ss@h1,[::1]:26380/1?timeout=9#m"),
        QStringLiteral("redis://:p@ss#w/o?rd@host:6380/3"),
        QStringLiteral("redis://us%40er:%25%3A%40%2F@[::ffff:10.0.0.1]"),
    };
    for (const QString &text : parsedUrls) {
        const auto parsed = RedisUrl::parse(text);
        QVERIFY_OK(parsed);
        QTest::newRow(qPrintable(text)) << *parsed;
    }
}

void TestRedisUrl::secretStringRoundTrips()
{
    QFETCH(RedisUrl, url);

    const QString secret = url.toSecretString();
    const auto reparsed = RedisUrl::parse(secret);
    QVERIFY_OK(reparsed);
    QCOMPARE(*reparsed, url);
    // The canonical form is a fixed point.
    QCOMPARE(reparsed->toSecretString(), secret);
}

void TestRedisUrl::hostPortToString_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("expected");

    QTest::newRow("name") << "redis.local" << 6379 << "redis.local:6379";
    QTest::newRow("ipv4") << "10.0.0.1" << 26379 << "10.0.0.1:26379";
    QTest::newRow("ipv6") << "::1" << 6380 << "[::1]:6380";
    QTest::newRow("ipv6 zone") << "fe80::1%eth0" << 26380 << "[fe80::1%eth0]:26380";
}

void TestRedisUrl::hostPortToString()
{
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, expected);

    QCOMPARE((HostPort{host, quint16(port)}.toString()), expected);
}

void TestRedisUrl::factories()
{
    const RedisUrl tcp = RedisUrl::tcp(QStringLiteral("10.0.0.1"), 6390, 2);
    QCOMPARE(tcp.kind(), RedisUrl::Kind::Tcp);
    QCOMPARE(tcp.hosts(), (QList<HostPort>{HostPort{QStringLiteral("10.0.0.1"), 6390}}));
    QCOMPARE(tcp.db(), 2);
    QVERIFY(!tcp.hasPassword());
    QCOMPARE(tcp.toString(), QStringLiteral("redis://10.0.0.1:6390/2"));
    QCOMPARE(*RedisUrl::parse(tcp.toString()), tcp);

    const RedisUrl bracketed = RedisUrl::tcp(QStringLiteral("[::1]"), 6379);
    QCOMPARE(bracketed.hosts().first().host, QStringLiteral("::1"));
    QCOMPARE(bracketed.toString(), QStringLiteral("redis://[::1]:6379"));

    const RedisUrl sentinel = RedisUrl::sentinel(
        {HostPort{QStringLiteral("s1"), 26379}, HostPort{QStringLiteral("::1"), 26380}},
        QStringLiteral("mymaster"));
    QVERIFY(sentinel.isSentinel());
    QCOMPARE(sentinel.masterName(), QStringLiteral("mymaster"));
    QCOMPARE(sentinel.db(), 0);
    QCOMPARE(sentinel.toString(), QStringLiteral("redis-sentinel://s1:26379,[::1]:26380#mymaster"));
    QCOMPARE(*RedisUrl::parse(sentinel.toString()), sentinel);
}

void TestRedisUrl::withNodeKeepsCredentials()
{
    const auto parsed =
        RedisUrl::parse(QStringLiteral("redis-sentinel://u:pw@s1,s2/3?timeout=100#mymaster"));
    QVERIFY_OK(parsed);

    const HostPort master{QStringLiteral("10.0.0.5"), 6390};
    const RedisUrl node = parsed->withNode(master);
    QCOMPARE(node.kind(), RedisUrl::Kind::Tcp);
    QVERIFY(!node.isSentinel());
    QCOMPARE(node.hosts(), QList<HostPort>{master});
    QVERIFY(node.masterName().isEmpty());
    QCOMPARE(node.username(), QStringLiteral("u"));
    QCOMPARE(node.password(), QStringLiteral("pw"));
    QCOMPARE(node.db(), 3);
    QCOMPARE(node.timeoutMs(), 100);
    QCOMPARE(node.toString(), QStringLiteral("redis://u:***@10.0.0.5:6390/3?timeout=100"));

    // The original is untouched.
    QVERIFY(parsed->isSentinel());
    QCOMPARE(parsed->hosts().size(), 2);
}

QTEST_APPLESS_MAIN(TestRedisUrl)
#include "tst_redisurl.moc"
