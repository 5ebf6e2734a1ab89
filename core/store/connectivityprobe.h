#pragma once

// "Test connectivity": runs the apps' store chain for a connection — the same RedisSessionStore,
// MemorySessionStore and FailoverSessionStore code, not an imitation — tier by tier: resolve
// (Sentinel URLs: which sentinel answered, the master's address), connect, auth, ROLE, then a
// probe session through the tier's store (set <prefix>sessiondeck-probe-<random> with a 30 s
// TTL, get and compare, touch, destroy), each step timed. Then one probe through the whole chain
// says which tier serves it. The drill makes the active tier fail in-process (the server is
// untouched) and follows the chain to the next tier and back. Every probe key is removed, also
// when a step fails. Blocking; run it on a worker thread.

#include "core/redis/redisconnection.h"
#include "core/store/failoversessionstore.h"

#include <QJsonObject>
#include <QMetaType>

namespace sdcore {

struct ProbeStep
{
    QString name;       // resolve, connect, auth, role, set, get, touch, destroy
    bool ok = false;
    double ms = 0;
    QString detail;     // what it found, or why it failed
};

struct ProbeTier
{
    QString name;
    QString target;     // the URL (password redacted), or "in-process memory"
    bool ok = false;
    QList<ProbeStep> steps;
    QString error;      // the first failure, for a verdict line
    bool leftKey = false;   // a probe key could not be removed (it expires within 30 s)
};

struct DrillPhase
{
    QString what;       // "before", "active tier made to fail", "after failback"
    QString servedBy;
    bool ok = false;
    double ms = 0;      // from the start of the drill
};

struct ProbeReport
{
    QList<ProbeTier> tiers;
    QString servedBy;               // the tier that served the probe through the chain; "" none
    QList<StoreSwitch> switches;    // the chain's switches during the probe and the drill
    QList<DrillPhase> drill;
    qint64 elapsedMs = 0;

    // 0: the first tier passes; 1: only a fallback passes; 2: none does.
    int verdict() const;
    QJsonObject toJson() const;
};

struct ProbeOptions
{
    QByteArray prefix = "sess:";
    bool drill = false;
    int drillFailMs = 1500;         // how long the drill keeps the active tier failing
    ConnectionOptions connection{1000, 1000, "sessiondeck-probe"};
};

class ConnectivityProbe
{
public:
    // Tiers: `primary`, each of `fallbacks` in order, then memory.
    static ProbeReport run(const RedisUrl &primary, const QList<RedisUrl> &fallbacks,
                           const ProbeOptions &options = {});
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::ProbeReport)
