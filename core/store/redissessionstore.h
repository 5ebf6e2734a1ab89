#pragma once

// connect-redis's store, byte for byte on the same Redis: key = prefix + sid, value = the
// session's JSON as the app serialised it, `SET key value EX ttl` with connect-redis's TTL rule
// (a TTL <= 0 deletes the key instead), `touch` = `EXPIRE key ttl`; options prefix, ttl,
// disableTTL, disableTouch. length, ids, all and clear walk the keys with SCAN (never KEYS); all
// reads the values with MGET in batches.
//
// The connection behind it is the apps' Sentinel-aware one: for a Sentinel URL the master comes
// from SENTINEL GET-MASTER-ADDR-BY-NAME (each sentinel in turn) and is checked with ROLE before
// use; after a connection error, or a READONLY or LOADING reply, the master is resolved again
// and the operation retried once. switchMaster() (a +switch-master seen on the event stream,
// see MasterFollower) moves it at once. Blocking; use from one thread, except switchMaster(),
// which any thread may call.

#include "core/redis/redisconnection.h"
#include "core/store/sessionstore.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace sdcore {

struct RedisStoreOptions
{
    QByteArray prefix = "sess:";
    qint64 ttl = 86400;             // seconds, for sessions without cookie.expires
    bool disableTTL = false;
    bool disableTouch = false;
    int scanCount = 100;
    ConnectionOptions connection;
};

class RedisSessionStore final : public SessionStore
{
public:
    explicit RedisSessionStore(RedisUrl url, RedisStoreOptions options = {}, QString name = {});
    ~RedisSessionStore() override;

    QString name() const override { return m_name; }
    const RedisUrl &url() const { return m_url; }
    // The node the last operation went to (empty before the first).
    HostPort node() const { return m_node; }
    // Sentinel announced a new master: the next operation goes there (after ROLE says it is the
    // master; else the master is resolved as usual). Thread-safe.
    void switchMaster(const HostPort &master);

    Result<std::optional<QByteArray>> get(const QByteArray &sid) override;
    Status set(const QByteArray &sid, const QByteArray &session) override;
    Status touch(const QByteArray &sid, const QByteArray &session) override;
    Status destroy(const QByteArray &sid) override;
    Result<qint64> length() override;
    Result<QList<QByteArray>> ids() override;
    Result<QList<StoredSession>> all() override;
    Status clear() override;

    QByteArray key(const QByteArray &sid) const { return m_options.prefix + sid; }
    // UNLINK instead of destroy()'s DEL, for cleaning up as a user not allowed DEL.
    Status unlink(const QByteArray &sid);
    // Any command on the store's connection, with the same re-resolve-and-retry-once rule (the
    // locking decorator's lock, tombstone and compare-and-delete). Error replies are Errors.
    Result<RedisValue> execute(const Command &argv);
    // For the chain's checker thread: resolves and connects anew, then PINGs; touches nothing
    // of this store (safe on another thread).
    std::function<Status()> healthCheck() const;

private:
    template <typename T>
    Result<T> run(const std::function<Result<T>(RedisConnection &)> &operation);
    Status connect();
    Result<QList<QByteArray>> keys(RedisConnection &connection);

    RedisUrl m_url;
    RedisStoreOptions m_options;
    QString m_name;
    std::unique_ptr<RedisConnection> m_connection;
    HostPort m_node;
    std::optional<HostPort> m_hint;
    // switchMaster() from another thread: taken up before the next operation.
    std::mutex m_switchMutex;
    std::optional<HostPort> m_switchTo;
    std::atomic_bool m_switchPending{false};
};

} // namespace sdcore
