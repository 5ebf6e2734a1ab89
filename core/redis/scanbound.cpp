#include "core/redis/scanbound.h"

#include <QLocale>

namespace sdcore {

ScanBound::ScanBound(qint64 dbSize)
    : m_dbSize(dbSize)
{
}

bool ScanBound::step(const QByteArray &cursor, int count, qint64 keysSeen)
{
    ++m_calls;
    m_buckets += qMax(1, count);
    if (cursor == "0")
        return true;
    const QLocale c = QLocale::c();
    // A walk visits each bucket once, so its cursors do not repeat; a table that shrinks in
    // the middle may bring one back once, never again and again.
    if (++m_cursors[cursor] > MaxCursorRepeats) {
        m_error = QStringLiteral("the server's SCAN keeps returning cursor %1 (%2 calls): it never ends "
                                 "the walk; stopped (is it a real Redis server?)")
                      .arg(QString::fromLatin1(cursor.left(40)), c.toString(m_calls));
        return false;
    }
    // Without DBSIZE (an ACL user may not be allowed it) only a cursor that keeps coming back
    // tells: the size bounds would stop real walks.
    if (m_dbSize < 0)
        return true;
    // A table holds at most a few buckets per key (it shrinks when under a tenth full).
    const qint64 keys = qMax(m_dbSize, keysSeen);
    if (m_buckets > BucketsPerKey * keys + SpareBuckets) {
        m_error = QStringLiteral("the server's SCAN has not ended after %1 calls covering %2 buckets for "
                                 "%3 keys; stopped (is it a real Redis server?)")
                      .arg(c.toString(m_calls), c.toString(m_buckets), c.toString(keys));
        return false;
    }
    if (keysSeen > KeysPerKey * m_dbSize + SpareKeys) {
        m_error = QStringLiteral("the server's SCAN returned %1 distinct keys though DBSIZE said %2; "
                                 "stopped (is it a real Redis server?)")
                      .arg(c.toString(keysSeen), c.toString(m_dbSize));
        return false;
    }
    return true;
}

} // namespace sdcore
