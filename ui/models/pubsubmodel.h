#pragma once

// The master's Pub/Sub channels and their subscriber counts (PUBSUB NUMSUB) as a table, or a
// cluster's node by node (a row per channel and node, shard channels marked), one batch per
// snapshot: a reset only when the set of channels changes, otherwise one dataChanged
// over the rows. A channel whose count fell since the previous snapshot is marked (red, with
// a tooltip): each app instance holds a subscription, so a drop often means one went away.
// UI thread only.

#include "core/monitor/topologysnapshot.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <vector>

namespace sdui {

class PubSubModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { ChannelColumn, SubscribersColumn, NodeColumn, ColumnCount };
    enum Role {
        ChannelRole = Qt::UserRole, // QString
        SubscribersRole,            // qlonglong
        PreviousSubscribersRole,    // qlonglong, -1 when the channel is new
        DroppedRole,                // bool: fewer subscribers than in the previous snapshot
    };

    struct Row
    {
        QString channel;
        QString node;         // a cluster's: where these subscribers are ("host:port", "…, shard channel")
        qint64 subscribers = 0;
        qint64 previous = -1; // in the previous snapshot; -1: not there
        bool dropped() const { return previous >= 0 && subscribers < previous; }
    };

    explicit PubSubModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // One snapshot's channels (channel → subscribers). Keeps the row order while the set of
    // channels stays the same; a new set is shown in the given order.
    void setChannels(const QList<QPair<QString, qint64>> &channels);
    // A cluster's: every node's channels, each row a channel on one node.
    void setNodeChannels(const QList<sdcore::PubSubChannel> &channels);
    bool perNode() const { return m_perNode; }
    void clear();

    const Row &rowAt(int row) const { return m_rows[size_t(row)]; }
    int rowOf(const QString &channel, const QString &node = QString()) const
    {
        return m_rowByChannel.value(keyOf(channel, node), -1);
    }

private:
    static QString keyOf(const QString &channel, const QString &node)
    {
        return node.isEmpty() ? channel : channel + QLatin1Char('\n') + node;
    }
    void setRows(const std::vector<Row> &rows);

    bool m_perNode = false;
    std::vector<Row> m_rows;
    QHash<QString, int> m_rowByChannel;
};

} // namespace sdui
