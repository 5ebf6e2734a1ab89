#include "ui/dialogs/clusterfailoverdialog.h"

#include "ui/style/palette.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace sdui {

using Mode = sdcore::ClusterFailoverRequest::Mode;

ClusterFailoverDialog::ClusterFailoverDialog(const sdcore::TopologySnapshot &snapshot, QWidget *parent)
    : QDialog(parent), m_snapshot(snapshot)
{
    setObjectName(QStringLiteral("clusterFailover"));
    setWindowTitle(tr("Fail over a cluster shard"));
    setMinimumWidth(560);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_shard = new QComboBox;
    m_shard->setObjectName(QStringLiteral("shard"));
    for (const sdcore::ShardState &shard : snapshot.shards) {
        if (shard.slots.isEmpty() || !shard.hasPrimary)
            continue;
        m_shard->addItem(tr("slots %1 — primary %2%3")
                             .arg(shard.name, shard.primary.address.toString(),
                                  shard.primary.up ? QString() : tr(" (down)")),
                         shard.primary.address.toString());
    }
    m_replica = new QComboBox;
    m_replica->setObjectName(QStringLiteral("replica"));
    form->addRow(tr("Shard:"), m_shard);
    form->addRow(tr("Promote:"), m_replica);
    layout->addLayout(form);

    m_mode = new QButtonGroup(this);
    const struct { Mode mode; QString text; } modes[] = {
        {Mode::Default, tr("Default: with the primary's agreement, no write lost")},
        {Mode::Force, tr("FORCE: without the primary (it is down or unreachable)")},
        {Mode::Takeover, tr("TAKEOVER: without the primary and without a vote")},
    };
    for (const auto &m : modes) {
        auto *button = new QRadioButton(m.text);
        button->setObjectName(QStringLiteral("mode_") + sdcore::failoverModeName(m.mode));
        m_mode->addButton(button, int(m.mode));
        layout->addWidget(button);
    }
    m_mode->button(int(Mode::Default))->setChecked(true);
    m_risk = new QLabel;
    m_risk->setObjectName(QStringLiteral("risk"));
    m_risk->setWordWrap(true);
    layout->addWidget(m_risk);
    m_plan = new QLabel;
    m_plan->setObjectName(QStringLiteral("plan"));
    m_plan->setWordWrap(true);
    m_plan->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_plan);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_ok = buttons->addButton(tr("Fail over"), QDialogButtonBox::AcceptRole);
    m_ok->setAutoDefault(false);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_shard, &QComboBox::currentIndexChanged, this, [this] {
        fillReplicas();
        check();
    });
    connect(m_replica, &QComboBox::currentIndexChanged, this, &ClusterFailoverDialog::check);
    connect(m_mode, &QButtonGroup::idClicked, this, &ClusterFailoverDialog::check);
    fillReplicas();
    check();
}

void ClusterFailoverDialog::fillReplicas()
{
    const QSignalBlocker blocker(m_replica);
    m_replica->clear();
    m_replica->addItem(tr("the most up-to-date healthy replica"), QString());
    for (const sdcore::ShardState &shard : m_snapshot.shards) {
        if (shard.primary.address.toString() != m_shard->currentData().toString())
            continue;
        for (const sdcore::RedisNodeState &r : shard.replicas) {
            QString state = r.up ? tr("up") : tr("down");
            if (r.up && r.lagBytes >= 0)
                state += tr(", %1 bytes behind").arg(r.lagBytes);
            m_replica->addItem(QStringLiteral("%1 (%2)").arg(r.address.toString(), state), r.address.toString());
        }
    }
}

sdcore::ClusterFailoverRequest ClusterFailoverDialog::request() const
{
    sdcore::ClusterFailoverRequest r;
    const auto parse = [](const QString &text) {
        sdcore::HostPort h;
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon > 0) {
            h.host = text.left(colon);
            if (h.host.startsWith(u'[') && h.host.endsWith(u']'))
                h.host = h.host.mid(1, h.host.size() - 2);
            h.port = quint16(text.mid(colon + 1).toUInt());
        }
        return h;
    };
    r.primary = parse(m_shard->currentData().toString());
    r.replica = parse(m_replica->currentData().toString());
    r.mode = Mode(m_mode->checkedId());
    return r;
}

void ClusterFailoverDialog::setMode(Mode mode)
{
    m_mode->button(int(mode))->setChecked(true);
    check();
}

QString ClusterFailoverDialog::planText() const
{
    return m_plan->text();
}

void ClusterFailoverDialog::check()
{
    const sdcore::ClusterFailoverRequest r = request();
    m_risk->setText(sdcore::failoverModeRisk(r.mode));
    m_risk->setStyleSheet(r.mode == Mode::Default ? QString() : palette::textStyle(palette::warningText()));
    auto plan = sdcore::ClusterFailover::plan(m_snapshot, r);
    if (!plan) {
        m_plan->setText(plan.errorMessage());
        m_plan->setStyleSheet(palette::textStyle(palette::bad()));
        m_ok->setEnabled(false);
        return;
    }
    QString text = plan->description() + u'.';
    for (const QString &w : plan->warnings)
        text += QStringLiteral("\n• ") + w;
    text += tr("\nClients connected to %1 are disconnected and must follow the cluster's redirect.")
                .arg(plan->primary.toString());
    m_plan->setText(text);
    m_plan->setStyleSheet(QString());
    m_ok->setEnabled(true);
}

} // namespace sdui
