#include "jsontext.h"

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

// Index just past the (valid) value starting at `i`.
qsizetype skipValue(QByteArrayView s, qsizetype i)
{
    Cursor c{s, i};
    c.value();
    qsizetype end = c.i;
    while (end > i && isSpace(s[end - 1]))
        --end;
    return end;
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
        const qsizetype keyStart = c.i;
        if (!c.string())
            return false;
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

} // namespace sdcore::JsonText
