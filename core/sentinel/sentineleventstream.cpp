#include "core/sentinel/sentineleventstream.h"

#include "core/sentinel/masterresolver.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <QTimer>

#include <spdlog/spdlog.h>

namespace sdcore {

struct SentinelEventStream::Link
{
    HostPort address;
    std::unique_ptr<RedisConnection> connection;
    std::unique_ptr<QSocketNotifier> notifier;
    QTimer retry;
    int backoffMs = 0;
    bool up = false;
    bool reportedDown = false;
    qint64 pingSentAt = 0;     // ms since epoch of an unanswered PING, 0 when none
};

SentinelEventStream::SentinelEventStream(RedisUrl url, EventStreamOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(options)
{
    qRegisterMetaType<SentinelEvent>();
    qRegisterMetaType<HostPort>();
}

SentinelEventStream::~SentinelEventStream() = default;

int SentinelEventStream::connectedCount() const
{
    int n = 0;
    for (const auto &l : m_links)
        n += l->up ? 1 : 0;
    return n;
}

void SentinelEventStream::start()
{
    if (m_running)
        return;
    m_running = true;
    if (!m_pingTimer) {
        m_pingTimer = new QTimer(this);
        connect(m_pingTimer, &QTimer::timeout, this, &SentinelEventStream::onPingTimer);
    }
    m_pingTimer->start(m_options.pingIntervalMs);
    addSentinels(m_url.hosts());
    for (auto &l : m_links) {
        if (!l->connection)
            open(*l);
    }
}

void SentinelEventStream::stop()
{
    m_running = false;
    if (m_pingTimer)
        m_pingTimer->stop();
    m_links.clear();
}

void SentinelEventStream::addSentinels(const QList<HostPort> &sentinels)
{
    for (const HostPort &address : sentinels) {
        const bool known = std::any_of(m_links.begin(), m_links.end(),
                                       [&](const auto &l) { return l->address == address; });
        if (known)
            continue;
        auto link = std::make_unique<Link>();
        link->address = address;
        link->retry.setSingleShot(true);
        Link *raw = link.get();
        connect(&link->retry, &QTimer::timeout, this, [this, raw] { open(*raw); });
        m_links.push_back(std::move(link));
        if (m_running)
            open(*raw);
    }
}

void SentinelEventStream::open(Link &link)
{
    if (!m_running)
        return;
    ConnectionOptions options;
    options.connectTimeoutMs = options.commandTimeoutMs = m_options.connectTimeoutMs;
    options.clientName = "sessiondeck-events";
    auto conn = MasterResolver::openSentinel(m_url, link.address, options);
    Result<RedisValue> subscribed = makeError(ErrorKind::Io, QString());
    if (conn) {
        subscribed = (*conn)->command(Command{"PSUBSCRIBE", "*"});
        if (subscribed && !(subscribed->isArray() && subscribed->size() == 3))
            subscribed = makeError(ErrorKind::Protocol, QStringLiteral("unexpected PSUBSCRIBE reply"));
    }
    if (!conn || !subscribed) {
        const QString reason = !conn ? conn.errorMessage() : subscribed.errorMessage();
        // Said once per outage, not on every retry.
        if (!link.reportedDown) {
            spdlog::warn("events: cannot subscribe to sentinel {}: {}",
                         link.address.toString().toStdString(), reason.toStdString());
            link.reportedDown = true;
            Q_EMIT linkChanged(link.address, false, reason);
        }
        link.backoffMs = link.backoffMs ? qMin(link.backoffMs * 2, m_options.maxBackoffMs)
                                        : m_options.minBackoffMs;
        link.retry.start(link.backoffMs);
        return;
    }
    link.connection = std::move(*conn);
    link.connection->setCommandTimeout(m_options.connectTimeoutMs);
    link.notifier = std::make_unique<QSocketNotifier>(link.connection->socketDescriptor(),
                                                      QSocketNotifier::Read);
    connect(link.notifier.get(), &QSocketNotifier::activated, this, [this, l = &link] { onReadable(*l); });
    link.up = true;
    link.reportedDown = false;
    link.backoffMs = 0;
    link.pingSentAt = 0;
    spdlog::info("events: subscribed to sentinel {}", link.address.toString().toStdString());
    Q_EMIT linkChanged(link.address, true, QString());
    // Messages that arrived with the PSUBSCRIBE reply.
    if (auto buffered = link.connection->takeBuffered()) {
        for (const RedisValue &m : *buffered)
            handle(link, m);
    }
}

void SentinelEventStream::onReadable(Link &link)
{
    if (!link.connection)
        return;
    auto messages = link.connection->readAvailable();
    if (!messages) {
        drop(link, messages.errorMessage());
        return;
    }
    for (const RedisValue &m : *messages)
        handle(link, m);
}

void SentinelEventStream::handle(Link &link, const RedisValue &message)
{
    if (!message.isArray() || message.size() < 2)
        return;
    const QByteArray kind = message.at(0).bytes();
    if (kind == "pong") {
        link.pingSentAt = 0;
        return;
    }
    if (kind != "pmessage" || message.size() != 4)
        return;
    const QString channel = message.at(2).toString();
    auto event = SentinelEvent::parse(channel, message.at(3).bytes());
    if (!event) {
        spdlog::warn("events: {}", event.errorMessage().toStdString());
        Q_EMIT malformedEvent(link.address, event.errorMessage());
        return;
    }
    event->source = link.address;
    Q_EMIT eventReceived(*event);
}

void SentinelEventStream::drop(Link &link, const QString &reason)
{
    link.notifier.reset();
    link.connection.reset();
    link.up = false;
    if (!link.reportedDown) {
        spdlog::warn("events: lost sentinel {}: {}", link.address.toString().toStdString(),
                     reason.toStdString());
        link.reportedDown = true;
        Q_EMIT linkChanged(link.address, false, reason);
    }
    link.backoffMs = m_options.minBackoffMs;
    link.retry.start(link.backoffMs);
}

void SentinelEventStream::onPingTimer()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto &l : m_links) {
        if (!l->connection)
            continue;
        if (l->pingSentAt && now - l->pingSentAt >= m_options.pingIntervalMs) {
            drop(*l, QStringLiteral("no answer to PING for %1 ms (sentinel stopped or the network "
                                    "is down)")
                         .arg(now - l->pingSentAt));
            continue;
        }
        if (l->pingSentAt)
            continue;
        if (Status s = l->connection->send(Command{"PING"}); !s) {
            drop(*l, s.errorMessage());
            continue;
        }
        l->pingSentAt = now;
    }
}

} // namespace sdcore
