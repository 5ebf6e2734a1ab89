#include "ui/pages/dashboard/healthtiles.h"

#include "core/monitor/topologysnapshot.h"
#include "core/sessions/sessioncensus.h"
#include "core/support/format.h"
#include "ui/style/palette.h"

#include <QDateTime>
#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace sdui {

HealthTiles::HealthTiles(QWidget *parent) : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(8);
    int i = 0;
    addTile(grid, i++, QStringLiteral("health"), tr("Health"));
    addTile(grid, i++, QStringLiteral("node"), tr("Master"));
    addTile(grid, i++, QStringLiteral("sessions"), tr("Sessions"));
    addTile(grid, i++, QStringLiteral("ops"), tr("Ops/s"));
    addTile(grid, i++, QStringLiteral("memory"), tr("Memory"));
    addTile(grid, i++, QStringLiteral("clients"), tr("Clients"));
    addTile(grid, i++, QStringLiteral("rtt"), tr("Round trip"));
    addTile(grid, i++, QStringLiteral("replicas"), tr("Replicas up"));
    addTile(grid, i++, QStringLiteral("sentinels"), tr("Sentinels up"));
    addTile(grid, i++, QStringLiteral("quorum"), tr("Quorum"));
    clear();
}

void HealthTiles::addTile(QGridLayout *grid, int index, const QString &name, const QString &title)
{
    auto *frame = new QFrame;
    frame->setFrameShape(QFrame::StyledPanel);
    auto *box = new QVBoxLayout(frame);
    box->setContentsMargins(8, 4, 8, 4);
    auto *caption = new QLabel(title);
    caption->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto *value = new QLabel;
    value->setObjectName(QStringLiteral("tile_") + name);
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    value->setFont(f);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->addWidget(caption);
    box->addWidget(value);
    grid->addWidget(frame, index / 5, index % 5);
    m_tiles.insert(name, value);
    m_captions.insert(name, caption);
}

QString HealthTiles::tileText(const QString &name) const
{
    const QLabel *label = m_tiles.value(name);
    return label ? label->text() : QString();
}

void HealthTiles::clear()
{
    for (QLabel *label : std::as_const(m_tiles)) {
        label->setText(QStringLiteral("–"));
        label->setStyleSheet(QString());
        label->setToolTip(QString());
    }
}

void HealthTiles::setTile(const QString &name, const QString &text, const QColor &color)
{
    QLabel *l = m_tiles.value(name);
    l->setText(text);
    l->setStyleSheet(color.isValid() ? QStringLiteral("color: %1;").arg(color.name()) : QString());
}

void HealthTiles::showSnapshot(const sdcore::TopologySnapshot &s)
{
    const QLocale locale;
    setTile(QStringLiteral("health"), sdcore::healthName(s.health).toUpper(), palette::health(s.health));
    // A cluster has no master, sentinels or quorum: those tiles say its primaries, its
    // cluster_state and its slots.
    m_captions.value(QStringLiteral("node"))->setText(s.isCluster() ? tr("Primaries") : tr("Master"));
    m_captions.value(QStringLiteral("sentinels"))->setText(s.isCluster() ? tr("Cluster state") : tr("Sentinels up"));
    m_captions.value(QStringLiteral("quorum"))->setText(s.isCluster() ? tr("Slots OK") : tr("Quorum"));
    // One shard shows its primary; several are added up (the round trip: the slowest primary).
    const int known = s.primariesKnown();
    const sdcore::PrimaryTotals totals = s.primaryTotals();
    const int primariesUp = totals.up;
    const bool up = primariesUp > 0;
    const qint64 ops = totals.opsPerSec, memory = totals.usedMemory, clients = totals.connectedClients;
    const double rtt = totals.maxRttMs;
    const QString node = known == 0 ? QStringLiteral("–")
                         : s.shards.size() == 1 ? s.shards.first().primary.address.toString()
                                                : tr("%1 of %2 primaries up").arg(primariesUp).arg(s.shards.size());
    setTile(QStringLiteral("node"), node, known > 0 && primariesUp == known ? QColor() : palette::bad());
    const QString none = QStringLiteral("–");
    setTile(QStringLiteral("ops"), up ? sdcore::format::count(ops, locale) : none, QColor());
    setTile(QStringLiteral("memory"), up ? sdcore::format::bytes(memory, locale) : none, QColor());
    setTile(QStringLiteral("clients"), up ? sdcore::format::count(clients, locale) : none, QColor());
    setTile(QStringLiteral("rtt"), up ? QStringLiteral("%1 ms").arg(rtt, 0, 'f', 2) : none, QColor());
    int replicas = 0, replicasUp = 0, sentinelsUp = 0;
    for (const sdcore::ShardState &shard : s.shards) {
        replicas += int(shard.replicas.size());
        for (const auto &r : shard.replicas)
            replicasUp += r.up ? 1 : 0;
    }
    const sdcore::SentinelGroup &group = s.sentinel;
    for (const auto &st : group.sentinels)
        sentinelsUp += st.up ? 1 : 0;
    setTile(QStringLiteral("replicas"), QStringLiteral("%1 / %2").arg(replicasUp).arg(replicas),
            replicasUp == replicas ? QColor() : palette::warning());
    if (s.isCluster()) {
        const bool ok = s.cluster.state == QLatin1String("ok");
        setTile(QStringLiteral("sentinels"), s.cluster.state.isEmpty() ? none : s.cluster.state,
                s.cluster.state.isEmpty() ? QColor() : ok ? palette::good() : palette::bad());
        setTile(QStringLiteral("quorum"),
                s.cluster.slotsOk < 0 ? none : QStringLiteral("%1 / %2").arg(locale.toString(s.cluster.slotsOk), locale.toString(16384)),
                s.cluster.slotsOk == 16384 ? QColor() : palette::bad());
        m_tiles.value(QStringLiteral("quorum"))
            ->setToolTip(tr("As %1 sees it: %2 assigned, %3 possibly failing, %4 failed; %5 nodes known, current epoch %6")
                             .arg(s.cluster.answeredBy.toString())
                             .arg(s.cluster.slotsAssigned)
                             .arg(s.cluster.slotsPfail)
                             .arg(s.cluster.slotsFail)
                             .arg(s.cluster.knownNodes)
                             .arg(s.cluster.currentEpoch));
    } else if (s.hasSentinels()) {
        setTile(QStringLiteral("sentinels"), QStringLiteral("%1 / %2").arg(sentinelsUp).arg(group.sentinels.size()),
                sentinelsUp == group.sentinels.size() ? QColor() : palette::warning());
        if (group.quorum < 0)   // no sentinel told it (unknown master name, none reachable)
            setTile(QStringLiteral("quorum"), none, QColor());
        else
            setTile(QStringLiteral("quorum"),
                    group.quorumOk ? tr("%1, met").arg(group.quorum) : tr("%1, NOT met").arg(group.quorum),
                    group.quorumOk ? palette::good() : palette::bad());
        m_tiles.value(QStringLiteral("quorum"))->setToolTip(group.quorumText);
    } else {
        setTile(QStringLiteral("sentinels"), tr("none"), QColor());
        setTile(QStringLiteral("quorum"), tr("n/a"), QColor());
    }
}

void HealthTiles::showCensus(const sdcore::CensusResult &c)
{
    QLabel *tile = m_tiles.value(QStringLiteral("sessions"));
    if (!c.complete && c.count == 0 && !c.error.isEmpty()) {
        tile->setToolTip(tr("Census failed: %1").arg(c.error));
        return;
    }
    const QLocale locale;
    const qint64 age = c.at.secsTo(QDateTime::currentDateTimeUtc());
    // The count is exact but not live: say how old it is, and mark it once it is stale.
    tile->setText(QStringLiteral("%1  <span style='font-size:small; font-weight:normal'>%2</span>")
                      .arg(sdcore::format::count(c.count, locale), sdcore::format::age(age)));
    tile->setStyleSheet(age > 60 || !c.complete ? palette::textStyle(palette::warningText()) : QString());
    if (!c.complete)
        tile->setText(tile->text() + tr(" <span style='font-size:small; font-weight:normal'>partial</span>"));
    QString where = c.node.toString();
    if (!c.shards.isEmpty()) {
        QStringList parts;
        for (const sdcore::ShardCensus &shard : c.shards)
            parts << tr("shard %1 on %2: %3%4%5")
                         .arg(shard.name, shard.node.toString(), sdcore::format::count(shard.count, locale),
                              shard.complete ? QString() : tr(" (partial: %1)").arg(shard.error),
                              shard.failedNode.host.isEmpty()
                                  ? QString()
                                  : tr(" (counted again: %1 failed midway)").arg(shard.failedNode.toString()));
        where = tr("%n primaries at once", nullptr, int(c.shards.size())) + QStringLiteral(" (") + parts.join(QStringLiteral("; "))
            + QStringLiteral(")");
    }
    tile->setToolTip(tr("%1 keys under '%2', %3 of string values, counted by SCAN on %4 in %5 ms%6")
                         .arg(sdcore::format::count(c.count, locale), c.prefix, sdcore::format::bytes(c.totalBytes, locale),
                              where)
                         .arg(c.durationMs)
                         .arg(c.complete ? QString() : tr("; not complete: %1").arg(c.error)));
}

} // namespace sdui
