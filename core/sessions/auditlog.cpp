#include "core/sessions/auditlog.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sdcore {

namespace {

// A deletion on a cluster spans nodes: its begin and end entries say so, each progress entry
// names its batch's node.
QString nodeText(const HostPort &node)
{
    return node.host.isEmpty() && node.port == 0 ? QStringLiteral("cluster") : node.toString();
}

} // namespace


namespace {

QMutex g_fileMutex;

QString actionOf(const DeleteResult &r)
{
    if (!r.user.isEmpty())
        return QStringLiteral("delete-user");
    return r.mode == DeleteResult::Mode::Pattern ? QStringLiteral("delete-pattern") : QStringLiteral("delete-keys");
}

// Appends one line to `path`, created 0600 (and made 0600 if it was wider) in a folder only its
// owner can enter when the folder is new.
Status appendLine(const QString &path, QJsonObject entry)
{
    entry.insert(QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact);
    line += '\n';

    QMutexLocker lock(&g_fileMutex);
    const QString folder = QFileInfo(path).absolutePath();
    if (!QFileInfo::exists(folder)) {
        QDir().mkpath(folder);
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    const QByteArray native = QFile::encodeName(path);
    // Never through a symbolic link: the log would be appended to (and made 0600) wherever it
    // points.
    // O_NONBLOCK: a FIFO put there must not hang the delete before the check below.
    const int fd = ::open(native.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0) {
        const int saved = errno;
        return makeError(ErrorKind::Io, saved == ELOOP
                                            ? QStringLiteral("cannot write the audit log %1: it is a symbolic link "
                                                             "(SessionDeck writes only to a file of its own there)")
                                                  .arg(path)
                                            : QStringLiteral("cannot write the audit log %1: %2")
                                                  .arg(path, QString::fromLocal8Bit(std::strerror(saved))));
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError(ErrorKind::Io, QStringLiteral("cannot write the audit log %1: it is not a regular file").arg(path));
    }
    if ((st.st_mode & 0077) != 0)
        ::fchmod(fd, 0600);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    qsizetype written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(fd, line.constData() + written, size_t(line.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            return makeError(ErrorKind::Io, QStringLiteral("cannot write the audit log %1: %2")
                                                .arg(path, QString::fromLocal8Bit(std::strerror(saved))));
        }
        written += n;
    }
    ::close(fd);
    return success();
}

QString newOpId()
{
    static QAtomicInteger<quint32> counter;
    return QStringLiteral("%1-%2-%3")
        .arg(QDateTime::currentMSecsSinceEpoch())
        .arg(QCoreApplication::applicationPid())
        .arg(counter.fetchAndAddRelaxed(1) + 1);
}

} // namespace

QString AuditLog::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/audit.log");
}

Result<QString> AuditLog::begin(const QString &connectionName, const DeleteResult &request, const QString &path)
{
    const QString op = newOpId();
    QJsonObject o{{"op", op},
                  {"phase", "begin"},
                  {"action", actionOf(request)},
                  {"connection", connectionName},
                  {"node", nodeText(request.node)},
                  {"expected", request.requested}};
    if (!request.user.isEmpty())
        o[QStringLiteral("user")] = request.user;
    if (request.mode == DeleteResult::Mode::Pattern) {
        // The keys themselves follow batch by batch in the progress entries.
        o[QStringLiteral("pattern")] = KeyText::printable(request.pattern);
        o[QStringLiteral("fingerprint")] = request.fingerprint();
    } else {
        QJsonArray keys;
        for (const QByteArray &k : request.keys)
            keys.append(KeyText::printable(k));
        o[QStringLiteral("keys")] = keys;
    }
    if (Status s = appendLine(path, o); !s)
        return s.error();
    return op;
}

Status AuditLog::progress(const QString &op, qint64 deleted, qint64 done, const QList<QByteArray> &batch,
                          const QString &path, const HostPort &node)
{
    QJsonObject o{{"op", op}, {"phase", "progress"}, {"deleted", deleted}, {"done", done}};
    if (!node.host.isEmpty())
        o[QStringLiteral("node")] = node.toString();
    if (!batch.isEmpty()) {
        QJsonArray keys;
        for (const QByteArray &k : batch)
            keys.append(KeyText::printable(k));
        o[QStringLiteral("keys")] = keys;
    }
    return appendLine(path, o);
}

Status AuditLog::end(const QString &op, const QString &connectionName, const DeleteResult &result, const QString &path)
{
    QJsonObject o{{"op", op},
                  {"phase", "end"},
                  {"action", actionOf(result)},
                  {"connection", connectionName},
                  {"node", nodeText(result.node)},
                  {"requested", result.requested},
                  {"deleted", result.deleted},
                  {"complete", result.complete}};
    if (!result.user.isEmpty())
        o[QStringLiteral("user")] = result.user;
    if (result.mode == DeleteResult::Mode::Pattern) {
        o[QStringLiteral("pattern")] = KeyText::printable(result.pattern);
        if (result.alsoMatching >= 0)
            o[QStringLiteral("also_matching_left")] = result.alsoMatching;
    } else {
        o[QStringLiteral("keys")] = result.keys.size();
    }
    if (!result.error.isEmpty())
        o[QStringLiteral("error")] = KeyText::terminalSafe(result.error);
    return appendLine(path, o);
}

DeleteResult AuditLog::deleteRecorded(RedisConnection &connection, const DeleteResult &request,
                                      const QString &connectionName, const std::atomic_bool *cancel,
                                      const SessionDeleter::Progress &progress, int keysPerSecond,
                                      const QString &path)
{
    DeleteResult asked = request;
    asked.dryRun = false;
    asked.requested = request.keys.size();
    if (asked.node.host.isEmpty())
        asked.node = connection.url().hosts().value(0);
    auto op = begin(connectionName, asked, path);
    if (!op) {
        DeleteResult refused = asked;
        refused.complete = false;
        refused.error = op.errorMessage() + QStringLiteral("; nothing was deleted");
        refused.auditError = op.errorMessage();
        return refused;
    }
    QString progressError;
    const bool listKeys = asked.mode == DeleteResult::Mode::Pattern;
    qint64 logged = 0;
    const auto batchDone = [&](qint64 deleted, qint64 done) {
        const QList<QByteArray> batch = listKeys ? asked.keys.mid(logged, done - logged) : QList<QByteArray>();
        logged = done;
        if (Status s = AuditLog::progress(*op, deleted, done, batch, path); !s && progressError.isEmpty())
            progressError = s.errorMessage();
    };
    DeleteResult r = SessionDeleter::deletePreviewed(connection, asked, cancel, progress, batchDone, keysPerSecond);
    if (r.node.host.isEmpty())
        r.node = asked.node;
    if (Status s = end(*op, connectionName, r, path); !s && progressError.isEmpty())
        progressError = s.errorMessage();
    r.auditError = progressError;
    r.auditOp = *op;
    return r;
}

QList<QJsonObject> AuditLog::read(const QString &path)
{
    QList<QJsonObject> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return out;
    while (!file.atEnd()) {
        const QJsonDocument doc = QJsonDocument::fromJson(file.readLine());
        if (doc.isObject())
            out << doc.object();
    }
    return out;
}

} // namespace sdcore
