#pragma once

// The store operations of express-session, as the apps' store chain implements them, in C++:
// get, set, touch, destroy, length, ids, all, clear. A session is the JSON object text the app
// serialised (JSON.stringify output), kept byte for byte: the stores never reorder or reformat
// it. Stores are blocking and belong to the thread that uses them (each opens its own
// connections); the connectivity test and the benchmarks run them on worker threads.

#include "core/support/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace sdcore {

struct StoredSession
{
    QByteArray id;
    QByteArray json;
};

class SessionStore
{
public:
    virtual ~SessionStore() = default;

    virtual QString name() const = 0;
    // nullopt: no such session (or it expired).
    virtual Result<std::optional<QByteArray>> get(const QByteArray &sid) = 0;
    // `session` must be a JSON object; its cookie.expires, when present, sets the TTL.
    virtual Status set(const QByteArray &sid, const QByteArray &session) = 0;
    virtual Status touch(const QByteArray &sid, const QByteArray &session) = 0;
    virtual Status destroy(const QByteArray &sid) = 0;
    virtual Result<qint64> length() = 0;
    virtual Result<QList<QByteArray>> ids() = 0;
    virtual Result<QList<StoredSession>> all() = 0;
    virtual Status clear() = 0;

    // connect-redis's TTL rule: ceil((cookie.expires - now) / 1 s) when the session has
    // cookie.expires, else `defaultTtl`. Error when `session` is not a JSON object.
    static Result<qint64> ttlSeconds(const QByteArray &session, qint64 defaultTtl, const QDateTime &now);
};

} // namespace sdcore
