#pragma once

// The real drill, for deployments the launcher started (the demo, the tests): a write goes through
// the apps' store chain [Sentinel master, memory] every few milliseconds while the master is
// killed (SIGKILL). It reports how many writes failed, which tier served each phase, and when
// the chain reached memory, when +switch-master reached the chain (a MasterFollower, as the apps'
// Sentinel clients subscribe) and when the first write landed on the new master. Blocking, and it must
// run on the thread that owns the launcher.

#include "core/lab/locallauncher.h"
#include "core/store/realdrillreport.h"

#include <atomic>

namespace sdcore {

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
    static RealDrillReport run(LocalLauncher &deployment, const RealDrillOptions &options = {});
};

} // namespace sdcore
