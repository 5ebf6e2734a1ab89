#pragma once

// Filters an EventModel's rows by an sdcore::EventFilter; the rule itself lives in core.
// Keeps the source order (newest at the bottom). UI thread only.

#include "core/sentinel/eventfilter.h"

#include <QSortFilterProxyModel>

namespace sdui {

class EventFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit EventFilterProxy(QObject *parent = nullptr);

    const sdcore::EventFilter &filter() const { return m_filter; }
    // Refilters only when the filter differs from the current one.
    void setFilter(const sdcore::EventFilter &filter);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    sdcore::EventFilter m_filter;
};

} // namespace sdui
