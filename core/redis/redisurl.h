#pragma once

// A parsed connection target. Pure value type, safe to copy between threads.
//
//   redis://[user[:password]@]host[:port][/db][?timeout=ms]
//   unix://[user[:password]@]/path/redis.sock[?db=N][&timeout=ms]
//   redis-sentinel://[user[:password]@]host[:port][,host2[:port2]...][/db][?timeout=ms]#masterName
//   redis-cluster://[user[:password]@]host[:port][,host2[:port2]...][?timeout=ms]
//
// A cluster URL lists seed nodes (any one reachable is enough; the others are discovered) and
// has only db 0. `rediss://`, `rediss-sentinel://` and `rediss-cluster://` are the same over TLS (to the sentinels and to the data
// nodes they name), with the TLS options as query parameters:
//   ?cacert=FILE&cert=FILE&key=FILE&sni=NAME&insecure=1
// toString() never shows the password; that is the one place a target becomes text.

#include "core/support/result.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace sdcore {

struct HostPort
{
    QString host;   // without brackets, also for IPv6
    quint16 port = 0;

    // "host:port", "[::1]:port" for IPv6.
    QString toString() const;
    bool operator==(const HostPort &other) const = default;
    bool operator<(const HostPort &other) const
    {
        return host != other.host ? host < other.host : port < other.port;
    }
};

// TLS settings of a connection, as redis-cli spells them (--cacert, --cert, --key, --sni,
// --insecure). The certificate chain is checked against caFile (the system's CAs when empty) and
// the certificate must name the host (or serverName, which is also sent as SNI); `insecure`
// skips both, and only when asked for.
struct TlsOptions
{
    bool enabled = false;
    QString caFile;
    QString certFile;     // client certificate (PEM), for servers with tls-auth-clients
    QString keyFile;      // its private key (PEM); the certificate file when empty
    QString serverName;   // SNI and the name verified; the host when empty
    bool insecure = false;

    bool operator==(const TlsOptions &other) const = default;
};

class RedisUrl
{
public:
    enum class Kind { Tcp, Unix, Sentinel, Cluster };

    static constexpr quint16 DefaultRedisPort = 6379;
    static constexpr quint16 DefaultSentinelPort = 26379;

    // Errors carry ErrorKind::BadUrl (or Unsupported for rediss://) and a message that names
    // what is wrong and the character position where it was found.
    static Result<RedisUrl> parse(const QString &text);

    static RedisUrl tcp(const QString &host, quint16 port, int db = 0);
    static RedisUrl sentinel(const QList<HostPort> &sentinels, const QString &masterName, int db = 0);
    static RedisUrl cluster(const QList<HostPort> &seeds);

    Kind kind() const { return m_kind; }
    bool isSentinel() const { return m_kind == Kind::Sentinel; }
    bool isCluster() const { return m_kind == Kind::Cluster; }

    // Redis nodes for Tcp (exactly one), the sentinels for Sentinel, the seeds for Cluster,
    // empty for Unix.
    const QList<HostPort> &hosts() const { return m_hosts; }
    QString socketPath() const { return m_socketPath; }
    QString masterName() const { return m_masterName; }
    int db() const { return m_db; }
    QString username() const { return m_username; }
    QString password() const { return m_password; }
    bool hasPassword() const { return !m_password.isEmpty(); }
    int timeoutMs() const { return m_timeoutMs; }   // 0 when the URL does not set one
    const TlsOptions &tls() const { return m_tls; }
    bool usesTls() const { return m_tls.enabled; }

    void setUsername(const QString &user) { m_username = user; }
    void setPassword(const QString &password) { m_password = password; }
    void setDb(int db) { m_db = db; }
    // Unix URLs cannot use TLS; the setting is ignored for them.
    void setTls(const TlsOptions &tls);

    // The same target with `host:port` as the single Redis node (used once Sentinel resolved
    // the master, and for each node of a cluster); credentials, db and TLS are kept.
    RedisUrl withNode(const HostPort &node) const;

    // The URL with the password replaced by "***". Used for display and logs.
    QString toString() const;
    // The URL with the password in clear, percent-encoded, for handing to another process.
    // Never log this.
    QString toSecretString() const;

    bool operator==(const RedisUrl &other) const = default;

private:
    QString build(bool revealPassword) const;

    Kind m_kind = Kind::Tcp;
    QList<HostPort> m_hosts;
    QString m_socketPath;
    QString m_masterName;
    QString m_username;
    QString m_password;
    int m_db = 0;
    int m_timeoutMs = 0;
    TlsOptions m_tls;
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::RedisUrl)
