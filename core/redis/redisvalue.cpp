#include "core/redis/redisvalue.h"

namespace sdcore {

RedisValue RedisValue::integer(qint64 v)
{
    RedisValue r;
    r.m_type = Type::Integer;
    r.m_integer = v;
    return r;
}

RedisValue RedisValue::bulk(QByteArray bytes)
{
    RedisValue r;
    r.m_type = Type::Bulk;
    r.m_bytes = std::move(bytes);
    return r;
}

RedisValue RedisValue::status(QByteArray text)
{
    RedisValue r;
    r.m_type = Type::Status;
    r.m_bytes = std::move(text);
    return r;
}

RedisValue RedisValue::error(QByteArray text)
{
    RedisValue r;
    r.m_type = Type::Error;
    r.m_bytes = std::move(text);
    return r;
}

RedisValue RedisValue::array(QList<RedisValue> elements)
{
    RedisValue r;
    r.m_type = Type::Array;
    r.m_elements = std::move(elements);
    return r;
}

bool RedisValue::operator==(const RedisValue &other) const
{
    if (m_type != other.m_type || m_integer != other.m_integer || m_bytes != other.m_bytes
        || m_elements.size() != other.m_elements.size())
        return false;
    for (qsizetype i = 0; i < m_elements.size(); ++i) {
        if (!(m_elements.at(i) == other.m_elements.at(i)))
            return false;
    }
    return true;
}

QByteArray RedisValue::field(QByteArrayView key) const
{
    for (qsizetype i = 0; i + 1 < m_elements.size(); i += 2) {
        if (m_elements.at(i).bytes() == key)
            return m_elements.at(i + 1).bytes();
    }
    return {};
}

static QString escaped(const QByteArray &bytes)
{
    constexpr qsizetype limit = 200;
    QString out;
    const qsizetype n = std::min(bytes.size(), limit);
    for (qsizetype i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(bytes.at(i));
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out += QLatin1Char(char(c));
        else
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
    }
    if (bytes.size() > limit)
        out += QStringLiteral("... (%1 bytes)").arg(bytes.size());
    return out;
}

QString RedisValue::debugString() const
{
    switch (m_type) {
    case Type::Nil: return QStringLiteral("(nil)");
    case Type::Integer: return QStringLiteral("(integer) %1").arg(m_integer);
    case Type::Bulk: return QLatin1Char('"') + escaped(m_bytes) + QLatin1Char('"');
    case Type::Status: return escaped(m_bytes);
    case Type::Error: return QStringLiteral("(error) ") + escaped(m_bytes);
    case Type::Array: {
        QStringList parts;
        for (const auto &e : m_elements)
            parts << e.debugString();
        return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    }
    return {};
}

} // namespace sdcore
