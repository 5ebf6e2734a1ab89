#include "ui/pages/eventspage.h"

#include "core/monitor/deploymentmonitor.h"
#include "ui/models/eventfilterproxy.h"
#include "ui/models/eventmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace sdui {

using sdcore::EventFilter;

EventsPage::EventsPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("eventsPage"));
    m_model = new EventModel(this);
    m_proxy = new EventFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    bar->setSpacing(4);
    addKindToggle(EventFilter::Kind::Failover,
                  tr("Failover steps: leader election, promotion, +switch-master, aborts"));
    addKindToggle(EventFilter::Kind::DownUp,
                  tr("Instances going down and coming back: ±sdown, ±odown"));
    addKindToggle(EventFilter::Kind::Topology,
                  tr("Instances and configuration: +slave, +sentinel, ±role-change, +reboot, "
                     "+convert-to-slave, +slave-reconf-*, +config-update-from"));
    addKindToggle(
        EventFilter::Kind::Local,
        tr("SessionDeck's own entries: event streams lost and restored, manual failovers"));
    addKindToggle(EventFilter::Kind::Other,
                  tr("Everything else: ±tilt, +monitor, -dup-sentinel, …"));
    for (const auto kind :
         {EventFilter::Kind::Failover, EventFilter::Kind::DownUp, EventFilter::Kind::Topology,
          EventFilter::Kind::Local, EventFilter::Kind::Other})
        bar->addWidget(m_kindToggles.value(int(kind)));
    bar->addSpacing(8);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("eventSearch"));
    m_search->setPlaceholderText(tr("Search type, instance, detail…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, &EventsPage::applyFilter);
    bar->addWidget(m_search, 1);

    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("eventCount"));
    bar->addWidget(m_count);
    layout->addLayout(bar);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("eventTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(EventModel::TimeColumn, QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    header->resizeSection(EventModel::EventColumn, fontMetrics().horizontalAdvance(QStringLiteral(
                                                       "+failover-state-reconf-slaves")));
    header->resizeSection(EventModel::InstanceColumn,
                          fontMetrics().horizontalAdvance(QStringLiteral("x")) * 48);
    header->resizeSection(EventModel::DetailColumn,
                          fontMetrics().horizontalAdvance(QStringLiteral("x")) * 28);
    layout->addWidget(m_table, 1);

    // Follow new rows only if the user was already looking at the newest ones.
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeInserted, this,
            [this] { m_followBottom = isAtBottom(); });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_followBottom)
            m_table->scrollToBottom();
    });
    for (QAbstractItemModel *model :
         {static_cast<QAbstractItemModel *>(m_model), static_cast<QAbstractItemModel *>(m_proxy)}) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &EventsPage::updateCount);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &EventsPage::updateCount);
        connect(model, &QAbstractItemModel::modelReset, this, &EventsPage::updateCount);
        connect(model, &QAbstractItemModel::layoutChanged, this, &EventsPage::updateCount);
    }
    updateCount();
}

void EventsPage::addKindToggle(EventFilter::Kind kind, const QString &toolTip)
{
    auto *button = new QToolButton(this);
    button->setObjectName(QStringLiteral("eventKind") +
                          EventFilter::kindName(kind).remove(QLatin1Char('/')));
    button->setText(EventFilter::kindName(kind));
    button->setToolTip(toolTip);
    button->setCheckable(true);
    button->setChecked(true);
    button->setAutoRaise(true);
    connect(button, &QToolButton::toggled, this, &EventsPage::applyFilter);
    m_kindToggles.insert(int(kind), button);
}

QAbstractButton *EventsPage::kindToggle(EventFilter::Kind kind) const
{
    return m_kindToggles.value(int(kind));
}

sdcore::DeploymentMonitor *EventsPage::monitor() const
{
    return m_monitor.data();
}

void EventsPage::setMonitor(sdcore::DeploymentMonitor *monitor)
{
    if (m_monitor)
        disconnect(m_monitor, nullptr, this, nullptr);
    m_monitor = monitor;
    if (!monitor) {
        m_model->clear();
        return;
    }
    m_model->setEntries(monitor->timeline().entries());
    connect(monitor, &sdcore::DeploymentMonitor::timelineUpdated, this,
            &EventsPage::onTimelineUpdated);
    connect(monitor, &QObject::destroyed, this, [this] { m_model->clear(); });
    m_table->scrollToBottom();
}

void EventsPage::onTimelineUpdated(const sdcore::TimelineEntry &entry, bool isNew)
{
    m_model->applyUpdate(entry, isNew);
}

void EventsPage::applyFilter()
{
    EventFilter filter;
    for (auto it = m_kindToggles.cbegin(); it != m_kindToggles.cend(); ++it)
        filter.setKindShown(EventFilter::Kind(it.key()), it.value()->isChecked());
    filter.setSearchText(m_search->text());
    m_proxy->setFilter(filter);
    updateCount();
}

QString EventsPage::countText() const
{
    return m_count->text();
}

void EventsPage::updateCount()
{
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    m_count->setText(total == 1 ? tr("%1 of 1 event").arg(shown)
                                : tr("%1 of %2 events").arg(shown).arg(total));
}

bool EventsPage::isAtBottom() const
{
    const QScrollBar *bar = m_table->verticalScrollBar();
    return bar->value() >= bar->maximum();
}

} // namespace sdui
