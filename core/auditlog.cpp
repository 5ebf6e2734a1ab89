#include "auditlog.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QStandardPaths>

namespace sdcore {

QString AuditLog::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/audit.log");
}

QString AuditLog::printableKey(QByteArrayView key)
{
    const QString text = QString::fromUtf8(key);
    bool printable = text.toUtf8() == key;
    for (QChar c : text) {
        if (!printable)
            break;
        printable = c.isPrint();
    }
    if (printable)
        return text;
    QString out;
    for (char c : key) {
        const uchar u = uchar(c);
        if (u >= 0x20 && u < 0x7f && u != '\\')
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    return out;
}

Status AuditLog::recordDelete(const QString &connectionName, const DeleteResult &result, const QString &path)
{
    if (result.dryRun)
        return success();
    QJsonObject o;
    o[QStringLiteral("time")] = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    o[QStringLiteral("connection")] = connectionName;
    o[QStringLiteral("node")] = result.node.toString();
    if (result.mode == DeleteResult::Mode::Pattern) {
        o[QStringLiteral("action")] = QStringLiteral("delete-pattern");
        o[QStringLiteral("pattern")] = printableKey(result.pattern);
    } else {
        o[QStringLiteral("action")] = QStringLiteral("delete-keys");
        QJsonArray keys;
        for (const QByteArray &k : result.keys)
            keys.append(printableKey(k));
        o[QStringLiteral("keys")] = keys;
    }
    o[QStringLiteral("requested")] = result.requested;
    o[QStringLiteral("deleted")] = result.deleted;
    o[QStringLiteral("complete")] = result.complete;
    if (!result.error.isEmpty())
        o[QStringLiteral("error")] = result.error;

    static QMutex mutex;
    QMutexLocker lock(&mutex);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        return makeError(ErrorKind::Io, QStringLiteral("cannot write the audit log %1: %2")
                                            .arg(path, file.errorString()));
    }
    QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact);
    line += '\n';
    if (file.write(line) != line.size() || !file.flush())
        return makeError(ErrorKind::Io, QStringLiteral("cannot write the audit log %1: %2").arg(path, file.errorString()));
    return success();
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
