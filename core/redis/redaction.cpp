// What a command carries that must never reach a log, an error message or the screen, and the
// redaction of it (RedisConnection's static helpers, apart from the connection itself).

#include "core/redis/redisconnection.h"

#include <QRegularExpression>

namespace sdcore {

QList<QByteArray> RedisConnection::secretArguments(const Command &argv)
{
    QList<QByteArray> secrets;
    if (argv.isEmpty())
        return secrets;
    const QByteArray cmd = argv.first().toUpper();
    const auto upper = [&](qsizetype i) { return i < argv.size() ? argv.at(i).toUpper() : QByteArray(); };
    if (cmd == "AUTH") {
        secrets = argv.mid(1);
    } else if (cmd == "HELLO") {
        for (qsizetype i = 1; i < argv.size(); ++i) {
            if (upper(i) == "AUTH")
                secrets << argv.mid(i + 1, 2);
        }
    } else if (cmd == "ACL" && upper(1) == "SETUSER") {
        // The password rules (>pw, <pw, #hash, !hash); "on", "~*", "+@all" are not secret.
        for (qsizetype i = 3; i < argv.size(); ++i) {
            const QByteArray &rule = argv.at(i);
            if (rule.startsWith('>') || rule.startsWith('<') || rule.startsWith('#') || rule.startsWith('!'))
                secrets << rule << rule.mid(1);
        }
    } else if (cmd == "CONFIG" && upper(1) == "SET") {
        for (qsizetype i = 2; i + 1 < argv.size(); i += 2) {
            const QByteArray name = upper(i);
            if (name == "REQUIREPASS" || name == "MASTERAUTH" || name == "MASTERUSER")
                secrets << argv.at(i + 1);
        }
    } else if (cmd == "MIGRATE") {
        for (qsizetype i = 1; i < argv.size(); ++i) {
            if (upper(i) == "AUTH")
                secrets << argv.mid(i + 1, 1);
            else if (upper(i) == "AUTH2")
                secrets << argv.mid(i + 1, 2);
        }
    } else if (cmd == "SENTINEL") {
        for (qsizetype i = 2; i + 1 < argv.size(); ++i) {
            const QByteArray name = upper(i);
            if (name == "AUTH-PASS" || name == "SENTINEL-PASS" || name == "AUTH-USER" || name == "SENTINEL-USER")
                secrets << argv.at(i + 1);
        }
    }
    secrets.removeAll(QByteArray());
    return secrets;
}

QString RedisConnection::redactSecrets(const QString &text, const QList<QByteArray> &secrets, bool secretCommand)
{
    QString out = text;
    if (secretCommand) {
        // Redis quotes the first arguments back: "…, with args beginning with: 'pw' ".
        const qsizetype echo = out.indexOf(QLatin1String(", with args beginning with"));
        if (echo >= 0)
            out.truncate(echo);
    }
    bool leaked = false;
    for (const QByteArray &secret : secrets) {
        const QString s = QString::fromUtf8(secret);
        if (s.isEmpty())
            continue;
        if (s.size() < 4) {
            // A short secret inside ordinary words ("e" in "WRONGTYPE") is no leak; cutting it
            // there would garble every message. Whole tokens only.
            const QRegularExpression token(QStringLiteral("(?<![\\p{L}\\p{N}])%1(?![\\p{L}\\p{N}])")
                                               .arg(QRegularExpression::escape(s)));
            out.replace(token, QStringLiteral("***"));
            if (secretCommand && out.contains(token))
                leaked = true;
            continue;
        }
        out.replace(s, QStringLiteral("***"));
        // A server that cuts what it echoes may leave the start of a long secret.
        if (s.size() > 8 && out.contains(s.left(8)))
            leaked = true;
        if (secretCommand && out.contains(s))
            leaked = true;
    }
    if (leaked) {
        const QString code = out.section(QLatin1Char(' '), 0, 0);
        return QStringLiteral("%1 (the rest of the server's message is not shown: it repeats a secret)").arg(code);
    }
    return out;
}

} // namespace sdcore
