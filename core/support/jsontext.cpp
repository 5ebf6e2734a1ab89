#include "core/support/jsontext.h"

#include <cstring>
#include <limits>

namespace sdcore::JsonText {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct Cursor
{
    QByteArrayView s;
    qsizetype i = 0;
    int depth = 0;

    bool atEnd() const { return i >= s.size(); }
    char peek() const { return atEnd() ? '\0' : s[i]; }
    void skipSpace()
    {
        while (!atEnd() && isSpace(s[i]))
            ++i;
    }
    bool literal(const char *word)
    {
        for (const char *p = word; *p; ++p, ++i) {
            if (atEnd() || s[i] != *p)
                return false;
        }
        return true;
    }
    bool digits()
    {
        const qsizetype start = i;
        while (!atEnd() && s[i] >= '0' && s[i] <= '9')
            ++i;
        return i > start;
    }
    bool number()
    {
        if (peek() == '-')
            ++i;
        if (peek() == '0')
            ++i;
        else if (!digits())
            return false;
        if (peek() == '.') {
            ++i;
            if (!digits())
                return false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++i;
            if (peek() == '+' || peek() == '-')
                ++i;
            if (!digits())
                return false;
        }
        return true;
    }
    bool string()
    {
        if (peek() != '"')
            return false;
        for (++i; !atEnd(); ++i) {
            const uchar c = uchar(s[i]);
            if (c == '"') {
                ++i;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                ++i;
                if (atEnd())
                    return false;
                const char e = s[i];
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k) {
                        ++i;
                        if (atEnd() || !isxdigit(uchar(s[i])))
                            return false;
                    }
                } else if (!strchr("\"\\/bfnrt", e)) {
                    return false;
                }
            }
        }
        return false;
    }
    bool value()
    {
        if (++depth > 512)
            return false;
        skipSpace();
        bool ok = false;
        switch (peek()) {
        case '{': ok = container('}', true); break;
        case '[': ok = container(']', false); break;
        case '"': ok = string(); break;
        case 't': ok = literal("true"); break;
        case 'f': ok = literal("false"); break;
        case 'n': ok = literal("null"); break;
        default: ok = number(); break;
        }
        --depth;
        skipSpace();
        return ok;
    }
    bool container(char close, bool object)
    {
        ++i;
        skipSpace();
        if (peek() == close) {
            ++i;
            return true;
        }
        for (;;) {
            if (object) {
                skipSpace();
                if (!string())
                    return false;
                skipSpace();
                if (peek() != ':')
                    return false;
                ++i;
            }
            if (!value())
                return false;
            if (peek() == ',') {
                ++i;
                continue;
            }
            if (peek() == close) {
                ++i;
                return true;
            }
            return false;
        }
    }
};

// Index just past the string token starting at the '"' at `i`; s.size() when it is not closed.
qsizetype stringEnd(QByteArrayView s, qsizetype i)
{
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\')
            ++i;
        else if (s[i] == '"')
            return i + 1;
    }
    return s.size();
}

bool endsWord(char c)
{
    return isSpace(c) || c == ',' || c == ':' || c == '{' || c == '}' || c == '[' || c == ']' ||
           c == '"';
}

// Index just past the value starting at `i`, found by brackets and quotes without checking it:
// no recursion, so no depth limit, and the loose forms QJsonDocument takes (.5) pass too.
qsizetype skipValue(QByteArrayView s, qsizetype i)
{
    qsizetype depth = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '"') {
            i = stringEnd(s, i);
            if (depth == 0)
                return i;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;
            if (--depth == 0)
                return i + 1;
        } else if (depth == 0 && endsWord(c)) {
            return i;
        }
        ++i;
    }
    return i;
}

// Output that keeps only its first `cap` bytes but counts them all.
class CappedOutput
{
public:
    explicit CappedOutput(qsizetype cap) : m_cap(cap) {}

    void append(QByteArrayView part)
    {
        if (m_bytes.size() < m_cap)
            m_bytes.append(part.first(qMin(part.size(), m_cap - m_bytes.size())));
        m_size += part.size();
    }
    void append(char c)
    {
        if (m_bytes.size() < m_cap)
            m_bytes.append(c);
        ++m_size;
    }
    void newline(qsizetype spaces)
    {
        append('\n');
        if (m_bytes.size() < m_cap)
            m_bytes.append(qMin(spaces, m_cap - m_bytes.size()), ' ');
        m_size += spaces;
    }
    void reserve(qsizetype n) { m_bytes.reserve(qMin(n, m_cap)); }
    QByteArray bytes() const { return m_bytes; }
    qsizetype size() const { return m_size; }

private:
    QByteArray m_bytes;
    qsizetype m_cap;
    qsizetype m_size = 0;
};

void reindent(QByteArrayView s, int indent, CappedOutput &out)
{
    const qsizetype step = qMax(0, indent);
    qsizetype depth = 0;
    qsizetype i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (isSpace(c)) {
            ++i;
        } else if (c == '"') {
            const qsizetype end = stringEnd(s, i);
            out.append(s.sliced(i, end - i));
            i = end;
        } else if (c == '{' || c == '[') {
            qsizetype next = i + 1;
            while (next < s.size() && isSpace(s[next]))
                ++next;
            out.append(c);
            if (next < s.size() && s[next] == (c == '{' ? '}' : ']')) {
                out.append(s[next]);
                i = next + 1;
            } else {
                ++depth;
                out.newline(depth * step);
                i = next;
            }
        } else if (c == '}' || c == ']') {
            depth = qMax<qsizetype>(0, depth - 1); // a stray one in invalid input
            out.newline(depth * step);
            out.append(c);
            ++i;
        } else if (c == ',') {
            out.append(c);
            out.newline(depth * step);
            ++i;
        } else if (c == ':') {
            out.append(QByteArrayView(": "));
            ++i;
        } else {
            // A number or literal, as written.
            qsizetype end = i + 1;
            while (end < s.size() && !endsWord(s[end]))
                ++end;
            out.append(s.sliced(i, end - i));
            i = end;
        }
    }
}

} // namespace

bool isValid(QByteArrayView text)
{
    Cursor c{text};
    return c.value() && c.atEnd();
}

bool forEachMember(QByteArrayView s, const std::function<bool(const Member &)> &visit)
{
    Cursor c{s};
    c.skipSpace();
    if (c.peek() != '{')
        return false;
    ++c.i;
    c.skipSpace();
    if (c.peek() == '}')
        return true;
    while (!c.atEnd()) {
        c.skipSpace();
        if (c.peek() != '"')
            return false;
        const qsizetype keyStart = c.i;
        c.i = stringEnd(s, keyStart);
        Member m;
        m.key = s.sliced(keyStart, c.i - keyStart);
        c.skipSpace();
        if (c.peek() != ':')
            return false;
        ++c.i;
        c.skipSpace();
        const qsizetype valueStart = c.i;
        const qsizetype valueEnd = skipValue(s, valueStart);
        if (valueEnd <= valueStart)
            return false;
        m.value = s.sliced(valueStart, valueEnd - valueStart);
        if (!visit(m))
            return true;
        c.i = valueEnd;
        c.skipSpace();
        if (c.peek() == ',') {
            ++c.i;
            continue;
        }
        return c.peek() == '}';
    }
    return false;
}

std::optional<QList<Member>> members(QByteArrayView text)
{
    QList<Member> out;
    if (!isValid(text) || !forEachMember(text, [&out](const Member &m) {
            out << m;
            return true;
        })) {
        return std::nullopt;
    }
    return out;
}

std::optional<QByteArrayView> member(QByteArrayView object, QByteArrayView name)
{
    std::optional<QByteArrayView> found;
    forEachMember(object, [&](const Member &m) {
        if (m.key.size() == name.size() + 2 && m.key.sliced(1, name.size()) == name) {
            found = m.value;
            return false;
        }
        return true;
    });
    return found;
}

std::optional<QByteArrayView> plainString(QByteArrayView token)
{
    if (token.size() < 2 || token.front() != '"' || token.back() != '"')
        return std::nullopt;
    const QByteArrayView inner = token.sliced(1, token.size() - 2);
    if (inner.contains('\\'))
        return std::nullopt;
    return inner;
}

QString indented(QByteArrayView text, int indent)
{
    qsizetype fullSize = 0;
    return QString::fromUtf8(
        indentedHead(text, indent, std::numeric_limits<qsizetype>::max(), &fullSize));
}

QByteArray indentedHead(QByteArrayView text, int indent, qsizetype maxBytes, qsizetype *fullSize)
{
    CappedOutput out(qMax<qsizetype>(0, maxBytes));
    out.reserve(text.size() + text.size() / 2);
    reindent(text, indent, out);
    if (fullSize)
        *fullSize = out.size();
    return out.bytes();
}

QByteArray compact(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        // Copy a run up to whitespace or a string, then the string whole.
        qsizetype end = i;
        while (end < text.size() && !isSpace(text[end]) && text[end] != '"')
            ++end;
        if (end < text.size() && text[end] == '"')
            end = stringEnd(text, end);
        out.append(text.sliced(i, end - i));
        i = end;
        while (i < text.size() && isSpace(text[i]))
            ++i;
    }
    return out;
}

} // namespace sdcore::JsonText
