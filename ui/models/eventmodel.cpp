#include "ui/models/eventmodel.h"

#include "core/sentinel/eventfilter.h"
#include "ui/style/palette.h"

#include <QBrush>
#include <QColor>
#include <QStringList>

namespace sdui {

using sdcore::SentinelEvent;
using sdcore::TimelineEntry;

namespace {

QString timeText(const QDateTime &at, const QDate &today)
{
    const QDateTime local = at.toLocalTime();
    return local.toString(local.date() == today ? QStringLiteral("HH:mm:ss.zzz")
                                                : QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString seenByText(const TimelineEntry &entry)
{
    if (entry.event.local)
        return QStringLiteral("SessionDeck");
    const int n = entry.seenCount();
    return n == 1 ? QStringLiteral("1 sentinel") : QStringLiteral("%1 sentinels").arg(n);
}

QString seenByToolTip(const TimelineEntry &entry)
{
    if (entry.event.local)
        return QStringLiteral("Recorded by SessionDeck itself");
    QStringList addresses;
    addresses.reserve(entry.seenBy.size());
    for (const auto &sentinel : entry.seenBy)
        addresses << sentinel.toString();
    QString text = QStringLiteral("Published by:\n") + addresses.join(QLatin1Char('\n'));
    if (entry.lastSeen > entry.firstSeen) {
        text += QStringLiteral("\nlast copy %1 ms after the first")
                    .arg(entry.firstSeen.msecsTo(entry.lastSeen));
    }
    return text;
}

// Light backgrounds with dark text set explicitly, so the rows stay readable in a dark theme.
QVariant background(SentinelEvent::Severity severity)
{
    switch (severity) {
    case SentinelEvent::Severity::Failover:
        return QBrush(palette::badBackground());
    case SentinelEvent::Severity::Warning:
        return QBrush(palette::warningBackground());
    case SentinelEvent::Severity::Info:
        break;
    }
    return QVariant();
}

} // namespace

EventModel::EventModel(QObject *parent) : QAbstractTableModel(parent) {}

int EventModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const TimelineEntry &entry = m_rows[size_t(index.row())];
    const SentinelEvent &event = entry.event;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return timeText(entry.firstSeen, QDate::currentDate());
        case EventColumn:
            return event.type;
        case InstanceColumn:
            return event.instanceText();
        case DetailColumn:
            return event.detail;
        case SeenByColumn:
            return seenByText(entry);
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
            return entry.firstSeen.toLocalTime().toString(
                QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"));
        case EventColumn:
        case InstanceColumn:
        case DetailColumn:
            return event.local ? event.summary()
                               : QStringLiteral("%1 %2").arg(event.type, event.payload);
        case SeenByColumn:
            return seenByToolTip(entry);
        }
        break;
    case Qt::BackgroundRole:
        return background(event.severity());
    case Qt::ForegroundRole:
        if (event.severity() != SentinelEvent::Severity::Info)
            return QBrush(Qt::black);
        break;
    case EntryIdRole:
        return qulonglong(entry.id);
    case SeverityRole:
        return int(event.severity());
    case KindRole:
        return int(sdcore::EventFilter::kindOf(event));
    }
    return QVariant();
}

QVariant EventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case EventColumn:
        return tr("Event");
    case InstanceColumn:
        return tr("Instance");
    case DetailColumn:
        return tr("Detail");
    case SeenByColumn:
        return tr("Seen by");
    }
    return QVariant();
}

void EventModel::setEntries(const std::deque<TimelineEntry> &entries)
{
    beginResetModel();
    const size_t keep = std::min(entries.size(), size_t(m_capacity));
    m_rows.assign(entries.end() - std::ptrdiff_t(keep), entries.end());
    reindex();
    endResetModel();
}

void EventModel::clear()
{
    beginResetModel();
    m_rows.clear();
    reindex();
    endResetModel();
}

void EventModel::applyUpdate(const TimelineEntry &entry, bool isNew)
{
    // The row is found by id, not by isNew: after setEntries() the first update of an entry
    // may already be in the timeline the model was loaded from.
    Q_UNUSED(isNew);
    if (const int row = rowOf(entry.id); row >= 0) {
        m_rows[size_t(row)] = entry;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    // Rows are in the order events happened, as in the timeline. An unknown entry older than
    // every row held belongs to what this model dropped; any other goes where its time puts it
    // (at the bottom nearly always: only an event observed late lands higher up).
    if (int(m_rows.size()) >= m_capacity && !m_rows.empty() && entry.firstSeen < m_rows.front().firstSeen)
        return;
    if (int(m_rows.size()) >= m_capacity)
        dropOldest(int(m_rows.size()) - m_capacity + 1);
    int row = int(m_rows.size());
    while (row > 0 && m_rows[size_t(row - 1)].firstSeen > entry.firstSeen)
        --row;
    beginInsertRows(QModelIndex(), row, row);
    m_rows.insert(m_rows.begin() + row, entry);
    if (row == int(m_rows.size()) - 1) {
        m_positionById.insert(entry.id, m_firstPosition + row);
    } else {
        const qint64 first = m_firstPosition;
        reindex();
        // reindex() numbers from 0; keep the running offset the ids were counted from.
        if (first != 0) {
            for (auto it = m_positionById.begin(); it != m_positionById.end(); ++it)
                it.value() += first;
            m_firstPosition = first;
        }
    }
    endInsertRows();
}

void EventModel::setCapacity(int capacity)
{
    m_capacity = std::max(1, capacity);
    if (int(m_rows.size()) > m_capacity)
        dropOldest(int(m_rows.size()) - m_capacity);
}

int EventModel::rowOf(quint64 id) const
{
    const auto it = m_positionById.constFind(id);
    return it == m_positionById.cend() ? -1 : int(it.value() - m_firstPosition);
}

void EventModel::dropOldest(int count)
{
    count = std::min(count, int(m_rows.size()));
    if (count <= 0)
        return;
    beginRemoveRows(QModelIndex(), 0, count - 1);
    for (int i = 0; i < count; ++i)
        m_positionById.remove(m_rows[size_t(i)].id);
    m_rows.erase(m_rows.begin(), m_rows.begin() + count);
    m_firstPosition += count;
    endRemoveRows();
}

void EventModel::reindex()
{
    m_positionById.clear();
    m_positionById.reserve(qsizetype(m_rows.size()));
    m_firstPosition = 0;
    for (size_t i = 0; i < m_rows.size(); ++i)
        m_positionById.insert(m_rows[i].id, qint64(i));
}

} // namespace sdui
