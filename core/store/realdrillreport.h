#pragma once

// What a real drill found, as a plain value: the store chain's phases while the master was
// killed, the writes that failed, and how long each step took. Made by the lab's RealDrill (on
// a deployment the launcher started), shown by the Connectivity page and printed by the CLI.

#include "core/redis/redisurl.h"
#include "core/store/failoversessionstore.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

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

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::RealDrillReport)
