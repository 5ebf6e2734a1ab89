#pragma once

// Deletes sessions, only the ones chosen: exact keys with UNLINK in batches of at most 1,000
// (DEL on servers that have no UNLINK or users not allowed it). Blocking; runs on a worker
// thread, cancellable between batches (what was deleted before the cancel stays deleted and is
// reported).
//
// Rules a change must keep:
// - A pattern delete deletes exactly the keys its preview counted and showed: previewMatching()
//   collects them, deletePreviewed() deletes those and no other. Keys that match afterwards
//   are left, and counted in alsoMatching so that the user is told.
// - The prefix is always matched literally (its glob characters escaped) and the glob applies
//   to the id after it (SessionScanner::matchPattern); an empty glob is refused, never read as
//   "every session".

#include "core/sessions/sessionscanner.h"

namespace sdcore {

struct DeleteResult
{
    enum class Mode { Keys, Pattern };
    Mode mode = Mode::Keys;
    bool dryRun = false;
    QByteArray prefix;              // Pattern mode: the prefix and the glob on the id asked for
    QByteArray glob;
    QByteArray pattern;             // Pattern mode: the SCAN MATCH pattern they make
    QString user;                   // a "log this user out" delete: the user asked for
    QList<QByteArray> keys;         // the keys asked for (Keys), the keys the preview matched (Pattern)
    qint64 requested = 0;           // keys asked for (Keys) or distinct keys matched (Pattern)
    qint64 deleted = 0;             // keys the server removed
    QList<QByteArray> samples;      // Pattern mode: the first keys matched
    // The set's fingerprint: the count and the first 16 hex digits of SHA-256 over the sorted
    // keys ("3:1f2e…"), so that a later delete can check it is deleting the same set.
    QString fingerprint() const;
    static QString fingerprintOf(QList<QByteArray> keys);
    qint64 alsoMatching = -1;       // Pattern mode, after the delete: keys matching now that the
                                    // preview did not count (left alone); -1 when not counted
    bool complete = false;          // went through without cancel or error
    QString error;                  // empty, "cancelled", or why it stopped
    QString auditError;             // set when the deletion could not be written to the audit log
    QString auditOp;                // the audit log's "op" id of this deletion
    HostPort node;
    qint64 durationMs = 0;
};

class SessionDeleter
{
public:
    static constexpr int MaxBatch = 1000;
    using Progress = std::function<void(qint64 done, qint64 total)>;

    // After each batch the server answered: keys removed so far, keys sent so far (the audit
    // trail's progress entries).
    using BatchDone = std::function<void(qint64 deleted, qint64 done)>;

    static DeleteResult deleteKeys(RedisConnection &connection, const QList<QByteArray> &keys,
                                   const std::atomic_bool *cancel = nullptr, const Progress &progress = {},
                                   const BatchDone &batchDone = {}, int keysPerSecond = 0);
    // The preview of a pattern delete, a dry run: every key under `prefix` whose id matches
    // `glob`, all of them in `keys`, the first `sampleCount` in `samples`. Progress gives keys
    // matched so far and DBSIZE. An empty glob is an error.
    static DeleteResult previewMatching(RedisConnection &connection, const QByteArray &prefix,
                                        const QByteArray &glob, const std::atomic_bool *cancel = nullptr,
                                        const Progress &progress = {}, int sampleCount = 10,
                                        int keysPerSecond = 0);
    // The preview of "log this user out everywhere", a dry run: every session under `prefix`
    // whose user goes by `user` (SessionDecoder::userIdentities, exact text), found by a scan on
    // `scan` with each batch's values read whole on `read` (two connections: the scan pipelines
    // ahead). A Keys result with `user` set.
    // The names a session's value goes by (its user), read with userReadCommand(row): the
    // identities of a JSON string, the user field of a hash; empty for other types.
    static QStringList userNames(const SessionRow &row, const RedisValue &value, const QByteArray &prefix);
    static Command userReadCommand(const SessionRow &row);   // empty for types without a user
    static DeleteResult previewUser(RedisConnection &scan, RedisConnection &read, const QByteArray &prefix,
                                    const QString &user, const std::atomic_bool *cancel = nullptr,
                                    const Progress &progress = {}, int sampleCount = 10, int keysPerSecond = 0);
    // Deletes exactly `preview.keys`, then counts what matches the pattern now and was not in
    // the preview (alsoMatching); those keys are left.
    static DeleteResult deletePreviewed(RedisConnection &connection, const DeleteResult &preview,
                                        const std::atomic_bool *cancel = nullptr, const Progress &progress = {},
                                        const BatchDone &batchDone = {}, int keysPerSecond = 0);
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::DeleteResult)
