#include "ui/models/eventfilterproxy.h"

#include "ui/models/eventmodel.h"

namespace sdui {

EventFilterProxy::EventFilterProxy(QObject *parent) : QSortFilterProxyModel(parent) {}

void EventFilterProxy::setFilter(const sdcore::EventFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    invalidateRowsFilter();
}

bool EventFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    // Any other source model shows unfiltered.
    const auto *events = qobject_cast<const EventModel *>(sourceModel());
    return !events || m_filter.accepts(events->entryAt(sourceRow));
}

} // namespace sdui
