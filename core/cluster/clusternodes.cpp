#include "core/cluster/clusternodes.h"

#include "core/cluster/clusterslot.h"
#include "core/support/info.h"

#include <algorithm>
#include <optional>

namespace sdcore {

namespace {

Error protocolError(const QString &what)
{
    return makeError(ErrorKind::Protocol, what);
}

std::optional<qint64> number(QByteArrayView text)
{
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

bool validSlot(qint64 slot)
{
    return slot >= 0 && slot < ClusterSlots;
}

// "ip:port@cport[,hostname]"; IPv6 without brackets ("::1:7000@17000"), so the port is after
// the last ':' before '@'. ":0@0" (noaddr) gives an empty host.
bool parseAddress(QByteArrayView field, ClusterNodeLine *node)
{
    QByteArrayView rest = field;
    if (const qsizetype comma = rest.indexOf(','); comma >= 0) {
        node->hostname = QString::fromUtf8(rest.sliced(comma + 1));
        rest = rest.first(comma);
    }
    const qsizetype at = rest.indexOf('@');
    QByteArrayView hostPort = at >= 0 ? rest.first(at) : rest;
    if (at >= 0) {
        const auto bus = number(rest.sliced(at + 1));
        if (!bus || *bus < 0 || *bus > 65535)
            return false;
        node->busPort = quint16(*bus);
    }
    const qsizetype colon = hostPort.lastIndexOf(':');
    if (colon < 0)
        return false;
    const auto port = number(hostPort.sliced(colon + 1));
    if (!port || *port < 0 || *port > 65535)
        return false;
    node->address = HostPort{QString::fromUtf8(hostPort.first(colon)), quint16(*port)};
    return true;
}

// "0-5460", "5461", "[93->-id]", "[93-<-id]".
bool parseSlotField(QByteArrayView field, ClusterNodeLine *node)
{
    if (field.startsWith('[')) {
        if (!field.endsWith(']'))
            return false;
        const QByteArrayView inner = field.sliced(1, field.size() - 2);
        const qsizetype out = inner.indexOf("->-");
        const qsizetype in = inner.indexOf("-<-");
        const qsizetype sep = out >= 0 ? out : in;
        if (sep < 0)
            return false;
        const auto slot = number(inner.first(sep));
        if (!slot || !validSlot(*slot))
            return false;
        SlotMigration m;
        m.slot = int(*slot);
        m.importing = out < 0;
        m.peerId = QString::fromLatin1(inner.sliced(sep + 3));
        node->migrations << m;
        return true;
    }
    const qsizetype dash = field.indexOf('-');
    const auto first = number(dash >= 0 ? field.first(dash) : field);
    const auto last = dash >= 0 ? number(field.sliced(dash + 1)) : first;
    if (!first || !last || !validSlot(*first) || !validSlot(*last) || *last < *first)
        return false;
    node->slots << SlotRange{int(*first), int(*last)};
    return true;
}

RedisNodeState stateOf(const ClusterNodeLine &line)
{
    RedisNodeState n;
    n.address = line.address;
    n.nodeId = QString::fromLatin1(line.id);
    n.flags = line.flags;
    n.flags.removeAll(QStringLiteral("myself"));
    n.configEpoch = line.configEpoch;
    n.linkState = line.linkConnected ? QStringLiteral("connected") : QStringLiteral("disconnected");
    n.role = line.isPrimary() ? QStringLiteral("master") : QStringLiteral("slave");
    n.roleReported = n.role;
    return n;
}

} // namespace

bool ClusterNodeLine::isFailing() const
{
    static const QStringList bad{QStringLiteral("fail?"), QStringLiteral("fail"),
                                 QStringLiteral("handshake"), QStringLiteral("noaddr")};
    return std::any_of(flags.begin(), flags.end(), [](const QString &f) { return bad.contains(f); });
}

int ClusterNodeLine::slotCount() const
{
    int n = 0;
    for (const SlotRange &r : slots)
        n += r.count();
    return n;
}

Result<QList<ClusterNodeLine>> parseClusterNodes(QByteArrayView text)
{
    QList<ClusterNodeLine> out;
    int lineNumber = 0;
    for (QByteArrayView rawLine : QByteArray(text.toByteArray()).split('\n')) {
        ++lineNumber;
        const QByteArray line = rawLine.trimmed().toByteArray();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> f = line.split(' ');
        const auto bad = [&](const char *what) {
            return protocolError(QStringLiteral("CLUSTER NODES line %1: %2").arg(lineNumber).arg(QLatin1String(what)));
        };
        if (f.size() < 8)
            return bad("fewer than 8 fields");
        ClusterNodeLine node;
        node.id = f.at(0);
        if (node.id.isEmpty() || node.id.size() > 64)
            return bad("malformed node id");
        if (!parseAddress(f.at(1), &node))
            return bad("malformed address");
        for (const QByteArray &flag : f.at(2).split(','))
            if (!flag.isEmpty() && flag != "noflags")
                node.flags << QString::fromLatin1(flag);
        if (f.at(3) != "-")
            node.primaryId = f.at(3);
        const auto ping = number(f.at(4));
        const auto pong = number(f.at(5));
        const auto epoch = number(f.at(6));
        if (!ping || !pong || !epoch)
            return bad("malformed ping, pong or epoch");
        node.pingSentMs = *ping;
        node.pongReceivedMs = *pong;
        node.configEpoch = *epoch;
        node.linkConnected = f.at(7) == "connected";
        for (qsizetype i = 8; i < f.size(); ++i) {
            if (!f.at(i).isEmpty() && !parseSlotField(f.at(i), &node))
                return bad("malformed slot");
        }
        out << node;
        if (out.size() > MaxClusterNodes)
            return protocolError(QStringLiteral("CLUSTER NODES lists more than %1 nodes; SessionDeck does not visit "
                                                "that many")
                                     .arg(MaxClusterNodes));
    }
    if (out.isEmpty())
        return protocolError(QStringLiteral("CLUSTER NODES listed no node"));
    return out;
}

namespace {

// A flat [key, value, key, value, …] array as pairs; nullopt when it is not one.
std::optional<QList<QPair<QByteArray, RedisValue>>> pairs(const RedisValue &v)
{
    if (!v.isArray() || v.size() % 2 != 0)
        return std::nullopt;
    QList<QPair<QByteArray, RedisValue>> out;
    for (qsizetype i = 0; i + 1 < v.size(); i += 2)
        out.append({v.at(i).bytes(), v.at(i + 1)});
    return out;
}

std::optional<qint64> integerOf(const RedisValue &v)
{
    if (v.isInteger())
        return v.toInteger();
    return number(v.bytes());   // Redis 7.0.0 sent slots as strings
}

} // namespace

Result<QList<ClusterShardEntry>> parseClusterShards(const RedisValue &reply)
{
    if (!reply.isArray())
        return protocolError(QStringLiteral("CLUSTER SHARDS: not an array"));
    QList<ClusterShardEntry> out;
    for (const RedisValue &shard : reply.elements()) {
        const auto fields = pairs(shard);
        if (!fields)
            return protocolError(QStringLiteral("CLUSTER SHARDS: a shard is not a key/value array"));
        ClusterShardEntry entry;
        for (const auto &[key, value] : *fields) {
            if (key == "slots") {
                if (!value.isArray() || value.size() % 2 != 0)
                    return protocolError(QStringLiteral("CLUSTER SHARDS: malformed slots"));
                for (qsizetype i = 0; i + 1 < value.size(); i += 2) {
                    const auto a = integerOf(value.at(i));
                    const auto b = integerOf(value.at(i + 1));
                    if (!a || !b || !validSlot(*a) || !validSlot(*b) || *b < *a)
                        return protocolError(QStringLiteral("CLUSTER SHARDS: malformed slot range"));
                    entry.slots << SlotRange{int(*a), int(*b)};
                }
            } else if (key == "nodes") {
                if (!value.isArray())
                    return protocolError(QStringLiteral("CLUSTER SHARDS: malformed nodes"));
                for (const RedisValue &nodeValue : value.elements()) {
                    const auto nf = pairs(nodeValue);
                    if (!nf)
                        return protocolError(QStringLiteral("CLUSTER SHARDS: a node is not a key/value array"));
                    ClusterShardNode node;
                    qint64 port = -1, tlsPort = -1;
                    for (const auto &[k, v] : *nf) {
                        if (k == "id")
                            node.id = v.bytes();
                        else if (k == "ip")
                            node.address.host = v.toString();
                        else if (k == "port")
                            port = integerOf(v).value_or(-1);
                        else if (k == "tls-port")
                            tlsPort = integerOf(v).value_or(-1);
                        else if (k == "role")
                            node.role = v.toString();
                        else if (k == "replication-offset")
                            node.replicationOffset = integerOf(v).value_or(-1);
                        else if (k == "health")
                            node.health = v.toString();
                    }
                    const qint64 p = port > 0 ? port : tlsPort;
                    if (p >= 0 && p <= 65535)
                        node.address.port = quint16(p);
                    entry.nodes << node;
                }
            }
        }
        out << entry;
    }
    return out;
}

ClusterGroup parseClusterInfo(QByteArrayView text)
{
    const Info info = Info::parse(text);
    ClusterGroup g;
    g.state = info.text("cluster_state");
    g.slotsAssigned = int(info.integer("cluster_slots_assigned"));
    g.slotsOk = int(info.integer("cluster_slots_ok"));
    g.slotsPfail = int(info.integer("cluster_slots_pfail"));
    g.slotsFail = int(info.integer("cluster_slots_fail"));
    g.knownNodes = int(info.integer("cluster_known_nodes"));
    g.size = int(info.integer("cluster_size"));
    g.currentEpoch = info.integer("cluster_current_epoch");
    g.myEpoch = info.integer("cluster_my_epoch");
    return g;
}

ClusterLayout clusterLayout(const QList<ClusterNodeLine> &lines)
{
    ClusterLayout layout;
    QHash<QByteArray, int> shardOfPrimary;
    QHash<QByteArray, QString> addressOf;
    for (const ClusterNodeLine &line : lines)
        addressOf.insert(line.id, line.address.toString());
    // A primary that serves slots is a shard; so is one with replicas (an empty new primary).
    for (const ClusterNodeLine &line : lines) {
        if (!line.isPrimary())
            continue;
        const bool hasReplicas = std::any_of(lines.begin(), lines.end(), [&](const ClusterNodeLine &r) {
            return r.isReplica() && r.primaryId == line.id;
        });
        if (line.slots.isEmpty() && (!hasReplicas || line.isFailing())) {
            layout.spare << stateOf(line);
            continue;
        }
        ShardState shard;
        shard.hasPrimary = true;
        shard.primary = stateOf(line);
        shard.slots = line.slots;
        std::sort(shard.slots.begin(), shard.slots.end(),
                  [](const SlotRange &a, const SlotRange &b) { return a.first < b.first; });
        shard.migrations = line.migrations;
        for (SlotMigration &m : shard.migrations)
            m.peer = addressOf.value(m.peerId.toLatin1());
        shard.name = slotRangesText(shard.slots);
        shardOfPrimary.insert(line.id, int(layout.shards.size()));
        layout.shards << shard;
    }
    for (const ClusterNodeLine &line : lines) {
        if (line.isPrimary())
            continue;
        const auto it = shardOfPrimary.constFind(line.primaryId);
        if (it == shardOfPrimary.constEnd()) {
            layout.spare << stateOf(line);
            continue;
        }
        layout.shards[*it].replicas << stateOf(line);
    }
    // Shards by their first slot (the slotless last), replicas by address: the same order every
    // poll, whichever node answered.
    std::stable_sort(layout.shards.begin(), layout.shards.end(), [](const ShardState &a, const ShardState &b) {
        const int fa = a.slots.isEmpty() ? ClusterSlots : a.slots.first().first;
        const int fb = b.slots.isEmpty() ? ClusterSlots : b.slots.first().first;
        return fa < fb;
    });
    const auto byAddress = [](const RedisNodeState &a, const RedisNodeState &b) {
        return a.address.host != b.address.host ? a.address.host < b.address.host : a.address.port < b.address.port;
    };
    for (ShardState &shard : layout.shards)
        std::sort(shard.replicas.begin(), shard.replicas.end(), byAddress);
    std::sort(layout.spare.begin(), layout.spare.end(), byAddress);
    return layout;
}

} // namespace sdcore
