// sessiondeck-cli sessions stats | list | show | delete: the Sessions page's work from a shell.

#include "auditlog.h"
#include "clicommon.h"
#include "sessionbrowser.h"
#include "sessioncensus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

using namespace sdcore;

namespace cli {

namespace {

struct SessionArgs
{
    Target target;
    QByteArray prefix = "sess:";
    bool replica = false;
    int keysPerSecond = 0;
};

std::optional<int> parseSessionArgs(const QCommandLineParser &parser, SessionArgs &args)
{
    if (auto code = parseTarget(parser, args.target))
        return code;
    args.target.options.clientName = "sessiondeck-cli";
    args.target.options.commandTimeoutMs = qMax(args.target.options.commandTimeoutMs, 10000);
    if (parser.isSet(QStringLiteral("prefix")))
        args.prefix = parser.value(QStringLiteral("prefix")).toUtf8();
    args.replica = parser.isSet(QStringLiteral("replica"));
    if (parser.isSet(QStringLiteral("rate"))) {
        bool ok = false;
        args.keysPerSecond = parser.value(QStringLiteral("rate")).toInt(&ok);
        if (!ok || args.keysPerSecond <= 0)
            return usage(QStringLiteral("--rate wants a positive number of keys per second"));
    }
    return std::nullopt;
}

// Opens the node to work on; asks for a password on the terminal when the server wants one
// that neither the URL nor REDISCLI_AUTH gave.
Result<ConnectedNode> openNode(SessionArgs &args, bool replica)
{
    const auto attempt = [&] {
        return replica ? MasterResolver::connectReplica(args.target.url, args.target.options)
                       : MasterResolver::connect(args.target.url, args.target.options);
    };
    auto node = attempt();
    if (!node && (node.error().kind == ErrorKind::NoAuth || node.error().kind == ErrorKind::AuthFailed)
        && !args.target.url.hasPassword() && promptPassword(args.target)) {
        node = attempt();
    }
    return node;
}

QString ttlText(qint64 pttlMs)
{
    if (pttlMs == -1)
        return QStringLiteral("no TTL");
    if (pttlMs < 0)
        return QStringLiteral("gone");
    const qint64 s = pttlMs / 1000;
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d%2h").arg(s / 86400).arg((s % 86400) / 3600, 2, 10, QLatin1Char('0'));
}

QByteArray keyFromInput(const QString &input, const QByteArray &prefix)
{
    return prefix + SessionDecoder::sessionIdFromInput(input, prefix);
}

int runStats(const QCommandLineParser &parser)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    auto node = openNode(args, args.replica);
    if (!node)
        return fail(args.target, node.error());
    ScanOptions options;
    options.keysPerSecond = args.keysPerSecond;
    cancelOnInterrupt();
    const CensusResult r = SessionCensus::run(*node->connection, QString::fromUtf8(args.prefix), &g_interrupted, options);
    if (!r.complete && r.error != QStringLiteral("cancelled"))
        return fail(args.target, makeError(ErrorKind::ServerError, r.error));
    if (args.target.json) {
        QJsonObject ttl;
        for (int b = 0; b < CensusResult::TtlBuckets; ++b)
            ttl[CensusResult::ttlBucketName(b)] = r.ttl[b];
        QJsonObject sizes;
        for (int b = 0; b < CensusResult::SizeBuckets; ++b)
            sizes[CensusResult::sizeBucketName(b)] = r.sizes[b];
        printJson(QJsonObject{{"prefix", r.prefix},
                              {"node", node->node.toString()},
                              {"complete", r.complete},
                              {"count", r.count},
                              {"other_types", r.otherTypes},
                              {"ttl_histogram", ttl},
                              {"size_histogram", sizes},
                              {"total_bytes", r.totalBytes},
                              {"elapsed_ms", r.durationMs}});
    } else {
        const QLocale c = QLocale::c();
        out() << "Sessions under '" << r.prefix << "' on " << node->node.toString()
              << (r.complete ? "" : " (cancelled, partial)") << ": " << r.count << "\n";
        out() << "Total size: " << c.formattedDataSize(r.totalBytes) << " in string values";
        if (r.otherTypes)
            out() << "; " << r.otherTypes << " keys of other types";
        out() << "\nTTL:\n";
        for (int b = 0; b < CensusResult::TtlBuckets; ++b)
            out() << "  " << CensusResult::ttlBucketName(b).leftJustified(10) << r.ttl[b] << "\n";
        out() << "Size:\n";
        for (int b = 0; b < CensusResult::SizeBuckets; ++b)
            out() << "  " << CensusResult::sizeBucketName(b).leftJustified(10) << r.sizes[b] << "\n";
        out() << "Counted in " << r.durationMs << " ms\n";
    }
    out().flush();
    return r.complete ? ExitOk : ExitUnreachable;
}

int runList(const QCommandLineParser &parser)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    ScanOptions options;
    options.prefix = args.prefix;
    options.match = parser.value(QStringLiteral("match")).toUtf8();
    options.keysPerSecond = args.keysPerSecond;
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        options.limit = parser.value(QStringLiteral("limit")).toLongLong(&ok);
        if (!ok || options.limit <= 0)
            return usage(QStringLiteral("--limit wants a positive number"));
    }
    auto node = openNode(args, args.replica);
    if (!node)
        return fail(args.target, node.error());
    cancelOnInterrupt();
    const ScanSummary summary = SessionScanner::scan(*node->connection, options, &g_interrupted, [&](ScanBatch &&batch) {
        for (const SessionRow &row : std::as_const(batch.rows)) {
            const QString id = AuditLog::printableKey(QByteArrayView(row.key).sliced(qMin(row.key.size(), args.prefix.size())));
            if (args.target.json) {
                out() << QJsonDocument(QJsonObject{{"key", AuditLog::printableKey(row.key)},
                                                   {"id", id},
                                                   {"ttl_ms", row.pttlMs},
                                                   {"size", row.size},
                                                   {"type", SessionRow::typeName(row.type)},
                                                   {"user", row.user}})
                             .toJson(QJsonDocument::Compact)
                      << "\n";
            } else {
                out() << id << "\t" << ttlText(row.pttlMs) << "\t" << row.size << "\t"
                      << SessionRow::typeName(row.type) << "\t" << row.user << "\n";
            }
        }
        out().flush();
        return true;
    });
    if (!summary.error.isEmpty() && summary.error != QStringLiteral("cancelled"))
        return fail(args.target, makeError(ErrorKind::ServerError, summary.error));
    return ExitOk;
}

int runShow(const QCommandLineParser &parser, const QStringList &ids)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    if (ids.size() != 1)
        return usage(QStringLiteral("sessions show wants one session id, key or cookie"));
    const QByteArray key = keyFromInput(ids.first(), args.prefix);
    if (key == args.prefix)
        return usage(QStringLiteral("no session id in '%1'").arg(ids.first()));
    auto node = openNode(args, args.replica);
    if (!node)
        return fail(args.target, node.error());
    auto s = SessionBrowser::fetchSession(*node->connection, key, args.prefix, parser.isSet(QStringLiteral("whole")));
    if (!s)
        return fail(args.target, s.error());
    if (s->kind == DecodedSession::Kind::Missing) {
        return fail(args.target, makeError(ErrorKind::NotFound,
                                           QStringLiteral("no session '%1' on %2")
                                               .arg(AuditLog::printableKey(key), node->node.toString())));
    }
    if (args.target.json) {
        QJsonObject fields;
        for (const auto &f : std::as_const(s->fields))
            fields[f.first] = f.second;
        QJsonObject o{{"key", AuditLog::printableKey(s->key)},
                      {"id", AuditLog::printableKey(s->id)},
                      {"type", QString::fromUtf8(s->redisType)},
                      {"kind", DecodedSession::kindName(s->kind)},
                      {"ttl_ms", s->pttlMs},
                      {"size", s->size},
                      {"memory_usage", s->memoryUsage},
                      {"truncated", s->truncated},
                      {"user", s->user},
                      {"fields", fields},
                      {"note", s->note}};
        const QJsonDocument doc = QJsonDocument::fromJson(s->raw);
        if (!s->truncated && (doc.isObject() || doc.isArray()))
            o[QStringLiteral("value")] = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
        else
            o[QStringLiteral("value_text")] = s->pretty;
        printJson(o);
        return ExitOk;
    }
    out() << "Key:     " << AuditLog::printableKey(s->key) << "\n";
    out() << "Format:  " << DecodedSession::kindName(s->kind) << " (" << s->redisType << ")\n";
    out() << "TTL:     " << ttlText(s->pttlMs) << "\n";
    out() << "Size:    " << s->size << " bytes";
    if (s->memoryUsage >= 0)
        out() << " (" << s->memoryUsage << " in memory)";
    out() << "\n";
    if (!s->user.isEmpty())
        out() << "User:    " << s->user << "\n";
    if (!s->note.isEmpty())
        out() << "Note:    " << s->note << "\n";
    for (const auto &f : std::as_const(s->fields))
        out() << "  " << f.first << " = " << f.second << "\n";
    out() << "\n" << s->pretty << "\n";
    out().flush();
    return ExitOk;
}

int runDelete(const QCommandLineParser &parser, const QStringList &inputs)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    const bool byPattern = parser.isSet(QStringLiteral("match"));
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    if (byPattern == !inputs.isEmpty())
        return usage(QStringLiteral("sessions delete wants either keys or --match GLOB"));
    QList<QByteArray> keys;
    for (const QString &input : inputs) {
        const QByteArray key = keyFromInput(input, args.prefix);
        if (key == args.prefix)
            return usage(QStringLiteral("no session id in '%1'").arg(input));
        if (!keys.contains(key))
            keys << key;
    }
    const QByteArray pattern = byPattern
        ? SessionScanner::matchPattern(args.prefix, parser.value(QStringLiteral("match")).toUtf8())
        : QByteArray();
    if (!dryRun && !parser.isSet(QStringLiteral("yes")) && (byPattern || keys.size() > 1)) {
        return usage(byPattern ? QStringLiteral("deleting every key matching '%1' needs --yes (try --dry-run first)")
                                     .arg(QString::fromUtf8(pattern))
                               : QStringLiteral("deleting %1 keys needs --yes").arg(keys.size()));
    }
    auto node = openNode(args, false);   // deletes go to the master
    if (!node)
        return fail(args.target, node.error());
    cancelOnInterrupt();
    DeleteResult r;
    if (byPattern) {
        r = SessionDeleter::deleteMatching(*node->connection, pattern, dryRun, &g_interrupted, {}, 10,
                                           args.keysPerSecond);
    } else if (dryRun) {
        // Says which of the keys exist, deletes nothing.
        r.mode = DeleteResult::Mode::Keys;
        r.dryRun = true;
        r.keys = keys;
        r.requested = keys.size();
        QList<Command> exists;
        for (const QByteArray &k : std::as_const(keys))
            exists << Command{"EXISTS", k};
        auto replies = node->connection->pipeline(exists);
        if (!replies)
            return fail(args.target, replies.error());
        for (qsizetype i = 0; i < keys.size(); ++i) {
            if (replies->at(i).toInteger() > 0)
                r.samples << keys.at(i);
        }
        r.complete = true;
    } else {
        r = SessionDeleter::deleteKeys(*node->connection, keys, &g_interrupted);
    }
    r.node = node->node;
    if (!dryRun) {
        if (Status logged = AuditLog::recordDelete(args.target.url.toString(), r); !logged)
            err() << "sessiondeck-cli: " << logged.errorMessage() << "\n";
    }
    const qint64 wouldDelete = byPattern ? r.requested : r.samples.size();
    if (args.target.json) {
        QJsonArray samples;
        for (const QByteArray &k : std::as_const(r.samples))
            samples.append(AuditLog::printableKey(k));
        QJsonObject o{{"dry_run", dryRun}, {"complete", r.complete}, {"node", r.node.toString()}};
        if (dryRun) {
            o[QStringLiteral("would_delete")] = wouldDelete;
            o[QStringLiteral("samples")] = samples;
        } else {
            o[QStringLiteral("deleted")] = r.deleted;
            o[QStringLiteral("requested")] = r.requested;
        }
        if (byPattern)
            o[QStringLiteral("pattern")] = QString::fromUtf8(pattern);
        if (!r.error.isEmpty())
            o[QStringLiteral("error")] = r.error;
        printJson(o);
    } else if (dryRun) {
        out() << "Would delete " << wouldDelete << " key" << (wouldDelete == 1 ? "" : "s");
        if (byPattern)
            out() << " matching '" << pattern << "'";
        out() << " on " << r.node.toString() << "\n";
        for (const QByteArray &k : std::as_const(r.samples))
            out() << "  " << AuditLog::printableKey(k) << "\n";
    } else {
        out() << "Deleted " << r.deleted << " of " << r.requested << " key" << (r.requested == 1 ? "" : "s")
              << " on " << r.node.toString();
        if (!r.error.isEmpty())
            out() << " (stopped: " << r.error << ")";
        out() << "\n";
    }
    out().flush();
    if (!r.complete && r.error != QStringLiteral("cancelled"))
        err() << "sessiondeck-cli: " << r.error << "\n";
    return r.complete ? ExitOk : ExitUnreachable;
}

} // namespace

int runSessions(const QCommandLineParser &parser, const QStringList &arguments)
{
    if (arguments.isEmpty())
        return usage(QStringLiteral("sessions wants stats, list, show or delete"));
    const QString sub = arguments.first();
    const QStringList rest = arguments.mid(1);
    if (sub == QLatin1String("show"))
        return runShow(parser, rest);
    if (sub == QLatin1String("delete"))
        return runDelete(parser, rest);
    if (!rest.isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(rest.first()));
    if (sub == QLatin1String("stats"))
        return runStats(parser);
    if (sub == QLatin1String("list"))
        return runList(parser);
    return usage(QStringLiteral("unknown sessions command '%1'").arg(sub));
}

} // namespace cli
