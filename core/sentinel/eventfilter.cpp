#include "core/sentinel/eventfilter.h"

namespace sdcore {

namespace {

bool isOneOf(const QString &type, std::initializer_list<QLatin1String> types)
{
    for (const QLatin1String &t : types) {
        if (type == t)
            return true;
    }
    return false;
}

} // namespace

EventFilter::Kind EventFilter::kindOf(const SentinelEvent &event)
{
    if (event.local)
        return Kind::Local;
    const QString &type = event.type;
    if (isOneOf(type, {QLatin1String("+sdown"), QLatin1String("-sdown"), QLatin1String("+odown"),
                       QLatin1String("-odown")}))
        return Kind::DownUp;
    // The leader reconfiguring replicas after a promotion (+slave-reconf-*) reads as a topology
    // change on the timeline, although SentinelEvent::isFailoverStep() counts it as a step.
    if (type.startsWith(QLatin1String("+slave-reconf-")) ||
        isOneOf(type, {QLatin1String("+slave"), QLatin1String("+sentinel"),
                       QLatin1String("+convert-to-slave"), QLatin1String("+reboot"),
                       QLatin1String("+role-change"), QLatin1String("-role-change"),
                       QLatin1String("+config-update-from"), QLatin1String("+fix-slave-config")}))
        return Kind::Topology;
    // A new epoch and the votes are how sentinels elect the leader that runs a failover.
    if (event.isFailoverStep() ||
        isOneOf(type, {QLatin1String("+new-epoch"), QLatin1String("+vote-for-leader")}))
        return Kind::Failover;
    return Kind::Other;
}

QString EventFilter::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Failover:
        return QStringLiteral("Failover");
    case Kind::DownUp:
        return QStringLiteral("Down/Up");
    case Kind::Topology:
        return QStringLiteral("Topology");
    case Kind::Local:
        return QStringLiteral("SessionDeck");
    case Kind::Other:
        break;
    }
    return QStringLiteral("Other");
}

bool EventFilter::accepts(const SentinelEvent &event) const
{
    if (!m_kinds.testFlag(kindOf(event)))
        return false;
    if (m_search.isEmpty())
        return true;
    // Cheapest first: instanceText() formats a string.
    return event.type.contains(m_search, Qt::CaseInsensitive) ||
           event.detail.contains(m_search, Qt::CaseInsensitive) ||
           event.payload.contains(m_search, Qt::CaseInsensitive) ||
           event.instanceText().contains(m_search, Qt::CaseInsensitive);
}

} // namespace sdcore
