#pragma once

// The health of the active connection: headline tiles and a live chart of round-trip time and
// operations per second. Shows what core publishes (NodeStatus); never talks to Redis.

#include "nodestatus.h"

#include <QHash>
#include <QWidget>

class QCustomPlot;
class QGridLayout;
class QLabel;

namespace sdui {

class DashboardPage final : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(QWidget *parent = nullptr);

    void showStatus(const sdcore::NodeStatus &status);
    void clear();
    QCustomPlot *chart() const { return m_chart; }
    QString tileText(const QString &name) const;

private:
    QLabel *addTile(QGridLayout *grid, int index, const QString &name, const QString &title);

    QLabel *m_banner = nullptr;
    QHash<QString, QLabel *> m_tiles;
    QCustomPlot *m_chart = nullptr;
};

} // namespace sdui
