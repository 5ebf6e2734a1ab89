#pragma once

// Which key a session argument names, for every command that takes one (CLI show, delete and
// touch; the window's "open by id or cookie").
//
// Rules a change must keep:
// - An argument is first taken literally: as a full key when it starts with the prefix, and as
//   an id under the prefix. Nothing is trimmed, unquoted or percent-decoded for that reading.
// - An argument that is exactly the printable form of a key with escapes (KeyText::printable,
//   what `sessions list` prints: "\\" and "\xNN") is read as that form instead, so whatever
//   `list` printed is accepted back and names that one key; every key is reachable that way (a
//   key with a backslash of its own prints as "\\"). Escapes `list` would not print ("\x41"
//   for "A") are taken literally.
// - It is read as a browser cookie (connect.sid=…, a Cookie:/Set-Cookie: header,
//   s%3A<id>.<signature>, s:<id>.<signature>) only when it has a cookie's form.
// - resolve() asks the server which readings name an existing key: exactly one wins; when two
//   or more do, it refuses and names them; when none does, the session is missing.
// Pure readings() for any thread; resolve() blocks on the connection's thread.

#include "core/redis/redisconnection.h"

#include <QList>

#include <functional>

namespace sdcore {

struct KeyReading
{
    enum class Kind { FullKey, Id, Printed, Cookie };
    Kind kind = Kind::Id;
    QByteArray key;

    QString describe() const;   // "the key as typed", "the id under the prefix", ...
};

struct ResolvedKey
{
    QString input;
    QByteArray key;             // the key that exists, or the literal reading when none does
    bool exists = false;
    KeyReading::Kind kind = KeyReading::Kind::Id;
    QList<KeyReading> ambiguous;   // two or more readings name existing keys: refused
    bool isAmbiguous() const { return ambiguous.size() > 1; }
    // "'<input>' names two sessions: <key> (the id under the prefix) and <key> (…); give the
    // full key" (empty when not ambiguous).
    QString ambiguityMessage() const;
};

class SessionKeyResolver
{
public:
    // The distinct keys `input` can name, literal readings first. Empty when the input names no
    // session at all (empty, or the prefix alone).
    static QList<KeyReading> readings(const QString &input, const QByteArray &prefix);
    // True when `input` has the form of a browser cookie or a Cookie header.
    static bool looksLikeCookie(const QString &input);

    // Resolves every input with EXISTS on each of its readings (pipelined, a thousand at a time).
    static Result<QList<ResolvedKey>> resolve(RedisConnection &connection, const QStringList &inputs,
                                              const QByteArray &prefix);
    // The same with the existence of keys asked through `exists` (one answer per key, in
    // order): a cluster asks each key's own node.
    using Exists = std::function<Result<QList<bool>>(const QList<QByteArray> &keys)>;
    static Result<QList<ResolvedKey>> resolve(const Exists &exists, const QStringList &inputs, const QByteArray &prefix);
};

} // namespace sdcore
