#include "core/support/info.h"

namespace sdcore {

Info Info::parse(QByteArrayView text)
{
    Info info;
    QByteArray section;
    for (QByteArray line : QByteArray(text.data(), text.size()).split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            section = line.mid(1).trimmed().toLower();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray key = line.left(colon);
        info.m_fields.insert(key, line.mid(colon + 1));
        info.m_sections.insert(key, section);
    }
    return info;
}

qint64 Info::integer(const QByteArray &key, qint64 fallback) const
{
    bool ok = false;
    const qint64 v = m_fields.value(key).toLongLong(&ok);
    return ok ? v : fallback;
}

double Info::real(const QByteArray &key, double fallback) const
{
    bool ok = false;
    const double v = m_fields.value(key).toDouble(&ok);
    return ok ? v : fallback;
}

QHash<QByteArray, QByteArray> Info::subFields(const QByteArray &key) const
{
    QHash<QByteArray, QByteArray> out;
    for (const QByteArray &part : m_fields.value(key).split(',')) {
        const qsizetype eq = part.indexOf('=');
        if (eq > 0)
            out.insert(part.left(eq), part.mid(eq + 1));
    }
    return out;
}

} // namespace sdcore
