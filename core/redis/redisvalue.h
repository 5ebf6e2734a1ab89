#pragma once

// A Redis reply as a plain value: nil, integer, bulk bytes, status, error or array.
// Binary-safe (bulk strings are QByteArray), cheap to copy, safe to pass between threads.

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace sdcore {

class RedisValue
{
public:
    enum class Type { Nil, Integer, Bulk, Status, Error, Array };

    RedisValue() = default;
    static RedisValue nil() { return RedisValue(); }
    static RedisValue integer(qint64 v);
    static RedisValue bulk(QByteArray bytes);
    static RedisValue status(QByteArray text);
    static RedisValue error(QByteArray text);
    static RedisValue array(QList<RedisValue> elements);

    Type type() const { return m_type; }
    bool isNil() const { return m_type == Type::Nil; }
    bool isInteger() const { return m_type == Type::Integer; }
    bool isBulk() const { return m_type == Type::Bulk; }
    bool isStatus() const { return m_type == Type::Status; }
    bool isError() const { return m_type == Type::Error; }
    bool isArray() const { return m_type == Type::Array; }

    qint64 toInteger() const { return m_integer; }
    // Bytes of a bulk, status or error reply; empty otherwise.
    const QByteArray &bytes() const { return m_bytes; }
    QString toString() const { return QString::fromUtf8(m_bytes); }
    const QList<RedisValue> &elements() const { return m_elements; }
    qsizetype size() const { return m_elements.size(); }
    const RedisValue &at(qsizetype i) const { return m_elements.at(i); }

    // For flat key/value arrays (SENTINEL MASTER, CONFIG GET): the value after `key`, or empty.
    QByteArray field(QByteArrayView key) const;

    // A short text for diagnostics ("(integer) 3", "(error) ERR ..."), bulk bytes escaped.
    QString debugString() const;

    bool operator==(const RedisValue &other) const;
    bool operator!=(const RedisValue &other) const { return !(*this == other); }

private:
    Type m_type = Type::Nil;
    qint64 m_integer = 0;
    QByteArray m_bytes;
    QList<RedisValue> m_elements;
};

} // namespace sdcore

Q_DECLARE_METATYPE(sdcore::RedisValue)
