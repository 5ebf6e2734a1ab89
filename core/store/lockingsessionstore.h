#pragma once

// A RedisSessionStore behind a per-session lock, with connect-smart-redis's semantics:
// - set() writes only when the session changed since get() read it; then, under the lock
//   (`SET <prefix>lock:<sid> <token> NX PX lockExpiry`, retried every retryTime), it reads the
//   stored session and applies only the top-level properties this request changed (added,
//   replaced or removed), so parallel requests changing different properties keep each other's
//   changes; the lock is released only by its owner (compare-and-delete script);
// - destroy() leaves a tombstone (`<prefix>tomb:<sid>`, deleteExpiry) that makes a late write of
//   a parallel request a no-op, so a destroyed session stays destroyed.
// Property order and formatting of the stored JSON are kept; changed values are the app's text.
// Lock and tombstone keys sit under the prefix and are left out of ids(), all() and length().

#include "core/store/redissessionstore.h"

#include <QHash>

namespace sdcore {

struct LockOptions
{
    int lockExpiryMs = 5000;
    int retryTimeMs = 100;
    int deleteExpiryMs = 5000;
};

class LockingSessionStore final : public SessionStore
{
public:
    LockingSessionStore(RedisUrl url, RedisStoreOptions options = {}, LockOptions lock = {}, QString name = {});

    QString name() const override { return m_store.name(); }
    RedisSessionStore &inner() { return m_store; }
    QByteArray lockKey(const QByteArray &sid) const { return m_prefix + "lock:" + sid; }
    QByteArray tombstoneKey(const QByteArray &sid) const { return m_prefix + "tomb:" + sid; }
    // How many set() calls wrote nothing because the session had not changed.
    int unchangedSkips() const { return m_unchanged; }

    Result<std::optional<QByteArray>> get(const QByteArray &sid) override;
    Status set(const QByteArray &sid, const QByteArray &session) override;
    Status touch(const QByteArray &sid, const QByteArray &session) override;
    Status destroy(const QByteArray &sid) override;
    Result<qint64> length() override;
    Result<QList<QByteArray>> ids() override;
    Result<QList<StoredSession>> all() override;
    Status clear() override;

    // The stored session with the changes `mine` made to `original` applied to `current`
    // (top-level properties); nullopt when one of them is not a JSON object.
    static std::optional<QByteArray> merge(const QByteArray &original, const QByteArray &mine, const QByteArray &current);
    static bool isInternalId(const QByteArray &id) { return id.startsWith("lock:") || id.startsWith("tomb:"); }

private:
    Result<QByteArray> lock(const QByteArray &sid);
    void unlock(const QByteArray &sid, const QByteArray &token);

    RedisSessionStore m_store;
    QByteArray m_prefix;
    LockOptions m_lock;
    QHash<QByteArray, QByteArray> m_loaded;   // what get() read, per session
    int m_unchanged = 0;
};

} // namespace sdcore
