#pragma once

// The sentinel event timeline as a table, oldest row first, newest at the bottom. Takes the
// timeline once (setEntries) and then one update per timelineUpdated signal: a new entry is one
// inserted row, another sentinel's copy of an entry already shown is one dataChanged. Bounded:
// past capacity() the oldest rows go. UI thread only.

#include "core/sentinel/eventtimeline.h"

#include <QAbstractTableModel>
#include <QHash>

#include <deque>
#include <vector>

namespace sdui {

class EventModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        EventColumn,
        InstanceColumn,
        DetailColumn,
        SeenByColumn,
        ColumnCount
    };
    enum Role {
        EntryIdRole = Qt::UserRole, // qulonglong: TimelineEntry::id
        SeverityRole,               // int: SentinelEvent::Severity
        KindRole,                   // int: EventFilter::Kind
    };
    static constexpr int DefaultCapacity = 20000;

    explicit EventModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Replaces everything (one model reset); keeps the newest capacity() entries.
    void setEntries(const std::deque<sdcore::TimelineEntry> &entries);
    // A new entry is appended; an entry already shown (same id) has its row updated. An update
    // for an entry older than the first row (already dropped) is ignored.
    void applyUpdate(const sdcore::TimelineEntry &entry, bool isNew);
    void clear();

    int capacity() const { return m_capacity; }
    // Drops the oldest rows at once if there are more than `capacity` (at least 1).
    void setCapacity(int capacity);

    const sdcore::TimelineEntry &entryAt(int row) const { return m_rows[size_t(row)]; }
    // The row showing entry `id`, or -1.
    int rowOf(quint64 id) const;

private:
    void dropOldest(int count);
    void reindex();

    std::vector<sdcore::TimelineEntry> m_rows;
    // id → position counted from the first row ever held; row = position - m_firstPosition.
    // Dropping the oldest rows then moves m_firstPosition instead of renumbering every row.
    QHash<quint64, qint64> m_positionById;
    qint64 m_firstPosition = 0;
    int m_capacity = DefaultCapacity;
};

} // namespace sdui
