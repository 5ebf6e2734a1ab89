#pragma once

// The timeline of sentinel events for one master group. Every sentinel publishes the same event;
// the timeline keeps one entry per event with the sentinels that reported it ("seen by 3
// sentinels"). Entries are in the order of the time each event happened (event.at, taken where it
// was observed), whatever order they were reported in. Bounded: the oldest entries go first.
// Pure logic, no I/O; one thread.

#include "core/sentinel/sentinelevent.h"

#include <QList>
#include <QMetaType>

#include <deque>

namespace sdcore {

struct TimelineEntry
{
    quint64 id = 0;            // increasing; stable for the entry's life
    SentinelEvent event;       // as first received
    QDateTime firstSeen;
    QDateTime lastSeen;
    QList<HostPort> seenBy;    // the sentinels that published it, in order

    int seenCount() const { return int(seenBy.size()); }
};

class EventTimeline
{
public:
    explicit EventTimeline(qsizetype capacity = 20000, qint64 mergeWindowMs = 10000);

    // A copy from a sentinel already counted is a double delivery within this time of the
    // entry's first copy; later, it is a new occurrence (no failover or state change repeats
    // that fast).
    static constexpr qint64 RepeatMs = 1000;

    struct Added
    {
        TimelineEntry entry;   // the entry as it is now
        bool isNew = false;    // false: another sentinel's copy merged into an existing entry
        bool duplicate = false;   // the same sentinel sent it twice in the window: ignored
    };
    // Adds an event received from `event.source`. The same type and payload from another
    // sentinel within the merge window joins the existing entry.
    Added add(const SentinelEvent &event);

    const std::deque<TimelineEntry> &entries() const { return m_entries; }
    qsizetype capacity() const { return m_capacity; }
    void clear();

private:
    std::deque<TimelineEntry> m_entries;
    qsizetype m_capacity;
    qint64 m_mergeWindowMs;
    quint64 m_nextId = 1;
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::TimelineEntry)
