#include "core/monitor/topologysnapshot.h"

#include <QJsonArray>

namespace sdcore {

QString healthName(Health health)
{
    switch (health) {
    case Health::Ok: return QStringLiteral("ok");
    case Health::Degraded: return QStringLiteral("degraded");
    case Health::Critical: return QStringLiteral("critical");
    case Health::Unknown: break;
    }
    return QStringLiteral("unknown");
}

const RedisNodeState *TopologySnapshot::node(const HostPort &address) const
{
    if (hasMaster && master.address == address)
        return &master;
    for (const RedisNodeState &r : replicas) {
        if (r.address == address)
            return &r;
    }
    return nullptr;
}

QString TopologySnapshot::authProblem() const
{
    const auto isAuth = [](ErrorKind k) { return k == ErrorKind::AuthFailed || k == ErrorKind::NoAuth; };
    if (hasMaster && !master.up && isAuth(master.failure))
        return master.reason;
    for (const SentinelState &s : sentinels) {
        if (!s.up && isAuth(s.failure))
            return s.reason;
    }
    if (isAuth(errorKind))
        return error;
    return {};
}

void TopologySnapshot::evaluate()
{
    problems.clear();
    bool critical = false;
    if (masterNameUnknown) {
        // One problem, said once: nothing else (quorum, roles) means anything without a master.
        problems << error;
        health = Health::Critical;
        return;
    }
    if (!hasMaster) {
        critical = true;
        problems << (error.isEmpty() ? QStringLiteral("No master known") : error);
    } else if (!master.up) {
        critical = true;
        problems << QStringLiteral("Master %1 is down: %2").arg(master.address.toString(), master.reason);
    } else if (sentinelManaged && master.role != QLatin1String("master")) {
        critical = true;
        problems << QStringLiteral("%1 reports role '%2', not master")
                        .arg(master.address.toString(), master.role);
    }
    if (sentinelManaged && !quorumOk) {
        critical = true;
        problems << QStringLiteral("Quorum not met: %1")
                        .arg(quorumText.isEmpty() ? QStringLiteral("no sentinel answered") : quorumText);
    }
    for (const RedisNodeState &r : replicas) {
        if (!r.up)
            problems << QStringLiteral("Replica %1 is down: %2").arg(r.address.toString(), r.reason);
        else if (r.masterLinkStatus == QLatin1String("down"))
            problems << QStringLiteral("Replica %1 has lost its link to the master").arg(r.address.toString());
    }
    for (const SentinelState &s : sentinels) {
        if (!s.up)
            problems << QStringLiteral("Sentinel %1 is down: %2").arg(s.address.toString(), s.reason);
    }
    if (critical)
        health = Health::Critical;
    else
        health = problems.isEmpty() ? Health::Ok : Health::Degraded;
}

namespace {

QJsonObject nodeJson(const RedisNodeState &n)
{
    QJsonObject o{{"host", n.address.host},
                  {"port", int(n.address.port)},
                  {"address", n.address.toString()},
                  {"up", n.up},
                  {"role", n.role},
                  {"flags", QJsonArray::fromStringList(n.flags)}};
    if (!n.reason.isEmpty())
        o.insert("reason", n.reason);
    if (n.up) {
        o.insert("version", n.version);
        o.insert("rtt_ms", n.rttMs);
        o.insert("connected_clients", n.connectedClients);
        o.insert("used_memory", n.usedMemory);
        o.insert("ops_per_sec", n.opsPerSec);
        o.insert("keys", n.keys);
        o.insert("repl_offset", n.replOffset);
    }
    if (!n.masterLinkStatus.isEmpty())
        o.insert("master_link_status", n.masterLinkStatus);
    if (n.lagBytes >= 0)
        o.insert("lag_bytes", n.lagBytes);
    if (n.lagSeconds >= 0)
        o.insert("lag_seconds", n.lagSeconds);
    return o;
}

} // namespace

QJsonObject TopologySnapshot::toJson() const
{
    QJsonObject o{{"health", healthName(health)},
                  {"problems", QJsonArray::fromStringList(problems)},
                  {"url", target},
                  {"at", at.toString(Qt::ISODateWithMs)},
                  {"cycle_ms", cycleMs},
                  {"sentinel_managed", sentinelManaged}};
    if (hasMaster)
        o.insert("master", nodeJson(master));
    else
        o.insert("master", QJsonValue::Null);
    QJsonArray rs;
    for (const RedisNodeState &r : replicas)
        rs.append(nodeJson(r));
    o.insert("replicas", rs);
    QJsonArray ss;
    for (const SentinelState &s : sentinels) {
        QJsonObject so{{"host", s.address.host},
                       {"port", int(s.address.port)},
                       {"address", s.address.toString()},
                       {"up", s.up},
                       {"flags", QJsonArray::fromStringList(s.flags)}};
        if (!s.runId.isEmpty())
            so.insert("run_id", s.runId);
        if (s.up)
            so.insert("rtt_ms", s.rttMs);
        else
            so.insert("reason", s.reason);
        ss.append(so);
    }
    o.insert("sentinels", ss);
    if (sentinelManaged) {
        o.insert("master_name", masterName);
        if (masterNameUnknown) {
            o.insert("master_name_unknown", true);
            o.insert("monitored_names", QJsonArray::fromStringList(monitoredNames));
        }
        o.insert("quorum", quorum);
        o.insert("quorum_ok", quorumOk);
        o.insert("quorum_text", quorumText);
        o.insert("answered_by", answeredBy.toString());
    }
    if (!error.isEmpty())
        o.insert("error", error);
    return o;
}

} // namespace sdcore
