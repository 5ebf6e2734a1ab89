#pragma once

// Which timeline entries the Events page shows: a set of event kinds and a case-insensitive
// search text. A plain value with no Qt model in it, so the rule is testable on its own and the
// UI proxy only asks accepts(). Any thread, no shared state.

#include "core/sentinel/eventtimeline.h"
#include "core/sentinel/sentinelevent.h"

#include <QFlags>
#include <QString>

namespace sdcore {

class EventFilter
{
public:
    enum class Kind {
        Failover = 0x01, // the failover itself: election, promotion, +switch-master, aborts
        DownUp = 0x02,   // ±sdown, ±odown
        Topology = 0x04, // instances and configuration: +slave, +sentinel, ±role-change, …
        Local = 0x08,    // SessionDeck's own entries (event stream lost, manual failover, …)
        Other = 0x10,    // everything else: ±tilt, +monitor, +set, -dup-sentinel, …
    };
    Q_DECLARE_FLAGS(Kinds, Kind)
    static constexpr Kinds AllKinds{Kind::Failover, Kind::DownUp, Kind::Topology, Kind::Local,
                                    Kind::Other};

    // The one kind an event belongs to. Local events are Local whatever their type.
    static Kind kindOf(const SentinelEvent &event);
    // "Failover", "Down/Up", … as the UI labels them.
    static QString kindName(Kind kind);

    Kinds kinds() const { return m_kinds; }
    void setKinds(Kinds kinds) { m_kinds = kinds; }
    void setKindShown(Kind kind, bool shown) { m_kinds.setFlag(kind, shown); }
    bool isKindShown(Kind kind) const { return m_kinds.testFlag(kind); }

    QString searchText() const { return m_search; }
    // Leading and trailing spaces are ignored; an empty text matches every entry.
    void setSearchText(const QString &text) { m_search = text.trimmed(); }

    // True when something is filtered out (not every kind shown, or a search text set).
    bool isActive() const { return m_kinds != AllKinds || !m_search.isEmpty(); }

    // The kind is shown and the search text occurs in the type, the instance text, the detail
    // or the raw payload.
    bool accepts(const SentinelEvent &event) const;
    bool accepts(const TimelineEntry &entry) const { return accepts(entry.event); }

    bool operator==(const EventFilter &other) const = default;

private:
    Kinds m_kinds = AllKinds;
    QString m_search;
};

} // namespace sdcore

Q_DECLARE_OPERATORS_FOR_FLAGS(sdcore::EventFilter::Kinds)
