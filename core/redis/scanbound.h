#pragma once

// Keeps a SCAN walk finite when the server does not end it: a real Redis returns cursor 0
// after visiting every bucket of its table once, so a cursor that keeps coming back, more
// buckets asked for than any table of the server's size can hold, or more distinct keys than
// the server said it holds mean a broken or hostile server, and the walk ends with an error
// that says so instead of running until Ctrl-C. Plain value type; one per walk, on its thread.

#include <QByteArray>
#include <QHash>
#include <QString>

namespace sdcore {

class ScanBound
{
public:
    // `dbSize`: DBSIZE at the start of the walk; -1 when unknown, and then only a repeating
    // cursor ends the walk.
    explicit ScanBound(qint64 dbSize);

    // After each SCAN reply: the cursor it returned, the COUNT the call asked for, distinct keys
    // seen so far. False when the walk cannot be a real one; error() then says why.
    bool step(const QByteArray &cursor, int count, qint64 keysSeen);
    QString error() const { return m_error; }

    // How many times a cursor may come back, and the margins over DBSIZE (exposed for tests).
    static constexpr int MaxCursorRepeats = 3;
    static constexpr qint64 BucketsPerKey = 64;
    static constexpr qint64 SpareBuckets = 65536;
    static constexpr qint64 KeysPerKey = 4;
    static constexpr qint64 SpareKeys = 100000;

private:
    qint64 m_dbSize;
    qint64 m_buckets = 0;            // the COUNTs asked for so far
    qint64 m_calls = 0;
    QHash<QByteArray, int> m_cursors;
    QString m_error;
};

} // namespace sdcore
