#pragma once

// Writes sessions the way express-session + connect-redis do, so the demo cluster looks like a
// real one: key "sess:<32-char id>", value the session as JSON, TTL taken from cookie.expires.
// Then keeps creating, touching, reading and destroying them. Survives failovers by resolving the
// master again; on a cluster URL each command goes to its key's shard (ClusterRouter). Blocking;
// owned and called by one thread.

#include "core/cluster/clusterrouter.h"
#include "core/redis/redisconnection.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QStringList>

namespace sdcore {

struct TrafficOptions
{
    QByteArray prefix = "sess:";
    int maxSessions = 20000;        // destroys more than it creates above this
    quint32 seed = 0;               // 0: random
    ConnectionOptions connection;
};

struct TrafficStats
{
    qint64 created = 0;
    qint64 touched = 0;
    qint64 read = 0;
    qint64 destroyed = 0;
    qint64 failedBatches = 0;
    qint64 reconnects = 0;
    QString lastError;
};

class DemoTraffic
{
public:
    DemoTraffic(RedisUrl url, TrafficOptions options = {});
    ~DemoTraffic();

    // Creates `count` sessions in pipelined batches.
    Status seed(int count);
    // One round of `operations` mixed operations in one pipeline.
    Status tick(int operations);

    const TrafficStats &stats() const { return m_stats; }
    qsizetype liveSessions() const { return m_live.size(); }

    // connect-redis's layout, exposed for tests.
    static QByteArray newSessionId(QRandomGenerator &rng);
    // The session JSON and its TTL in seconds, for a cookie with `maxAgeMs` at `now`.
    QByteArray sessionJson(qint64 maxAgeMs, const QDateTime &now, qint64 *ttlSeconds);

private:
    Status ensureConnected();
    Status run(const QList<Command> &commands);
    Command createCommand();

    RedisUrl m_url;
    TrafficOptions m_options;
    std::unique_ptr<ClusterRouter> m_router;
    QRandomGenerator m_rng;
    std::unique_ptr<RedisConnection> m_connection;
    QList<QByteArray> m_live;   // ids believed to exist
    TrafficStats m_stats;
};

} // namespace sdcore
