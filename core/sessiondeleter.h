#pragma once

// Deletes sessions, only the ones chosen: exact keys with UNLINK in batches of at most 1,000
// (DEL on servers that have no UNLINK or users not allowed it), or every key matching a SCAN pattern, batch by batch,
// with a dry run that only counts and samples. Blocking; runs on a worker thread, cancellable
// between batches (what was deleted before the cancel stays deleted and is reported).

#include "sessionscanner.h"

namespace sdcore {

struct DeleteResult
{
    enum class Mode { Keys, Pattern };
    Mode mode = Mode::Keys;
    bool dryRun = false;
    QByteArray pattern;             // Pattern mode: the SCAN MATCH pattern
    QList<QByteArray> keys;         // Keys mode: the keys asked for
    qint64 requested = 0;           // keys asked for (Keys) or distinct keys matched (Pattern)
    qint64 deleted = 0;             // keys the server removed
    QList<QByteArray> samples;      // Pattern mode: the first keys matched
    bool complete = false;          // went through without cancel or error
    QString error;                  // empty, "cancelled", or why it stopped
    QString auditError;             // set when the deletion could not be written to the audit log
    HostPort node;
    qint64 durationMs = 0;
};

class SessionDeleter
{
public:
    static constexpr int MaxBatch = 1000;
    using Progress = std::function<void(qint64 done, qint64 total)>;

    static DeleteResult deleteKeys(RedisConnection &connection, const QList<QByteArray> &keys,
                                   const std::atomic_bool *cancel = nullptr, const Progress &progress = {});
    // `pattern` is a full SCAN MATCH pattern (see SessionScanner::matchPattern). Progress gives
    // keys matched so far and DBSIZE. `sampleCount` keys are kept as samples.
    static DeleteResult deleteMatching(RedisConnection &connection, const QByteArray &pattern, bool dryRun,
                                       const std::atomic_bool *cancel = nullptr, const Progress &progress = {},
                                       int sampleCount = 10, int keysPerSecond = 0);
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::DeleteResult)
