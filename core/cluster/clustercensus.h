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
    // `url`: the cluster's URL (credentials, TLS); `snapshot`: the shards to count (their
    // primaries), from the last poll.
    static CensusResult run(const RedisUrl &url, const TopologySnapshot &snapshot, const QString &prefix,
                            const std::atomic_bool *cancel = nullptr, ScanOptions options = {});
};

} // namespace sdcore
