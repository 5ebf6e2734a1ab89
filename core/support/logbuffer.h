#pragma once

// The last log lines kept in memory for the in-app log view. spdlog's sink writes from any
// thread; the view polls linesSince() from a timer, so a burst of logging costs one repaint.

#include <QList>
#include <QMutex>
#include <QString>

#include <deque>

namespace sdcore {

struct LogLine
{
    quint64 sequence = 0;
    int level = 0;          // spdlog::level::level_enum
    QString text;           // formatted line, without trailing newline
};

class LogBuffer
{
public:
    explicit LogBuffer(qsizetype capacity = 2000);

    static LogBuffer &instance();

    void append(int level, const QString &text);
    // Lines with sequence > `after`, oldest first.
    QList<LogLine> linesSince(quint64 after) const;
    quint64 lastSequence() const;
    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const;
    void clear();

private:
    mutable QMutex m_mutex;
    std::deque<LogLine> m_lines;
    qsizetype m_capacity;
    quint64 m_sequence = 0;
};

} // namespace sdcore
