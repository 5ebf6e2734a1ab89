#include "core/cluster/clusterrouter.h"

#include "core/cluster/clusterslot.h"

#include <QThread>

namespace sdcore {

ClusterRouter::ClusterRouter(RedisUrl url, ConnectionOptions options)
    : m_url(std::move(url)), m_options(std::move(options))
{
    m_slots.fill(-1);
    m_known = m_url.hosts();
}

ClusterRouter::~ClusterRouter() = default;

void ClusterRouter::forget(const HostPort &node)
{
    m_connections.erase(node.toString());
}

Result<RedisConnection *> ClusterRouter::connectionTo(const HostPort &node)
{
    auto it = m_connections.find(node.toString());
    if (it != m_connections.end() && !it->second->isBroken())
        return it->second.get();
    auto conn = RedisConnection::open(m_url.withNode(node), m_options);
    if (!conn)
        return conn.error();
    RedisConnection *raw = conn->get();
    m_connections[node.toString()] = std::move(*conn);
    return raw;
}

Status ClusterRouter::refresh()
{
    ++m_refreshes;
    QStringList tried;
    // Nodes the map names first (they are the cluster now), then the seeds and the others.
    QList<HostPort> order = m_nodes;
    for (const HostPort &h : std::as_const(m_known)) {
        if (!order.contains(h))
            order << h;
    }
    for (const HostPort &node : std::as_const(order)) {
        auto conn = connectionTo(node);
        if (!conn) {
            tried << QStringLiteral("%1: %2").arg(node.toString(), conn.errorMessage());
            continue;
        }
        auto slots = (*conn)->command(Command{"CLUSTER", "SLOTS"});
        if (!slots) {
            if (slots.error().isConnectionFailure())
                forget(node);
            if (slots.errorMessage().contains(QLatin1String("cluster support disabled")))
                return makeError(ErrorKind::Unsupported,
                                 QStringLiteral("%1 is not in cluster mode; for a single node use redis://%1")
                                     .arg(node.toString()));
            tried << QStringLiteral("%1: %2").arg(node.toString(), slots.errorMessage());
            continue;
        }
        if (slots->size() > 16384)
            return makeError(ErrorKind::Protocol, QStringLiteral("%1 gave CLUSTER SLOTS %2 ranges, more than there are slots")
                                                      .arg(node.toString())
                                                      .arg(slots->size()));
        std::array<qint16, 16384> map;
        map.fill(-1);
        QList<HostPort> nodes;
        for (const RedisValue &range : slots->elements()) {
            if (!range.isArray() || range.size() < 3 || !range.at(2).isArray() || range.at(2).size() < 2)
                continue;
            const qint64 first = range.at(0).toInteger(), last = range.at(1).toInteger();
            if (first < 0 || last >= 16384 || first > last)
                continue;
            const qint64 port = range.at(2).at(1).toInteger();
            if (!range.at(2).at(1).isInteger() || port <= 0 || port > 65535)
                return makeError(ErrorKind::Protocol, QStringLiteral("%1 gave CLUSTER SLOTS a port out of range (%2)")
                                                          .arg(node.toString())
                                                          .arg(port));
            QString host = range.at(2).at(0).toString();
            const HostPort primary{host.isEmpty() ? node.host : host, quint16(port)};
            qsizetype index = nodes.indexOf(primary);
            if (index < 0) {
                index = nodes.size();
                nodes << primary;
            }
            for (qint64 s = first; s <= last; ++s)
                map[size_t(s)] = qint16(index);
            for (qsizetype r = 3; r < range.size(); ++r) {
                const RedisValue &replica = range.at(r);
                if (replica.isArray() && replica.size() >= 2 && replica.at(1).toInteger() > 0
                    && replica.at(1).toInteger() <= 65535) {
                    const HostPort h{replica.at(0).toString(), quint16(replica.at(1).toInteger())};
                    if (!h.host.isEmpty() && !m_known.contains(h))
                        m_known << h;
                }
            }
        }
        if (nodes.isEmpty()) {
            tried << QStringLiteral("%1: CLUSTER SLOTS lists no slot").arg(node.toString());
            continue;
        }
        for (const HostPort &h : std::as_const(nodes)) {
            if (!m_known.contains(h))
                m_known << h;
        }
        m_slots = map;
        m_nodes = nodes;
        m_mapped = true;
        m_stale = false;
        return success();
    }
    return makeError(ErrorKind::Refused, QStringLiteral("No cluster node gave its slot map: %1")
                                             .arg(tried.join(QStringLiteral("; "))));
}

HostPort ClusterRouter::nodeOfSlot(int slot) const
{
    if (slot < 0 || slot >= 16384 || m_slots[size_t(slot)] < 0)
        return {};
    return m_nodes.at(m_slots[size_t(slot)]);
}

HostPort ClusterRouter::nodeOf(QByteArrayView key) const
{
    return nodeOfSlot(keySlot(key));
}

QList<HostPort> ClusterRouter::primaries() const
{
    QList<HostPort> out;
    for (qint16 index : m_slots) {
        if (index >= 0 && !out.contains(m_nodes.at(index)))
            out << m_nodes.at(index);
    }
    return out;
}

std::optional<ClusterRouter::Redirect> ClusterRouter::redirectOf(const RedisValue &reply)
{
    if (!reply.isError())
        return std::nullopt;
    const QList<QByteArray> parts = reply.bytes().split(' ');
    if (parts.size() != 3 || (parts.at(0) != "MOVED" && parts.at(0) != "ASK"))
        return std::nullopt;
    bool ok = false;
    const int slot = parts.at(1).toInt(&ok);
    const qsizetype colon = parts.at(2).lastIndexOf(':');
    if (!ok || slot < 0 || slot >= 16384 || colon < 0)
        return std::nullopt;
    const uint port = parts.at(2).mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    Redirect r;
    r.ask = parts.at(0) == "ASK";
    r.slot = slot;
    r.node = HostPort{QString::fromUtf8(parts.at(2).left(colon)), quint16(port)};
    return r;
}

Result<RedisValue> ClusterRouter::sendTo(const HostPort &node, const Command &argv, bool asking)
{
    auto conn = connectionTo(node);
    if (!conn)
        return conn.error();
    if (!asking) {
        auto reply = (*conn)->reply(argv);
        if (!reply && reply.error().isConnectionFailure()) {
            forget(node);
            m_stale = true;
        }
        return reply;
    }
    auto replies = (*conn)->pipeline({Command{"ASKING"}, argv});
    if (!replies) {
        if (replies.error().isConnectionFailure())
            forget(node);
        return replies.error();
    }
    return replies->at(1);
}

Result<RedisValue> ClusterRouter::command(QByteArrayView key, const Command &argv)
{
    if (!m_mapped || m_stale) {
        if (Status s = refresh(); !s && !m_mapped)
            return s.error();
    }
    HostPort node = nodeOf(key);
    bool asking = false;
    int retries = 0;
    for (int hop = 0; hop <= MaxRedirects + MaxRetries; ++hop) {
        if (node.host.isEmpty()) {
            if (Status s = refresh(); !s)
                return s.error();
            node = nodeOf(key);
            if (node.host.isEmpty())
                return makeError(ErrorKind::ServerError,
                                 QStringLiteral("No node serves slot %1 (the cluster has slots no shard covers)")
                                     .arg(keySlot(key)));
        }
        auto reply = sendTo(node, argv, asking);
        asking = false;
        if (!reply) {
            // The node is gone: ask the cluster again where the slot lives, once.
            if (reply.error().isConnectionFailure() && retries++ < MaxRetries) {
                QThread::msleep(100);
                if (refresh())
                    node = nodeOf(key);
                continue;
            }
            return reply.error();
        }
        if (const auto redirect = redirectOf(*reply)) {
            if (redirect->ask) {
                ++m_asked;
                asking = true;
            } else {
                ++m_moved;
                qsizetype index = m_nodes.indexOf(redirect->node);
                if (index < 0) {
                    index = m_nodes.size();
                    m_nodes << redirect->node;
                }
                m_slots[size_t(redirect->slot)] = qint16(index);
                m_stale = true;   // more slots have probably moved: refresh before the next command
            }
            node = redirect->node;
            continue;
        }
        if (reply->isError()) {
            const QByteArray text = reply->bytes();
            if ((text.startsWith("TRYAGAIN") || text.startsWith("CLUSTERDOWN")) && retries++ < MaxRetries) {
                QThread::msleep(100);
                continue;
            }
            auto conn = connectionTo(node);
            Error e = conn ? (*conn)->errorFromReply(*reply, argv) : conn.error();
            if (text.startsWith("CLUSTERDOWN"))
                e.message = QStringLiteral("The cluster is down (%1 answered CLUSTERDOWN %2 times): %3")
                                .arg(node.toString())
                                .arg(retries)
                                .arg(e.message);
            return e;
        }
        return reply;
    }
    return makeError(ErrorKind::ServerError,
                     QStringLiteral("Too many redirects for a key in slot %1 (the cluster keeps moving it)").arg(keySlot(key)));
}

Result<QList<RedisValue>> ClusterRouter::pipeline(const QList<QPair<QByteArray, Command>> &commands)
{
    if (!m_mapped || m_stale) {
        if (Status s = refresh(); !s && !m_mapped)
            return s.error();
    }
    QList<RedisValue> replies(commands.size());
    QHash<QString, QList<qsizetype>> byNode;
    QHash<QString, HostPort> nodes;
    QList<qsizetype> again;
    for (qsizetype i = 0; i < commands.size(); ++i) {
        const HostPort node = nodeOf(commands.at(i).first);
        if (node.host.isEmpty()) {
            again << i;
            continue;
        }
        byNode[node.toString()] << i;
        nodes.insert(node.toString(), node);
    }
    for (auto it = byNode.cbegin(); it != byNode.cend(); ++it) {
        QList<Command> batch;
        for (qsizetype i : it.value())
            batch << commands.at(i).second;
        auto conn = connectionTo(nodes.value(it.key()));
        Result<QList<RedisValue>> got = conn ? (*conn)->pipeline(batch) : Result<QList<RedisValue>>(conn.error());
        if (!got) {
            forget(nodes.value(it.key()));
            m_stale = true;
            again << it.value();
            continue;
        }
        for (qsizetype j = 0; j < it.value().size(); ++j) {
            const qsizetype i = it.value().at(j);
            const RedisValue &r = got->at(j);
            if (redirectOf(r) || (r.isError() && (r.bytes().startsWith("TRYAGAIN") || r.bytes().startsWith("CLUSTERDOWN"))))
                again << i;
            else
                replies[i] = r;
        }
    }
    // Redirected or unsent: one by one, following the redirects.
    for (qsizetype i : std::as_const(again)) {
        auto r = command(commands.at(i).first, commands.at(i).second);
        if (!r && r.error().isConnectionFailure())
            return r.error();
        replies[i] = r ? *r : RedisValue::error(r.errorMessage().toUtf8());
    }
    return replies;
}

} // namespace sdcore
