#include "core/cluster/clusterdeleter.h"

#include "core/cluster/clusterscan.h"
#include "core/support/keytext.h"

#include <QElapsedTimer>
#include <QThread>
#include <QSet>

#include <algorithm>

namespace sdcore {

namespace {

// Every key the cluster scan finds for `pattern` (prefix and glob), deduplicated.
Result<QList<QByteArray>> matchingKeys(const RedisUrl &url, const TopologySnapshot &snapshot, const QByteArray &prefix,
                                       const QByteArray &glob, const std::atomic_bool *cancel, int keysPerSecond)
{
    ScanOptions options;
    options.keysPerSecond = keysPerSecond;
    options.prefix = prefix;
    options.match = glob;
    options.previewBytes = 0;
    QSet<QByteArray> seen;
    QList<QByteArray> keys;
    const ClusterScanSummary summary = ClusterScan::run(url, snapshot, options, cancel, [&](const QString &, ScanBatch &&batch) {
        for (const SessionRow &row : std::as_const(batch.rows)) {
            if (!seen.contains(row.key)) {
                seen.insert(row.key);
                keys << row.key;
            }
        }
        return true;
    });
    if (!summary.complete)
        return makeError(summary.error == QStringLiteral("cancelled") ? ErrorKind::Cancelled : ErrorKind::ServerError,
                         summary.error.isEmpty() ? QStringLiteral("the scan did not finish") : summary.error);
    return keys;
}

} // namespace

DeleteResult ClusterDeleter::previewMatching(const RedisUrl &url, const TopologySnapshot &snapshot, const QByteArray &prefix,
                                             const QByteArray &glob, const std::atomic_bool *cancel, int sampleCount,
                                             int keysPerSecond)
{
    DeleteResult r;
    r.mode = DeleteResult::Mode::Pattern;
    r.dryRun = true;
    r.prefix = prefix;
    r.glob = glob;
    r.pattern = SessionScanner::matchPattern(prefix, glob);
    QElapsedTimer timer;
    timer.start();
    if (glob.isEmpty()) {
        r.error = QStringLiteral("an empty glob would match every session; give one (\"*\" for all)");
        return r;
    }
    auto keys = matchingKeys(url, snapshot, prefix, glob, cancel, keysPerSecond);
    if (!keys) {
        r.error = keys.error().kind == ErrorKind::Cancelled ? QStringLiteral("cancelled") : keys.errorMessage();
        return r;
    }
    r.keys = *keys;
    r.requested = r.keys.size();
    r.samples = r.keys.mid(0, sampleCount);
    r.complete = true;
    r.durationMs = timer.elapsed();
    return r;
}

DeleteResult ClusterDeleter::previewUser(const RedisUrl &url, const TopologySnapshot &snapshot, const QByteArray &prefix,
                                         const QString &user, const std::atomic_bool *cancel, int sampleCount,
                                         int keysPerSecond)
{
    DeleteResult r;
    r.mode = DeleteResult::Mode::Keys;
    r.dryRun = true;
    r.prefix = prefix;
    r.user = user;
    QElapsedTimer timer;
    timer.start();
    if (user.isEmpty()) {
        r.error = QStringLiteral("an empty user name matches nothing: give the user as the User column shows it");
        return r;
    }
    ScanOptions options;
    options.keysPerSecond = keysPerSecond;
    options.prefix = prefix;
    options.previewBytes = 0;
    // The sink runs for one batch at a time, so one router serves every shard's reads.
    ConnectionOptions readOptions;
    readOptions.clientName = "sessiondeck-delete";
    readOptions.commandTimeoutMs = 10000;   // a pipelined batch of values on a busy node
    ClusterRouter reader(url, readOptions);
    QSet<QByteArray> seen;
    QString readError;
    const ClusterScanSummary summary = ClusterScan::run(url, snapshot, options, cancel, [&](const QString &, ScanBatch &&batch) {
        QList<QPair<QByteArray, Command>> commands;
        QList<const SessionRow *> rows;
        for (const SessionRow &row : std::as_const(batch.rows)) {
            const Command get = SessionDeleter::userReadCommand(row);
            if (get.isEmpty() || seen.contains(row.key))
                continue;
            seen.insert(row.key);
            commands.append({row.key, get});
            rows << &row;
        }
        if (commands.isEmpty())
            return true;
        auto replies = reader.pipeline(commands);
        if (!replies) {
            readError = replies.errorMessage();
            return false;
        }
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (replies->at(i).isError()) {
                // A value not read could be the user's: the preview would miss it.
                readError = QStringLiteral("%1 could not be read: %2")
                                .arg(KeyText::printable(rows.at(i)->key), replies->at(i).toString());
                return false;
            }
            if (!SessionDeleter::userNames(*rows.at(i), replies->at(i), prefix).contains(user))
                continue;
            r.keys << rows.at(i)->key;
            if (r.samples.size() < sampleCount)
                r.samples << rows.at(i)->key;
        }
        return true;
    });
    r.error = !readError.isEmpty() ? readError : summary.error;
    if (r.error.isEmpty() && !summary.complete)
        r.error = QStringLiteral("the scan did not finish");
    r.requested = r.keys.size();
    r.complete = r.error.isEmpty();
    r.durationMs = timer.elapsed();
    return r;
}

DeleteResult ClusterDeleter::deleteRecorded(ClusterRouter &router, const TopologySnapshot &snapshot,
                                            const DeleteResult &request, const QString &connectionName,
                                            const std::atomic_bool *cancel, const QString &auditPath,
                                            int keysPerSecond, const SessionDeleter::Progress &progress)
{
    QElapsedTimer timer;
    timer.start();
    DeleteResult r = request;
    r.dryRun = false;
    r.requested = request.keys.size();
    r.deleted = 0;
    r.complete = false;
    r.error.clear();
    auto op = AuditLog::begin(connectionName, r, auditPath);
    if (!op) {
        r.error = op.errorMessage() + QStringLiteral("; nothing was deleted");
        r.auditError = op.errorMessage();
        return r;
    }
    r.auditOp = *op;
    if (!router.hasMap()) {
        if (Status s = router.refresh(); !s) {
            r.error = s.errorMessage();
            if (Status e = AuditLog::end(*op, connectionName, r, auditPath); !e)
                r.auditError = e.errorMessage();
            return r;
        }
    }
    // The keys by the node serving them, in the order asked.
    QList<HostPort> nodes;
    QHash<QString, QList<QByteArray>> byNode;
    for (const QByteArray &key : request.keys) {
        const HostPort node = router.nodeOf(key);
        if (!nodes.contains(node))
            nodes << node;
        byNode[node.toString()] << key;
    }
    const bool listKeys = request.mode == DeleteResult::Mode::Pattern;
    QByteArray verb = "UNLINK";
    qint64 done = 0;
    QString auditError;
    for (const HostPort &node : std::as_const(nodes)) {
        const QList<QByteArray> keys = byNode.value(node.toString());
        for (qsizetype from = 0; from < keys.size();) {
            if (cancel && cancel->load()) {
                r.error = QStringLiteral("cancelled");
                break;
            }
            // A rate limit: no faster than keysPerSecond over the whole delete (smaller batches so
            // that it is even).
            const qsizetype size = keysPerSecond > 0 ? qsizetype(qBound(1, keysPerSecond / 10, int(SessionDeleter::MaxBatch)))
                                                     : SessionDeleter::MaxBatch;
            if (keysPerSecond > 0) {
                const qint64 due = done * 1000 / keysPerSecond;
                while (timer.elapsed() < due && !(cancel && cancel->load()))
                    QThread::msleep(quint64(qMin<qint64>(50, due - timer.elapsed())));
            }
            const QList<QByteArray> batch = keys.mid(from, size);
            QList<QPair<QByteArray, Command>> commands;
            for (const QByteArray &key : batch)
                commands.append({key, Command{verb, key}});
            auto replies = router.pipeline(commands);
            const auto refusesUnlink = [](const RedisValue &v) {
                return v.isError() && (v.bytes().contains("NOPERM") || v.bytes().contains("unknown command"));
            };
            if (replies && verb == "UNLINK" && std::any_of(replies->begin(), replies->end(), refusesUnlink)) {
                // A user allowed DEL only (or a server without UNLINK): the same batch with DEL.
                verb = "DEL";
                for (auto &c : commands)
                    c.second = Command{verb, c.first};
                replies = router.pipeline(commands);
            }
            if (!replies) {
                r.error = replies.errorMessage();
                break;
            }
            qint64 removed = 0;
            QString failed;
            for (const RedisValue &v : std::as_const(*replies)) {
                if (v.isError() && failed.isEmpty())
                    failed = v.toString();
                else if (v.isInteger())
                    removed += v.toInteger();
            }
            r.deleted += removed;
            done += batch.size();
            from += batch.size();
            if (progress)
                progress(done, r.requested);
            if (Status s = AuditLog::progress(*op, r.deleted, done, listKeys ? batch : QList<QByteArray>(), auditPath, node);
                !s && auditError.isEmpty())
                auditError = s.errorMessage();
            if (!failed.isEmpty()) {
                r.error = QStringLiteral("%1 refused: %2").arg(node.toString(), failed);
                break;
            }
        }
        if (!r.error.isEmpty())
            break;
    }
    r.complete = r.error.isEmpty();
    if (r.complete && request.mode == DeleteResult::Mode::Pattern) {
        // What matches now and the preview did not count: left alone, and said.
        if (auto now = matchingKeys(router.url(), snapshot, request.prefix, request.glob, cancel, keysPerSecond)) {
            const QSet<QByteArray> previewed(request.keys.begin(), request.keys.end());
            r.alsoMatching = std::count_if(now->begin(), now->end(), [&](const QByteArray &k) { return !previewed.contains(k); });
        }
    }
    r.durationMs = timer.elapsed();
    if (Status s = AuditLog::end(*op, connectionName, r, auditPath); !s && auditError.isEmpty())
        auditError = s.errorMessage();
    r.auditError = auditError;
    return r;
}

} // namespace sdcore
