#pragma once

// The sentinel event timeline of the active connection: one row per event, merged across the
// sentinels that published it, newest at the bottom, filtered by kind and a search text. Shows
// what DeploymentMonitor publishes; never talks to Redis.

#include "core/sentinel/eventfilter.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QAbstractButton;
class QLabel;
class QLineEdit;
class QTableView;

namespace sdcore {
class DeploymentMonitor;
struct TimelineEntry;
} // namespace sdcore

namespace sdui {

class EventFilterProxy;
class EventModel;

class EventsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit EventsPage(QWidget *parent = nullptr);

    // Shows `monitor`'s timeline and follows its updates; nullptr empties the page. The page
    // does not own the monitor and forgets it when it is destroyed.
    void setMonitor(sdcore::DeploymentMonitor *monitor);
    sdcore::DeploymentMonitor *monitor() const;

    EventModel *model() const { return m_model; }
    EventFilterProxy *proxy() const { return m_proxy; }
    QLineEdit *searchEdit() const { return m_search; }
    QTableView *table() const { return m_table; }
    QAbstractButton *kindToggle(sdcore::EventFilter::Kind kind) const;
    QString countText() const;

private:
    void addKindToggle(sdcore::EventFilter::Kind kind, const QString &toolTip);
    void onTimelineUpdated(const sdcore::TimelineEntry &entry, bool isNew);
    void applyFilter();
    void updateCount();
    bool isAtBottom() const;

    QPointer<sdcore::DeploymentMonitor> m_monitor;
    EventModel *m_model = nullptr;
    EventFilterProxy *m_proxy = nullptr;
    QHash<int, QAbstractButton *> m_kindToggles; // by EventFilter::Kind
    QLineEdit *m_search = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    bool m_followBottom = true; // the view was at the bottom before rows came in
};

} // namespace sdui
