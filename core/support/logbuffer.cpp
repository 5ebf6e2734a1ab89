#include "core/support/logbuffer.h"

namespace sdcore {

LogBuffer::LogBuffer(qsizetype capacity) : m_capacity(qMax<qsizetype>(1, capacity)) {}

LogBuffer &LogBuffer::instance()
{
    static LogBuffer buffer;
    return buffer;
}

void LogBuffer::append(int level, const QString &text)
{
    QMutexLocker lock(&m_mutex);
    m_lines.push_back(LogLine{++m_sequence, level, text});
    while (qsizetype(m_lines.size()) > m_capacity)
        m_lines.pop_front();
}

QList<LogLine> LogBuffer::linesSince(quint64 after) const
{
    QMutexLocker lock(&m_mutex);
    QList<LogLine> out;
    for (auto it = m_lines.rbegin(); it != m_lines.rend() && it->sequence > after; ++it)
        out.prepend(*it);
    return out;
}

quint64 LogBuffer::lastSequence() const
{
    QMutexLocker lock(&m_mutex);
    return m_sequence;
}

qsizetype LogBuffer::size() const
{
    QMutexLocker lock(&m_mutex);
    return qsizetype(m_lines.size());
}

void LogBuffer::clear()
{
    QMutexLocker lock(&m_mutex);
    m_lines.clear();
}

} // namespace sdcore
