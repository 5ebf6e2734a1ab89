#include "core/lab/realdrill.h"

#include "core/store/failoversessionstore.h"
#include "core/store/masterfollower.h"
#include "core/store/redissessionstore.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace sdcore {

namespace {

QByteArray drillSession()
{
    const QDateTime expires = QDateTime::currentDateTimeUtc().addSecs(120);
    return "{\"cookie\":{\"originalMaxAge\":120000,\"expires\":\"" + expires.toString(Qt::ISODateWithMs).toUtf8()
        + "\",\"httpOnly\":true,\"path\":\"/\"},\"sessiondeckDrill\":true}";
}

} // namespace

RealDrillReport RealDrill::run(LocalLauncher &deployment, const RealDrillOptions &options)
{
    RealDrillReport report;
    const RedisUrl url = deployment.sentinelUrl();
    auto master = deployment.agreedMaster();
    if (!master) {
        report.error = master.errorMessage();
        return report;
    }
    report.oldMaster = *master;
    int masterIndex = -1;
    for (int i = 0; i < deployment.nodes().size(); ++i) {
        if (deployment.nodes().at(i).port == master->port && deployment.nodes().at(i).role != LocalLauncher::Role::Sentinel)
            masterIndex = i;
    }
    if (masterIndex < 0) {
        report.error = QStringLiteral("the master %1 is not one of the launcher's nodes").arg(master->toString());
        return report;
    }

    RedisStoreOptions storeOptions;
    storeOptions.prefix = options.prefix;
    storeOptions.connection.connectTimeoutMs = storeOptions.connection.commandTimeoutMs = 500;
    storeOptions.connection.clientName = "sessiondeck-drill";
    auto primary = std::make_unique<RedisSessionStore>(url, storeOptions, QStringLiteral("primary"));
    RedisSessionStore *primaryStore = primary.get();
    auto check = primary->healthCheck();
    ChainOptions chainOptions;
    chainOptions.healthCheckMs = 250;   // the backstop; the follower is the fast path
    FailoverSessionStore chain(withMemoryFallback(std::move(primary), check), chainOptions);

    const QByteArray session = drillSession();
    const auto write = [&](int n) { return chain.set("sessiondeck-drill-" + QByteArray::number(n % 50), session).ok(); };
    for (int i = 0; i < 20; ++i) {   // on the master first
        if (!write(i)) {
            report.error = QStringLiteral("the chain could not write before the drill");
            return report;
        }
    }

    QElapsedTimer clock;
    std::atomic<qint64> switchSeen{-1};
    {
        // The apps' Sentinel client: +switch-master points the primary tier at the new master.
        const auto toChain = MasterFollower::forChain(chain, 0, *primaryStore);
        MasterFollower follower(url, [&](const HostPort &newMaster) {
            qint64 none = -1;
            switchSeen.compare_exchange_strong(none, clock.elapsed());
            toChain(newMaster);
        });
        for (int i = 0; i < 100 && follower.subscribed() < url.hosts().size(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        clock.start();
        if (Status killed = deployment.kill(masterIndex); !killed) {
            report.error = killed.errorMessage();
            return report;
        }
        QString currentTier;
        while (clock.elapsed() < options.timeoutMs) {
            if (options.cancel && options.cancel->load()) {
                report.error = QStringLiteral("cancelled");
                break;
            }
            const qint64 at = clock.elapsed();
            const bool ok = write(report.writes);
            ++report.writes;
            report.failed += ok ? 0 : 1;
            const int servedBy = chain.lastServedBy();
            QString tier = servedBy == 1 ? QStringLiteral("memory")
                : servedBy == 0         ? QStringLiteral("primary %1").arg(primaryStore->node().toString())
                                        : QStringLiteral("none");
            if (report.phases.isEmpty() || tier != currentTier) {
                report.phases << RealDrillPhase{tier, at, at, 0, 0};
                currentTier = tier;
            }
            RealDrillPhase &phase = report.phases.last();
            phase.toMs = clock.elapsed();
            ++phase.writes;
            phase.failed += ok ? 0 : 1;
            if (servedBy == 1 && report.toMemoryMs < 0)
                report.toMemoryMs = at;
            if (servedBy == 0 && primaryStore->node() != report.oldMaster) {
                if (report.onNewMasterMs < 0) {
                    report.onNewMasterMs = at;
                    report.newMaster = primaryStore->node();
                }
                if (at > report.onNewMasterMs + 300)
                    break;   // a little of the new master's phase too
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(options.intervalMs));
        }
    }
    report.switchSeenMs = switchSeen;
    report.switches = chain.switches();
    // The drill's own sessions go.
    for (int i = 0; i < 50; ++i)
        chain.destroy("sessiondeck-drill-" + QByteArray::number(i)).ok();
    if (report.onNewMasterMs < 0 && report.error.isEmpty())
        report.error = QStringLiteral("the chain was not back on a master after %1 ms").arg(options.timeoutMs);
    return report;
}

} // namespace sdcore
