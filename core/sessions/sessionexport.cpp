#include "core/sessions/sessionexport.h"

#include "core/sessions/sessionscanner.h"
#include "core/support/format.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sdcore {

namespace {

QByteArray csvField(QString v)
{
    if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) || v.contains(QLatin1Char('\n'))
        || v.contains(QLatin1Char('\r'))) {
        v.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        v = QLatin1Char('"') + v + QLatin1Char('"');
    }
    return v.toUtf8();
}

} // namespace

SessionExport::Format SessionExport::formatFor(const QString &path)
{
    return path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) ? Format::Json : Format::Csv;
}

Status SessionExport::open(const QString &path)
{
    m_format = formatFor(path);
    m_rows = 0;
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Io, QStringLiteral("Cannot write %1: %2").arg(path, m_file.errorString()));
    m_file.write(m_format == Format::Json ? "[\n" : "key,id,user,ttl_ms,expires_at,size,type\n");
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
