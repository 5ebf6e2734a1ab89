#pragma once

// The text of Redis's INFO reply as fields: "key:value" lines grouped under "# Section" headers.
// Pure parsing, no I/O; tolerant of CRLF or LF, blank lines and lines it does not understand.

#include <QByteArray>
#include <QHash>
#include <QString>

namespace sdcore {

class Info
{
public:
    static Info parse(QByteArrayView text);

    bool isEmpty() const { return m_fields.isEmpty(); }
    bool contains(const QByteArray &key) const { return m_fields.contains(key); }
    QByteArray value(const QByteArray &key) const { return m_fields.value(key); }
    QString text(const QByteArray &key) const { return QString::fromUtf8(m_fields.value(key)); }
    qint64 integer(const QByteArray &key, qint64 fallback = -1) const;
    double real(const QByteArray &key, double fallback = -1) const;
    // Sub-fields of composite values such as "db0:keys=3,expires=1,avg_ttl=0".
    QHash<QByteArray, QByteArray> subFields(const QByteArray &key) const;
    QByteArray sectionOf(const QByteArray &key) const { return m_sections.value(key); }
    const QHash<QByteArray, QByteArray> &fields() const { return m_fields; }

private:
    QHash<QByteArray, QByteArray> m_fields;
    QHash<QByteArray, QByteArray> m_sections;
};

} // namespace sdcore
