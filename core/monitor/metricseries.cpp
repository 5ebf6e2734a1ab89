#include "core/monitor/metricseries.h"

namespace sdcore {

MetricSeries::MetricSeries(qsizetype capacity) : m_capacity(qMax<qsizetype>(2, capacity)) {}

void MetricSeries::append(double time, double value)
{
    if (m_size && time < lastTime())
        return;
    if (m_size < m_capacity) {
        // Grow as points come, up to the capacity: a series that only ever gets a few minutes
        // of data does not reserve a day's worth.
        if (qsizetype(m_times.size()) < m_capacity) {
            if (m_times.size() == m_times.capacity()) {
                const auto grown = size_t(qMin(m_capacity, qMax<qsizetype>(1024, 2 * m_size)));
                m_times.reserve(grown);
                m_values.reserve(grown);
            }
            m_times.push_back(time);
            m_values.push_back(value);
        } else {
            m_times[index(m_size)] = time;
            m_values[index(m_size)] = value;
        }
        ++m_size;
        return;
    }
    m_times[m_head] = time;
    m_values[m_head] = value;
    m_head = (m_head + 1) % m_capacity;
}

void MetricSeries::clear()
{
    m_times.clear();
    m_values.clear();
    m_times.shrink_to_fit();
    m_values.shrink_to_fit();
    m_head = 0;
    m_size = 0;
}

qsizetype MetricSeries::lowerBound(double time) const
{
    qsizetype lo = 0, hi = m_size;
    while (lo < hi) {
        const qsizetype mid = (lo + hi) / 2;
        if (timeAt(mid) < time)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void MetricSeries::copyRange(double from, double to, QList<double> *times, QList<double> *values) const
{
    times->clear();
    values->clear();
    for (qsizetype i = lowerBound(from); i < m_size && timeAt(i) <= to; ++i) {
        times->append(timeAt(i));
        values->append(valueAt(i));
    }
}

qsizetype MetricSeries::bytesReserved() const
{
    return qsizetype((m_times.capacity() + m_values.capacity()) * sizeof(double));
}

} // namespace sdcore
