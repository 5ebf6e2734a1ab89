#include "core/sessions/sessionexport.h"

#include "core/sessions/sessionscanner.h"
#include "core/support/format.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace sdcore {

namespace {

// A quoted field where the text needs it; a cell a spreadsheet would run as a formula (it
// begins with = + - @, a tab or a carriage return) gets a leading ' (the exact key is in
// key_base64).
QByteArray csvField(QString v)
{
    if (!v.isEmpty() && QStringLiteral("=+-@\t\r").contains(v.front()))
        v.prepend(QLatin1Char('\''));
    if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) || v.contains(QLatin1Char('\n'))
        || v.contains(QLatin1Char('\r'))) {
        v.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        v = QLatin1Char('"') + v + QLatin1Char('"');
    }
    return v.toUtf8();
}

} // namespace

std::optional<SessionExport::Format> SessionExport::formatFor(const QString &path)
{
    if (path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive))
        return Format::Json;
    if (path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive))
        return Format::Csv;
    return std::nullopt;
}

Status SessionExport::open(const QString &path)
{
    const std::optional<Format> format = formatFor(path);
    if (!format)
        return makeError(ErrorKind::Unsupported,
                         QStringLiteral("Cannot export to %1: the file name must end in .csv or .json").arg(path));
    m_format = *format;
    m_rows = 0;
    // The file is put in place by a rename at the end: a device, a FIFO or a directory there
    // would be replaced, not written to.
    const QFileInfo target(path);
    if (target.exists() && !target.isFile())
        return makeError(ErrorKind::Io, QStringLiteral("Cannot write %1: not a regular file").arg(path));
    const bool fresh = !target.exists();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Io, QStringLiteral("Cannot write %1: %2").arg(path, m_file.errorString()));
    // Every session id and user is in it: only its owner reads a new one (an existing file
    // keeps its permissions).
    if (fresh)
        m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    m_file.write(m_format == Format::Json ? "[\n" : "key,key_base64,id,user,ttl_ms,expires_at,size,type\n");
    return success();
}

void SessionExport::add(const SessionRow &row, const QByteArray &prefix, qint64 nowMs)
{
    const QJsonObject o = format::sessionRowJson(row, prefix, nowMs);
    if (m_format == Format::Json) {
        if (m_rows > 0)
            m_file.write(",\n");
        m_file.write("  " + QJsonDocument(o).toJson(QJsonDocument::Compact));
    } else {
        const QList<QByteArray> fields{csvField(o.value("key").toString()),
                                       o.value("key_base64").toString().toLatin1(),
                                       csvField(o.value("id").toString()),
                                       csvField(o.value("user").toString()),
                                       QByteArray::number(row.pttlMs),
                                       o.value("expires_at").toString().toUtf8(),
                                       QByteArray::number(row.size),
                                       SessionRow::typeName(row.type).toUtf8()};
        m_file.write(fields.join(',') + '\n');
    }
    ++m_rows;
}

Status SessionExport::commit()
{
    if (m_format == Format::Json)
        m_file.write(m_rows > 0 ? "\n]\n" : "]\n");
    if (!m_file.commit())
        return makeError(ErrorKind::Io, QStringLiteral("Cannot write %1: %2").arg(m_file.fileName(), m_file.errorString()));
    return success();
}

} // namespace sdcore
