#include "core/sentinel/masterresolver.h"

#include "core/sentinel/sentinelclient.h"

#include <spdlog/spdlog.h>

namespace sdcore {

Result<std::unique_ptr<RedisConnection>>
MasterResolver::openSentinel(const RedisUrl &sentinelUrl, const HostPort &sentinel,
                             const ConnectionOptions &options)
{
    RedisUrl plain = RedisUrl::tcp(sentinel.host, sentinel.port);
    plain.setTls(sentinelUrl.tls());
    auto conn = RedisConnection::open(plain, options);
    if (!conn && conn.error().kind == ErrorKind::NoAuth && sentinelUrl.hasPassword()) {
        plain.setUsername(sentinelUrl.username());
        plain.setPassword(sentinelUrl.password());
        conn = RedisConnection::open(plain, options);
    }
    return conn;
}

Result<ResolvedMaster> MasterResolver::resolve(const RedisUrl &url, const ConnectionOptions &options)
{
    ResolvedMaster out;
    bool unknownMaster = false;
    std::optional<ErrorKind> commonKind;   // of the failures, when they all agree
    auto noteKind = [&commonKind](ErrorKind kind) {
        commonKind = !commonKind || *commonKind == kind ? kind : ErrorKind::Refused;
    };
    for (const HostPort &sentinel : url.hosts()) {
        auto conn = openSentinel(url, sentinel, options);
        if (!conn) {
            out.skipped << QStringLiteral("sentinel %1: %2").arg(sentinel.toString(),
                                                                 conn.errorMessage());
            noteKind(conn.error().kind);
            continue;
        }
        auto r = (*conn)->command(
            Command{"SENTINEL", "GET-MASTER-ADDR-BY-NAME", url.masterName().toUtf8()});
        if (!r) {
            out.skipped << QStringLiteral("sentinel %1: %2").arg(sentinel.toString(),
                                                                 r.errorMessage());
            noteKind(r.error().kind);
            continue;
        }
        if (r->isNil() || r->size() != 2) {
            unknownMaster = true;
            out.skipped << QStringLiteral("sentinel %1 does not monitor a master named '%2'")
                               .arg(sentinel.toString(), url.masterName());
            continue;
        }
        bool portOk = false;
        const uint port = r->at(1).toString().toUInt(&portOk);
        if (!portOk || port == 0 || port > 65535) {
            out.skipped << QStringLiteral("sentinel %1 gave an invalid address").arg(sentinel.toString());
            continue;
        }
        out.master = HostPort{r->at(0).toString(), quint16(port)};
        out.answeredBy = sentinel;
        spdlog::debug("sentinel {} says master '{}' is at {}", sentinel.toString().toStdString(),
                      url.masterName().toStdString(), out.master.toString().toStdString());
        return out;
    }
    const QString why = out.skipped.join(QStringLiteral("; "));
    if (unknownMaster && out.skipped.size() == url.hosts().size()) {
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("No sentinel knows a master named '%1' (check the name after "
                                        "'#' in the URL): %2")
                             .arg(url.masterName(), why));
    }
    return makeError(commonKind.value_or(ErrorKind::Refused),
                     QStringLiteral("No sentinel could resolve master '%1': %2")
                         .arg(url.masterName(), why));
}

Result<ConnectedNode> MasterResolver::connect(const RedisUrl &url, const ConnectionOptions &options,
                                              bool requireMaster)
{
    ConnectedNode out;
    RedisUrl nodeUrl = url;
    if (url.isCluster()) {
        return makeError(ErrorKind::Unsupported,
                         QStringLiteral("%1 is a Redis Cluster: this works on one node; run it with "
                                        "redis://host:port of a primary")
                             .arg(url.toString()));
    }
    if (url.isSentinel()) {
        auto resolved = resolve(url, options);
        if (!resolved)
            return resolved.error();
        out.via = *resolved;
        nodeUrl = url.withNode(resolved->master);
    }
    out.node = nodeUrl.hosts().value(0);
    auto conn = RedisConnection::open(nodeUrl, options);
    if (!conn)
        return conn.error();
    auto role = MasterResolver::role(**conn);
    if (!role)
        return role.error();
    out.role = *role;
    if (requireMaster && url.isSentinel() && out.role != "master") {
        // Right after a failover a node can still report its old role; the caller retries.
        return makeError(ErrorKind::ReadOnly,
                         QStringLiteral("Sentinel named %1 as master of '%2', but it reports role "
                                        "'%3' (failover in progress?)")
                             .arg(out.node.toString(), url.masterName(),
                                  QString::fromUtf8(out.role)));
    }
    out.connection = std::move(*conn);
    return out;
}

Result<QByteArray> MasterResolver::role(RedisConnection &connection)
{
    auto role = connection.command(Command{"ROLE"});
    if (role)
        return role->isArray() && role->size() > 0 ? role->at(0).bytes() : QByteArray();
    if (role.error().kind != ErrorKind::NoPermission)
        return role.error();
    auto info = connection.command(Command{"INFO", "replication"});
    if (!info)
        return info.error();
    for (const QByteArray &line : info->bytes().split('\n')) {
        if (line.startsWith("role:"))
            return line.mid(5).trimmed();
    }
    return makeError(ErrorKind::Protocol, QStringLiteral("%1 gave no role in INFO replication").arg(connection.peer()));
}

Result<ConnectedNode> MasterResolver::connectReplica(const RedisUrl &url, const ConnectionOptions &options)
{
    if (!url.isSentinel()) {
        return makeError(ErrorKind::Unsupported,
                         QStringLiteral("Reading from a replica needs a Sentinel URL (redis-sentinel://…): "
                                        "Sentinel is what lists the replicas"));
    }
    QStringList why;
    auto sentinel = SentinelClient::connectAny(url, url.hosts(), options, &why);
    if (!sentinel)
        return sentinel.error();
    auto replicas = sentinel->replicas(url.masterName());
    if (!replicas)
        return replicas.error();
    std::optional<SentinelReplicaInfo> best;
    for (const SentinelReplicaInfo &r : std::as_const(*replicas)) {
        const bool down = r.flags.contains(QStringLiteral("s_down")) || r.flags.contains(QStringLiteral("o_down"))
            || r.flags.contains(QStringLiteral("disconnected"));
        if (down || r.masterLinkStatus != QStringLiteral("ok"))
            continue;
        if (!best || r.replOffset > best->replOffset)
            best = r;
    }
    if (!best) {
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("Sentinel lists no healthy replica of '%1' (%2 known)")
                             .arg(url.masterName())
                             .arg(replicas->size()));
    }
    ConnectedNode out;
    out.node = best->address;
    auto conn = RedisConnection::open(url.withNode(best->address), options);
    if (!conn)
        return conn.error();
    out.role = "slave";
    out.connection = std::move(*conn);
    return out;
}

} // namespace sdcore
