#pragma once

// One session on a Redis Cluster, for the window and the command line alike: a topology poll
// to scan from, the key resolver's EXISTS asked of each key's own node, a session read where
// its slot lives (a MOVED refreshes the map and reads again, an ASK during a slot's migration
// reads command by command through the router), and a TTL change on the key's primary.
// Blocking; use from one thread with its router.

#include "core/cluster/clusterrouter.h"
#include "core/monitor/topologysnapshot.h"
#include "core/sessions/sessiondecoder.h"
#include "core/sessions/sessionkeyresolver.h"
#include "core/sessions/sessionttl.h"

namespace sdcore {

class ClusterSessions
{
public:
    // One poll of the cluster (no Pub/Sub figures): its shards to scan. An error when no node
    // answered or none serves slots.
    static Result<TopologySnapshot> poll(const RedisUrl &url);
    // EXISTS for each key on its own node.
    static SessionKeyResolver::Exists existsThrough(ClusterRouter &router);
    // The session `key` (see SessionBrowser::fetchSession), read on the primary serving its slot;
    // `where` gets that node.
    static Result<DecodedSession> fetch(ClusterRouter &router, const QByteArray &key, const QByteArray &prefix,
                                        bool whole, HostPort *where = nullptr);
    // SessionTtl::touch on the key's primary, once more on the node a MOVED names.
    static Result<TouchResult> touch(ClusterRouter &router, const QByteArray &key, qint64 ttlMs, bool updateCookie,
                                     HostPort *where = nullptr);
};

} // namespace sdcore
