#pragma once

// The last tier of the store chain: sessions in this process, with real TTL expiry (the same
// TTL rule as RedisSessionStore). Sessions kept here are lost when the process ends.

#include "core/store/sessionstore.h"

#include <QHash>

#include <functional>

namespace sdcore {

class MemorySessionStore final : public SessionStore
{
public:
    explicit MemorySessionStore(qint64 defaultTtlSeconds = 86400);

    QString name() const override { return QStringLiteral("memory"); }
    Result<std::optional<QByteArray>> get(const QByteArray &sid) override;
    Status set(const QByteArray &sid, const QByteArray &session) override;
    Status touch(const QByteArray &sid, const QByteArray &session) override;
    Status destroy(const QByteArray &sid) override;
    Result<qint64> length() override;
    Result<QList<QByteArray>> ids() override;
    Result<QList<StoredSession>> all() override;
    Status clear() override;

    // The clock (ms since the epoch); tests move it.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

private:
    struct Entry
    {
        QByteArray json;
        qint64 expiresAtMs = -1;   // -1: never
    };
    void purge();

    qint64 m_defaultTtl;
    QHash<QByteArray, Entry> m_sessions;
    std::function<qint64()> m_clock;
};

} // namespace sdcore
