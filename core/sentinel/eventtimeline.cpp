#include "core/sentinel/eventtimeline.h"

#include <iterator>

namespace sdcore {

EventTimeline::EventTimeline(qsizetype capacity, qint64 mergeWindowMs)
    : m_capacity(qMax<qsizetype>(1, capacity)), m_mergeWindowMs(mergeWindowMs)
{
}

EventTimeline::Added EventTimeline::add(const SentinelEvent &event)
{
    const QDateTime at = event.at.isValid() ? event.at : QDateTime::currentDateTimeUtc();
    const QString key = event.dedupKey();
    // Copies from other sentinels arrive within a second or two (the failover leader publishes
    // its own +switch-master about a second after the others); look back over that window only.
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        if (it->lastSeen.msecsTo(at) > m_mergeWindowMs)
            break;
        if (it->event.dedupKey() != key)
            continue;
        if (it->seenBy.contains(event.source)) {
            // The same sentinel again: a double delivery right after its first copy, or else the
            // same thing happening again (A→B, B→A, A→B within the window is three failovers).
            if (it->firstSeen.msecsTo(at) < RepeatMs)
                return Added{*it, false, true};
            break;
        }
        it->seenBy << event.source;
        it->lastSeen = std::max(it->lastSeen, at);
        return Added{*it, false, false};
    }
    TimelineEntry entry;
    entry.id = m_nextId++;
    entry.event = event;
    entry.event.at = at;
    entry.firstSeen = at;
    entry.lastSeen = at;
    entry.seenBy << event.source;
    // In the order things happened, not the order they were reported: a store switch observed
    // on another thread, or a copy that comes late, goes where its time puts it.
    auto pos = m_entries.end();
    while (pos != m_entries.begin() && std::prev(pos)->firstSeen > at)
        --pos;
    m_entries.insert(pos, entry);
    while (qsizetype(m_entries.size()) > m_capacity)
        m_entries.pop_front();
    return Added{entry, true, false};
}

void EventTimeline::clear()
{
    m_entries.clear();
}

} // namespace sdcore
