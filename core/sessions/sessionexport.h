#pragma once

// Writes scanned sessions to a file, the same for the window's Export and the command line's
// `sessions list --output`: CSV or JSON by the file's extension (.csv or .json; any other is
// refused), each row with the fields of format::sessionRowJson (the CSV's columns in this
// order: key, key_base64, id, user, ttl_ms, expires_at, size, type; a cell a spreadsheet would
// run as a formula is written with a leading '). Only a regular file (or a new one, made 0600)
// is written. Rows are written as they come (a scan of millions
// needs no list in memory), into a temporary file that commit() puts in place: a failed or
// abandoned export leaves nothing half-written behind. Use from one thread.

#include "core/support/result.h"

#include <QByteArray>
#include <QSaveFile>
#include <QString>

#include <optional>

namespace sdcore {

struct SessionRow;

class SessionExport
{
public:
    enum class Format { Csv, Json };
    // By the extension, case-insensitive; nullopt for any other.
    static std::optional<Format> formatFor(const QString &path);

    Status open(const QString &path);
    // `nowMs`: when the row's TTL was read, for its expires_at.
    void add(const SessionRow &row, const QByteArray &prefix, qint64 nowMs);
    Status commit();
    qint64 rows() const { return m_rows; }

private:
    QSaveFile m_file;
    Format m_format = Format::Csv;
    qint64 m_rows = 0;
};

} // namespace sdcore
