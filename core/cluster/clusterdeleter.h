#pragma once

// Deletes sessions on a Redis Cluster, only the ones chosen, with the same rules as
// SessionDeleter and AuditLog: a pattern delete deletes exactly the keys its preview found
// (every primary scanned at once) and reports what matches afterwards without touching it;
// the keys go to the node that serves their slot, in batches of at most 1,000 keys of one node
// (one UNLINK per key, pipelined: a multi-key UNLINK would span slots), redirects followed; the
// audit log gets its begin entry before the first key goes, a progress entry per batch naming
// its node, and the end entry. Blocking; cancellable between batches.

#include "core/cluster/clusterrouter.h"
#include "core/monitor/topologysnapshot.h"
#include "core/sessions/auditlog.h"

namespace sdcore {

class ClusterDeleter
{
public:
    // Every key under `prefix` whose id matches `glob`, on every shard. An empty glob is refused.
    static DeleteResult previewMatching(const RedisUrl &url, const TopologySnapshot &snapshot, const QByteArray &prefix,
                                        const QByteArray &glob, const std::atomic_bool *cancel = nullptr,
                                        int sampleCount = 10, int keysPerSecond = 0);
    // Every session under `prefix` whose user goes by `user` (SessionDeleter::userNames), on
    // every shard at once, the values read through a router on their own nodes. A Keys result
    // with `user` set, like SessionDeleter::previewUser.
    static DeleteResult previewUser(const RedisUrl &url, const TopologySnapshot &snapshot, const QByteArray &prefix,
                                    const QString &user, const std::atomic_bool *cancel = nullptr,
                                    int sampleCount = 10, int keysPerSecond = 0);
    // Deletes `request.keys` (a Keys request or a pattern preview) with its audit trail; for a
    // pattern, then counts what matches now that the preview did not (alsoMatching).
    static DeleteResult deleteRecorded(ClusterRouter &router, const TopologySnapshot &snapshot,
                                       const DeleteResult &request, const QString &connectionName,
                                       const std::atomic_bool *cancel = nullptr,
                                       const QString &auditPath = AuditLog::defaultPath(), int keysPerSecond = 0,
                                       const SessionDeleter::Progress &progress = {});
};

} // namespace sdcore
