#pragma once

// The live event stream of a Sentinel deployment: a PSUBSCRIBE * connection to every sentinel,
// each message parsed into a SentinelEvent and emitted as it arrives (a QSocketNotifier per
// connection, so nothing polls). A lost connection is retried with backoff (0.25 s doubling to
// 5 s) and reported as linkChanged(false) then linkChanged(true); a PING every few seconds finds
// a sentinel that stopped answering without closing its socket. Lives on a worker thread
// (DeploymentMonitor's) or any thread with an event loop.

#include "core/redis/redisvalue.h"
#include "core/sentinel/sentinelevent.h"

#include <QObject>

#include <memory>
#include <vector>

class QTimer;

namespace sdcore {

struct EventStreamOptions
{
    int connectTimeoutMs = 1000;
    int pingIntervalMs = 3000;     // a subscribed connection that does not answer PING within
                                   // this long is taken for dead
    int minBackoffMs = 250;
    int maxBackoffMs = 5000;
};

class SentinelEventStream final : public QObject
{
    Q_OBJECT
public:
    // `url` gives the sentinels to start with and the credentials a sentinel may ask for.
    explicit SentinelEventStream(RedisUrl url, EventStreamOptions options = {},
                                 QObject *parent = nullptr);
    ~SentinelEventStream() override;

    int linkCount() const { return int(m_links.size()); }
    int connectedCount() const;

public Q_SLOTS:
    void start();
    void stop();
    // Subscribes to sentinels not yet known (discovered by the poller).
    void addSentinels(const QList<sdcore::HostPort> &sentinels);

Q_SIGNALS:
    void eventReceived(const sdcore::SentinelEvent &event);
    // A message that could not be parsed: the raw text and why.
    void malformedEvent(const sdcore::HostPort &sentinel, const QString &message);
    void linkChanged(const sdcore::HostPort &sentinel, bool up, const QString &reason);

private:
    struct Link;
    void open(Link &link);
    void onReadable(Link &link);
    void handle(Link &link, const RedisValue &message);
    void drop(Link &link, const QString &reason);
    void onPingTimer();

    RedisUrl m_url;
    EventStreamOptions m_options;
    std::vector<std::unique_ptr<Link>> m_links;
    QTimer *m_pingTimer = nullptr;
    bool m_running = false;
};

} // namespace sdcore
