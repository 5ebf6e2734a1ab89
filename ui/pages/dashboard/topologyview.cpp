#include "ui/pages/dashboard/topologyview.h"

#include "core/monitor/topologysnapshot.h"
#include "core/support/format.h"
#include "ui/style/palette.h"

#include <QHeaderView>
#include <QLocale>

namespace sdui {

TopologyView::TopologyView(QWidget *parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("topology"));
    setHeaderLabels({tr("Node"), tr("Role"), tr("State"), tr("RTT"), tr("Lag")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    setMinimumWidth(330);
}

void TopologyView::showSnapshot(const sdcore::TopologySnapshot &s)
{
    clear();
    // A cluster's nodes sit under their shard; other deployments are one flat list.
    setRootIsDecorated(s.isCluster());
    QTreeWidgetItem *parent = nullptr;
    const auto addNode = [this, &parent](const QString &name, const QString &role, bool isUp, const QString &state,
                                         double rtt, const QString &lag, const QString &tooltip) {
        const QStringList texts{name, role, state,
                                rtt >= 0 ? QStringLiteral("%1 ms").arg(rtt, 0, 'f', 2) : QString(), lag};
        auto *item = parent ? new QTreeWidgetItem(parent, texts) : new QTreeWidgetItem(this, texts);
        item->setForeground(2, isUp ? palette::good() : palette::bad());
        for (int c = 0; c < 5; ++c)
            item->setToolTip(c, tooltip);
    };
    const auto flagsText = [](const sdcore::RedisNodeState &n) {
        QStringList flags = n.flags;
        flags.removeAll(QStringLiteral("master"));
        flags.removeAll(QStringLiteral("slave"));
        return flags.join(QLatin1Char(','));
    };
    const auto stateOf = [&](const sdcore::RedisNodeState &n) {
        QString state = n.up ? tr("up") : tr("DOWN");
        if (n.up && n.masterLinkStatus == QLatin1String("down"))
            state = tr("link down");
        const QString flags = flagsText(n);
        if (s.isCluster() && !flags.isEmpty())
            state += QStringLiteral(" (%1)").arg(flags);
        return state;
    };
    const QLocale locale;
    for (const sdcore::ShardState &shard : s.shards) {
        parent = nullptr;
        if (s.isCluster()) {
            int slots = 0;
            for (const sdcore::SlotRange &r : shard.slots)
                slots += r.count();
            QString what = shard.slots.isEmpty() ? tr("shard without slots")
                                                 : tr("shard %1 (%2 slots)").arg(shard.name).arg(slots);
            if (!shard.migrations.isEmpty())
                what += tr(", %n slot(s) migrating", nullptr, int(shard.migrations.size()));
            parent = new QTreeWidgetItem(this, {what});
            parent->setFirstColumnSpanned(true);
            QStringList migrations;
            for (const sdcore::SlotMigration &m : shard.migrations)
                migrations << (m.importing ? tr("slot %1 importing from %2") : tr("slot %1 migrating to %2"))
                                  .arg(m.slot)
                                  .arg(m.peer.isEmpty() ? m.peerId : m.peer);
            parent->setToolTip(0, migrations.isEmpty() ? sdcore::slotRangesText(shard.slots) : migrations.join(u'\n'));
            parent->setExpanded(true);
        }
        if (shard.hasPrimary) {
            const auto &m = shard.primary;
            addNode(m.address.toString(), s.isCluster() ? tr("primary") : tr("master"), m.up, stateOf(m), m.rttMs,
                    QString(),
                    m.up ? tr("Redis %1, %2 clients, flags %3%4")
                               .arg(m.version)
                               .arg(m.connectedClients)
                               .arg(m.flags.join(QLatin1Char(',')))
                               .arg(m.nodeId.isEmpty() ? QString()
                                                       : tr(", node %1, config epoch %2").arg(m.nodeId.left(8)).arg(m.configEpoch))
                         : m.reason);
        }
        for (const auto &r : shard.replicas) {
            const QString lag = r.lagBytes >= 0
                                    ? QStringLiteral("%1, %2 s").arg(sdcore::format::bytes(r.lagBytes, locale)).arg(r.lagSeconds)
                                    : QString();
            addNode(r.address.toString(), tr("replica"), r.up && r.masterLinkStatus != QLatin1String("down"), stateOf(r),
                    r.rttMs, lag,
                    r.up ? tr("link %1, flags %2").arg(r.masterLinkStatus, r.flags.join(QLatin1Char(','))) : r.reason);
        }
    }
    if (!s.spareNodes.isEmpty()) {
        parent = new QTreeWidgetItem(this, {tr("nodes without slots")});
        parent->setFirstColumnSpanned(true);
        parent->setExpanded(true);
        for (const auto &n : s.spareNodes)
            addNode(n.address.toString(), n.role, n.up, stateOf(n), n.rttMs, QString(), n.up ? n.flags.join(u',') : n.reason);
    }
    parent = nullptr;
    for (const auto &st : s.sentinel.sentinels) {
        addNode(st.address.toString(), tr("sentinel"), st.up, st.up ? tr("up") : tr("DOWN"), st.rttMs, QString(),
                st.up ? tr("flags %1").arg(st.flags.join(QLatin1Char(','))) : st.reason);
    }
    // The reason is in the banner already; the table does not say it twice.
    if (!s.error.isEmpty() && s.primariesKnown() == 0 && !s.sentinel.masterNameUnknown)
        (new QTreeWidgetItem(this, {tr("(no master)"), QString(), tr("not reachable"), QString(), QString()}))
            ->setToolTip(2, s.error);
}

} // namespace sdui
