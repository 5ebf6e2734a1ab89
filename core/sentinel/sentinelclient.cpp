#include "core/sentinel/sentinelclient.h"

#include "core/sentinel/masterresolver.h"

namespace sdcore {

namespace {

Result<HostPort> addressOf(const RedisValue &reply)
{
    bool ok = false;
    const uint port = reply.field("port").toUInt(&ok);
    const QString host = QString::fromUtf8(reply.field("ip"));
    if (host.isEmpty() || !ok || port == 0 || port > 65535) {
        return makeError(ErrorKind::Protocol, QStringLiteral("Sentinel reply without a valid ip/port: %1")
                                                  .arg(reply.debugString().left(200)));
    }
    return HostPort{host, quint16(port)};
}

QStringList flagsOf(const RedisValue &reply)
{
    return QString::fromUtf8(reply.field("flags")).split(QLatin1Char(','), Qt::SkipEmptyParts);
}

qint64 integerField(const RedisValue &reply, QByteArrayView key)
{
    bool ok = false;
    const qint64 v = reply.field(key).toLongLong(&ok);
    return ok ? v : -1;
}

bool isUnknownSubcommand(const RedisValue &reply)
{
    const QByteArray &text = reply.bytes();
    return reply.isError()
        && (text.contains("Unknown sentinel subcommand") || text.contains("unknown subcommand"));
}

} // namespace

SentinelClient::SentinelClient(std::unique_ptr<RedisConnection> connection, HostPort address)
    : m_connection(std::move(connection)), m_address(std::move(address))
{
}

SentinelClient::~SentinelClient() = default;

Result<SentinelClient> SentinelClient::connectAny(const RedisUrl &url, const QList<HostPort> &sentinels,
                                                  const ConnectionOptions &options, QStringList *why)
{
    QStringList skipped;
    std::optional<Error> last;
    for (const HostPort &s : sentinels) {
        auto conn = MasterResolver::openSentinel(url, s, options);
        if (conn)
            return SentinelClient(std::move(*conn), s);
        skipped << QStringLiteral("sentinel %1: %2").arg(s.toString(), conn.errorMessage());
        last = conn.error();
    }
    if (why)
        *why = skipped;
    if (!last)
        return makeError(ErrorKind::BadUrl, QStringLiteral("No sentinel address to connect to"));
    return makeError(last->kind, QStringLiteral("No sentinel answered: %1").arg(skipped.join(QStringLiteral("; "))));
}

Error SentinelClient::replyError(const RedisValue &reply, const Command &argv, const QString &name) const
{
    const QByteArray &text = reply.bytes();
    if (text.contains("No such master") || text.startsWith("ERR No such master")) {
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("Sentinel %1 does not monitor a master named '%2'")
                             .arg(m_address.toString(), name));
    }
    return m_connection->errorFromReply(reply, argv);
}

Result<SentinelMasterInfo> SentinelClient::parseMaster(const RedisValue &reply)
{
    if (!reply.isArray() || reply.size() % 2 != 0)
        return makeError(ErrorKind::Protocol, QStringLiteral("Unexpected SENTINEL MASTER reply: %1")
                                                  .arg(reply.debugString().left(200)));
    auto address = addressOf(reply);
    if (!address)
        return address.error();
    SentinelMasterInfo m;
    m.name = QString::fromUtf8(reply.field("name"));
    m.address = *address;
    m.flags = flagsOf(reply);
    m.quorum = int(integerField(reply, "quorum"));
    m.numOtherSentinels = int(integerField(reply, "num-other-sentinels"));
    m.numReplicas = int(integerField(reply, "num-slaves"));
    m.lastOkPingMs = integerField(reply, "last-ok-ping-reply");
    m.failoverTimeoutMs = integerField(reply, "failover-timeout");
    m.roleReported = QString::fromUtf8(reply.field("role-reported"));
    return m;
}

Result<SentinelReplicaInfo> SentinelClient::parseReplica(const RedisValue &reply)
{
    if (!reply.isArray() || reply.size() % 2 != 0)
        return makeError(ErrorKind::Protocol, QStringLiteral("Unexpected replica entry: %1")
                                                  .arg(reply.debugString().left(200)));
    auto address = addressOf(reply);
    if (!address)
        return address.error();
    SentinelReplicaInfo r;
    r.address = *address;
    r.flags = flagsOf(reply);
    r.masterLinkStatus = QString::fromUtf8(reply.field("master-link-status"));
    r.masterLinkDownTimeMs = integerField(reply, "master-link-down-time");
    r.replOffset = integerField(reply, "slave-repl-offset");
    r.lastOkPingMs = integerField(reply, "last-ok-ping-reply");
    r.roleReported = QString::fromUtf8(reply.field("role-reported"));
    return r;
}

Result<SentinelPeerInfo> SentinelClient::parsePeer(const RedisValue &reply)
{
    if (!reply.isArray() || reply.size() % 2 != 0)
        return makeError(ErrorKind::Protocol, QStringLiteral("Unexpected sentinel entry: %1")
                                                  .arg(reply.debugString().left(200)));
    auto address = addressOf(reply);
    if (!address)
        return address.error();
    SentinelPeerInfo p;
    p.address = *address;
    p.runId = QString::fromUtf8(reply.field("runid"));
    p.flags = flagsOf(reply);
    p.lastOkPingMs = integerField(reply, "last-ok-ping-reply");
    return p;
}

Result<QList<SentinelReplicaInfo>> SentinelClient::parseReplicas(const RedisValue &reply) const
{
    if (!reply.isArray())
        return makeError(ErrorKind::Protocol, QStringLiteral("Unexpected SENTINEL REPLICAS reply"));
    QList<SentinelReplicaInfo> out;
    for (const RedisValue &e : reply.elements()) {
        auto r = parseReplica(e);
        if (!r)
            return r.error();
        out << *r;
    }
    return out;
}

Result<QList<SentinelPeerInfo>> SentinelClient::parsePeers(const RedisValue &reply) const
{
    if (!reply.isArray())
        return makeError(ErrorKind::Protocol, QStringLiteral("Unexpected SENTINEL SENTINELS reply"));
    QList<SentinelPeerInfo> out;
    for (const RedisValue &e : reply.elements()) {
        auto p = parsePeer(e);
        if (!p)
            return p.error();
        out << *p;
    }
    return out;
}

Result<QList<SentinelMasterInfo>> SentinelClient::masters()
{
    const Command argv{"SENTINEL", "MASTERS"};
    auto r = m_connection->reply(argv);
    if (!r)
        return r.error();
    if (r->isError())
        return replyError(*r, argv, QString());
    QList<SentinelMasterInfo> out;
    for (const RedisValue &e : r->elements()) {
        auto m = parseMaster(e);
        if (!m)
            return m.error();
        out << *m;
    }
    return out;
}

Result<SentinelMasterInfo> SentinelClient::master(const QString &name)
{
    const Command argv{"SENTINEL", "MASTER", name.toUtf8()};
    auto r = m_connection->reply(argv);
    if (!r)
        return r.error();
    if (r->isError())
        return replyError(*r, argv, name);
    return parseMaster(*r);
}

Result<QList<SentinelReplicaInfo>> SentinelClient::replicas(const QString &name)
{
    Command argv{"SENTINEL", "REPLICAS", name.toUtf8()};
    auto r = m_connection->reply(argv);
    if (r && isUnknownSubcommand(*r)) {
        argv[1] = "SLAVES";
        r = m_connection->reply(argv);
    }
    if (!r)
        return r.error();
    if (r->isError())
        return replyError(*r, argv, name);
    return parseReplicas(*r);
}

Result<QList<SentinelPeerInfo>> SentinelClient::sentinels(const QString &name)
{
    const Command argv{"SENTINEL", "SENTINELS", name.toUtf8()};
    auto r = m_connection->reply(argv);
    if (!r)
        return r.error();
    if (r->isError())
        return replyError(*r, argv, name);
    return parsePeers(*r);
}

Result<HostPort> SentinelClient::masterAddress(const QString &name)
{
    const Command argv{"SENTINEL", "GET-MASTER-ADDR-BY-NAME", name.toUtf8()};
    auto r = m_connection->reply(argv);
    if (!r)
        return r.error();
    if (r->isError())
        return replyError(*r, argv, name);
    if (r->isNil()) {
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("Sentinel %1 does not monitor a master named '%2'")
                             .arg(m_address.toString(), name));
    }
    bool ok = false;
    const uint port = r->size() == 2 ? r->at(1).bytes().toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535)
        return makeError(ErrorKind::Protocol, QStringLiteral("Unexpected GET-MASTER-ADDR-BY-NAME reply: %1")
                                                  .arg(r->debugString().left(200)));
    return HostPort{r->at(0).toString(), quint16(port)};
}

Result<QString> SentinelClient::checkQuorum(const QString &name)
{
    const Command argv{"SENTINEL", "CKQUORUM", name.toUtf8()};
    auto r = m_connection->reply(argv);
    if (!r)
        return r.error();
    if (r->isError()) {
        if (r->bytes().startsWith("NOQUORUM"))
            return makeError(ErrorKind::ServerError, r->toString());
        return replyError(*r, argv, name);
    }
    return r->toString();
}

Status SentinelClient::failover(const QString &name)
{
    const Command argv{"SENTINEL", "FAILOVER", name.toUtf8()};
    auto r = m_connection->reply(argv);
    if (!r)
        return r.error();
    if (!r->isError())
        return success();
    const QByteArray &text = r->bytes();
    if (text.startsWith("NOGOODSLAVE")) {
        return makeError(ErrorKind::ServerError,
                         QStringLiteral("Sentinel %1 found no replica fit to become master "
                                        "(NOGOODSLAVE): every replica is down, disconnected, or too "
                                        "far behind")
                             .arg(m_address.toString()));
    }
    if (text.startsWith("INPROG")) {
        return makeError(ErrorKind::ServerError,
                         QStringLiteral("A failover of '%1' is already in progress (INPROG); wait "
                                        "for it to end")
                             .arg(name));
    }
    return replyError(*r, argv, name);
}

Result<SentinelTopology> SentinelClient::topology(const QString &name)
{
    const QByteArray n = name.toUtf8();
    QList<Command> commands{{"SENTINEL", "MASTER", n},
                            {"SENTINEL", "REPLICAS", n},
                            {"SENTINEL", "SENTINELS", n},
                            {"SENTINEL", "CKQUORUM", n}};
    auto replies = m_connection->pipeline(commands);
    if (!replies)
        return replies.error();
    if (replies->at(0).isError())
        return replyError(replies->at(0), commands.at(0), name);
    SentinelTopology t;
    auto m = parseMaster(replies->at(0));
    if (!m)
        return m.error();
    t.master = *m;

    Result<QList<SentinelReplicaInfo>> rs = QList<SentinelReplicaInfo>();
    if (isUnknownSubcommand(replies->at(1)))
        rs = replicas(name);   // a server before 5.0: SENTINEL SLAVES
    else if (replies->at(1).isError())
        rs = replyError(replies->at(1), commands.at(1), name);
    else
        rs = parseReplicas(replies->at(1));
    if (!rs)
        return rs.error();
    t.replicas = *rs;

    if (replies->at(2).isError())
        return replyError(replies->at(2), commands.at(2), name);
    auto ps = parsePeers(replies->at(2));
    if (!ps)
        return ps.error();
    t.sentinels = *ps;

    const RedisValue &q = replies->at(3);
    t.quorumOk = !q.isError();
    t.quorumText = q.toString();
    return t;
}

} // namespace sdcore
