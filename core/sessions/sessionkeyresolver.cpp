#include "core/sessions/sessionkeyresolver.h"

#include "core/sessions/sessiondecoder.h"
#include "core/support/keytext.h"

#include <QRegularExpression>
#include <QSet>

namespace sdcore {

QString KeyReading::describe() const
{
    switch (kind) {
    case Kind::FullKey:
        return QStringLiteral("the full key as typed");
    case Kind::Id:
        return QStringLiteral("the id as typed, under the prefix");
    case Kind::Printed:
        return QStringLiteral("read as printed by `sessions list`");
    case Kind::Cookie:
        return QStringLiteral("read as a browser cookie");
    }
    return {};
}

QString ResolvedKey::ambiguityMessage() const
{
    if (!isAmbiguous())
        return {};
    QStringList names;
    for (const KeyReading &r : ambiguous)
        names << QStringLiteral("%1 (%2)").arg(KeyText::printable(r.key), r.describe());
    // One arg() call: text from the user or the server may hold "%1" itself.
    return QStringLiteral("'%1' names %2 existing keys: %3; nothing done: give the full key of the one meant")
        .arg(KeyText::terminalSafe(input), QString::number(ambiguous.size()), names.join(QStringLiteral(" and ")));
}

bool SessionKeyResolver::looksLikeCookie(const QString &input)
{
    const QString t = input.trimmed();
    if (t.startsWith(QLatin1String("cookie:"), Qt::CaseInsensitive)
        || t.startsWith(QLatin1String("set-cookie:"), Qt::CaseInsensitive)) {
        return true;
    }
    // name=value: a cookie token, '=', a value that is not only base64 padding.
    static const QRegularExpression pair(QStringLiteral("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+\\s*=\\s*[^=\\s;]"));
    if (pair.match(t).hasMatch())
        return true;
    // A signed cookie value: s:<id>.<signature>, or percent-encoded s%3A<id>.<signature>.
    static const QRegularExpression signedValue(QStringLiteral("^\"?s(:|%3[aA]).+\\..+"));
    return signedValue.match(t).hasMatch();
}

QList<KeyReading> SessionKeyResolver::readings(const QString &input, const QByteArray &prefix)
{
    QList<KeyReading> out;
    QSet<QByteArray> seen;
    const auto add = [&](KeyReading::Kind kind, const QByteArray &key) {
        // The key that is the prefix alone is reachable as a full key, never as an empty id.
        if (key.isEmpty() || (key == prefix && kind == KeyReading::Kind::Id) || seen.contains(key))
            return;
        seen.insert(key);
        out << KeyReading{kind, key};
    };
    const auto literal = [&](const QByteArray &text, bool printed) {
        if (!prefix.isEmpty() && text.startsWith(prefix))
            add(printed ? KeyReading::Kind::Printed : KeyReading::Kind::FullKey, text);
        if (!text.isEmpty())
            add(printed ? KeyReading::Kind::Printed : KeyReading::Kind::Id, prefix + text);
    };
    // A backslash only ever appears in a printed form as "\\" or "\xNN": such an argument is
    // read as that form (every key is reachable through it, a backslash of its own included).
    // Only exactly what printable() makes counts ("lit\x41" is not: `list` prints "litA"), so
    // escapes that `list` never prints are taken literally.
    std::optional<QByteArray> printed;
    if (input.contains(QLatin1Char('\\'))) {
        printed = KeyText::fromPrintable(input);
        if (printed && KeyText::printable(*printed) != input)
            printed.reset();
    }
    if (printed)
        literal(*printed, true);
    else
        literal(input.toUtf8(), false);
    if (looksLikeCookie(input)) {
        const QByteArray id = SessionDecoder::sessionIdFromInput(input, prefix);
        if (!id.isEmpty())
            add(KeyReading::Kind::Cookie, prefix + id);
    }
    return out;
}

Result<QList<ResolvedKey>> SessionKeyResolver::resolve(RedisConnection &connection, const QStringList &inputs,
                                                       const QByteArray &prefix)
{
    return resolve([&connection](const QList<QByteArray> &keys) -> Result<QList<bool>> {
        QList<bool> exists;
        exists.reserve(keys.size());
        constexpr qsizetype Chunk = 1000;
        for (qsizetype from = 0; from < keys.size(); from += Chunk) {
            QList<Command> commands;
            for (const QByteArray &key : keys.mid(from, Chunk))
                commands << Command{"EXISTS", key};
            auto replies = connection.pipeline(commands);
            if (!replies)
                return replies.error();
            for (const RedisValue &v : std::as_const(*replies)) {
                if (v.isError())
                    return connection.errorFromReply(v, Command{"EXISTS"});
                exists << (v.toInteger() > 0);
            }
        }
        return exists;
    }, inputs, prefix);
}

Result<QList<ResolvedKey>> SessionKeyResolver::resolve(const Exists &existsOf, const QStringList &inputs,
                                                       const QByteArray &prefix)
{
    QList<QList<KeyReading>> all;
    all.reserve(inputs.size());
    QList<QByteArray> keys;
    for (const QString &input : inputs) {
        all << readings(input, prefix);
        for (const KeyReading &r : all.last())
            keys << r.key;
    }
    auto answered = existsOf(keys);
    if (!answered)
        return answered.error();
    const QList<bool> &exists = *answered;
    if (exists.size() != keys.size())
        return makeError(ErrorKind::Protocol, QStringLiteral("EXISTS gave %1 answers for %2 keys").arg(exists.size()).arg(keys.size()));
    QList<ResolvedKey> out;
    out.reserve(inputs.size());
    qsizetype next = 0;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        ResolvedKey r;
        r.input = inputs.at(i);
        QList<KeyReading> found;
        for (const KeyReading &reading : all.at(i)) {
            if (exists.at(next++))
                found << reading;
        }
        if (found.size() == 1) {
            r.key = found.first().key;
            r.kind = found.first().kind;
            r.exists = true;
        } else if (found.size() > 1) {
            r.ambiguous = found;
        } else if (!all.at(i).isEmpty()) {
            r.key = all.at(i).first().key;
            r.kind = all.at(i).first().kind;
        }
        out << r;
    }
    return out;
}

} // namespace sdcore
