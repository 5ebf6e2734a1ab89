#include "core/sessions/sessionbrowser.h"

#include "core/cluster/clusterdeleter.h"
#include "core/cluster/clusterscan.h"
#include "core/cluster/clustersessions.h"
#include "core/sessions/auditlog.h"

#include <spdlog/spdlog.h>

namespace sdcore {

SessionBrowser::SessionBrowser(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<ScanBatch>();
    qRegisterMetaType<ScanSummary>();
    qRegisterMetaType<DecodedSession>();
    qRegisterMetaType<DeleteResult>();
    m_scanWorker.start();
    m_fetchWorker.start();
    m_deleteWorker.start();
}

SessionBrowser::~SessionBrowser()
{
    // A scan waiting for the UI to take its batches gives up at once on the cancel.
    cancelScan();
    cancelDelete();
    m_scanWorker.stop();
    m_fetchWorker.stop();
    m_deleteWorker.stop();
}

void SessionBrowser::setTarget(const RedisUrl &url, const QString &connectionName)
{
    cancelScan();
    cancelDelete();
    m_url = url;
    m_name = connectionName;
}

ConnectionOptions SessionBrowser::clusterOptions(const QByteArray &clientName)
{
    ConnectionOptions options;
    options.clientName = clientName;
    options.commandTimeoutMs = 10000;   // as open(): a pipelined batch of 1,000 keys on a busy node
    return options;
}

Result<ConnectedNode> SessionBrowser::open(const RedisUrl &url, bool replica, const QByteArray &clientName)
{
    ConnectionOptions options;
    options.clientName = clientName;
    options.commandTimeoutMs = 10000;   // a pipelined batch of 10,000 keys on a busy server
    return replica ? MasterResolver::connectReplica(url, options) : MasterResolver::connect(url, options);
}

quint64 SessionBrowser::startScan(const ScanOptions &options)
{
    cancelScan();
    const quint64 id = ++m_scanId;
    const CancelToken cancel = newCancelToken();
    m_scanCancel = cancel;
    m_scanRunning = true;
    Q_EMIT scanStarted(id);
    const RedisUrl url = m_url;
    const bool replica = m_replica;
    // Back-pressure: the scan waits while the UI thread has not taken its last batches.
    auto flow = std::make_shared<InFlight>(MaxBatchesInFlight);
    m_scanWorker.run([this, id, url, replica, options, cancel, flow] {
        ScanSummary summary;
        const auto hand = [this, id, flow, &cancel](ScanBatch &&batch) {
            if (!flow->acquire(cancel.get()))
                return false;   // cancelled while waiting
            deliver(this, [this, id, flow, batch = std::move(batch)] {
                if (id == m_scanId)
                    Q_EMIT scanBatch(id, batch);
                flow->release();
            });
            return true;
        };
        if (url.isCluster()) {
            summary = scanCluster(url, replica, options, cancel.get(), hand);
        } else if (auto node = open(url, replica, "sessiondeck-scan"); !node) {
            summary.error = node.errorMessage();
        } else if (!cancel->load()) {
            summary = SessionScanner::scan(*node->connection, options, cancel.get(), hand);
            summary.node = node->node;
        } else {
            summary.error = QStringLiteral("cancelled");
        }
        if (cancel->load() && summary.error == QLatin1String("stopped"))
            summary.error = QStringLiteral("cancelled");   // while waiting for the UI
        summary.maxBatchesInFlight = flow->highWater();
        deliver(this, [this, id, summary] {
            if (id != m_scanId)
                return;
            m_scanRunning = false;
            if (!summary.error.isEmpty() && summary.error != QStringLiteral("cancelled"))
                spdlog::warn("session scan on {}: {}", summary.node.toString().toStdString(), summary.error.toStdString());
            Q_EMIT scanFinished(id, summary);
        });
    });
    return id;
}

ScanSummary SessionBrowser::scanCluster(const RedisUrl &url, bool replica, const ScanOptions &options,
                                        const std::atomic_bool *cancel, const std::function<bool(ScanBatch &&)> &hand)
{
    ScanSummary summary;
    auto cluster = ClusterSessions::poll(url);
    if (!cluster) {
        summary.error = cluster.errorMessage();
        return summary;
    }
    // Each shard's scanner counts its own keys: the batches carry the sums over the shards
    // heard from so far, so that the progress is the whole cluster's.
    QHash<QString, QPair<qint64, qint64>> seen;   // shard: keys seen, DBSIZE
    const qsizetype serving = std::count_if(cluster->shards.cbegin(), cluster->shards.cend(),
                                            [](const ShardState &s) { return !s.slots.isEmpty(); });
    const ClusterScanSummary walked = ClusterScan::run(url, *cluster, options, cancel, [&](const QString &shard, ScanBatch &&batch) {
        seen[shard] = {batch.keysSeen, batch.dbSize};
        batch.shard = shard;
        batch.keysSeen = 0;
        batch.dbSize = 0;
        for (const auto &[keys, size] : std::as_const(seen)) {
            batch.keysSeen += keys;
            batch.dbSize += qMax<qint64>(0, size);
        }
        if (seen.size() < serving)
            batch.dbSize = -1;   // a fraction of the cluster's size until every shard has said its own
        return hand(std::move(batch));
    }, replica);
    summary.complete = walked.complete;
    summary.error = walked.error;
    summary.rows = walked.rows;
    summary.durationMs = walked.durationMs;
    for (const auto &[shard, scanned] : walked.shards) {
        summary.keysSeen += scanned.keysSeen;
        summary.vanished += scanned.vanished;
        summary.pausedMs = qMax(summary.pausedMs, scanned.pausedMs);
        summary.batches += scanned.batches;
        if (scanned.dbSize >= 0)
            summary.dbSize = qMax<qint64>(0, summary.dbSize) + scanned.dbSize;
        if (shard != QLatin1String("migrating"))
            ++summary.shards;
    }
    return summary;
}

void SessionBrowser::cancelScan()
{
    if (m_scanCancel)
        m_scanCancel->store(true);
}

Result<DecodedSession> SessionBrowser::fetchSession(RedisConnection &connection, const QByteArray &key,
                                                    const QByteArray &prefix, bool whole, int previewBytes)
{
    auto head = connection.pipeline({Command{"TYPE", key}, Command{"PTTL", key}, Command{"STRLEN", key},
                                     Command{"MEMORY", "USAGE", key, "SAMPLES", "0"}});
    if (!head)
        return head.error();
    if (head->at(0).isError())
        return connection.errorFromReply(head->at(0), Command{"TYPE"});
    const QByteArray type = head->at(0).bytes();
    const qint64 pttl = head->at(1).isInteger() ? head->at(1).toInteger() : -2;
    const qint64 memory = head->at(3).isInteger() ? head->at(3).toInteger() : -1;

    DecodedSession s;
    if (type == "string") {
        const qint64 length = head->at(2).toInteger();
        const bool cut = !whole && length > previewBytes;
        auto value = cut ? connection.command(Command{"GETRANGE", key, "0", QByteArray::number(previewBytes - 1)})
                         : connection.command(Command{"GET", key});
        if (!value)
            return value.error();
        if (value->isNil()) {
            s = SessionDecoder::otherType(key, prefix, "none");
        } else {
            s = SessionDecoder::decodeString(key, prefix, value->bytes(), length, cut);
        }
    } else if (type == "hash") {
        auto len = connection.command(Command{"HLEN", key});
        if (!len)
            return len.error();
        constexpr int MaxFields = 1000;
        QList<QByteArray> flat;
        if (len->toInteger() <= MaxFields) {
            auto all = connection.command(Command{"HGETALL", key});
            if (!all)
                return all.error();
            for (const RedisValue &v : all->elements())
                flat << v.bytes();
        } else {
            auto page = connection.command(Command{"HSCAN", key, "0", "COUNT", QByteArray::number(MaxFields)});
            if (!page)
                return page.error();
            if (page->size() == 2) {
                for (const RedisValue &v : page->at(1).elements())
                    flat << v.bytes();
            }
        }
        s = SessionDecoder::decodeHash(key, prefix, flat);
        if (len->toInteger() > MaxFields)
            s.note = QStringLiteral("hash of %1 fields: the first %2 shown").arg(len->toInteger()).arg(flat.size() / 2);
        s.size = len->toInteger();
    } else {
        s = SessionDecoder::otherType(key, prefix, type);
    }
    s.pttlMs = pttl;
    s.memoryUsage = memory;
    return s;
}

void SessionBrowser::fetch(const QByteArray &key, const QByteArray &prefix, bool whole)
{
    const RedisUrl url = m_url;
    const bool replica = m_replica;
    m_fetchWorker.run([this, url, replica, key, prefix, whole] {
        const auto read = [&]() -> Result<DecodedSession> {
            if (url.isCluster()) {
                // The primary serving the key's slot.
                ClusterRouter router(url, clusterOptions("sessiondeck-fetch"));
                return ClusterSessions::fetch(router, key, prefix, whole);
            }
            auto node = open(url, replica, "sessiondeck-fetch");
            if (!node)
                return node.error();
            return fetchSession(*node->connection, key, prefix, whole);
        };
        const Result<DecodedSession> s = read();
        deliver(this, [this, key, s] {
            if (s)
                Q_EMIT sessionFetched(*s);
            else
                Q_EMIT fetchFailed(key, s.errorMessage());
        });
    });
}

void SessionBrowser::deleteKeys(const QList<QByteArray> &keys)
{
    DeleteResult request;
    request.mode = DeleteResult::Mode::Keys;
    request.keys = keys;
    request.requested = keys.size();
    runDelete(request, false);
}

void SessionBrowser::previewPattern(const QByteArray &prefix, const QByteArray &glob)
{
    DeleteResult request;
    request.mode = DeleteResult::Mode::Pattern;
    request.dryRun = true;
    request.prefix = prefix;
    request.glob = glob;
    request.pattern = glob.isEmpty() ? QByteArray() : SessionScanner::matchPattern(prefix, glob);
    runDelete(request, true);
}

void SessionBrowser::deletePreviewed(const DeleteResult &preview)
{
    DeleteResult request = preview;
    request.dryRun = false;
    runDelete(request, false);
}

void SessionBrowser::cancelDelete()
{
    if (m_deleteCancel)
        m_deleteCancel->store(true);
}

DeleteResult SessionBrowser::deleteOnCluster(const RedisUrl &url, const DeleteResult &request, bool preview,
                                             const QString &name, const std::atomic_bool *cancel,
                                             const SessionDeleter::Progress &progress)
{
    DeleteResult r = request;
    auto cluster = ClusterSessions::poll(url);
    if (!cluster) {
        r.error = cluster.errorMessage();
        return r;
    }
    if (preview)
        return ClusterDeleter::previewMatching(url, *cluster, request.prefix, request.glob, cancel);
    // Each key to the primary serving its slot, in per-node batches.
    ClusterRouter router(url, clusterOptions("sessiondeck-delete"));
    r = ClusterDeleter::deleteRecorded(router, *cluster, request, name, cancel, AuditLog::defaultPath(), 0, progress);
    spdlog::info("deleted {} of {} session keys on the cluster ({} shards, {})", r.deleted, r.requested,
                 cluster->shards.size(), r.mode == DeleteResult::Mode::Pattern ? "pattern" : "keys");
    return r;
}

void SessionBrowser::runDelete(const DeleteResult &request, bool preview)
{
    if (m_readOnly && !preview) {
        DeleteResult refused = request;
        refused.error = QStringLiteral("'%1' is read-only: deleting is turned off for this connection").arg(m_name);
        deliver(this, [this, refused] { Q_EMIT deleteFinished(refused); });
        return;
    }
    const CancelToken cancel = newCancelToken();
    m_deleteCancel = cancel;
    m_deleteRunning = true;
    const RedisUrl url = m_url;
    const QString name = m_name;
    m_deleteWorker.run([=, this] {
        // Deletes go to the master, whatever reads use.
        DeleteResult r = request;
        const auto progress = [this](qint64 done, qint64 total) {
            deliver(this, [this, done, total] { Q_EMIT deleteProgress(done, total); });
        };
        if (url.isCluster()) {
            r = deleteOnCluster(url, request, preview, name, cancel.get(), progress);
            deliver(this, [this, r] {
                m_deleteRunning = false;
                Q_EMIT deleteFinished(r);
            });
            return;
        }
        auto node = open(url, false, "sessiondeck-delete");
        if (!node) {
            r.error = node.errorMessage();
        } else if (preview) {
            r = SessionDeleter::previewMatching(*node->connection, request.prefix, request.glob, cancel.get(), progress);
            r.node = node->node;
        } else {
            DeleteResult asked = request;
            asked.node = node->node;
            r = AuditLog::deleteRecorded(*node->connection, asked, name, cancel.get(), progress);
            r.node = node->node;
            spdlog::info("deleted {} of {} session keys on {} ({})", r.deleted, r.requested,
                         r.node.toString().toStdString(),
                         r.mode == DeleteResult::Mode::Pattern ? "pattern" : "keys");
        }
        deliver(this, [this, r] {
            m_deleteRunning = false;
            Q_EMIT deleteFinished(r);
        });
    });
}

} // namespace sdcore
