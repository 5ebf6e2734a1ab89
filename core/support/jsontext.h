#pragma once

// JSON object text handled as text, without building a document: a strict validator, the
// top-level members as views in their order, one member by name. For the store chain, which
// must keep the app's serialisation byte for byte and read cookie.expires on every write,
// in a fraction of a microsecond. Also re-indenting and compacting token by token, for the
// session decoder: a document would turn numbers into doubles (12345678901234567890 comes back
// as 12345678901234567000) and sort members by name.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace sdcore::JsonText {

struct Member
{
    QByteArrayView key;     // the key's string token, quotes included
    QByteArrayView value;   // the value's text
};

// True when `text` is one valid JSON value (RFC 8259), surrounding whitespace allowed.
bool isValid(QByteArrayView text);
// Calls `visit` for each top-level member of the object `text` (assumed valid), in order;
// false when `text` is not an object. `visit` returns false to stop. Values are found by
// brackets and quotes, not checked, so this also splits what QJsonDocument takes beyond RFC 8259
// (.5, 1., nesting past isValid()'s 512 levels).
bool forEachMember(QByteArrayView text, const std::function<bool(const Member &)> &visit);
std::optional<QList<Member>> members(QByteArrayView text);
// The value of the top-level member `name` (a plain name without escapes), or nullopt.
std::optional<QByteArrayView> member(QByteArrayView object, QByteArrayView name);
// The content of a JSON string token without escapes ("abc" -> abc); nullopt when it has
// escapes or is not a string.
std::optional<QByteArrayView> plainString(QByteArrayView token);

// `text`, one JSON value (assumed valid), indented as QJsonDocument::Indented lays it out but
// token by token: numbers and strings keep their text byte for byte, members their order; empty
// objects and arrays are written {} and []. `indent` spaces a level. Other input gives some
// text, never a read past its end.
QString indented(QByteArrayView text, int indent = 2);
// The first maxBytes bytes of indented()'s UTF-8 (cut anywhere, even inside a character), with
// *fullSize set to the size of the whole, which is not built: indenting blows a deeply nested
// value up many times, and a view shows only its start.
QByteArray indentedHead(QByteArrayView text, int indent, qsizetype maxBytes, qsizetype *fullSize);
// `text` without the whitespace outside strings, all else byte for byte. Any input is safe, and a
// prefix of `text` gives a prefix of the result, so a caller may compact the start of a huge
// value only.
QByteArray compact(QByteArrayView text);

} // namespace sdcore::JsonText
