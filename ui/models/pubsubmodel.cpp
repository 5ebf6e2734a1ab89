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
        switch (index.column()) {
        case ChannelColumn: return row.channel;
        case SubscribersColumn: return row.subscribers;
        case NodeColumn: return row.node;
        }
        break;
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
    case NodeColumn:
        return tr("Node");
    }
    return QVariant();
}

void PubSubModel::setChannels(const QList<QPair<QString, qint64>> &channels)
{
    std::vector<Row> rows;
    rows.reserve(size_t(channels.size()));
    for (const auto &[channel, subscribers] : channels)
        rows.push_back(Row{channel, QString(), subscribers});
    m_perNode = false;
    setRows(rows);
}

void PubSubModel::setNodeChannels(const QList<sdcore::PubSubChannel> &channels)
{
    std::vector<Row> rows;
    rows.reserve(size_t(channels.size()));
    for (const sdcore::PubSubChannel &c : channels) {
        const QString node = c.sharded ? tr("%1, shard channel").arg(c.node.toString()) : c.node.toString();
        rows.push_back(Row{c.channel, node, c.subscribers});
    }
    m_perNode = true;
    setRows(rows);
}

void PubSubModel::setRows(const std::vector<Row> &input)
{
    // The same set: as many rows, each one already a row, none named twice.
    bool sameSet = m_rows.size() == input.size();
    std::vector<bool> seen(sameSet ? m_rows.size() : 0, false);
    for (size_t i = 0; sameSet && i < input.size(); ++i) {
        const int r = rowOf(input[i].channel, input[i].node);
        sameSet = r >= 0 && !seen[size_t(r)];
        if (sameSet)
            seen[size_t(r)] = true;
    }
    if (sameSet) {
        int first = -1;
        int last = -1;
        for (const Row &in : input) {
            const int r = rowOf(in.channel, in.node);
            Row &row = m_rows[size_t(r)];
            const Row updated{in.channel, in.node, in.subscribers, row.subscribers};
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
    rows.reserve(input.size());
    QHash<QString, int> byChannel;
    byChannel.reserve(qsizetype(input.size()));
    for (const Row &in : input) {
        const QString key = keyOf(in.channel, in.node);
        if (byChannel.contains(key))
            continue;
        const int old = m_rowByChannel.value(key, -1);
        byChannel.insert(key, int(rows.size()));
        rows.push_back(Row{in.channel, in.node, in.subscribers, old >= 0 ? m_rows[size_t(old)].subscribers : -1});
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
