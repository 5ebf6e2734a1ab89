#pragma once

// The one place where SessionDeck turns values into text for people and for JSON, shared by the
// window and the command line: TTLs, byte sizes, counts, ages, session ids and a session row's
// JSON. Pure functions; any thread.
//
// Two TTL styles, on purpose: ttl() is the compact form the command line prints ("1m05s",
// "2h03m"), countdown() the clock the sessions table ticks down ("1:05", "2:03:00"), where a
// fixed width reads better as the seconds run.

#include <QByteArray>
#include <QJsonObject>
#include <QLocale>
#include <QString>

namespace sdcore {

struct SessionRow;

namespace format {

// "no TTL" (-1), "gone" (other negatives), "45s", "1m05s", "2h03m", "3d04h".
QString ttl(qint64 pttlMs);
// "no TTL" (-1), "expired" (≤ 0), "45 s", "1:05", "2:03:00", "3 d 4 h"; rounded up to the second.
QString countdown(qint64 pttlMs);
// "1.5 KiB"; "–" for an unknown (negative) size. IEC units; the C locale unless told.
QString bytes(qint64 bytes, const QLocale &locale = QLocale::c());
// "12,345" in the locale; "–" for an unknown (negative) count.
QString count(qint64 n, const QLocale &locale = QLocale::c());
// "12 s ago", "3 min ago", "2 h ago".
QString age(qint64 seconds);
// A session's id as printed everywhere: the key without the prefix (when it has it), in the
// injective printable form of KeyText (a backslash as \\, other unprintable bytes as \xNN).
QString sessionId(const QByteArray &key, const QByteArray &prefix);
// A scanned session as JSON, the same fields in `sessions list --json` and the window's JSON
// export: key, key_base64, id, ttl_ms (-1: no TTL), expires_at (ISO 8601 UTC, only with a TTL,
// from `nowMs`), size, type, user.
QJsonObject sessionRowJson(const SessionRow &row, const QByteArray &prefix, qint64 nowMs);

} // namespace format
} // namespace sdcore
