#include "core/cluster/clustersessions.h"

#include "core/monitor/topologypoller.h"
#include "core/sessions/sessionbrowser.h"

namespace sdcore {

namespace {

bool isRedirect(const Error &error, QLatin1StringView kind)
{
    // Error replies become "<node>: MOVED 3999 127.0.0.1:7002" and the like.
    return error.message.contains(kind + QLatin1Char(' '));
}

// A string session read command by command through the router (each ASK followed), for a key
// whose slot is half migrated.
Result<DecodedSession> fetchDuringMigration(ClusterRouter &router, const QByteArray &key, const QByteArray &prefix,
                                            bool whole)
{
    const qint64 previewBytes = SessionBrowser::PreviewBytes;
    auto type = router.command(key, Command{"TYPE", key});
    if (!type)
        return type.error();
    if (type->bytes() == "none")
        return SessionDecoder::otherType(key, prefix, "none");
    if (type->bytes() != "string")
        return makeError(ErrorKind::ServerError,
                         QStringLiteral("the key's slot is being migrated and it is a %1, which SessionDeck reads only "
                                        "once the migration is done; try again then")
                             .arg(QString::fromUtf8(type->bytes())));
    auto pttl = router.command(key, Command{"PTTL", key});
    auto length = router.command(key, Command{"STRLEN", key});
    if (!pttl || !length)
        return (!pttl ? pttl : length).error();
    const bool cut = !whole && length->toInteger() > previewBytes;
    auto value = cut ? router.command(key, Command{"GETRANGE", key, "0", QByteArray::number(previewBytes - 1)})
                     : router.command(key, Command{"GET", key});
    if (!value)
        return value.error();
    DecodedSession s = value->isNil() ? SessionDecoder::otherType(key, prefix, "none")
                                      : SessionDecoder::decodeString(key, prefix, value->bytes(), length->toInteger(), cut);
    s.pttlMs = pttl->toInteger();
    if (auto memory = router.command(key, Command{"MEMORY", "USAGE", key, "SAMPLES", "0"}); memory && memory->isInteger())
        s.memoryUsage = memory->toInteger();
    return s;
}

} // namespace

Result<TopologySnapshot> ClusterSessions::poll(const RedisUrl &url)
{
    PollerOptions options;
    options.pubsub = false;
    TopologyPoller poller(url, options);
    TopologySnapshot s = poller.pollOnce();
    if (s.shards.isEmpty())
        return makeError(s.errorKind == ErrorKind::None ? ErrorKind::Refused : s.errorKind, s.error);
    return s;
}

SessionKeyResolver::Exists ClusterSessions::existsThrough(ClusterRouter &router)
{
    return [&router](const QList<QByteArray> &keys) -> Result<QList<bool>> {
        QList<QPair<QByteArray, Command>> commands;
        for (const QByteArray &key : keys)
            commands.append({key, Command{"EXISTS", key}});
        auto replies = router.pipeline(commands);
        if (!replies)
            return replies.error();
        QList<bool> exists;
        for (const RedisValue &v : std::as_const(*replies)) {
            if (v.isError())
                return makeError(ErrorKind::ServerError, v.toString());
            exists << (v.toInteger() > 0);
        }
        return exists;
    };
}

namespace {

// `op` on the connection to the primary serving `key`'s slot; after a MOVED, once more where
// the slot is now. `node` gets the node asked last. An ASK is left to the caller.
template<typename T, typename Op>
Result<T> onKeysPrimary(ClusterRouter &router, const QByteArray &key, HostPort &node, const Op &op)
{
    if (!router.hasMap()) {
        if (Status s = router.refresh(); !s)
            return s.error();
    }
    node = router.nodeOf(key);
    auto connection = router.connectionTo(node);
    if (!connection)
        return connection.error();
    Result<T> r = op(**connection);
    if (!r && isRedirect(r.error(), QLatin1StringView("MOVED"))) {
        // The slot moved between the map and the command: once more where it is now.
        if (Status refreshed = router.refresh(); refreshed) {
            node = router.nodeOf(key);
            if (auto again = router.connectionTo(node))
                r = op(**again);
        }
    }
    return r;
}

} // namespace

Result<DecodedSession> ClusterSessions::fetch(ClusterRouter &router, const QByteArray &key, const QByteArray &prefix,
                                              bool whole, HostPort *where)
{
    HostPort node;
    auto s = onKeysPrimary<DecodedSession>(router, key, node, [&](RedisConnection &connection) {
        return SessionBrowser::fetchSession(connection, key, prefix, whole);
    });
    if (!s && isRedirect(s.error(), QLatin1StringView("ASK"))) {
        // The slot is being migrated and the key has moved already: each command through the
        // router, which follows ASK to where the key is.
        s = fetchDuringMigration(router, key, prefix, whole);
    }
    if (where)
        *where = node;
    return s;
}

Result<TouchResult> ClusterSessions::touch(ClusterRouter &router, const QByteArray &key, qint64 ttlMs, bool updateCookie,
                                           HostPort *where)
{
    HostPort node;
    auto r = onKeysPrimary<TouchResult>(router, key, node, [&](RedisConnection &connection) {
        return SessionTtl::touch(connection, key, ttlMs, updateCookie);
    });
    if (!r && isRedirect(r.error(), QLatin1StringView("ASK")))
        return makeError(ErrorKind::ServerError, QStringLiteral("the session's slot is being migrated to another node; "
                                                                "try again when the migration is done"));
    if (where)
        *where = node;
    return r;
}

} // namespace sdcore
