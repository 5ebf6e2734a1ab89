#include "ui/models/connectionlistmodel.h"

#include "core/workspace/workspace.h"
#include "ui/style/palette.h"

namespace sdui {

ConnectionListModel::ConnectionListModel(sdcore::Workspace *workspace, QObject *parent)
    : QAbstractListModel(parent), m_workspace(workspace)
{
    // The Workspace says when its list changed, not how: the rows are read again.
    connect(workspace, &sdcore::Workspace::connectionsChanged, this, [this] {
        beginResetModel();
        endResetModel();
    });
    connect(workspace, &sdcore::Workspace::healthChanged, this, [this](const QString &id) {
        const QModelIndex index = indexOfId(id);
        if (index.isValid())
            Q_EMIT dataChanged(index, index, {Qt::DecorationRole, Qt::ToolTipRole});
    });
}

int ConnectionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_workspace->connections().size());
}

QVariant ConnectionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const sdcore::ConnectionEntry &entry = m_workspace->connections().at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return entry.readOnly ? tr("%1 (read-only)").arg(entry.name) : entry.name;
    case Qt::DecorationRole:
        return palette::badge(palette::health(entry.health()));
    case Qt::ToolTipRole:
        return entry.monitor && entry.monitor->lastSnapshot()
                   ? QStringLiteral("%1 — %2").arg(entry.url.toString(), sdcore::healthName(entry.health()))
                   : entry.url.toString();
    case IdRole:
        return entry.id;
    default:
        return {};
    }
}

QString ConnectionListModel::idAt(int row) const
{
    return m_workspace->idAt(row);
}

QModelIndex ConnectionListModel::indexOfId(const QString &id) const
{
    const int row = m_workspace->indexOf(id);
    return row >= 0 ? index(row) : QModelIndex();
}

} // namespace sdui
