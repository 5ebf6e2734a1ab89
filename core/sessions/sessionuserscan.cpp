#include "core/sessions/sessionuserscan.h"

#include "core/sessions/sessiondecoder.h"

#include <QVarLengthArray>

#include <cstring>
#include <initializer_list>

namespace sdcore {

namespace {

using UserScan::firstNonSpace;
using UserScan::isJsonSpace;

// ---- A forgiving, allocation-free JSON scanner for quickUser and for cut values ----------------

struct Span
{
    const char *begin = nullptr;
    qsizetype size = 0;
    bool isString = false;
    bool escaped = false; // a string with backslash escapes: decode before use
    bool set = false;
};

class Scanner
{
public:
    enum class Step { Ok, End, Error };

    Scanner(const char *begin, const char *end) : m_p(begin), m_end(end) {}

    const char *pos() const { return m_p; }
    bool atEnd() const { return m_p == m_end; }
    char peek() const { return *m_p; } // only when !atEnd()
    void advance() { ++m_p; }

    void skipSpace()
    {
        while (m_p != m_end && isJsonSpace(*m_p))
            ++m_p;
    }

    // At '"': the string's contents without the quotes.
    Step string(Span *out)
    {
        ++m_p;
        const char *start = m_p;
        bool escaped = false;
        while (m_p != m_end) {
            const char c = *m_p;
            if (c == '"') {
                *out = Span{start, m_p - start, true, escaped, true};
                ++m_p;
                return Step::Ok;
            }
            if (c == '\\') {
                escaped = true;
                ++m_p;
                if (m_p == m_end)
                    return Step::End;
            }
            ++m_p;
        }
        return Step::End;
    }

    // A number, true, false or null. Reaching the end means it may have been cut: End.
    Step bareWord(Span *out)
    {
        const char *start = m_p;
        while (m_p != m_end && isWordChar(*m_p))
            ++m_p;
        if (m_p == m_end)
            return Step::End;
        if (m_p == start)
            return Step::Error;
        *out = Span{start, m_p - start, false, false, true};
        return Step::Ok;
    }

    // Any value; nested containers by bracket depth without recursion, so deep nesting is safe.
    Step skipValue()
    {
        if (m_p == m_end)
            return Step::End;
        const char c = *m_p;
        Span ignored;
        if (c == '"')
            return string(&ignored);
        if (c != '{' && c != '[')
            return bareWord(&ignored);
        qsizetype depth = 0;
        while (m_p != m_end) {
            const char d = *m_p;
            if (d == '"') {
                if (string(&ignored) != Step::Ok)
                    return Step::End;
                continue;
            }
            if (d == '{' || d == '[') {
                ++depth;
            } else if (d == '}' || d == ']') {
                if (--depth == 0) {
                    ++m_p;
                    return Step::Ok;
                }
            }
            ++m_p;
        }
        return Step::End;
    }

    // At '{': calls member(key, *this) with the scanner at each member's value, which must consume
    // the value. Stops at the closing '}'.
    template <typename Member> Step object(Member &&member)
    {
        ++m_p;
        skipSpace();
        if (m_p == m_end)
            return Step::End;
        if (*m_p == '}') {
            ++m_p;
            return Step::Ok;
        }
        for (;;) {
            skipSpace();
            if (m_p == m_end)
                return Step::End;
            if (*m_p != '"')
                return Step::Error;
            Span key;
            if (string(&key) != Step::Ok)
                return Step::End;
            skipSpace();
            if (m_p == m_end)
                return Step::End;
            if (*m_p != ':')
                return Step::Error;
            ++m_p;
            skipSpace();
            if (m_p == m_end)
                return Step::End;
            const Step s = member(key, *this);
            if (s != Step::Ok)
                return s;
            skipSpace();
            if (m_p == m_end)
                return Step::End;
            if (*m_p == '}') {
                ++m_p;
                return Step::Ok;
            }
            if (*m_p != ',')
                return Step::Error;
            ++m_p;
        }
    }

private:
    static bool isWordChar(char c)
    {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '-' || c == '+' || c == '.';
    }

    const char *m_p;
    const char *m_end;
};

bool keyIs(const Span &key, const char *name)
{
    const qsizetype n = qsizetype(std::strlen(name));
    return !key.escaped && key.size == n && std::memcmp(key.begin, name, size_t(n)) == 0;
}

// userOf's order, as slots: the lowest filled slot wins.
enum UserSlot {
    SlotUser,
    SlotUserId,
    SlotUser_id,
    SlotUsername,
    SlotEmail,
    SlotPassportUser,
    SlotUserDotId,
    SlotUserDotEmail,
    SlotUserDotName,
    SlotUserDotUsername,
    SlotCount
};

// A string or number value for a slot; anything else is skipped and leaves the slot empty.
Scanner::Step readCandidate(Scanner &s, Span *slot)
{
    const char c = s.peek();
    Span value;
    Scanner::Step step;
    if (c == '"')
        step = s.string(&value);
    else if (c == '-' || c == '.' || (c >= '0' && c <= '9')) // QJsonDocument takes .5
        step = s.bareWord(&value);
    else
        return s.skipValue();
    if (step == Scanner::Step::Ok && value.size > 0)
        *slot = value;
    return step;
}

void appendUtf8(QVarLengthArray<char, 256> &out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        out.append(char(0xC0 | (cp >> 6)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.append(char(0xE0 | (cp >> 12)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else {
        out.append(char(0xF0 | (cp >> 18)));
        out.append(char(0x80 | ((cp >> 12) & 0x3F)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    }
}

// Four hex digits at p (bounds checked by the caller); -1 when not hex.
int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = p[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

// The text of a JSON string's contents, escapes decoded; short ones on the stack.
QString decodeJsonString(const Span &span)
{
    if (!span.escaped)
        return QString::fromUtf8(span.begin, span.size);
    QVarLengthArray<char, 256> out;
    const char *p = span.begin;
    const char *end = span.begin + span.size;
    while (p < end) {
        if (*p != '\\') {
            out.append(*p++);
            continue;
        }
        ++p;
        if (p == end)
            break;
        const char e = *p++;
        switch (e) {
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'n':
            out.append('\n');
            break;
        case 'r':
            out.append('\r');
            break;
        case 't':
            out.append('\t');
            break;
        case 'u': {
            if (end - p < 4)
                return QString::fromUtf8(out.constData(), out.size());
            const int unit = hex4(p);
            char32_t cp = unit < 0 ? 0xFFFD : char32_t(unit);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                const int low = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + char32_t(low - 0xDC00);
                    p += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            appendUtf8(out, cp);
            break;
        }
        default:
            appendUtf8(out, uchar(e));
            break; // \" \\ \/, and others as QJsonDocument does
        }
    }
    return QString::fromUtf8(out.constData(), out.size());
}

} // namespace

qsizetype UserScan::completeMembersEnd(QByteArrayView bytes)
{
    const qsizetype start = firstNonSpace(bytes);
    if (start >= bytes.size() || bytes[start] != '{')
        return 0;
    Scanner s(bytes.data() + start, bytes.data() + bytes.size());
    const char *lastEnd = nullptr;
    s.object([&](const Span &, Scanner &sc) {
        const Scanner::Step step = sc.skipValue();
        if (step == Scanner::Step::Ok)
            lastEnd = sc.pos();
        return step;
    });
    return lastEnd ? lastEnd - bytes.data() : 0;
}

QString SessionDecoder::quickUser(QByteArrayView bytes)
{
    const qsizetype start = firstNonSpace(bytes);
    if (start >= bytes.size() || bytes[start] != '{')
        return {};
    // One slot per field userOf looks at. A key seen again replaces what it set before, as the
    // last duplicate wins in QJsonObject.
    Span found[SlotCount];
    using Step = Scanner::Step;
    const auto nested = [&found](Scanner &s, UserSlot first,
                                 std::initializer_list<const char *> names) {
        return s.object([&](const Span &key, Scanner &sc) {
            int slot = first;
            for (const char *name : names) {
                if (keyIs(key, name)) {
                    found[slot] = Span();
                    return readCandidate(sc, &found[slot]);
                }
                ++slot;
            }
            return sc.skipValue();
        });
    };
    Scanner scanner(bytes.data() + start, bytes.data() + bytes.size());
    const Step step = scanner.object([&](const Span &key, Scanner &s) {
        if (keyIs(key, "user")) {
            found[SlotUser] = Span();
            for (int i = SlotUserDotId; i <= SlotUserDotUsername; ++i)
                found[i] = Span();
            if (s.peek() == '{')
                return nested(s, SlotUserDotId, {"id", "email", "name", "username"});
            return readCandidate(s, &found[SlotUser]);
        }
        if (keyIs(key, "passport")) {
            found[SlotPassportUser] = Span();
            if (s.peek() == '{')
                return nested(s, SlotPassportUser, {"user"});
            return s.skipValue();
        }
        int slot = SlotUserId;
        for (const char *name : {"userId", "user_id", "username", "email"}) {
            if (keyIs(key, name)) {
                found[slot] = Span();
                return readCandidate(s, &found[slot]);
            }
            ++slot;
        }
        return s.skipValue();
    });
    if (step == Step::Error)
        return {};
    scanner.skipSpace();
    if (step == Step::Ok && !scanner.atEnd())
        return {}; // something after the object: not JSON
    for (const Span &slot : found) {
        if (slot.set)
            return slot.isString ? decodeJsonString(slot)
                                 : QString::fromLatin1(slot.begin, slot.size);
    }
    return {};
}

} // namespace sdcore
