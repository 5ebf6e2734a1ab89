#include "statuspoller.h"

#include "info.h"
#include "masterresolver.h"

#include <QElapsedTimer>
#include <QTimer>

#include <spdlog/spdlog.h>

namespace sdcore {

StatusPoller::StatusPoller(QObject *parent) : QObject(parent)
{
    // Short timeouts: a stopped node must not hold the poll cycle for long.
    m_options.connectTimeoutMs = 1500;
    m_options.commandTimeoutMs = 1500;
}

StatusPoller::~StatusPoller() = default;

void StatusPoller::setTarget(const RedisUrl &url, quint64 generation, int intervalMs)
{
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &StatusPoller::poll);
    }
    m_url = url;
    m_generation = generation;
    m_connection.reset();
    m_timer->start(qMax(100, intervalMs));
    poll();
}

void StatusPoller::stopPolling()
{
    if (m_timer)
        m_timer->stop();
    m_connection.reset();
    m_url.reset();
}

void StatusPoller::poll()
{
    if (!m_url)
        return;
    Q_EMIT polled(pollOnce());
}

NodeStatus StatusPoller::pollOnce()
{
    NodeStatus s;
    s.generation = m_generation;
    s.at = QDateTime::currentDateTimeUtc();
    if (!m_url) {
        s.error = QStringLiteral("No target");
        return s;
    }
    s.target = m_url->toString();

    if (!m_connection || m_connection->isBroken()) {
        m_connection.reset();
        auto node = MasterResolver::connect(*m_url, m_options, m_url->isSentinel());
        if (!node) {
            s.error = node.errorMessage();
            return s;
        }
        m_connection = std::move(node->connection);
        m_node = node->node;
        m_resolvedBy = node->via ? node->via->answeredBy.toString() : QString();
        spdlog::info("connected to {} ({})", m_node.toString().toStdString(),
                     s.target.toStdString());
    }
    s.node = m_node;
    s.resolvedBy = m_resolvedBy;

    QElapsedTimer rtt;
    rtt.start();
    auto pong = m_connection->command(Command{"PING"});
    if (!pong) {
        s.error = pong.errorMessage();
        if (pong.error().isConnectionFailure())
            m_connection.reset();
        return s;
    }
    s.rttMs = double(rtt.nsecsElapsed()) / 1e6;

    auto infoReply = m_connection->command(Command{"INFO"});
    if (!infoReply) {
        s.error = infoReply.errorMessage();
        if (infoReply.error().isConnectionFailure())
            m_connection.reset();
        return s;
    }
    const Info info = Info::parse(infoReply->bytes());
    s.reachable = true;
    s.role = info.text("role");
    s.version = info.text("redis_version");
    s.connectedClients = info.integer("connected_clients");
    s.usedMemory = info.integer("used_memory");
    s.opsPerSec = info.integer("instantaneous_ops_per_sec");
    s.uptimeSeconds = info.integer("uptime_in_seconds");
    s.connectedReplicas = int(info.integer("connected_slaves"));
    const auto db = info.subFields("db" + QByteArray::number(m_url->db()));
    s.keys = db.contains("keys") ? db.value("keys").toLongLong() : 0;

    // After a failover the node we hold may have been demoted; find the master again.
    if (m_url->isSentinel() && s.role != QLatin1String("master"))
        m_connection.reset();
    return s;
}

} // namespace sdcore
