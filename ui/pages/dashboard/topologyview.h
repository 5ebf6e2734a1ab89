#pragma once

// The dashboard's topology table: every shard's primary and replicas (state, round trip,
// replication lag, the reason on hover), then the sentinels.

#include <QTreeWidget>

namespace sdcore {
struct TopologySnapshot;
}

namespace sdui {

class TopologyView final : public QTreeWidget
{
    Q_OBJECT
public:
    explicit TopologyView(QWidget *parent = nullptr);

    void showSnapshot(const sdcore::TopologySnapshot &snapshot);
};

} // namespace sdui
