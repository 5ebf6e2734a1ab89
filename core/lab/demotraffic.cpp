#include "core/lab/demotraffic.h"

#include "core/sentinel/masterresolver.h"

#include <spdlog/spdlog.h>

#include <cmath>

namespace sdcore {

namespace {

const char *const firstNames[] = {"Ada",   "Grace",  "Linus",  "Margaret", "Ken",  "Barbara",
                                  "Dennis", "Frances", "Edsger", "Radia",    "Guido", "Katherine"};
const char *const lastNames[] = {"Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson",
                                 "Liskov",   "Ritchie", "Allen",   "Dijkstra", "Perlman"};
// Cookie lifetimes apps commonly use, in ms: 15 min, 1 h, 1 day, 1 week, 30 days.
const qint64 maxAges[] = {15 * 60 * 1000LL, 60 * 60 * 1000LL, 24 * 3600 * 1000LL,
                          7 * 24 * 3600 * 1000LL, 30 * 24 * 3600 * 1000LL};

template <typename T, size_t N>
const T &pick(QRandomGenerator &rng, const T (&items)[N])
{
    return items[rng.bounded(int(N))];
}

} // namespace

DemoTraffic::DemoTraffic(RedisUrl url, TrafficOptions options)
    : m_url(std::move(url)), m_options(std::move(options)),
      m_rng(m_options.seed ? m_options.seed : QRandomGenerator::global()->generate())
{
}

DemoTraffic::~DemoTraffic() = default;

QByteArray DemoTraffic::newSessionId(QRandomGenerator &rng)
{
    // express-session uses uid-safe(24): 24 random bytes, base64url without padding = 32 chars.
    QByteArray bytes(24, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(rng.bounded(256));
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray DemoTraffic::sessionJson(qint64 maxAgeMs, const QDateTime &now, qint64 *ttlSeconds)
{
    const QDateTime expires = now.addMSecs(maxAgeMs);
    if (ttlSeconds)
        *ttlSeconds = qint64(std::ceil(double(now.msecsTo(expires)) / 1000.0));
    // Written by hand to keep express-session's key order (Cookie#toJSON), which QJsonObject
    // would sort.
    QByteArray json = "{\"cookie\":{\"originalMaxAge\":" + QByteArray::number(maxAgeMs)
        + ",\"expires\":\"" + expires.toUTC().toString(Qt::ISODateWithMs).toUtf8()
        + "\",\"secure\":false,\"httpOnly\":true,\"path\":\"/\"}";
    const int kind = m_rng.bounded(10);
    const int userId = m_rng.bounded(1, 100000);
    if (kind < 5) {
        const QByteArray first = pick(m_rng, firstNames);
        const QByteArray last = pick(m_rng, lastNames);
        json += ",\"user\":{\"id\":" + QByteArray::number(userId) + ",\"name\":\"" + first + ' '
            + last + "\",\"email\":\"" + first.toLower() + '.' + last.toLower()
            + "@example.com\"}";
        json += ",\"cart\":{\"items\":" + QByteArray::number(m_rng.bounded(6)) + "}";
    } else if (kind < 7) {
        json += ",\"passport\":{\"user\":\"" + QByteArray::number(userId) + "\"}";
    } else {
        json += ",\"views\":" + QByteArray::number(m_rng.bounded(1, 50));
    }
    json += ",\"csrfSecret\":\"" + newSessionId(m_rng).left(24) + "\"}";
    return json;
}

Command DemoTraffic::createCommand()
{
    const QByteArray id = newSessionId(m_rng);
    qint64 ttl = 0;
    const QByteArray value = sessionJson(pick(m_rng, maxAges), QDateTime::currentDateTimeUtc(), &ttl);
    m_live.append(id);
    ++m_stats.created;
    return Command{"SET", m_options.prefix + id, value, "EX", QByteArray::number(ttl)};
}

Status DemoTraffic::ensureConnected()
{
    if (m_connection && !m_connection->isBroken())
        return success();
    m_connection.reset();
    auto node = MasterResolver::connect(m_url, m_options.connection, true);
    if (!node)
        return node.error();
    m_connection = std::move(node->connection);
    ++m_stats.reconnects;
    return success();
}

Status DemoTraffic::run(const QList<Command> &commands)
{
    if (m_url.isCluster()) {
        if (!m_router)
            m_router = std::make_unique<ClusterRouter>(m_url, m_options.connection);
        QList<QPair<QByteArray, Command>> routed;
        for (const Command &c : commands)
            routed.append({c.value(1), c});
        auto replies = m_router->pipeline(routed);
        if (!replies) {
            ++m_stats.failedBatches;
            m_stats.lastError = replies.errorMessage();
            return replies.error();
        }
        for (const RedisValue &r : std::as_const(*replies)) {
            if (r.isError()) {
                ++m_stats.failedBatches;
                m_stats.lastError = r.toString();
                return makeError(ErrorKind::ServerError, r.toString());
            }
        }
        return success();
    }
    if (Status s = ensureConnected(); !s) {
        ++m_stats.failedBatches;
        m_stats.lastError = s.errorMessage();
        return s;
    }
    auto replies = m_connection->pipeline(commands);
    if (!replies) {
        ++m_stats.failedBatches;
        m_stats.lastError = replies.errorMessage();
        m_connection.reset();
        return replies.error();
    }
    for (qsizetype i = 0; i < replies->size(); ++i) {
        if (replies->at(i).isError()) {
            const Error e = m_connection->errorFromReply(replies->at(i), commands.at(i));
            ++m_stats.failedBatches;
            m_stats.lastError = e.message;
            // A READONLY reply means a failover demoted our node: resolve again next time.
            if (e.kind == ErrorKind::ReadOnly || e.kind == ErrorKind::Loading)
                m_connection.reset();
            return e;
        }
    }
    return success();
}

Status DemoTraffic::seed(int count)
{
    constexpr int batch = 500;
    for (int done = 0; done < count; done += batch) {
        QList<Command> commands;
        for (int i = 0; i < std::min(batch, count - done); ++i)
            commands << createCommand();
        if (Status s = run(commands); !s)
            return s;
    }
    return success();
}

Status DemoTraffic::tick(int operations)
{
    QList<Command> commands;
    for (int i = 0; i < operations; ++i) {
        const int r = m_rng.bounded(100);
        const bool full = m_live.size() >= m_options.maxSessions;
        if (m_live.isEmpty() || (r < 40 && !full)) {
            commands << createCommand();
        } else if (r < 70) {
            // connect-redis touch: EXPIRE with the cookie's remaining lifetime.
            const QByteArray &id = m_live.at(m_rng.bounded(int(m_live.size())));
            commands << Command{"EXPIRE", m_options.prefix + id,
                                QByteArray::number(pick(m_rng, maxAges) / 1000)};
            ++m_stats.touched;
        } else if (r < 90 && !full) {
            commands << Command{"GET", m_options.prefix + m_live.at(m_rng.bounded(int(m_live.size())))};
            ++m_stats.read;
        } else {
            const qsizetype index = m_rng.bounded(int(m_live.size()));
            commands << Command{"DEL", m_options.prefix + m_live.at(index)};
            m_live.swapItemsAt(index, m_live.size() - 1);
            m_live.removeLast();
            ++m_stats.destroyed;
        }
    }
    return run(commands);
}

} // namespace sdcore
