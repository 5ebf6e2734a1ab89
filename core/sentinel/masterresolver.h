#pragma once

// Finds the current master of a Sentinel-managed deployment and connects to it, the way
// Sentinel-aware clients do: ask each sentinel in turn (SENTINEL GET-MASTER-ADDR-BY-NAME), then
// check with ROLE that the node really is a master. Blocking; call from a worker thread.

#include "core/redis/redisconnection.h"

namespace sdcore {

struct ResolvedMaster
{
    HostPort master;
    HostPort answeredBy;    // the sentinel that answered
    QStringList skipped;    // why earlier sentinels were not used, one line each
};

struct ConnectedNode
{
    std::unique_ptr<RedisConnection> connection;
    HostPort node;                       // the Redis node connected to
    std::optional<ResolvedMaster> via;   // set when resolved through Sentinel
    QByteArray role;                     // first element of ROLE ("master", "slave", ...)
};

class MasterResolver
{
public:
    // Connects to one sentinel of the URL. Sentinels are tried without credentials first; when
    // one answers NOAUTH the URL's credentials are used for it.
    static Result<std::unique_ptr<RedisConnection>> openSentinel(const RedisUrl &sentinelUrl,
                                                                 const HostPort &sentinel,
                                                                 const ConnectionOptions &options);

    static Result<ResolvedMaster> resolve(const RedisUrl &sentinelUrl,
                                          const ConnectionOptions &options = {});

    // For a Sentinel URL: resolve, connect, check ROLE is master. For a plain URL: connect and
    // read ROLE. `requireMaster` makes a node that is not a master an error.
    static Result<ConnectedNode> connect(const RedisUrl &url, const ConnectionOptions &options = {},
                                         bool requireMaster = true);
    // The node's role ("master", "slave", "sentinel") from ROLE, or, for an ACL user not
    // allowed ROLE (it is an @admin command), from INFO replication.
    static Result<QByteArray> role(RedisConnection &connection);
    // For reads that should spare the master: a replica Sentinel lists as healthy (link to the
    // master ok, not down or disconnected), the one with the highest replication offset. Only
    // for Sentinel URLs; the error says when no replica qualifies.
    static Result<ConnectedNode> connectReplica(const RedisUrl &url, const ConnectionOptions &options = {});
};

} // namespace sdcore
