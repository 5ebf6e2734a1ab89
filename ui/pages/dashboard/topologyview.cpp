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
    const auto addNode = [this](const QString &name, const QString &role, bool isUp, const QString &state,
                                double rtt, const QString &lag, const QString &tooltip) {
        auto *item = new QTreeWidgetItem(this, {name, role, state,
                                                rtt >= 0 ? QStringLiteral("%1 ms").arg(rtt, 0, 'f', 2) : QString(),
                                                lag});
        item->setForeground(2, isUp ? palette::good() : palette::bad());
        for (int c = 0; c < 5; ++c)
            item->setToolTip(c, tooltip);
    };
    const QLocale locale;
    for (const sdcore::ShardState &shard : s.shards) {
        if (shard.hasPrimary) {
            const auto &m = shard.primary;
            addNode(m.address.toString(), tr("master"), m.up, m.up ? tr("up") : tr("DOWN"), m.rttMs, QString(),
                    m.up ? tr("Redis %1, %2 clients, flags %3")
                               .arg(m.version)
                               .arg(m.connectedClients)
                               .arg(m.flags.join(QLatin1Char(',')))
                         : m.reason);
        }
        for (const auto &r : shard.replicas) {
            QString state = r.up ? tr("up") : tr("DOWN");
            if (r.up && r.masterLinkStatus == QLatin1String("down"))
                state = tr("link down");
            const QString lag = r.lagBytes >= 0
                                    ? QStringLiteral("%1, %2 s").arg(sdcore::format::bytes(r.lagBytes, locale)).arg(r.lagSeconds)
                                    : QString();
            addNode(r.address.toString(), tr("replica"), r.up && r.masterLinkStatus != QLatin1String("down"), state,
                    r.rttMs, lag,
                    r.up ? tr("link %1, flags %2").arg(r.masterLinkStatus, r.flags.join(QLatin1Char(','))) : r.reason);
        }
    }
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
