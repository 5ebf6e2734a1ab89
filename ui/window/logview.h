#pragma once

// The in-app log: shows the lines core's LogBuffer collects, refreshed from a timer so a burst of
// log lines costs one update.

#include <QPlainTextEdit>

class QTimer;

namespace sdui {

class LogView final : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);
    void refresh();

private:
    QTimer *m_timer = nullptr;
    quint64 m_lastSequence = 0;
};

} // namespace sdui
