#include "core/store/memorysessionstore.h"

namespace sdcore {

MemorySessionStore::MemorySessionStore(qint64 defaultTtlSeconds)
    : m_defaultTtl(defaultTtlSeconds)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

void MemorySessionStore::purge()
{
    const qint64 now = m_clock();
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        if (it->expiresAtMs >= 0 && it->expiresAtMs <= now)
            it = m_sessions.erase(it);
        else
            ++it;
    }
}

Result<std::optional<QByteArray>> MemorySessionStore::get(const QByteArray &sid)
{
    auto it = m_sessions.find(sid);
    if (it == m_sessions.end())
        return std::optional<QByteArray>();
    if (it->expiresAtMs >= 0 && it->expiresAtMs <= m_clock()) {
        m_sessions.erase(it);
        return std::optional<QByteArray>();
    }
    return std::optional<QByteArray>(it->json);
}

Status MemorySessionStore::set(const QByteArray &sid, const QByteArray &session)
{
    const qint64 now = m_clock();
    auto ttl = ttlSeconds(session, m_defaultTtl, QDateTime::fromMSecsSinceEpoch(now, Qt::UTC));
    if (!ttl)
        return ttl.error();
    if (*ttl <= 0) {
        m_sessions.remove(sid);
        return success();
    }
    m_sessions.insert(sid, Entry{session, now + *ttl * 1000});
    return success();
}

Status MemorySessionStore::touch(const QByteArray &sid, const QByteArray &session)
{
    auto it = m_sessions.find(sid);
    if (it == m_sessions.end())
        return success();
    const qint64 now = m_clock();
    auto ttl = ttlSeconds(session, m_defaultTtl, QDateTime::fromMSecsSinceEpoch(now, Qt::UTC));
    if (!ttl)
        return ttl.error();
    it->expiresAtMs = now + *ttl * 1000;
    return success();
}

Status MemorySessionStore::destroy(const QByteArray &sid)
{
    m_sessions.remove(sid);
    return success();
}

Result<qint64> MemorySessionStore::length()
{
    purge();
    return qint64(m_sessions.size());
}

Result<QList<QByteArray>> MemorySessionStore::ids()
{
    purge();
    return m_sessions.keys();
}

Result<QList<StoredSession>> MemorySessionStore::all()
{
    purge();
    QList<StoredSession> out;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it)
        out << StoredSession{it.key(), it->json};
    return out;
}

Status MemorySessionStore::clear()
{
    m_sessions.clear();
    return success();
}

} // namespace sdcore
