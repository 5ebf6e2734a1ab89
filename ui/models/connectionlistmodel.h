#pragma once

// The connection list as a model over the Workspace: one row per connection, in the
// Workspace's order, with its name, health badge and redacted URL. Rows are named by the
// connection's stable id (IdRole), never kept by position. Lives on the UI thread.

#include <QAbstractListModel>

namespace sdcore {
class Workspace;
}

namespace sdui {

class ConnectionListModel final : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { IdRole = Qt::UserRole + 1 };

    explicit ConnectionListModel(sdcore::Workspace *workspace, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    QString idAt(int row) const;
    QModelIndex indexOfId(const QString &id) const;

private:
    sdcore::Workspace *m_workspace;
};

} // namespace sdui
