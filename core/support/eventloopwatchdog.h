#pragma once

// Measures how long the event loop of the thread that creates it (the UI thread, in the app)
// goes without running: a timer on that thread beats every `intervalMs`; a watcher thread of
// its own looks every few milliseconds at the time since the last beat. A stall is a gap longer
// than the interval; the longest one is kept, and one over `reportMs` is logged (with its
// length) when it ends, so the log tells when the window froze and for how long.
//
// The UI must never wait on the network; this is how the app and its tests check that it
// does not.

#include <QObject>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

class QTimer;

namespace sdcore {

class EventLoopWatchdog final : public QObject
{
    Q_OBJECT
public:
    explicit EventLoopWatchdog(int intervalMs = 20, int reportMs = 250, QObject *parent = nullptr);
    ~EventLoopWatchdog() override;

    // The longest stall so far beyond the interval, in ms; a stall still going on counts.
    qint64 longestStallMs() const;
    // Stalls over reportMs so far.
    int reportedStalls() const { return m_reported.load(); }
    // Starts measuring afresh (the longest stall and the count back to 0).
    void reset();

private:
    void watch();

    int m_intervalMs;
    int m_reportMs;
    QTimer *m_timer = nullptr;
    std::atomic<qint64> m_lastBeatNs{0};
    std::atomic<qint64> m_longestNs{0};
    std::atomic_int m_reported{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_watcher;
};

} // namespace sdcore
