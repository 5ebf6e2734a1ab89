#include "core/support/eventloopwatchdog.h"

#include <QTimer>

#include <spdlog/spdlog.h>

#include <chrono>

namespace sdcore {

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

EventLoopWatchdog::EventLoopWatchdog(int intervalMs, int reportMs, QObject *parent)
    : QObject(parent)
    , m_intervalMs(intervalMs)
    , m_reportMs(reportMs)
{
    m_lastBeatNs = nowNs();
    m_timer = new QTimer(this);
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(intervalMs);
    connect(m_timer, &QTimer::timeout, this, [this] { m_lastBeatNs = nowNs(); });
    m_timer->start();
    m_watcher = std::thread([this] { watch(); });
}

EventLoopWatchdog::~EventLoopWatchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_watcher.join();
}

qint64 EventLoopWatchdog::longestStallMs() const
{
    const qint64 current = nowNs() - m_lastBeatNs.load() - qint64(m_intervalMs) * 1000000;
    return qMax<qint64>(qMax<qint64>(m_longestNs.load(), current), 0) / 1000000;
}

void EventLoopWatchdog::reset()
{
    m_lastBeatNs = nowNs();
    m_longestNs = 0;
    m_reported = 0;
}

void EventLoopWatchdog::watch()
{
    const qint64 intervalNs = qint64(m_intervalMs) * 1000000;
    const qint64 reportNs = qint64(m_reportMs) * 1000000;
    qint64 stallStart = 0;   // the beat a stall over reportMs began after; 0 when none is on
    qint64 stallNs = 0;
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        m_wake.wait_for(lock, std::chrono::milliseconds(5));
        const qint64 beat = m_lastBeatNs.load();
        const qint64 gap = nowNs() - beat - intervalNs;
        if (gap > m_longestNs.load())
            m_longestNs = gap;
        if (gap > reportNs) {
            stallStart = beat;
            stallNs = gap;
        } else if (stallStart != 0 && beat != stallStart) {
            // Over: the loop beat again.
            ++m_reported;
            spdlog::warn("ui: the event loop stalled for {} ms", stallNs / 1000000);
            stallStart = 0;
        }
    }
}

} // namespace sdcore
