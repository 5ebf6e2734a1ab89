#pragma once

// What the Sessions page asks of one connection, off the UI thread: a streaming scan of the
// sessions (batches of rows as they arrive, then a summary), the decoded detail of one session,
// and deletes (exact keys, or a pattern after a dry run), each written to the AuditLog. Reads
// may go to a replica; a read-only connection refuses every delete without contacting the
// server. On a Redis Cluster the scan runs one scanner per shard and tags each batch with its
// shard; fetches and deletes go to the node serving each key's slot. Scans, fetches and deletes each have a worker thread of their own, so a long scan
// never delays opening a session. Results arrive as values over queued signals. Create and use
// on one thread (the UI thread).

#include "core/sentinel/masterresolver.h"
#include "core/sessions/sessiondecoder.h"
#include "core/sessions/sessiondeleter.h"
#include "core/sessions/sessionscanner.h"
#include "core/support/worker.h"

#include <QObject>

#include <memory>

namespace sdcore {

class SessionBrowser final : public QObject
{
    Q_OBJECT
public:
    explicit SessionBrowser(QObject *parent = nullptr);
    ~SessionBrowser() override;

    // The connection to work on; cancels what runs for the previous one.
    void setTarget(const RedisUrl &url, const QString &connectionName);
    const RedisUrl &url() const { return m_url; }
    QString connectionName() const { return m_name; }
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    bool isReadOnly() const { return m_readOnly; }
    // Scans and fetches go to a healthy replica (Sentinel URLs; a cluster's scans read one
    // healthy replica per shard); deletes always go to the master (a cluster's primaries).
    void setReadFromReplica(bool replica) { m_replica = replica; }
    bool readsFromReplica() const { return m_replica; }

    // Starts a scan, cancelling the one running. Returns its id, carried by its signals.
    quint64 startScan(const ScanOptions &options);
    void cancelScan();
    bool isScanning() const { return m_scanRunning; }

    // `whole`: the entire value; otherwise strings longer than previewBytes are cut.
    void fetch(const QByteArray &key, const QByteArray &prefix, bool whole = false);

    void deleteKeys(const QList<QByteArray> &keys);
    // A dry run: collects every key under `prefix` whose id matches `glob` (see
    // SessionDeleter::previewMatching), deletes nothing.
    void previewPattern(const QByteArray &prefix, const QByteArray &glob);
    // Deletes exactly the keys of a preview that the user confirmed, never a fresh match.
    void deletePreviewed(const DeleteResult &preview);
    void cancelDelete();
    bool isDeleting() const { return m_deleteRunning; }

    static constexpr int PreviewBytes = 65536;
    // Scan batches posted to the UI thread and not yet taken; the scan waits at this many.
    static constexpr int MaxBatchesInFlight = 4;
    // Blocking building blocks, also used by the command-line mode.
    static Result<ConnectedNode> open(const RedisUrl &url, bool replica, const QByteArray &clientName);
    // The same timeouts for a cluster's router.
    static ConnectionOptions clusterOptions(const QByteArray &clientName);
    static Result<DecodedSession> fetchSession(RedisConnection &connection, const QByteArray &key,
                                               const QByteArray &prefix, bool whole,
                                               int previewBytes = PreviewBytes);

Q_SIGNALS:
    void scanStarted(quint64 scanId);
    void scanBatch(quint64 scanId, const sdcore::ScanBatch &batch);
    void scanFinished(quint64 scanId, const sdcore::ScanSummary &summary);
    void sessionFetched(const sdcore::DecodedSession &session);
    void fetchFailed(const QByteArray &key, const QString &error);
    void deleteProgress(qint64 done, qint64 total);
    void deleteFinished(const sdcore::DeleteResult &result);

private:
    // `request`: a Keys request or a confirmed preview; with `preview`, a pattern to count.
    void runDelete(const DeleteResult &request, bool preview);
    // A cluster: one scanner per shard (see ClusterScan), the batches handed on as they come.
    static ScanSummary scanCluster(const RedisUrl &url, bool replica, const ScanOptions &options,
                                   const std::atomic_bool *cancel, const std::function<bool(ScanBatch &&)> &hand);
    // A cluster: the pattern counted on every shard, or the keys deleted on the nodes serving them.
    static DeleteResult deleteOnCluster(const RedisUrl &url, const DeleteResult &request, bool preview,
                                        const QString &name, const std::atomic_bool *cancel,
                                        const SessionDeleter::Progress &progress);

    RedisUrl m_url;
    QString m_name;
    bool m_readOnly = false;
    bool m_replica = false;

    Worker m_scanWorker{QStringLiteral("session-scan")};
    Worker m_fetchWorker{QStringLiteral("session-fetch")};
    Worker m_deleteWorker{QStringLiteral("session-delete")};

    quint64 m_scanId = 0;
    bool m_scanRunning = false;
    CancelToken m_scanCancel;
    bool m_deleteRunning = false;
    CancelToken m_deleteCancel;
};

} // namespace sdcore
