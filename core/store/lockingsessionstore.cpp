#include "core/store/lockingsessionstore.h"

#include "core/support/jsontext.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QThread>

namespace sdcore {

namespace {

struct Member
{
    QByteArray key;     // the key's JSON string token, quotes included
    QByteArray value;   // the value's text as written
};

// The top-level members of a JSON object, in order, as text; nullopt when it is not one.
std::optional<QList<Member>> members(QByteArrayView s)
{
    const auto views = JsonText::members(s);
    if (!views)
        return std::nullopt;
    QList<Member> out;
    out.reserve(views->size());
    for (const JsonText::Member &m : *views)
        out << Member{m.key.toByteArray(), m.value.toByteArray()};
    return out;
}

qsizetype indexOfKey(const QList<Member> &list, const QByteArray &key)
{
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).key == key)
            return i;
    }
    return -1;
}

const QByteArray ReleaseScript =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

} // namespace

LockingSessionStore::LockingSessionStore(RedisUrl url, RedisStoreOptions options, LockOptions lock, QString name)
    : m_store(std::move(url), options, std::move(name))
    , m_prefix(options.prefix)
    , m_lock(lock)
{
}

std::optional<QByteArray> LockingSessionStore::merge(const QByteArray &original, const QByteArray &mine,
                                                     const QByteArray &current)
{
    const auto o = members(original), m = members(mine), c = members(current);
    if (!o || !m || !c)
        return std::nullopt;
    QList<Member> result = *c;
    for (const Member &member : *m) {
        const qsizetype before = indexOfKey(*o, member.key);
        if (before >= 0 && o->at(before).value == member.value)
            continue;   // not changed by this request: keep what is stored
        const qsizetype at = indexOfKey(result, member.key);
        if (at >= 0)
            result[at].value = member.value;
        else
            result << member;
    }
    for (const Member &member : *o) {
        if (indexOfKey(*m, member.key) < 0) {   // removed by this request
            const qsizetype at = indexOfKey(result, member.key);
            if (at >= 0)
                result.removeAt(at);
        }
    }
    QByteArray out = "{";
    for (qsizetype i = 0; i < result.size(); ++i) {
        if (i)
            out += ',';
        out += result.at(i).key + ':' + result.at(i).value;
    }
    return out + '}';
}

Result<QByteArray> LockingSessionStore::lock(const QByteArray &sid)
{
    const QByteArray token = QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    const QByteArray key = lockKey(sid);
    QElapsedTimer waited;
    waited.start();
    // A lock expires by itself after lockExpiry, so waiting a little longer than that is enough.
    const qint64 giveUp = qint64(m_lock.lockExpiryMs) + 2 * m_lock.retryTimeMs;
    for (;;) {
        auto r = m_store.execute(Command{"SET", key, token, "NX", "PX", QByteArray::number(m_lock.lockExpiryMs)});
        if (!r)
            return r.error();
        if (r->isStatus())
            return token;
        if (waited.elapsed() > giveUp) {
            return makeError(ErrorKind::Timeout,
                             QStringLiteral("The session's lock %1 stayed taken for %2 ms")
                                 .arg(QString::fromUtf8(key))
                                 .arg(waited.elapsed()));
        }
        QThread::msleep(quint64(m_lock.retryTimeMs));
    }
}

void LockingSessionStore::unlock(const QByteArray &sid, const QByteArray &token)
{
    m_store.execute(Command{"EVAL", ReleaseScript, "1", lockKey(sid), token}).ok();
}

Result<std::optional<QByteArray>> LockingSessionStore::get(const QByteArray &sid)
{
    auto r = m_store.get(sid);
    if (r) {
        if (r->has_value())
            m_loaded.insert(sid, **r);
        else
            m_loaded.remove(sid);
    }
    return r;
}

Status LockingSessionStore::set(const QByteArray &sid, const QByteArray &session)
{
    const auto loaded = m_loaded.constFind(sid);
    if (loaded != m_loaded.constEnd() && *loaded == session) {
        ++m_unchanged;
        return success();
    }
    if (auto ttl = ttlSeconds(session, 1, QDateTime::currentDateTimeUtc()); !ttl)
        return ttl.error();   // not JSON: refused before taking the lock
    auto token = lock(sid);
    if (!token)
        return token.error();
    Status result = success();
    auto tomb = m_store.execute(Command{"EXISTS", tombstoneKey(sid)});
    if (!tomb) {
        result = tomb.error();
    } else if (tomb->toInteger() > 0) {
        // Destroyed by a parallel request: this late write must not bring it back.
        m_loaded.remove(sid);
    } else {
        QByteArray toWrite = session;
        if (loaded != m_loaded.constEnd()) {
            auto current = m_store.get(sid);
            if (!current) {
                result = current.error();
            } else if (current->has_value()) {
                if (auto merged = merge(*loaded, session, **current))
                    toWrite = *merged;
            }
        }
        if (result) {
            result = m_store.set(sid, toWrite);
            if (result)
                m_loaded.insert(sid, toWrite);
        }
    }
    unlock(sid, *token);
    return result;
}

Status LockingSessionStore::touch(const QByteArray &sid, const QByteArray &session)
{
    return m_store.touch(sid, session);
}

Status LockingSessionStore::destroy(const QByteArray &sid)
{
    m_loaded.remove(sid);
    auto tomb = m_store.execute(Command{"SET", tombstoneKey(sid), "1", "PX", QByteArray::number(m_lock.deleteExpiryMs)});
    if (!tomb)
        return tomb.error();
    return m_store.destroy(sid);
}

Result<QList<QByteArray>> LockingSessionStore::ids()
{
    auto ids = m_store.ids();
    if (ids)
        ids->removeIf([](const QByteArray &id) { return isInternalId(id); });
    return ids;
}

Result<qint64> LockingSessionStore::length()
{
    auto list = ids();
    return list ? Result<qint64>(qint64(list->size())) : Result<qint64>(list.error());
}

Result<QList<StoredSession>> LockingSessionStore::all()
{
    auto sessions = m_store.all();
    if (sessions)
        sessions->removeIf([](const StoredSession &s) { return isInternalId(s.id); });
    return sessions;
}

Status LockingSessionStore::clear()
{
    m_loaded.clear();
    return m_store.clear();
}

} // namespace sdcore
