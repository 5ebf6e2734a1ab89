#pragma once

// The census of a Redis Cluster: one SessionCensus per primary, all at once (a thread and a
// connection each, each with its own SCAN cursor), added up into one CensusResult that also
// keeps every shard's figures. A shard whose primary cannot be reached or fails midway makes
// the result incomplete, and its ShardCensus says why. Blocking; cancellable like the census.

#include "core/monitor/topologysnapshot.h"
#include "core/sessions/sessioncensus.h"

namespace sdcore {

class ClusterCensus
{
public:
    // `url`: the cluster's URL (credentials, TLS); `snapshot`: the shards to count, from the
    // last poll. Each shard is counted on its primary, or with `fromReplicas` on one healthy
    // replica (up, link up, least behind); a shard without one is not counted (the result
    // says so) rather than read from its primary behind the user's back. A keys-per-second
    // limit in `options` is for the whole cluster, shared among the shards.
    static CensusResult run(const RedisUrl &url, const TopologySnapshot &snapshot, const QString &prefix,
                            const std::atomic_bool *cancel = nullptr, ScanOptions options = {},
                            bool fromReplicas = false);
    // The replica of `shard` to read from: up, link up, smallest lag; null when none is.
    static const RedisNodeState *healthyReplica(const ShardState &shard);
};

} // namespace sdcore
