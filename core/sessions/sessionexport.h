#pragma once

// Writes scanned sessions to a file, the same for the window's Export and the command line's
// `sessions list --output`: CSV or JSON by the file's extension (".json", else CSV), each row
// with the fields of format::sessionRowJson. Rows are written as they come (a scan of millions
// needs no list in memory), into a temporary file that commit() puts in place: a failed or
// abandoned export leaves nothing half-written behind. Use from one thread.

#include "core/support/result.h"

#include <QByteArray>
#include <QSaveFile>
#include <QString>

namespace sdcore {

struct SessionRow;

class SessionExport
{
public:
    enum class Format { Csv, Json };
    static Format formatFor(const QString &path);

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
