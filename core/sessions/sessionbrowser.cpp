#include "core/sessions/sessionbrowser.h"

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
    const auto setUp = [](QThread &thread, QObject *&context, const char *name) {
        thread.setObjectName(QString::fromLatin1(name));
        context = new QObject;
        context->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, context, &QObject::deleteLater);
        thread.start();
    };
    setUp(m_scanThread, m_scanContext, "session-scan");
    setUp(m_fetchThread, m_fetchContext, "session-fetch");
    setUp(m_deleteThread, m_deleteContext, "session-delete");
}

SessionBrowser::~SessionBrowser()
{
    cancelScan();
    cancelDelete();
    for (QThread *t : {&m_scanThread, &m_fetchThread, &m_deleteThread}) {
        t->quit();
        t->wait();
    }
}

void SessionBrowser::setTarget(const RedisUrl &url, const QString &connectionName)
{
    cancelScan();
    cancelDelete();
    m_url = url;
    m_name = connectionName;
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
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_scanCancel = cancel;
    m_scanRunning = true;
    Q_EMIT scanStarted(id);
    const RedisUrl url = m_url;
    const bool replica = m_replica;
    QMetaObject::invokeMethod(m_scanContext, [this, id, url, replica, options, cancel] {
        ScanSummary summary;
        auto node = open(url, replica, "sessiondeck-scan");
        if (!node) {
            summary.error = node.errorMessage();
        } else if (!cancel->load()) {
            summary = SessionScanner::scan(*node->connection, options, cancel.get(), [&](ScanBatch &&batch) {
                QMetaObject::invokeMethod(this, [this, id, batch = std::move(batch)] {
                    if (id == m_scanId)
                        Q_EMIT scanBatch(id, batch);
                }, Qt::QueuedConnection);
                return true;
            });
            summary.node = node->node;
        } else {
            summary.error = QStringLiteral("cancelled");
        }
        QMetaObject::invokeMethod(this, [this, id, summary] {
            if (id != m_scanId)
                return;
            m_scanRunning = false;
            if (!summary.error.isEmpty() && summary.error != QStringLiteral("cancelled"))
                spdlog::warn("session scan on {}: {}", summary.node.toString().toStdString(), summary.error.toStdString());
            Q_EMIT scanFinished(id, summary);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    return id;
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
    QMetaObject::invokeMethod(m_fetchContext, [this, url, replica, key, prefix, whole] {
        auto node = open(url, replica, "sessiondeck-fetch");
        Result<DecodedSession> s = node ? fetchSession(*node->connection, key, prefix, whole) : Result<DecodedSession>(node.error());
        QMetaObject::invokeMethod(this, [this, key, s] {
            if (s)
                Q_EMIT sessionFetched(*s);
            else
                Q_EMIT fetchFailed(key, s.errorMessage());
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
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

void SessionBrowser::runDelete(const DeleteResult &request, bool preview)
{
    if (m_readOnly && !preview) {
        DeleteResult refused = request;
        refused.error = QStringLiteral("'%1' is read-only: deleting is turned off for this connection").arg(m_name);
        QMetaObject::invokeMethod(this, [this, refused] { Q_EMIT deleteFinished(refused); }, Qt::QueuedConnection);
        return;
    }
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_deleteCancel = cancel;
    m_deleteRunning = true;
    const RedisUrl url = m_url;
    const QString name = m_name;
    QMetaObject::invokeMethod(m_deleteContext, [=, this] {
        // Deletes go to the master, whatever reads use.
        DeleteResult r = request;
        auto node = open(url, false, "sessiondeck-delete");
        const auto progress = [this](qint64 done, qint64 total) {
            QMetaObject::invokeMethod(this, [this, done, total] { Q_EMIT deleteProgress(done, total); },
                                      Qt::QueuedConnection);
        };
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
        QMetaObject::invokeMethod(this, [this, r] {
            m_deleteRunning = false;
            Q_EMIT deleteFinished(r);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

} // namespace sdcore
