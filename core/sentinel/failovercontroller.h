#pragma once

// A manual failover, followed to its end: SENTINEL FAILOVER <master> is sent to a reachable
// sentinel, then the event stream's messages for that master are reported as progress until
// +switch-master (success: old and new master, how long it took), -failover-abort-* or a timeout.
// Sentinel's error replies (NOGOODSLAVE, INPROG, …) end it at once. In case the stream misses
// the switch, the master's address is also asked every half second. Lives on the event stream's
// thread: feed it the stream's events through onEvent().

#include "core/sentinel/sentinelevent.h"

#include <QElapsedTimer>
#include <QObject>

class QTimer;

namespace sdcore {

struct FailoverOutcome
{
    bool ok = false;
    QString masterName;
    HostPort oldMaster;
    HostPort newMaster;
    HostPort askedSentinel;
    qint64 elapsedMs = 0;
    QString error;               // why it failed, in words
    QStringList steps;           // the events seen, in order
    // A Redis Cluster shard's failover (masterName is then the shard's slots, and the masters
    // are its old and new primary).
    bool cluster = false;

    QString summary() const;
};

class FailoverController final : public QObject
{
    Q_OBJECT
public:
    explicit FailoverController(RedisUrl url, QObject *parent = nullptr);
    ~FailoverController() override;

    bool isRunning() const { return m_running; }

public Q_SLOTS:
    // `sentinels` are tried in order; the URL's credentials are used if a sentinel asks.
    void start(const QList<sdcore::HostPort> &sentinels, int timeoutMs);
    void onEvent(const sdcore::SentinelEvent &event);

Q_SIGNALS:
    void progress(const QString &step);
    void finished(const sdcore::FailoverOutcome &outcome);

private:
    void finish(bool ok, const QString &error);
    void checkAddress();

    RedisUrl m_url;
    QList<HostPort> m_sentinels;
    bool m_running = false;
    FailoverOutcome m_outcome;
    QElapsedTimer m_elapsed;
    QTimer *m_timeout = nullptr;
    QTimer *m_check = nullptr;
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::FailoverOutcome)
