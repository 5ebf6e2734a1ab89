#include "core/store/connectivityprobe.h"

#include "core/sentinel/masterresolver.h"
#include "core/store/memorysessionstore.h"
#include "core/store/redissessionstore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QThread>

namespace sdcore {

namespace {

constexpr int ProbeTtlSeconds = 30;

QByteArray probeId()
{
    return "sessiondeck-probe-" + QByteArray::number(QRandomGenerator::system()->generate64(), 16);
}

// A small express-session as an app would write it, expiring in 30 s.
QByteArray probeSession()
{
    const QDateTime expires = QDateTime::currentDateTimeUtc().addSecs(ProbeTtlSeconds);
    return "{\"cookie\":{\"originalMaxAge\":" + QByteArray::number(ProbeTtlSeconds * 1000) + ",\"expires\":\""
        + expires.toString(Qt::ISODateWithMs).toUtf8()
        + "\",\"httpOnly\":true,\"path\":\"/\"},\"sessiondeckProbe\":true}";
}

// Runs `step` timed; it returns an error text or sets the detail.
bool timed(ProbeTier &tier, const QString &name, const std::function<QString(QString *detail)> &step)
{
    ProbeStep s;
    s.name = name;
    QElapsedTimer t;
    t.start();
    QString detail;
    const QString error = step(&detail);
    s.ms = double(t.nsecsElapsed()) / 1e6;
    s.ok = error.isEmpty();
    s.detail = s.ok ? detail : error;
    tier.steps << s;
    if (!s.ok && tier.error.isEmpty())
        tier.error = QStringLiteral("%1: %2").arg(name, error);
    return s.ok;
}

// The probe session through one store: set, get and compare, touch, destroy; stops at the first
// failure and then still tries to remove what it wrote.
void storeSteps(SessionStore &store, ProbeTier &tier, const QByteArray &sid)
{
    const QByteArray session = probeSession();
    bool written = false;
    bool removed = false;
    const bool ok = timed(tier, QStringLiteral("set"), [&](QString *detail) {
        Status s = store.set(sid, session);
        written = s.ok();
        *detail = QStringLiteral("%1 bytes, %2 s TTL").arg(session.size()).arg(ProbeTtlSeconds);
        return s ? QString() : s.errorMessage();
    }) && timed(tier, QStringLiteral("get"), [&](QString *detail) {
        auto r = store.get(sid);
        if (!r)
            return r.errorMessage();
        if (!r->has_value())
            return QStringLiteral("the session just written is not there");
        if (**r != session)
            return QStringLiteral("read back %1 bytes that differ from what was written").arg((*r)->size());
        *detail = QStringLiteral("same bytes back");
        return QString();
    }) && timed(tier, QStringLiteral("touch"), [&](QString *) {
        Status s = store.touch(sid, session);
        return s ? QString() : s.errorMessage();
    }) && timed(tier, QStringLiteral("destroy"), [&](QString *) {
        Status s = store.destroy(sid);
        removed = s.ok();
        return s ? QString() : s.errorMessage();
    });
    Q_UNUSED(ok);
    if (written && !removed)
        tier.leftKey = !store.destroy(sid).ok();
}

ProbeTier probeRedis(const RedisUrl &url, const QString &name, const ProbeOptions &options, const QByteArray &sid)
{
    ProbeTier tier;
    tier.name = name;
    tier.target = url.toString();
    RedisUrl nodeUrl = url;
    if (url.isSentinel()) {
        const bool resolved = timed(tier, QStringLiteral("resolve"), [&](QString *detail) {
            auto master = MasterResolver::resolve(url, options.connection);
            if (!master)
                return master.errorMessage();
            nodeUrl = url.withNode(master->master);
            *detail = QStringLiteral("master %1, from sentinel %2").arg(master->master.toString(), master->answeredBy.toString());
            return QString();
        });
        if (!resolved)
            return tier;
    }
    ConnectionOptions bare = options.connection;
    bare.deferHandshake = true;
    std::unique_ptr<RedisConnection> conn;
    const bool ready = timed(tier, QStringLiteral("connect"), [&](QString *detail) {
        auto c = RedisConnection::open(nodeUrl, bare);
        if (!c)
            return c.errorMessage();
        conn = std::move(*c);
        *detail = conn->peer();
        return QString();
    }) && timed(tier, QStringLiteral("auth"), [&](QString *detail) {
        Status s = conn->handshake();
        if (!s)
            return s.errorMessage();
        *detail = !url.hasPassword() ? QStringLiteral("no password")
            : url.username().isEmpty() ? QStringLiteral("password accepted")
                                       : QStringLiteral("as ACL user %1").arg(url.username());
        return QString();
    }) && timed(tier, QStringLiteral("role"), [&](QString *detail) {
        auto role = MasterResolver::role(*conn);
        if (!role)
            return role.errorMessage();
        const QByteArray r = *role;
        *detail = QString::fromUtf8(r);
        return r == "master" ? QString() : QStringLiteral("role is '%1': sessions cannot be written there").arg(*detail);
    });
    if (!ready)
        return tier;
    RedisStoreOptions storeOptions;
    storeOptions.prefix = options.prefix;
    storeOptions.connection = options.connection;
    RedisSessionStore store(url, storeOptions, name);
    storeSteps(store, tier, sid);
    if (tier.leftKey)
        tier.leftKey = !store.unlink(sid).ok();   // a user that may not DEL may UNLINK
    tier.ok = tier.error.isEmpty();
    return tier;
}

// One probe operation through the chain: set, get, destroy. Returns the tier that served it.
QString throughChain(FailoverSessionStore &chain, const QByteArray &sid, bool *ok)
{
    const QByteArray session = probeSession();
    *ok = chain.set(sid, session).ok();
    const int served = chain.lastServedBy();
    if (*ok) {
        auto back = chain.get(sid);
        *ok = back && back->has_value() && **back == session;
    }
    // Removed where it was written, also when the chain switched in the middle of the probe or
    // the user may not DEL (UNLINK then).
    const bool destroyed = chain.destroy(sid).ok();
    if (served >= 0 && (!destroyed || chain.lastServedBy() != served)) {
        SessionStore &where = chain.tier(served);
        if (!where.destroy(sid)) {
            if (auto *redis = dynamic_cast<RedisSessionStore *>(&where))
                redis->unlink(sid).ok();
        }
    }
    return served >= 0 ? chain.tier(served).name() : QString();
}

} // namespace

int ProbeReport::verdict() const
{
    // Memory, the last resort, always works and does not count.
    if (!tiers.isEmpty() && tiers.first().ok)
        return 0;
    for (qsizetype i = 1; i + 1 < tiers.size(); ++i) {
        if (tiers.at(i).ok)
            return 1;
    }
    return 2;
}

QJsonObject ProbeReport::toJson() const
{
    QJsonArray tierArray;
    for (const ProbeTier &t : tiers) {
        QJsonArray steps;
        for (const ProbeStep &s : t.steps) {
            steps.append(QJsonObject{{"name", s.name}, {"ok", s.ok}, {"ms", qRound(s.ms * 1000) / 1000.0}, {"detail", s.detail}});
        }
        QJsonObject o{{"name", t.name}, {"target", t.target}, {"ok", t.ok}, {"steps", steps}, {"error", t.error}};
        if (t.leftKey)
            o[QStringLiteral("left_key")] = true;
        tierArray.append(o);
    }
    QJsonArray switchArray;
    for (const StoreSwitch &s : switches) {
        switchArray.append(QJsonObject{{"at", s.at.toString(Qt::ISODateWithMs)},
                                       {"from", s.fromName},
                                       {"to", s.toName},
                                       {"reason", s.reason}});
    }
    QJsonObject o{{"tiers", tierArray},
                  {"served_by", servedBy},
                  {"switches", switchArray},
                  {"verdict", verdict()},
                  {"elapsed_ms", elapsedMs}};
    if (!drill.isEmpty()) {
        QJsonArray phases;
        for (const DrillPhase &p : drill)
            phases.append(QJsonObject{{"what", p.what}, {"served_by", p.servedBy}, {"ok", p.ok}, {"ms", qRound(p.ms)}});
        o[QStringLiteral("drill")] = phases;
    }
    return o;
}

ProbeReport ConnectivityProbe::run(const RedisUrl &primary, const QList<RedisUrl> &fallbacks, const ProbeOptions &options)
{
    QElapsedTimer clock;
    clock.start();
    ProbeReport report;
    QList<RedisUrl> urls{primary};
    urls << fallbacks;
    QStringList names;
    for (qsizetype i = 0; i < urls.size(); ++i)
        names << (i == 0 ? QStringLiteral("primary") : QStringLiteral("fallback %1").arg(i));

    // Each tier on its own.
    for (qsizetype i = 0; i < urls.size(); ++i)
        report.tiers << probeRedis(urls.at(i), names.at(i), options, probeId());
    ProbeTier memoryTier;
    memoryTier.name = QStringLiteral("memory");
    memoryTier.target = QStringLiteral("in-process memory");
    MemorySessionStore memory;
    storeSteps(memory, memoryTier, probeId());
    memoryTier.ok = memoryTier.error.isEmpty();
    report.tiers << memoryTier;

    // The chain as the apps build it.
    std::vector<StoreTier> tiers;
    for (qsizetype i = 0; i < urls.size(); ++i) {
        RedisStoreOptions storeOptions;
        storeOptions.prefix = options.prefix;
        storeOptions.connection = options.connection;
        auto store = std::make_unique<RedisSessionStore>(urls.at(i), storeOptions, names.at(i));
        auto check = store->healthCheck();
        tiers.push_back({std::move(store), check});
    }
    tiers.push_back({std::make_unique<MemorySessionStore>(), {}});
    ChainOptions chainOptions;
    chainOptions.healthCheckMs = 100;
    FailoverSessionStore chain(std::move(tiers), chainOptions);
    bool ok = false;
    const QString served = throughChain(chain, probeId(), &ok);
    report.servedBy = ok ? served : QString();

    if (options.drill && ok) {
        QElapsedTimer drillClock;
        drillClock.start();
        const int home = chain.lastServedBy();
        report.drill << DrillPhase{QStringLiteral("before"), served, ok, 0};
        chain.failActiveTier(options.drillFailMs);
        QString during = throughChain(chain, probeId(), &ok);
        report.drill << DrillPhase{QStringLiteral("active tier made to fail"), during, ok, double(drillClock.elapsed())};
        // Back once the failure ends and a health check has seen the tier again.
        const qint64 giveUp = options.drillFailMs + 5000;
        QString after;
        do {
            QThread::msleep(100);
            after = throughChain(chain, probeId(), &ok);
        } while (chain.lastServedBy() != home && drillClock.elapsed() < giveUp);
        report.drill << DrillPhase{QStringLiteral("after failback"), after, ok && chain.lastServedBy() == home,
                                   double(drillClock.elapsed())};
    }
    report.switches = chain.switches();
    report.elapsedMs = clock.elapsed();
    return report;
}

} // namespace sdcore
