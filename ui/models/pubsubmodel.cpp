#include "ui/models/pubsubmodel.h"
#include "ui/style/palette.h"

#include <QBrush>
#include <QColor>

namespace sdui {

PubSubModel::PubSubModel(QObject *parent) : QAbstractTableModel(parent) {}

int PubSubModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PubSubModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PubSubModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == ChannelColumn ? QVariant(row.channel) : QVariant(row.subscribers);
    case Qt::TextAlignmentRole:
        if (index.column() == SubscribersColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ForegroundRole:
        if (row.dropped())
            return QBrush(palette::bad());
        break;
    case Qt::ToolTipRole:
        if (row.dropped()) {
            return tr("subscribers fell from %1 to %2: an app instance dropped off?")
                .arg(row.previous)
                .arg(row.subscribers);
        }
        break;
    case ChannelRole:
        return row.channel;
    case SubscribersRole:
        return qlonglong(row.subscribers);
    case PreviousSubscribersRole:
        return qlonglong(row.previous);
    case DroppedRole:
        return row.dropped();
    }
    return QVariant();
}

QVariant PubSubModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ChannelColumn:
        return tr("Channel");
    case SubscribersColumn:
        return tr("Subscribers");
    }
    return QVariant();
}

void PubSubModel::setChannels(const QList<QPair<QString, qint64>> &channels)
{
    // The same set: as many channels, each one already a row, none named twice.
    bool sameSet = qsizetype(m_rows.size()) == channels.size();
    std::vector<bool> seen(sameSet ? m_rows.size() : 0, false);
    for (qsizetype i = 0; sameSet && i < channels.size(); ++i) {
        const int r = rowOf(channels.at(i).first);
        sameSet = r >= 0 && !seen[size_t(r)];
        if (sameSet)
            seen[size_t(r)] = true;
    }
    if (sameSet) {
        int first = -1;
        int last = -1;
        for (const auto &[channel, subscribers] : channels) {
            const int r = m_rowByChannel.value(channel);
            Row &row = m_rows[size_t(r)];
            const Row updated{channel, subscribers, row.subscribers};
            if (updated.subscribers == row.subscribers && updated.previous == row.previous)
                continue;
            row = updated;
            first = first < 0 ? r : std::min(first, r);
            last = std::max(last, r);
        }
        if (first >= 0)
            Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
        return;
    }

    std::vector<Row> rows;
    rows.reserve(size_t(channels.size()));
    QHash<QString, int> byChannel;
    byChannel.reserve(channels.size());
    for (const auto &[channel, subscribers] : channels) {
        if (byChannel.contains(channel))
            continue;
        const int old = rowOf(channel);
        byChannel.insert(channel, int(rows.size()));
        rows.push_back(Row{channel, subscribers, old >= 0 ? m_rows[size_t(old)].subscribers : -1});
    }
    beginResetModel();
    m_rows = std::move(rows);
    m_rowByChannel = std::move(byChannel);
    endResetModel();
}

void PubSubModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    m_rowByChannel.clear();
    endResetModel();
}

} // namespace sdui
