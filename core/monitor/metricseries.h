#pragma once

// A bounded time series: (time, value) points in a ring buffer that never grows past its
// capacity; the default holds 25 hours at one point per second. Times are seconds since the
// epoch as double (QCustomPlot's convention). One thread.

#include <QList>
#include <QString>

#include <vector>

namespace sdcore {

class MetricSeries
{
public:
    static constexpr qsizetype DefaultCapacity = 25 * 3600;

    explicit MetricSeries(qsizetype capacity = DefaultCapacity);

    // Points are expected in time order; one older than the last is ignored.
    void append(double time, double value);
    void clear();

    qsizetype size() const { return m_size; }
    qsizetype capacity() const { return m_capacity; }
    bool isEmpty() const { return m_size == 0; }
    // i-th point, oldest first.
    double timeAt(qsizetype i) const { return m_times[index(i)]; }
    double valueAt(qsizetype i) const { return m_values[index(i)]; }
    double lastTime() const { return m_size ? timeAt(m_size - 1) : 0; }
    double lastValue() const { return m_size ? valueAt(m_size - 1) : 0; }

    // Points with from <= time <= to, oldest first.
    void copyRange(double from, double to, QList<double> *times, QList<double> *values) const;
    // Memory held by the buffers, to check the bound.
    qsizetype bytesReserved() const;

private:
    qsizetype index(qsizetype i) const { return (m_head + i) % m_capacity; }
    qsizetype lowerBound(double time) const;

    qsizetype m_capacity;
    std::vector<double> m_times;
    std::vector<double> m_values;
    qsizetype m_head = 0;   // oldest point
    qsizetype m_size = 0;
};

} // namespace sdcore
