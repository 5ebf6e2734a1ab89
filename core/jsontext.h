#pragma once

// JSON object text handled as text, without building a document: a strict validator, the
// top-level members as views in their order, one member by name. For the store chain, which
// must keep the app's serialisation byte for byte and read cookie.expires on every write,
// in a fraction of a microsecond.

#include <QByteArrayView>
#include <QList>

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
// false when `text` is not an object. `visit` returns false to stop.
bool forEachMember(QByteArrayView text, const std::function<bool(const Member &)> &visit);
std::optional<QList<Member>> members(QByteArrayView text);
// The value of the top-level member `name` (a plain name without escapes), or nullopt.
std::optional<QByteArrayView> member(QByteArrayView object, QByteArrayView name);
// The content of a JSON string token without escapes ("abc" -> abc); nullopt when it has
// escapes or is not a string.
std::optional<QByteArrayView> plainString(QByteArrayView token);

} // namespace sdcore::JsonText
