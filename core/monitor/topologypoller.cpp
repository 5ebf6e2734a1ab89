#include "core/monitor/topologypoller.h"

#include "core/cluster/clusternodes.h"
#include "core/sentinel/masterresolver.h"
#include "core/support/info.h"

#include <QElapsedTimer>
#include <QMap>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <tuple>

namespace sdcore {

namespace {

constexpr int MinTimeoutMs = 50;

struct ReplicaLine
{
    HostPort address;
    qint64 offset = -1;
    qint64 lagSeconds = -1;
};

// "slave0:ip=127.0.0.1,port=6380,state=online,offset=1234,lag=0" lines of a master's INFO.
QList<ReplicaLine> replicaLines(const Info &info)
{
    QList<ReplicaLine> out;
    for (int i = 0;; ++i) {
        const QByteArray key = "slave" + QByteArray::number(i);
        if (!info.contains(key))
            break;
        const auto f = info.subFields(key);
        ReplicaLine line;
        line.address = HostPort{QString::fromUtf8(f.value("ip")), quint16(f.value("port").toUInt())};
        line.offset = f.contains("offset") ? f.value("offset").toLongLong() : -1;
        line.lagSeconds = f.contains("lag") ? f.value("lag").toLongLong() : -1;
        out << line;
    }
    return out;
}

QString budgetExhausted()
{
    return QStringLiteral("not polled: the cycle's time budget was used up by slower nodes");
}

} // namespace

TopologyPoller::TopologyPoller(RedisUrl url, PollerOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(options)
{
    if (m_url.isSentinel())
        m_knownSentinels = m_url.hosts();
    if (m_url.isCluster())
        m_knownNodes = m_url.hosts();
}

TopologyPoller::~TopologyPoller() = default;

void TopologyPoller::start(quint64 generation)
{
    m_generation = generation;
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &TopologyPoller::pollNow);
    }
    m_timer->start(qMax(100, m_options.intervalMs));
    pollNow();
}

void TopologyPoller::stop()
{
    if (m_timer)
        m_timer->stop();
    m_connections.clear();
    m_sentinel.reset();
    m_clusterEvents.reset();
}

void TopologyPoller::setIntervalMs(int ms)
{
    m_options.intervalMs = qMax(100, ms);
    if (m_timer && m_timer->isActive())
        m_timer->start(m_options.intervalMs);
}

void TopologyPoller::pollNow()
{
    Q_EMIT polled(pollOnce());
}

int TopologyPoller::timeoutFor(const QDeadlineTimer &deadline) const
{
    return int(qMin<qint64>(m_options.nodeTimeoutMs, deadline.remainingTime()));
}

void TopologyPoller::forget(const QString &key)
{
    m_connections.erase(key);
}

RedisConnection *TopologyPoller::connection(const QString &key, const RedisUrl &url, bool sentinel,
                                           const QDeadlineTimer &deadline, Error *error)
{
    const int timeout = timeoutFor(deadline);
    if (timeout < MinTimeoutMs) {
        *error = makeError(ErrorKind::Timeout, budgetExhausted());
        return nullptr;
    }
    auto it = m_connections.find(key);
    if (it != m_connections.end() && !it->second->isBroken()) {
        it->second->setCommandTimeout(timeout);
        return it->second.get();
    }
    ConnectionOptions options;
    options.connectTimeoutMs = timeout;
    options.commandTimeoutMs = timeout;
    options.clientName = "sessiondeck-poller";
    auto conn = sentinel ? MasterResolver::openSentinel(m_url, url.hosts().value(0), options)
                         : RedisConnection::open(url, options);
    if (!conn) {
        m_connections.erase(key);
        *error = conn.error();
        return nullptr;
    }
    RedisConnection *raw = conn->get();
    m_connections[key] = std::move(*conn);
    return raw;
}

RedisConnection *TopologyPoller::ping(const QString &key, const RedisUrl &url, bool sentinel,
                                     const QDeadlineTimer &deadline, double *rttMs, Error *error)
{
    RedisConnection *conn = connection(key, url, sentinel, deadline, error);
    if (!conn)
        return nullptr;
    QElapsedTimer rtt;
    rtt.start();
    auto pong = conn->command(Command{"PING"});
    if (!pong) {
        *error = pong.error();
        if (pong.error().isConnectionFailure())
            forget(key);
        return nullptr;
    }
    *rttMs = double(rtt.nsecsElapsed()) / 1e6;
    return conn;
}

RedisNodeState TopologyPoller::pollNode(const HostPort &address, const RedisUrl &url,
                                       const QDeadlineTimer &deadline, QByteArray *infoText)
{
    RedisNodeState n;
    n.address = address;
    const QString key = QStringLiteral("redis ") + address.toString();
    Error error;
    RedisConnection *conn = ping(key, url, false, deadline, &n.rttMs, &error);
    if (!conn) {
        n.reason = error.message;
        n.failure = error.kind;
        return n;
    }
    conn->setCommandTimeout(qMax(MinTimeoutMs, timeoutFor(deadline)));
    auto reply = conn->command(Command{"INFO"});
    if (!reply) {
        n.reason = reply.errorMessage();
        if (reply.error().isConnectionFailure())
            forget(key);
        return n;
    }
    const Info info = Info::parse(reply->bytes());
    n.up = true;
    n.role = info.text("role");
    n.version = info.text("redis_version");
    n.connectedClients = info.integer("connected_clients");
    n.usedMemory = info.integer("used_memory");
    n.opsPerSec = info.integer("instantaneous_ops_per_sec");
    n.uptimeSeconds = info.integer("uptime_in_seconds");
    const auto db = info.subFields("db" + QByteArray::number(m_url.db()));
    n.keys = db.contains("keys") ? db.value("keys").toLongLong() : 0;
    if (n.role == QLatin1String("master")) {
        n.replOffset = info.integer("master_repl_offset");
    } else {
        n.replOffset = info.integer("slave_repl_offset");
        n.masterLinkStatus = info.text("master_link_status");
        n.masterLinkDownSeconds = info.integer("master_link_down_since_seconds");
    }
    if (info.integer("loading", 0) == 1)
        n.reason = QStringLiteral("loading its dataset");
    if (infoText)
        *infoText = reply->bytes();
    return n;
}

SentinelState TopologyPoller::pollSentinel(const HostPort &address, const QDeadlineTimer &deadline)
{
    SentinelState s;
    s.address = address;
    const QString key = QStringLiteral("sentinel ") + address.toString();
    Error error;
    RedisUrl url = RedisUrl::tcp(address.host, address.port);
    url.setTls(m_url.tls());
    if (!ping(key, url, true, deadline, &s.rttMs, &error)) {
        s.reason = error.message;
        s.failure = error.kind;
        return s;
    }
    s.up = true;
    return s;
}

RedisConnection *TopologyPoller::masterConnection(const TopologySnapshot &s, const QDeadlineTimer &deadline,
                                                 Error *error)
{
    const HostPort primary = s.shards.first().primary.address;
    return connection(QStringLiteral("redis ") + primary.toString(),
                      m_url.kind() == RedisUrl::Kind::Unix ? m_url : m_url.withNode(primary), false, deadline,
                      error);
}

void TopologyPoller::pollClusterPubSub(TopologySnapshot &s, const QDeadlineTimer &deadline)
{
    s.pubsub.perNode = true;
    QList<const RedisNodeState *> nodes;
    for (const ShardState &shard : std::as_const(s.shards)) {
        if (shard.hasPrimary)
            nodes << &shard.primary;
        for (const RedisNodeState &r : shard.replicas)
            nodes << &r;
    }
    QMap<QString, qint64> total;
    QStringList failed;
    qint64 patterns = 0;
    int polled = 0;
    for (const RedisNodeState *node : std::as_const(nodes)) {
        if (node->skipped) {
            failed << QStringLiteral("%1: not polled this cycle").arg(node->address.toString());
            continue;
        }
        if (!node->up)
            continue;   // a node down has no subscribers left: nothing is missing
        Error error;
        const QString key = QStringLiteral("redis ") + node->address.toString();
        RedisConnection *conn = connection(key, m_url.withNode(node->address), false, deadline, &error);
        if (!conn) {
            failed << QStringLiteral("%1: %2").arg(node->address.toString(), error.message);
            continue;
        }
        auto replies = conn->pipeline(
            {Command{"PUBSUB", "CHANNELS"}, Command{"PUBSUB", "NUMPAT"}, Command{"PUBSUB", "SHARDCHANNELS"}});
        if (!replies) {
            failed << QStringLiteral("%1: %2").arg(node->address.toString(), replies.errorMessage());
            if (replies.error().isConnectionFailure())
                forget(key);
            continue;
        }
        if (replies->at(0).isError()) {
            const Error e = conn->errorFromReply(replies->at(0), Command{"PUBSUB"});
            if (e.kind == ErrorKind::NoPermission) {
                m_pubsubDenied = e.message;
                s.pubsub.error = e.message;
                return;
            }
            failed << QStringLiteral("%1: %2").arg(node->address.toString(), e.message);
            continue;
        }
        ++polled;
        patterns += qMax<qint64>(0, replies->at(1).toInteger());
        // Classic channels, then shard channels (an error reply before Redis 7: none).
        for (const bool sharded : {false, true}) {
            const RedisValue &names = replies->at(sharded ? 2 : 0);
            if (!names.isArray() || names.size() == 0)
                continue;
            Command numsub{"PUBSUB", sharded ? "SHARDNUMSUB" : "NUMSUB"};
            for (const RedisValue &c : names.elements()) {
                if (numsub.size() - 2 >= m_options.maxPubSubChannels) {
                    failed << QStringLiteral("%1: %2 channels, the first %3 shown")
                                  .arg(node->address.toString())
                                  .arg(names.size())
                                  .arg(m_options.maxPubSubChannels);
                    break;
                }
                numsub << c.bytes();
            }
            auto counts = conn->command(numsub);
            if (!counts) {
                failed << QStringLiteral("%1: %2").arg(node->address.toString(), counts.errorMessage());
                continue;
            }
            for (qsizetype i = 0; i + 1 < counts->size(); i += 2) {
                const QString channel = counts->at(i).toString();
                const qint64 subscribers = counts->at(i + 1).toInteger();
                s.pubsub.nodes.append({channel, node->address, sharded, subscribers});
                if (!sharded)
                    total[channel] += subscribers;
            }
        }
    }
    std::sort(s.pubsub.nodes.begin(), s.pubsub.nodes.end(), [](const PubSubChannel &a, const PubSubChannel &b) {
        return std::tie(a.channel, a.sharded, a.node) < std::tie(b.channel, b.sharded, b.node);
    });
    for (auto it = total.cbegin(); it != total.cend(); ++it)
        s.pubsub.channels.append({it.key(), it.value()});
    s.pubsub.patterns = patterns;
    s.pubsub.valid = polled > 0;
    if (!failed.isEmpty())
        s.pubsub.error = failed.join(QStringLiteral("; "));
}

void TopologyPoller::pollPubSub(TopologySnapshot &s, const QDeadlineTimer &deadline)
{
    if (!m_options.pubsub || s.shards.isEmpty())
        return;
    if (s.isCluster() && m_pubsubDenied.isEmpty()) {
        pollClusterPubSub(s, deadline);
        return;
    }
    if (!s.shards.first().primaryUp())
        return;
    if (!m_pubsubDenied.isEmpty()) {
        s.pubsub.error = m_pubsubDenied;
        return;
    }
    Error error;
    RedisConnection *conn = masterConnection(s, deadline, &error);
    if (!conn) {
        s.pubsub.error = error.message;
        return;
    }
    auto replies = conn->pipeline({Command{"PUBSUB", "CHANNELS"}, Command{"PUBSUB", "NUMPAT"}});
    if (!replies) {
        s.pubsub.error = replies.errorMessage();
        return;
    }
    if (replies->at(0).isError()) {
        const Error e = conn->errorFromReply(replies->at(0), Command{"PUBSUB"});
        s.pubsub.error = e.message;
        if (e.kind == ErrorKind::NoPermission)
            m_pubsubDenied = e.message;
        return;
    }
    s.pubsub.patterns = replies->at(1).toInteger();
    Command numsub{"PUBSUB", "NUMSUB"};
    for (const RedisValue &c : replies->at(0).elements()) {
        if (numsub.size() - 2 >= m_options.maxPubSubChannels)
            break;
        numsub << c.bytes();
    }
    s.pubsub.valid = true;
    if (numsub.size() == 2)
        return;
    auto counts = conn->command(numsub);
    if (!counts) {
        s.pubsub.error = counts.errorMessage();
        return;
    }
    for (qsizetype i = 0; i + 1 < counts->size(); i += 2)
        s.pubsub.channels.append({counts->at(i).toString(), counts->at(i + 1).toInteger()});
    std::sort(s.pubsub.channels.begin(), s.pubsub.channels.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
}

void TopologyPoller::pollSentinelManaged(TopologySnapshot &s, const QDeadlineTimer &deadline)
{
    s.sentinel.masterName = m_url.masterName();
    std::optional<SentinelTopology> topology;
    QStringList tried;
    int notMonitored = 0;
    QStringList monitored;
    // The sentinel used last time first; on a failure, each known sentinel once.
    for (int attempt = 0; attempt < 2 && !topology; ++attempt) {
        if (!m_sentinel || m_sentinel->isBroken()) {
            m_sentinel.reset();
            const int timeout = timeoutFor(deadline);
            if (timeout < MinTimeoutMs)
                break;
            ConnectionOptions options;
            options.connectTimeoutMs = options.commandTimeoutMs = timeout;
            options.clientName = "sessiondeck-poller";
            QStringList why;
            auto client = SentinelClient::connectAny(m_url, m_knownSentinels, options, &why);
            tried << why;
            if (!client) {
                s.error = client.errorMessage();
                s.errorKind = client.error().kind;
                break;
            }
            m_sentinel.emplace(std::move(*client));
        }
        m_sentinel->connection().setCommandTimeout(qMax(MinTimeoutMs, timeoutFor(deadline)));
        auto t = m_sentinel->topology(m_url.masterName());
        if (t) {
            topology = std::move(*t);
            break;
        }
        tried << QStringLiteral("sentinel %1: %2").arg(m_sentinel->address().toString(), t.errorMessage());
        s.error = t.errorMessage();
        if (t.error().kind == ErrorKind::NotFound) {
            // This sentinel does not know the name; another one might (a misconfigured one).
            ++notMonitored;
            if (monitored.isEmpty()) {
                if (auto masters = m_sentinel->masters()) {
                    for (const SentinelMasterInfo &m : std::as_const(*masters))
                        monitored << m.name;
                }
            }
            m_sentinel.reset();
            continue;
        }
        if (!t.error().isConnectionFailure())
            break;
        m_sentinel.reset();
    }
    if (!topology && notMonitored > 0 && notMonitored == tried.size()) {
        // Every sentinel that answered said the same: say it once, with what would work.
        s.sentinel.masterNameUnknown = true;
        s.sentinel.monitoredNames = monitored;
        s.error = monitored.isEmpty()
                      ? QStringLiteral("The sentinels monitor no master named '%1' (they monitor none at all)")
                            .arg(m_url.masterName())
                      : QStringLiteral("The sentinels monitor no master named '%1'; they monitor %2: put that name "
                                       "after '#' in the URL")
                            .arg(m_url.masterName(), monitored.join(QStringLiteral(", ")));
        for (const HostPort &address : std::as_const(m_knownSentinels))
            s.sentinel.sentinels << pollSentinel(address, deadline);
        return;
    }
    if (!topology) {
        if (!tried.isEmpty())
            s.error = tried.join(QStringLiteral("; "));
        // Still show the sentinels we know of, each with why it could not be used.
        for (const HostPort &address : std::as_const(m_knownSentinels))
            s.sentinel.sentinels << pollSentinel(address, deadline);
        return;
    }
    s.sentinel.answeredBy = m_sentinel->address();
    s.sentinel.quorum = topology->master.quorum;
    s.sentinel.quorumOk = topology->quorumOk;
    s.sentinel.quorumText = topology->quorumText;

    // Sentinels first: cheap, and a discovered one is subscribed to at once.
    QList<HostPort> discovered{s.sentinel.answeredBy};
    SentinelState self = pollSentinel(s.sentinel.answeredBy, deadline);
    s.sentinel.sentinels << self;
    for (const SentinelPeerInfo &peer : std::as_const(topology->sentinels)) {
        SentinelState st = pollSentinel(peer.address, deadline);
        st.runId = peer.runId;
        st.flags = peer.flags;
        st.lastOkPingMs = peer.lastOkPingMs;
        if (!st.up && st.flags.contains(QLatin1String("s_down")))
            st.reason += QStringLiteral(" (sentinel %1 also sees it down)").arg(s.sentinel.answeredBy.toString());
        s.sentinel.sentinels << st;
        discovered << peer.address;
    }
    bool grew = false;
    for (const HostPort &h : std::as_const(discovered)) {
        if (!m_knownSentinels.contains(h)) {
            m_knownSentinels << h;
            grew = true;
        }
    }
    if (grew)
        Q_EMIT sentinelsDiscovered(m_knownSentinels);

    const SentinelMasterInfo &mi = topology->master;
    ShardState &shard = s.shards.emplaceBack();
    shard.name = m_url.masterName();
    shard.hasPrimary = true;
    QByteArray masterInfo;
    shard.primary = pollNode(mi.address, m_url.withNode(mi.address), deadline, &masterInfo);
    shard.primary.flags = mi.flags;
    shard.primary.lastOkPingMs = mi.lastOkPingMs;
    shard.primary.roleReported = mi.roleReported;
    if (!shard.primary.up && shard.primary.role.isEmpty())
        shard.primary.role = QStringLiteral("master");
    const QList<ReplicaLine> lines = replicaLines(Info::parse(masterInfo));

    for (const SentinelReplicaInfo &ri : std::as_const(topology->replicas)) {
        RedisNodeState r = pollNode(ri.address, m_url.withNode(ri.address), deadline);
        r.flags = ri.flags;
        r.lastOkPingMs = ri.lastOkPingMs;
        r.roleReported = ri.roleReported;
        if (!r.up && r.role.isEmpty())
            r.role = QStringLiteral("slave");
        if (r.masterLinkStatus.isEmpty() && !ri.masterLinkStatus.isEmpty())
            r.masterLinkStatus = ri.masterLinkStatus == QLatin1String("ok") ? QStringLiteral("up")
                                                                            : QStringLiteral("down");
        if (r.masterLinkDownSeconds < 0 && ri.masterLinkDownTimeMs > 0)
            r.masterLinkDownSeconds = ri.masterLinkDownTimeMs / 1000;
        for (const ReplicaLine &line : lines) {
            if (line.address == ri.address) {
                if (shard.primary.replOffset >= 0 && line.offset >= 0)
                    r.lagBytes = qMax<qint64>(0, shard.primary.replOffset - line.offset);
                r.lagSeconds = line.lagSeconds;
            }
        }
        if (r.lagBytes < 0 && r.up && shard.primary.replOffset >= 0 && r.replOffset >= 0)
            r.lagBytes = qMax<qint64>(0, shard.primary.replOffset - r.replOffset);
        shard.replicas << r;
    }
}

void TopologyPoller::pollPlain(TopologySnapshot &s, const QDeadlineTimer &deadline)
{
    const HostPort address = m_url.kind() == RedisUrl::Kind::Unix
                                 ? HostPort{m_url.socketPath(), 0}
                                 : m_url.hosts().value(0);
    QByteArray infoText;
    ShardState &shard = s.shards.emplaceBack();
    shard.hasPrimary = true;
    shard.primary = pollNode(address, m_url, deadline, &infoText);
    if (!shard.primary.up) {
        s.error = shard.primary.reason;
        s.errorKind = shard.primary.failure;
        return;
    }
    // The replicas the node itself lists, reached with the URL's credentials.
    for (const ReplicaLine &line : replicaLines(Info::parse(infoText))) {
        RedisNodeState r = pollNode(line.address, m_url.kind() == RedisUrl::Kind::Tcp
                                                      ? m_url.withNode(line.address)
                                                      : RedisUrl::tcp(line.address.host, line.address.port, m_url.db()),
                                    deadline);
        if (shard.primary.replOffset >= 0 && line.offset >= 0)
            r.lagBytes = qMax<qint64>(0, shard.primary.replOffset - line.offset);
        r.lagSeconds = line.lagSeconds;
        if (!r.up && r.role.isEmpty())
            r.role = QStringLiteral("slave");
        shard.replicas << r;
    }
}

void TopologyPoller::pollCluster(TopologySnapshot &s, const QDeadlineTimer &deadline)
{
    // The node that answered last time first (a stable view), then the seeds, then every node
    // learned: any one reachable node is enough.
    QList<HostPort> order;
    if (!m_clusterAnswered.host.isEmpty())
        order << m_clusterAnswered;
    for (const HostPort &h : std::as_const(m_knownNodes)) {
        if (!order.contains(h))
            order << h;
    }
    QStringList tried;
    std::optional<QList<ClusterNodeLine>> lines;
    RedisValue shardsReply;
    for (const HostPort &address : std::as_const(order)) {
        const QString key = QStringLiteral("redis ") + address.toString();
        Error error;
        RedisConnection *conn = connection(key, m_url.withNode(address), false, deadline, &error);
        if (!conn) {
            tried << QStringLiteral("%1: %2").arg(address.toString(), error.message);
            if (error.kind == ErrorKind::AuthFailed || error.kind == ErrorKind::NoAuth)
                s.errorKind = error.kind;
            continue;
        }
        auto replies = conn->pipeline(
            {Command{"CLUSTER", "INFO"}, Command{"CLUSTER", "NODES"}, Command{"CLUSTER", "SHARDS"}});
        if (!replies) {
            tried << QStringLiteral("%1: %2").arg(address.toString(), replies.errorMessage());
            if (replies.error().isConnectionFailure())
                forget(key);
            continue;
        }
        if (replies->at(0).isError()) {
            const Error e = conn->errorFromReply(replies->at(0), Command{"CLUSTER", "INFO"});
            if (e.message.contains(QLatin1String("cluster support disabled"))) {
                s.error = QStringLiteral("%1 is not in cluster mode (it answers \"cluster support disabled\"); "
                                         "for a single node use redis://%1")
                              .arg(address.toString());
                s.errorKind = ErrorKind::Unsupported;
                return;
            }
            tried << QStringLiteral("%1: %2").arg(address.toString(), e.message);
            if (e.kind == ErrorKind::NoPermission)
                s.errorKind = e.kind;
            continue;
        }
        auto parsed = parseClusterNodes(replies->at(1).bytes());
        if (!parsed) {
            tried << QStringLiteral("%1: %2").arg(address.toString(), parsed.errorMessage());
            continue;
        }
        s.cluster = parseClusterInfo(replies->at(0).bytes());
        s.cluster.answeredBy = address;
        // A node that never joined a cluster lists itself without an address: it is the one asked.
        for (ClusterNodeLine &line : *parsed) {
            if (line.isMyself() && line.address.host.isEmpty())
                line.address = address;
        }
        lines = std::move(*parsed);
        shardsReply = replies->at(2);
        m_clusterAnswered = address;
        break;
    }
    if (!lines) {
        m_clusterAnswered = {};
        s.error = tried.isEmpty() ? QStringLiteral("No cluster node could be asked: the cycle's time budget ran out")
                                  : QStringLiteral("No cluster node answered: ") + tried.join(QStringLiteral("; "));
        if (s.errorKind == ErrorKind::None)
            s.errorKind = ErrorKind::Refused;
        return;
    }

    if (s.cluster.slotsAssigned == 0) {
        s.error = QStringLiteral("%1 is in cluster mode but no slot is assigned to any node (was the cluster "
                                 "created? redis-cli --cluster create …)")
                      .arg(s.cluster.answeredBy.toString());
        s.errorKind = ErrorKind::ServerError;
    }
    ClusterLayout layout = clusterLayout(*lines);
    for (const ClusterNodeLine &line : std::as_const(*lines)) {
        if (!line.address.host.isEmpty() && !m_knownNodes.contains(line.address))
            m_knownNodes << line.address;
    }
    // CLUSTER SHARDS (Redis 7) adds each node's replication offset and health.
    QHash<QString, ClusterShardNode> fromShards;
    if (!shardsReply.isError()) {
        if (auto entries = parseClusterShards(shardsReply)) {
            s.cluster.fromShards = true;
            for (const ClusterShardEntry &entry : std::as_const(*entries)) {
                for (const ClusterShardNode &n : entry.nodes)
                    fromShards.insert(QString::fromLatin1(n.id), n);
            }
        }
    }
    // Each node visited as the cluster listed it; its own INFO decides its role and figures.
    const auto visit = [&](RedisNodeState &n, QByteArray *infoText) {
        const RedisNodeState listed = n;
        if (listed.address.host.isEmpty()) {
            n.reason = QStringLiteral("the cluster knows no address for it (noaddr)");
            return;
        }
        n = pollNode(listed.address, m_url.withNode(listed.address), deadline, infoText);
        n.skipped = !n.up && n.failure == ErrorKind::Timeout && n.reason == budgetExhausted();
        n.nodeId = listed.nodeId;
        n.flags = listed.flags;
        n.configEpoch = listed.configEpoch;
        n.linkState = listed.linkState;
        n.roleReported = listed.roleReported;
        if (n.role.isEmpty())
            n.role = listed.role;
        const auto sh = fromShards.constFind(listed.nodeId);
        if (sh != fromShards.cend()) {
            n.clusterHealth = sh->health;
            if (n.replOffset < 0)
                n.replOffset = sh->replicationOffset;
        }
    };
    // Every primary first, then the replicas, then the rest: when slow nodes use up the cycle's
    // budget, what is left unvisited is the least needed, and it is marked not polled, not down.
    QList<QByteArray> primaryInfo(layout.shards.size());
    for (qsizetype i = 0; i < layout.shards.size(); ++i)
        visit(layout.shards[i].primary, &primaryInfo[i]);
    for (qsizetype i = 0; i < layout.shards.size(); ++i) {
        ShardState &shard = layout.shards[i];
        const QList<ReplicaLine> replicaInfo = replicaLines(Info::parse(primaryInfo.at(i)));
        for (RedisNodeState &r : shard.replicas) {
            visit(r, nullptr);
            if (r.up && shard.primary.up && shard.primary.replOffset >= 0 && r.replOffset >= 0)
                r.lagBytes = qMax<qint64>(0, shard.primary.replOffset - r.replOffset);
            for (const ReplicaLine &line : replicaInfo) {
                if (line.address == r.address) {
                    r.lagSeconds = line.lagSeconds;
                    if (r.lagBytes < 0 && shard.primary.replOffset >= 0 && line.offset >= 0)
                        r.lagBytes = qMax<qint64>(0, shard.primary.replOffset - line.offset);
                }
            }
        }
    }
    for (RedisNodeState &n : layout.spare)
        visit(n, nullptr);
    s.shards = std::move(layout.shards);
    s.spareNodes = std::move(layout.spare);
}

void TopologyPoller::checkAccess(TopologySnapshot &s, const QDeadlineTimer &deadline)
{
    if (m_access.known && !m_accessRecheck.hasExpired()) {
        s.access = m_access;
        return;
    }
    if (s.shards.isEmpty() || !s.shards.first().primaryUp())
        return;
    Error error;
    RedisConnection *conn = masterConnection(s, deadline, &error);
    if (!conn)
        return;
    AccessState access;
    // A key that cannot exist: the probe deletes nothing whatever the answer.
    const QByteArray probe = "sessiondeck:access-check:" + QByteArray::number(QDateTime::currentMSecsSinceEpoch())
        + ":" + QByteArray::number(quintptr(this), 16);
    auto unlink = conn->command(Command{"UNLINK", probe});
    if (!unlink && unlink.error().kind == ErrorKind::NoPermission) {
        auto del = conn->command(Command{"DEL", probe});
        if (!del && del.error().kind == ErrorKind::NoPermission) {
            access.canDelete = false;
            access.deleteReason = QStringLiteral("The ACL user '%1' may not delete keys (UNLINK and DEL are "
                                                 "refused with NOPERM)")
                                      .arg(m_url.username().isEmpty() ? QStringLiteral("default") : m_url.username());
        }
    } else if (!unlink && unlink.error().isConnectionFailure()) {
        return;   // try again next cycle
    }
    if (m_sentinel && !m_sentinel->connection().isBroken()) {
        auto failover = m_sentinel->connection().command(Command{"SENTINEL", "FAILOVER", probe});
        if (!failover && failover.error().kind == ErrorKind::NoPermission) {
            access.canFailover = false;
            access.failoverReason = QStringLiteral("Sentinel %1 refuses SENTINEL FAILOVER to this user (NOPERM)")
                                        .arg(m_sentinel->connection().peer());
        } else if (!failover && failover.error().isConnectionFailure()) {
            return;
        }
    }
    if (m_url.isCluster()) {
        // CLUSTER FAILOVER cannot be probed harmlessly; ask the ACL instead (Redis 7). A user who
        // may not ask either keeps the button, and a refusal then comes back in words.
        const QByteArray user = m_url.username().isEmpty() ? QByteArray("default") : m_url.username().toUtf8();
        auto dry = conn->command(Command{"ACL", "DRYRUN", user, "CLUSTER", "FAILOVER"});
        if (dry && dry->isBulk() && !dry->bytes().isEmpty() && dry->bytes() != "OK") {
            access.canFailover = false;
            access.failoverReason = QStringLiteral("The ACL user '%1' may not run CLUSTER FAILOVER")
                                        .arg(QString::fromUtf8(user));
        }
    }
    if (!m_pubsubDenied.isEmpty())
        access.denied << m_pubsubDenied;
    access.known = true;
    m_access = access;
    m_accessRecheck.setRemainingTime(60000);
    s.access = access;
}

TopologySnapshot TopologyPoller::pollOnce()
{
    QElapsedTimer elapsed;
    elapsed.start();
    const QDeadlineTimer deadline(m_options.cycleBudgetMs);
    TopologySnapshot s;
    s.generation = m_generation;
    s.at = QDateTime::currentDateTimeUtc();
    s.target = m_url.toString();
    s.kind = m_url.isSentinel()  ? DeploymentKind::Sentinel
             : m_url.isCluster() ? DeploymentKind::Cluster
                                 : DeploymentKind::Standalone;
    if (s.hasSentinels())
        pollSentinelManaged(s, deadline);
    else if (s.isCluster())
        pollCluster(s, deadline);
    else
        pollPlain(s, deadline);
    pollPubSub(s, deadline);
    checkAccess(s, deadline);
    s.evaluate();
    if (s.isCluster())
        s.events = m_clusterEvents.observe(s);
    s.cycleMs = elapsed.elapsed();
    return s;
}

} // namespace sdcore
