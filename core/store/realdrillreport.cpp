#include "core/store/realdrillreport.h"

#include <QJsonArray>

namespace sdcore {

QJsonObject RealDrillReport::toJson() const
{
    QJsonArray phaseArray;
    for (const RealDrillPhase &p : phases) {
        phaseArray.append(QJsonObject{{"tier", p.tier}, {"from_ms", p.fromMs}, {"to_ms", p.toMs},
                                      {"writes", p.writes}, {"failed", p.failed}});
    }
    QJsonArray switchArray;
    for (const StoreSwitch &s : switches) {
        switchArray.append(QJsonObject{{"at", s.at.toString(Qt::ISODateWithMs)}, {"from", s.fromName},
                                       {"to", s.toName}, {"reason", s.reason}});
    }
    QJsonObject o{{"old_master", oldMaster.toString()}, {"new_master", newMaster.toString()},
                  {"writes", writes}, {"failed", failed}, {"to_memory_ms", toMemoryMs},
                  {"switch_seen_ms", switchSeenMs}, {"on_new_master_ms", onNewMasterMs},
                  {"phases", phaseArray}, {"switches", switchArray}};
    if (!error.isEmpty())
        o[QStringLiteral("error")] = error;
    return o;
}

} // namespace sdcore
