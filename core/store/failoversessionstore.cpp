#include "core/store/failoversessionstore.h"

#include "core/store/memorysessionstore.h"

#include <spdlog/spdlog.h>

namespace sdcore {

FailoverSessionStore::FailoverSessionStore(std::vector<StoreTier> tiers, ChainOptions options)
    : m_tiers(std::move(tiers))
    , m_state(new TierState[m_tiers.size()])
    , m_options(options)
{
    m_checker = std::thread([this] { checkLoop(); });
}

FailoverSessionStore::~FailoverSessionStore()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_checker.join();
}

std::vector<StoreTier> withMemoryFallback(std::unique_ptr<SessionStore> store, std::function<Status()> healthCheck)
{
    std::vector<StoreTier> tiers;
    tiers.push_back({std::move(store), std::move(healthCheck)});
    tiers.push_back({std::make_unique<MemorySessionStore>(), {}});
    return tiers;
}

bool FailoverSessionStore::isTierFailure(const Error &error)
{
    switch (error.kind) {
    case ErrorKind::HostUnknown:
    case ErrorKind::Refused:
    case ErrorKind::Timeout:
    case ErrorKind::Io:
    case ErrorKind::Protocol:
    case ErrorKind::Tls:
    case ErrorKind::AuthFailed:
    case ErrorKind::NoAuth:
    case ErrorKind::NoPermission:
    case ErrorKind::Loading:
    case ErrorKind::ReadOnly:
    case ErrorKind::NotFound:     // no sentinel knows the master
        return true;
    default:
        return false;
    }
}

void FailoverSessionStore::markHealthy(int index, const QString &reason)
{
    if (index < 0 || index >= int(m_tiers.size()))
        return;
    std::lock_guard lock(m_mutex);
    m_state[size_t(index)].upReason = reason;
    m_state[size_t(index)].down = false;
}

void FailoverSessionStore::failActiveTier(int ms)
{
    TierState &s = m_state[size_t(m_active)];
    s.failUntilMs = QDateTime::currentMSecsSinceEpoch() + ms;
}

void FailoverSessionStore::switchTo(int index, const QString &reason)
{
    if (index == m_active)
        return;
    StoreSwitch s;
    s.at = QDateTime::currentDateTimeUtc();
    s.from = m_active;
    s.to = index;
    s.fromName = m_tiers[size_t(m_active)].store->name();
    s.toName = m_tiers[size_t(index)].store->name();
    s.reason = reason;
    m_active = index;
    m_switches << s;
    spdlog::warn("session store: {} -> {} ({})", s.fromName.toStdString(), s.toName.toStdString(),
                 reason.toStdString());
    if (m_listener)
        m_listener(s);
}

template <typename T>
Result<T> FailoverSessionStore::run(const std::function<Result<T>(SessionStore &)> &operation)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Failback: the highest tier the checker found healthy again.
    if (m_options.failback) {
        for (int i = 0; i < m_active; ++i) {
            TierState &state = m_state[size_t(i)];
            if (!state.down && state.failUntilMs <= now) {
                QString reason;
                {
                    std::lock_guard lock(m_mutex);
                    reason = std::exchange(state.upReason, QString());
                }
                if (state.failUntilMs.exchange(0) != 0)
                    reason = QStringLiteral("the drill is over");
                switchTo(i, reason.isEmpty() ? QStringLiteral("healthy again") : reason);
                break;
            }
        }
    }
    QStringList failures;
    for (int i = m_active; i < int(m_tiers.size()); ++i) {
        TierState &state = m_state[size_t(i)];
        const bool last = i == int(m_tiers.size()) - 1;
        if (i != m_active && state.down && !last)
            continue;   // known down and not yet healthy: skip it
        Result<T> r = state.failUntilMs > now
            ? Result<T>(makeError(ErrorKind::Io, QStringLiteral("drill: %1 made to fail").arg(m_tiers[size_t(i)].store->name())))
            : operation(*m_tiers[size_t(i)].store);
        if (r) {
            if (i != m_active)
                switchTo(i, failures.join(QStringLiteral("; ")));
            m_servedBy = i;
            return r;
        }
        if (!isTierFailure(r.error()))
            return r;   // the operation itself is wrong (a session that is not JSON…)
        failures << QStringLiteral("%1: %2").arg(m_tiers[size_t(i)].store->name(), r.error().message);
        if (m_tiers[size_t(i)].healthCheck) {
            state.down = true;
            m_wake.notify_all();
        }
    }
    m_servedBy = -1;
    return makeError(ErrorKind::Refused, QStringLiteral("No tier of the session store could serve: %1")
                                             .arg(failures.join(QStringLiteral("; "))));
}

void FailoverSessionStore::checkLoop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        m_wake.wait_for(lock, std::chrono::milliseconds(m_options.healthCheckMs));
        if (m_stop)
            break;
        lock.unlock();
        for (size_t i = 0; i < m_tiers.size(); ++i) {
            TierState &state = m_state[i];
            if (!state.down || !m_tiers[i].healthCheck)
                continue;
            if (m_tiers[i].healthCheck()) {
                lock.lock();
                state.upReason = QStringLiteral("health check passed");
                state.down = false;
                lock.unlock();
            }
        }
        lock.lock();
    }
}

Result<std::optional<QByteArray>> FailoverSessionStore::get(const QByteArray &sid)
{
    return run<std::optional<QByteArray>>([&](SessionStore &s) { return s.get(sid); });
}

Status FailoverSessionStore::set(const QByteArray &sid, const QByteArray &session)
{
    return run<Done>([&](SessionStore &s) { return s.set(sid, session); });
}

Status FailoverSessionStore::touch(const QByteArray &sid, const QByteArray &session)
{
    return run<Done>([&](SessionStore &s) { return s.touch(sid, session); });
}

Status FailoverSessionStore::destroy(const QByteArray &sid)
{
    return run<Done>([&](SessionStore &s) { return s.destroy(sid); });
}

Result<qint64> FailoverSessionStore::length()
{
    return run<qint64>([&](SessionStore &s) { return s.length(); });
}

Result<QList<QByteArray>> FailoverSessionStore::ids()
{
    return run<QList<QByteArray>>([&](SessionStore &s) { return s.ids(); });
}

Result<QList<StoredSession>> FailoverSessionStore::all()
{
    return run<QList<StoredSession>>([&](SessionStore &s) { return s.all(); });
}

Status FailoverSessionStore::clear()
{
    return run<Done>([&](SessionStore &s) { return s.clear(); });
}

} // namespace sdcore
