#pragma once

// Follows Sentinel's +switch-master for one master group, the way the apps' Sentinel clients
// do: a subscriber on every sentinel of the URL, each on a thread of its own, blocking in
// receive(). The first sentinel to announce a switch calls back at once; copies of the same
// switch from the other sentinels are dropped. A sentinel that cannot be reached, or drops the
// subscription, is retried every `retryMs` until the follower is destroyed.
//
// The callback runs on a follower thread; it must be thread-safe (RedisSessionStore::
// switchMaster and FailoverSessionStore::markHealthy are).

#include "core/redis/redisurl.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sdcore {

class FailoverSessionStore;
class RedisSessionStore;

class MasterFollower
{
public:
    using Callback = std::function<void(const HostPort &newMaster)>;

    MasterFollower(const RedisUrl &sentinelUrl, Callback callback, int retryMs = 500);
    ~MasterFollower();
    MasterFollower(const MasterFollower &) = delete;
    MasterFollower &operator=(const MasterFollower &) = delete;

    // Sentinels currently subscribed.
    int subscribed() const { return m_subscribed.load(); }
    // Switches announced so far (each counted once).
    int switches() const { return m_switches.load(); }

    // The wiring for a store chain: a switch points `store` (tier `tier` of `chain`) at the new
    // master and lets the chain fail back to it on its next operation.
    static Callback forChain(FailoverSessionStore &chain, int tier, RedisSessionStore &store);

private:
    void follow(const RedisUrl &url, HostPort sentinel, std::atomic_int *fd);
    void announce(const HostPort &newMaster);

    Callback m_callback;
    QString m_masterName;
    int m_retryMs;
    std::atomic_bool m_stop{false};
    std::atomic_int m_subscribed{0};
    std::atomic_int m_switches{0};
    std::mutex m_mutex;
    HostPort m_lastAnnounced;
    std::vector<std::unique_ptr<std::atomic_int>> m_fds;
    std::vector<std::thread> m_threads;
};

} // namespace sdcore
