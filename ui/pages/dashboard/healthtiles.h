#pragma once

// The dashboard's headline tiles: health, the primary (or how many primaries are up), the
// session count of the last census with its age, ops/s, memory, clients, round trip, replicas,
// sentinels and quorum. One shard shows its primary; several are added up.

#include <QHash>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace sdcore {
struct CensusResult;
struct TopologySnapshot;
}

namespace sdui {

class HealthTiles final : public QWidget
{
    Q_OBJECT
public:
    explicit HealthTiles(QWidget *parent = nullptr);

    void showSnapshot(const sdcore::TopologySnapshot &snapshot);
    void showCensus(const sdcore::CensusResult &census);
    void clear();
    // The text of the tile `name` ("health", "node", "sessions", …), for tests and tooltips.
    QString tileText(const QString &name) const;

private:
    void addTile(QGridLayout *grid, int index, const QString &name, const QString &title);
    void setTile(const QString &name, const QString &text, const QColor &color);

    QHash<QString, QLabel *> m_tiles;
    QHash<QString, QLabel *> m_captions;
};

} // namespace sdui
