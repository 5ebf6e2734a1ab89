#pragma once

// The record of every deletion SessionDeck made: one JSON object per line in
// <AppDataLocation>/audit.log (mode 0600: it holds live session ids). Appended, never rewritten;
// safe to call from any thread. Keys are written in their printable form (KeyText::printable).
//
// Rules a change must keep: a deletion writes its "begin" entry (what was asked: keys or
// pattern, the expected count) before the first key goes, and does not delete when that entry
// cannot be written; a "progress" entry follows each batch, so a crash or SIGKILL loses at most
// the last batch's record (for a pattern delete it lists that batch's keys, so the log names
// every key deleted); the "end" entry says how it ended. The entries of one deletion share
// its "op" id. deleteRecorded() does all of this; the CLI and the window both use it.

#include "core/sessions/sessiondeleter.h"
#include "core/support/keytext.h"

#include <QJsonObject>

namespace sdcore {

class AuditLog
{
public:
    static QString defaultPath();

    // Deletes `request.keys` (a Keys request, or a pattern preview from
    // SessionDeleter::previewMatching) with its audit trail in `path`. When the begin entry
    // cannot be written nothing is deleted and the result's error says why.
    static DeleteResult deleteRecorded(RedisConnection &connection, const DeleteResult &request,
                                       const QString &connectionName, const std::atomic_bool *cancel = nullptr,
                                       const SessionDeleter::Progress &progress = {}, int keysPerSecond = 0,
                                       const QString &path = defaultPath());

    // The three entries of one deletion (deleteRecorded() writes them; exposed for tests).
    static Result<QString> begin(const QString &connectionName, const DeleteResult &request,
                                 const QString &path = defaultPath());
    // `batch`: the keys of the batch just done, listed for a pattern delete (a keys delete
    // listed them in its begin entry).
    // `node`: the server the batch went to, when a deletion spans several (a cluster).
    static Status progress(const QString &op, qint64 deleted, qint64 done, const QList<QByteArray> &batch = {},
                           const QString &path = defaultPath(), const HostPort &node = {});
    static Status end(const QString &op, const QString &connectionName, const DeleteResult &result,
                      const QString &path = defaultPath());

    // The records in the file, oldest first (for tests and the UI).
    static QList<QJsonObject> read(const QString &path = defaultPath());
};

} // namespace sdcore
