#pragma once

// The apps' store chain: an ordered list of tiers (typically the Sentinel master, then other
// Redis hosts, then memory). Each operation goes to the active tier; when that tier fails
// (refused, timeout, READONLY, LOADING, an auth error), it is marked down, the chain moves to
// the next tier and retries the operation there. A checker thread health-checks the down tiers
// with connections of its own, and the chain returns to the highest healthy tier before the next
// operation (failback; on by default). Every switch is recorded (time, from, to, reason).
//
// Operations are blocking and belong to one thread, like the tiers; only the health checks run
// on the chain's own thread.

#include "core/store/sessionstore.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sdcore {

struct StoreTier
{
    std::unique_ptr<SessionStore> store;
    // Whether the tier works again; runs on the checker thread with its own connection. Empty:
    // the tier cannot go down (memory).
    std::function<Status()> healthCheck;
};

// [store, memory]: the chain of an app with one Redis target and the in-memory store as the last
// resort; `healthCheck` brings `store` back once it answers again.
std::vector<StoreTier> withMemoryFallback(std::unique_ptr<SessionStore> store, std::function<Status()> healthCheck);

struct StoreSwitch
{
    QDateTime at;               // UTC
    int from = -1;
    int to = -1;
    QString fromName;
    QString toName;
    QString reason;
};

struct ChainOptions
{
    bool failback = true;
    int healthCheckMs = 250;
};

class FailoverSessionStore final : public SessionStore
{
public:
    explicit FailoverSessionStore(std::vector<StoreTier> tiers, ChainOptions options = {});
    ~FailoverSessionStore() override;

    QString name() const override { return QStringLiteral("chain"); }
    int tierCount() const { return int(m_tiers.size()); }
    SessionStore &tier(int index) { return *m_tiers[size_t(index)].store; }
    int activeTier() const { return m_active; }
    // The tier that served the last operation (-1 before the first, or when none could).
    int lastServedBy() const { return m_servedBy; }
    bool isDown(int index) const { return m_state[size_t(index)].down.load(); }
    const QList<StoreSwitch> &switches() const { return m_switches; }
    // Called on the operations' thread at each switch.
    void setSwitchListener(std::function<void(const StoreSwitch &)> listener) { m_listener = std::move(listener); }

    // Told from outside that a down tier works again (Sentinel announced a new master): the chain
    // fails back to it on the next operation, without waiting for the checker. Should the tier
    // still fail, the operation moves on down the chain as usual. Thread-safe.
    void markHealthy(int index, const QString &reason);

    // For the drill: the active tier fails every operation for `ms`, as if its server had gone
    // (the server is untouched); then it counts as healthy again and the chain fails back.
    void failActiveTier(int ms);

    Result<std::optional<QByteArray>> get(const QByteArray &sid) override;
    Status set(const QByteArray &sid, const QByteArray &session) override;
    Status touch(const QByteArray &sid, const QByteArray &session) override;
    Status destroy(const QByteArray &sid) override;
    Result<qint64> length() override;
    Result<QList<QByteArray>> ids() override;
    Result<QList<StoredSession>> all() override;
    Status clear() override;

    // The errors that take a tier down (as opposed to a bad session, which no tier would take).
    static bool isTierFailure(const Error &error);

private:
    struct TierState
    {
        std::atomic_bool down{false};
        std::atomic<qint64> failUntilMs{0};   // drill
        QString upReason;                      // why it counts as healthy again; under m_mutex
    };

    template <typename T>
    Result<T> run(const std::function<Result<T>(SessionStore &)> &operation);
    void switchTo(int index, const QString &reason);
    void checkLoop();

    std::vector<StoreTier> m_tiers;
    std::unique_ptr<TierState[]> m_state;
    ChainOptions m_options;
    int m_active = 0;
    int m_servedBy = -1;
    QList<StoreSwitch> m_switches;
    std::function<void(const StoreSwitch &)> m_listener;

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_checker;
};

} // namespace sdcore
