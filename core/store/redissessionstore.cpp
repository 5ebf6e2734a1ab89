#include "core/store/redissessionstore.h"

#include "core/sentinel/masterresolver.h"
#include "core/sessions/sessionscanner.h"

#include <QSet>

#include <spdlog/spdlog.h>

namespace sdcore {

namespace {

// Worth resolving the master again and retrying: the node went away, or it is no longer (or
// not yet) the master.
bool retryable(const Error &error)
{
    return error.isConnectionFailure() || error.kind == ErrorKind::ReadOnly || error.kind == ErrorKind::Loading;
}

Status statusOf(const Result<RedisValue> &reply)
{
    return reply ? success() : Status(reply.error());
}

} // namespace

RedisSessionStore::RedisSessionStore(RedisUrl url, RedisStoreOptions options, QString name)
    : m_url(std::move(url))
    , m_options(std::move(options))
    , m_name(name.isEmpty() ? m_url.toString() : std::move(name))
{
}

RedisSessionStore::~RedisSessionStore() = default;

void RedisSessionStore::switchMaster(const HostPort &master)
{
    std::lock_guard lock(m_switchMutex);
    m_switchTo = master;
    m_switchPending = true;
}

Status RedisSessionStore::connect()
{
    if (m_hint && m_url.isSentinel()) {
        // Told where the master is now: use it if it says it is the master.
        const HostPort hint = *m_hint;
        m_hint.reset();
        auto conn = RedisConnection::open(m_url.withNode(hint), m_options.connection);
        if (conn) {
            auto role = MasterResolver::role(**conn);
            if (role && *role == "master") {
                m_connection = std::move(*conn);
                m_node = hint;
                return success();
            }
        }
    }
    auto node = MasterResolver::connect(m_url, m_options.connection);
    if (!node)
        return node.error();
    m_connection = std::move(node->connection);
    m_node = node->node;
    return success();
}

template <typename T>
Result<T> RedisSessionStore::run(const std::function<Result<T>(RedisConnection &)> &operation)
{
    if (m_switchPending.exchange(false)) {
        std::optional<HostPort> to;
        {
            std::lock_guard lock(m_switchMutex);
            to = std::exchange(m_switchTo, std::nullopt);
        }
        if (to && (*to != m_node || !m_connection)) {
            m_hint = to;
            m_connection.reset();
        }
    }
    Error last;
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!m_connection || m_connection->isBroken()) {
            m_connection.reset();
            if (Status s = connect(); !s) {
                last = s.error();
                if (attempt == 0 && retryable(last))
                    continue;
                return last;
            }
        }
        Result<T> r = operation(*m_connection);
        if (r)
            return r;
        last = r.error();
        if (!retryable(last))
            return r;
        spdlog::info("{}: {} on {}; resolving the master again", m_name.toStdString(),
                     errorKindName(last.kind).toStdString(), m_node.toString().toStdString());
        m_connection.reset();
    }
    return last;
}

std::function<Status()> RedisSessionStore::healthCheck() const
{
    const RedisUrl url = m_url;
    ConnectionOptions options = m_options.connection;
    options.connectTimeoutMs = qMin(options.connectTimeoutMs, 500);
    options.commandTimeoutMs = qMin(options.commandTimeoutMs, 500);
    options.clientName = "sessiondeck-health";
    return [url, options]() -> Status {
        auto node = MasterResolver::connect(url, options);
        if (!node)
            return node.error();
        auto pong = node->connection->command(Command{"PING"});
        return pong ? success() : Status(pong.error());
    };
}

Result<std::optional<QByteArray>> RedisSessionStore::get(const QByteArray &sid)
{
    auto v = execute(Command{"GET", key(sid)});
    if (!v)
        return v.error();
    return v->isNil() ? std::optional<QByteArray>() : std::optional<QByteArray>(v->bytes());
}

Status RedisSessionStore::set(const QByteArray &sid, const QByteArray &session)
{
    auto ttl = ttlSeconds(session, m_options.ttl, QDateTime::currentDateTimeUtc());
    if (!ttl)
        return ttl.error();
    if (*ttl <= 0)
        return destroy(sid);
    Command argv{"SET", key(sid), session};
    if (!m_options.disableTTL)
        argv << "EX" << QByteArray::number(*ttl);
    return statusOf(execute(argv));
}

Status RedisSessionStore::touch(const QByteArray &sid, const QByteArray &session)
{
    if (m_options.disableTouch || m_options.disableTTL)
        return success();
    auto ttl = ttlSeconds(session, m_options.ttl, QDateTime::currentDateTimeUtc());
    if (!ttl)
        return ttl.error();
    return statusOf(execute(Command{"EXPIRE", key(sid), QByteArray::number(*ttl)}));
}

Status RedisSessionStore::destroy(const QByteArray &sid)
{
    return statusOf(execute(Command{"DEL", key(sid)}));
}

Result<RedisValue> RedisSessionStore::execute(const Command &argv)
{
    return run<RedisValue>([&](RedisConnection &c) { return c.command(argv); });
}

Status RedisSessionStore::unlink(const QByteArray &sid)
{
    return statusOf(execute(Command{"UNLINK", key(sid)}));
}

Result<QList<QByteArray>> RedisSessionStore::keys(RedisConnection &c)
{
    const QByteArray pattern = SessionScanner::matchPattern(m_options.prefix, {});
    const QByteArray count = QByteArray::number(m_options.scanCount);
    QSet<QByteArray> seen;
    QList<QByteArray> out;
    QByteArray cursor = "0";
    do {
        auto r = c.command(Command{"SCAN", cursor, "MATCH", pattern, "COUNT", count});
        if (!r)
            return r.error();
        if (r->size() != 2)
            return makeError(ErrorKind::Protocol, QStringLiteral("unexpected SCAN reply: %1").arg(r->debugString().left(200)));
        cursor = r->at(0).bytes();
        for (const RedisValue &k : r->at(1).elements()) {
            if (!seen.contains(k.bytes())) {
                seen.insert(k.bytes());
                out << k.bytes();
            }
        }
    } while (cursor != "0");
    return out;
}

Result<QList<QByteArray>> RedisSessionStore::ids()
{
    return run<QList<QByteArray>>([&](RedisConnection &c) -> Result<QList<QByteArray>> {
        auto k = keys(c);
        if (!k)
            return k.error();
        QList<QByteArray> out;
        out.reserve(k->size());
        for (const QByteArray &key : std::as_const(*k))
            out << key.mid(m_options.prefix.size());
        return out;
    });
}

Result<qint64> RedisSessionStore::length()
{
    return run<qint64>([&](RedisConnection &c) -> Result<qint64> {
        auto k = keys(c);
        return k ? Result<qint64>(qint64(k->size())) : Result<qint64>(k.error());
    });
}

Result<QList<StoredSession>> RedisSessionStore::all()
{
    return run<QList<StoredSession>>([&](RedisConnection &c) -> Result<QList<StoredSession>> {
        auto k = keys(c);
        if (!k)
            return k.error();
        QList<StoredSession> out;
        constexpr qsizetype Batch = 100;
        for (qsizetype from = 0; from < k->size(); from += Batch) {
            const QList<QByteArray> batch = k->mid(from, Batch);
            Command argv{"MGET"};
            argv << batch;
            auto values = c.command(argv);
            if (!values)
                return values.error();
            for (qsizetype i = 0; i < batch.size() && i < values->size(); ++i) {
                if (values->at(i).isBulk())   // nil: expired or deleted since SCAN
                    out << StoredSession{batch.at(i).mid(m_options.prefix.size()), values->at(i).bytes()};
            }
        }
        return out;
    });
}

Status RedisSessionStore::clear()
{
    return run<Done>([&](RedisConnection &c) -> Status {
        auto k = keys(c);
        if (!k)
            return k.error();
        for (qsizetype from = 0; from < k->size(); from += 1000) {
            Command argv{"DEL"};
            argv << k->mid(from, 1000);
            if (auto r = c.command(argv); !r)
                return r.error();
        }
        return success();
    });
}

} // namespace sdcore
