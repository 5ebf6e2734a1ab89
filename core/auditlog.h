#pragma once

// The record of every deletion SessionDeck made: one JSON object per line (time, connection,
// node, what was asked — keys or pattern —, how many were deleted, whether it finished) in
// <AppDataLocation>/audit.log. Appended, never rewritten; safe to call from any thread.
// Keys are written as text when they are printable UTF-8 and \xNN-escaped otherwise.

#include "sessiondeleter.h"

#include <QJsonObject>

namespace sdcore {

class AuditLog
{
public:
    static QString defaultPath();

    // Appends the record of `result` (a dry run is not a deletion and is not written). Returns
    // an Error when the file cannot be written; callers show it.
    static Status recordDelete(const QString &connectionName, const DeleteResult &result,
                               const QString &path = defaultPath());
    // The records in the file, oldest first (for tests and the UI).
    static QList<QJsonObject> read(const QString &path = defaultPath());

    static QString printableKey(QByteArrayView key);
};

} // namespace sdcore
