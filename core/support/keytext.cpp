#include "core/support/keytext.h"

#include <QList>

namespace sdcore {

namespace {

constexpr char Hex[] = "0123456789abcdef";

void appendHexByte(QString &out, uchar byte)
{
    out += QLatin1String("\\x");
    out += QLatin1Char(Hex[byte >> 4]);
    out += QLatin1Char(Hex[byte & 0xF]);
}

// A code point that shows as a visible glyph or a plain space, and does not move the text.
bool showsAsItself(char32_t cp)
{
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
        return false;
    if (cp < 0x7f)
        return true;
    switch (QChar::category(cp)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return false;
    default:
        return true;
    }
}

// Length of the valid UTF-8 sequence at `p` (strict: no overlong forms, no surrogates, at most
// U+10FFFF), with its code point; 0 when the bytes there are not one.
int utf8Sequence(const uchar *p, qsizetype left, char32_t &cp)
{
    const uchar b = p[0];
    int n;
    char32_t min;
    if (b < 0x80) {
        cp = b;
        return 1;
    } else if ((b & 0xe0) == 0xc0) {
        n = 2;
        cp = b & 0x1f;
        min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        n = 3;
        cp = b & 0x0f;
        min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        n = 4;
        cp = b & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (int i = 1; i < n; ++i) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    if (u >= 'A' && u <= 'F')
        return u - 'A' + 10;
    return -1;
}

} // namespace

QString KeyText::printable(QByteArrayView key)
{
    QString out;
    out.reserve(key.size());
    const auto *p = reinterpret_cast<const uchar *>(key.data());
    const qsizetype size = key.size();
    for (qsizetype i = 0; i < size;) {
        char32_t cp = 0;
        const int n = utf8Sequence(p + i, size - i, cp);
        if (n == 0) {
            appendHexByte(out, p[i]);
            ++i;
            continue;
        }
        if (cp == '\\') {
            out += QLatin1String("\\\\");
        } else if (showsAsItself(cp)) {
            out += QString::fromUcs4(&cp, 1);
        } else {
            for (int k = 0; k < n; ++k)
                appendHexByte(out, p[i + k]);
        }
        i += n;
    }
    return out;
}

std::optional<QByteArray> KeyText::fromPrintable(QStringView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c != QLatin1Char('\\')) {
            // A surrogate pair is one code point: convert it whole.
            if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
                out += text.mid(i, 2).toUtf8();
                ++i;
            } else {
                out += QStringView(&c, 1).toUtf8();
            }
            continue;
        }
        if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\\')) {
            out += '\\';
            ++i;
            continue;
        }
        if (i + 3 < text.size() && text.at(i + 1) == QLatin1Char('x')) {
            const int hi = hexValue(text.at(i + 2));
            const int lo = hexValue(text.at(i + 3));
            if (hi >= 0 && lo >= 0) {
                out += char(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        return std::nullopt;
    }
    return out;
}

QString KeyText::terminalSafe(QStringView text, bool keepLineBreaks)
{
    // Most text needs nothing: return it unchanged without building a copy char by char.
    qsizetype first = 0;
    const QList<uint> ucs4 = text.toUcs4();
    for (; first < ucs4.size(); ++first) {
        const char32_t cp = ucs4.at(first);
        if (!showsAsItself(cp) && !(keepLineBreaks && (cp == '\n' || cp == '\t')))
            break;
    }
    if (first == ucs4.size())
        return text.toString();
    QString out;
    out.reserve(text.size() + 16);
    for (qsizetype i = 0; i < ucs4.size(); ++i) {
        const char32_t cp = ucs4.at(i);
        if (showsAsItself(cp) || (keepLineBreaks && (cp == '\n' || cp == '\t'))) {
            out += QString::fromUcs4(&cp, 1);
        } else if (cp < 0x100) {
            appendHexByte(out, uchar(cp));
        } else {
            out += QStringLiteral("\\u{%1}").arg(uint(cp), 4, 16, QLatin1Char('0'));
        }
    }
    return out;
}

} // namespace sdcore
