#pragma once

#include <atomic>

// The real drill, for clusters the launcher started (the demo, the tests): a write goes through
// the apps' store chain [Sentinel master, memory] every few milliseconds while the master is
// killed (SIGKILL). It reports how many writes failed, which tier served each phase, and when
// the chain reached memory, when +switch-master reached the chain (a MasterFollower, as the apps'
// Sentinel clients subscribe) and when the first write landed on the new master. Blocking, and it must
// run on the thread that owns the launcher.

#include "clusterlauncher.h"
#include "failoversessionstore.h"

#include <QJsonObject>
#include <QMetaType>

namespace sdcore {

struct RealDrillPhase
{
    QString tier;               // "primary" (with the node) or "memory"
    qint64 fromMs = 0;          // since the kill
    qint64 toMs = 0;
    int writes = 0;
    int failed = 0;
};

struct RealDrillReport
{
    QString error;              // set when the drill could not run
    HostPort oldMaster;
    HostPort newMaster;
    int writes = 0;
    int failed = 0;
    qint64 toMemoryMs = -1;     // kill -> first write served by memory
    qint64 switchSeenMs = -1;   // kill -> +switch-master at a client
    qint64 onNewMasterMs = -1;  // kill -> first write on the new master
    QList<RealDrillPhase> phases;
    QList<StoreSwitch> switches;    // the chain's own record

    QJsonObject toJson() const;
};

struct RealDrillOptions
{
    int intervalMs = 10;
    int timeoutMs = 20000;      // give up when the chain is not back on a master by then
    QByteArray prefix = "sess:";
    // Set from another thread to end the drill early (its report's error is "cancelled").
    const std::atomic_bool *cancel = nullptr;
};

class RealDrill
{
public:
    static RealDrillReport run(ClusterLauncher &cluster, const RealDrillOptions &options = {});
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::RealDrillReport)
