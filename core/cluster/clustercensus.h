#pragma once

// The census of a Redis Cluster: one SessionCensus per primary, all at once (a thread and a
// connection each, each with its own SCAN cursor), added up into one CensusResult that also
// keeps every shard's figures. A shard whose primary dies midway is counted again from the
// start on the primary the cluster promotes in its place, and a shard refused with CLUSTERDOWN
// meanwhile (another shard's primary died) once the cluster is whole (up to failoverWaitMs);
// a shard that cannot be counted makes the result incomplete, and its ShardCensus says why.
// Blocking; cancellable like the census.

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
                            bool fromReplicas = false, int failoverWaitMs = DefaultFailoverWaitMs);
    // How long a shard's count waits for a new primary after its own died (the cluster needs
    // about twice its cluster-node-timeout, 15 s by default, to promote a replica).
    static constexpr int DefaultFailoverWaitMs = 40000;
    // The primary that serves `shard`'s slots once the cluster is whole again: the slot map
    // asked every 250 ms until the node it names says cluster_state:ok (the replica promoted,
    // or the old primary back before a failover), or until `waitMs` or `cancel`. Empty when
    // none did.
    static HostPort awaitServing(const RedisUrl &url, const ShardState &shard, const std::atomic_bool *cancel,
                                 int waitMs);
    // The replica of `shard` to read from: up, link up, smallest lag; null when none is.
    static const RedisNodeState *healthyReplica(const ShardState &shard);
};

} // namespace sdcore
