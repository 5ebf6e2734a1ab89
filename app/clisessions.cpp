// sessiondeck-cli sessions stats | list | show | delete: the Sessions page's work from a shell.

#include "app/clicommon.h"
#include "core/cluster/clustercensus.h"
#include "core/cluster/clusterdeleter.h"
#include "core/cluster/clusterrouter.h"
#include "core/cluster/clusterscan.h"
#include "core/cluster/clustersessions.h"
#include "core/cluster/clusterslot.h"
#include "core/monitor/topologypoller.h"
#include "core/sessions/auditlog.h"
#include "core/sessions/sessionbrowser.h"
#include "core/sessions/sessioncensus.h"
#include "core/sessions/sessionexport.h"
#include "core/sessions/sessionkeyresolver.h"
#include "core/sessions/sessionttl.h"
#include "core/support/format.h"
#include "core/support/jsontext.h"
#include "core/support/keytext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

#include <limits>

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
    if (args.prefix.isEmpty())
        return usage(QStringLiteral("--prefix '' would take every key of the database for a session: give the sessions' prefix (connect-redis uses sess:)"));
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


// The --match glob: refused when given empty (it would read as every session).
std::optional<int> matchArgument(const QCommandLineParser &parser, QByteArray &glob)
{
    if (!parser.isSet(QStringLiteral("match")))
        return std::nullopt;
    glob = parser.value(QStringLiteral("match")).toUtf8();
    if (glob.isEmpty())
        return usage(QStringLiteral("--match '' matches nothing: give a glob for the session ids (* for every session)"));
    return std::nullopt;
}

// Resolves the arguments to keys (SessionKeyResolver's rules) with `resolve` (on one node, or
// each key asked of its own cluster node); an exit code when one is ambiguous or names no
// session id at all.
template<typename Resolve>
std::optional<int> resolveWith(const SessionArgs &args, const QStringList &inputs, QList<ResolvedKey> &resolved,
                               const Resolve &resolve)
{
    for (const QString &input : inputs) {
        if (SessionKeyResolver::readings(input, args.prefix).isEmpty())
            return usage(QStringLiteral("no session id in '%1'").arg(safe(input)));
    }
    Result<QList<ResolvedKey>> r = resolve();
    if (!r)
        return fail(args.target, r.error());
    for (const ResolvedKey &k : std::as_const(*r)) {
        if (k.isAmbiguous())
            return fail(args.target, makeError(ErrorKind::ServerError, k.ambiguityMessage()));
    }
    resolved = *r;
    return std::nullopt;
}

std::optional<int> resolveInputs(const SessionArgs &args, RedisConnection &connection, const QStringList &inputs,
                                 QList<ResolvedKey> &resolved)
{
    return resolveWith(args, inputs, resolved,
                       [&] { return SessionKeyResolver::resolve(connection, inputs, args.prefix); });
}

std::optional<int> resolveInputs(const SessionArgs &args, ClusterRouter &router, const QStringList &inputs,
                                 QList<ResolvedKey> &resolved)
{
    return resolveWith(args, inputs, resolved, [&] {
        return SessionKeyResolver::resolve(ClusterSessions::existsThrough(router), inputs, args.prefix);
    });
}

// A router for the cluster `args` names, its slot map read; an exit code when no node answers.
std::optional<int> openRouter(const SessionArgs &args, std::optional<ClusterRouter> &router)
{
    router.emplace(args.target.url, args.target.options);
    if (Status refreshed = router->refresh(); !refreshed)
        return fail(args.target, refreshed.error());
    return std::nullopt;
}

QJsonObject histogramsJson(const CensusResult &r, QJsonObject o)
{
    QJsonObject ttl;
    for (int b = 0; b < CensusResult::TtlBuckets; ++b)
        ttl[CensusResult::ttlBucketName(b)] = r.ttl[b];
    QJsonObject sizes;
    for (int b = 0; b < CensusResult::SizeBuckets; ++b)
        sizes[CensusResult::sizeBucketName(b)] = r.sizes[b];
    o.insert("ttl_histogram", ttl);
    o.insert("size_histogram", sizes);
    return o;
}

void printHistograms(const CensusResult &r)
{
    out() << "\nTTL:\n";
    for (int b = 0; b < CensusResult::TtlBuckets; ++b)
        out() << "  " << CensusResult::ttlBucketName(b).leftJustified(10) << r.ttl[b] << "\n";
    out() << "Size:\n";
    for (int b = 0; b < CensusResult::SizeBuckets; ++b)
        out() << "  " << CensusResult::sizeBucketName(b).leftJustified(10) << r.sizes[b] << "\n";
}

// One poll of a cluster's topology into `s`; an exit code when no node answered.
std::optional<int> pollCluster(const SessionArgs &args, TopologySnapshot &s)
{
    auto polled = ClusterSessions::poll(args.target.url);
    if (!polled)
        return fail(args.target, polled.error());
    s = *polled;
    return std::nullopt;
}

// A cluster: every shard counted at once, the total and each shard's figure.
int runClusterStats(SessionArgs &args)
{
    TopologySnapshot s;
    if (auto code = pollCluster(args, s))
        return *code;
    ScanOptions options;
    options.keysPerSecond = args.keysPerSecond;
    cancelOnInterrupt();
    const CensusResult r = ClusterCensus::run(args.target.url, s, QString::fromUtf8(args.prefix), &g_interrupted, options,
                                              args.replica);
    if (std::none_of(r.shards.begin(), r.shards.end(), [](const ShardCensus &c) { return c.complete; })
        && !g_interrupted.load())
        return fail(args.target, makeError(ErrorKind::ServerError, QStringLiteral("no shard could be counted: ") + r.error));
    if (args.target.json) {
        QJsonArray shards;
        for (const ShardCensus &shard : r.shards) {
            const ShardState *state = s.shardOf(shard.node);
            QJsonObject o{{"slots", shard.name},
                          {"primary", state && state->hasPrimary ? state->primary.address.toString() : shard.node.toString()},
                          {"node", shard.node.toString()},
                          {"count", shard.count},
                          {"total_bytes", shard.totalBytes},
                          {"complete", shard.complete},
                          {"elapsed_ms", shard.durationMs}};
            if (!shard.error.isEmpty())
                o.insert("error", shard.error);
            if (!shard.failedNode.host.isEmpty())
                o.insert("counted_again_after", shard.failedNode.toString());   // its old primary died midway
            shards.append(o);
        }
        QJsonObject o{{"prefix", r.prefix},
                      {"kind", "cluster"},
                      {"complete", r.complete},
                      {"count", r.count},
                      {"other_types", r.otherTypes},
                      {"total_bytes", r.totalBytes},
                      {"elapsed_ms", r.durationMs},
                      {"shards", shards}};
        if (!r.error.isEmpty())
            o.insert("error", r.error);
        printJson(histogramsJson(r, o));
    } else {
        const QLocale c = QLocale::c();
        out() << "Sessions under '" << r.prefix << "' on " << r.shards.size() << " shards: "
              << (r.complete ? "" : "at least ") << r.count << (r.complete ? "" : " (partial: a shard was not counted)")
              << "\n";
        for (const ShardCensus &shard : r.shards)
            out() << "  shard " << shard.name.leftJustified(18) << " on "
                  << (shard.node.host.isEmpty() ? QStringLiteral("(not read)") : shard.node.toString()).leftJustified(21)
                  << " " << shard.count << (shard.complete ? "" : "  (partial: " + safe(shard.error) + ")") << "  in "
                  << shard.durationMs << " ms"
                  << (shard.failedNode.host.isEmpty()
                          ? QString()
                          : "  (counted again: " + shard.failedNode.toString() + " failed midway)")
                  << "\n";
        out() << "Total size: " << format::bytes(r.totalBytes, c) << " in string values";
        if (r.otherTypes)
            out() << "; " << r.otherTypes << " keys of other types";
        printHistograms(r);
        out() << "Counted in " << r.durationMs << " ms, the shards at once\n";
    }
    out().flush();
    if (!r.complete && !args.target.json)
        err() << "sessiondeck-cli: the count is partial: " << safe(r.error) << "\n";
    return r.complete ? ExitOk : ExitUnreachable;
}

int runStats(const QCommandLineParser &parser)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    if (args.target.url.isCluster())
        return runClusterStats(args);
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
        printJson(histogramsJson(r, QJsonObject{{"prefix", r.prefix},
                                                {"node", node->node.toString()},
                                                {"complete", r.complete},
                                                {"count", r.count},
                                                {"other_types", r.otherTypes},
                                                {"total_bytes", r.totalBytes},
                                                {"elapsed_ms", r.durationMs}}));
    } else {
        const QLocale c = QLocale::c();
        out() << "Sessions under '" << r.prefix << "' on " << node->node.toString()
              << (r.complete ? "" : " (cancelled, partial)") << ": " << r.count << "\n";
        out() << "Total size: " << format::bytes(r.totalBytes, c) << " in string values";
        if (r.otherTypes)
            out() << "; " << r.otherTypes << " keys of other types";
        printHistograms(r);
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
    if (auto code = matchArgument(parser, options.match))
        return *code;
    options.keysPerSecond = args.keysPerSecond;
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        options.limit = parser.value(QStringLiteral("limit")).toLongLong(&ok);
        if (!ok || options.limit <= 0)
            return usage(QStringLiteral("--limit wants a positive number"));
    }
    const QString output = parser.value(QStringLiteral("output"));
    if (parser.isSet(QStringLiteral("output")) && output.isEmpty())
        return usage(QStringLiteral("--output wants a file name (.csv or .json)"));
    if (!output.isEmpty() && !SessionExport::formatFor(output))
        return usage(QStringLiteral("--output: the file name must end in .csv or .json"));
    if (!output.isEmpty() && args.target.json)
        return usage(QStringLiteral("--output and --json do not go together: the file's extension says its format"));
    // A cluster: every shard scanned at once, its rows tagged with their shard.
    std::optional<TopologySnapshot> cluster;
    std::optional<ConnectedNode> node;
    if (args.target.url.isCluster()) {
        if (auto code = pollCluster(args, cluster.emplace()))
            return *code;
    } else {
        auto opened = openNode(args, args.replica);
        if (!opened)
            return fail(args.target, opened.error());
        node = std::move(*opened);
    }
    // To a file: the same writer and fields as the window's Export; nothing is left behind when
    // the scan fails or is interrupted.
    SessionExport file;
    if (!output.isEmpty()) {
        if (Status opened = file.open(output); !opened)
            return fail(args.target, opened.error());
    }
    cancelOnInterrupt();
    const auto print = [&](const QString &shard, ScanBatch &&batch) {
        for (const SessionRow &row : std::as_const(batch.rows)) {
            if (!output.isEmpty()) {
                file.add(row, args.prefix, row.fetchedAtMs);
                continue;
            }
            const QString id = format::sessionId(row.key, args.prefix);
            if (args.target.json) {
                QJsonObject o = format::sessionRowJson(row, args.prefix, row.fetchedAtMs);
                if (cluster)
                    o.insert("shard", shard);
                out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
            } else {
                out() << id << "\t" << format::ttl(row.pttlMs) << "\t" << row.size << "\t"
                      << SessionRow::typeName(row.type) << "\t" << safe(row.user);
                if (cluster)
                    out() << "\t" << shard;
                out() << "\n";
            }
        }
        out().flush();
        return true;
    };
    QString scanError;
    if (cluster) {
        const ClusterScanSummary summary = ClusterScan::run(args.target.url, *cluster, options, &g_interrupted, print,
                                                            args.replica);
        scanError = summary.error;
    } else {
        scanError = SessionScanner::scan(*node->connection, options, &g_interrupted, [&](ScanBatch &&batch) {
                        return print(QString(), std::move(batch));
                    }).error;
    }
    if (!scanError.isEmpty() && scanError != QStringLiteral("cancelled"))
        return fail(args.target, makeError(ErrorKind::ServerError, scanError));
    if (!output.isEmpty()) {
        if (scanError == QStringLiteral("cancelled")) {
            err() << "sessiondeck-cli: interrupted; " << safe(output) << " was not written\n";
            return ExitUnreachable;
        }
        if (Status written = file.commit(); !written)
            return fail(args.target, written.error());
        err() << "Wrote " << file.rows() << " session(s) to " << safe(output) << "\n";
    }
    return ExitOk;
}

int runShow(const QCommandLineParser &parser, const QStringList &ids)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    if (ids.size() != 1)
        return usage(QStringLiteral("sessions show wants one session id, key or cookie"));
    const bool whole = parser.isSet(QStringLiteral("whole"));
    // A cluster: the key's own node, found through the router; one node otherwise.
    std::optional<ClusterRouter> router;
    std::optional<ConnectedNode> node;
    RedisConnection *connection = nullptr;
    HostPort where;
    QList<ResolvedKey> resolved;
    if (args.target.url.isCluster()) {
        if (args.replica)
            return usage(QStringLiteral("sessions show --replica is for Sentinel URLs; on a cluster it reads the key's primary"));
        if (auto code = openRouter(args, router))
            return *code;
        if (auto code = resolveInputs(args, *router, ids, resolved))
            return *code;
    } else {
        auto opened = openNode(args, args.replica);
        if (!opened)
            return fail(args.target, opened.error());
        node = std::move(*opened);
        connection = node->connection.get();
        where = node->node;
        if (auto code = resolveInputs(args, *connection, ids, resolved))
            return *code;
    }
    const QByteArray key = resolved.first().key;
    auto s = router ? ClusterSessions::fetch(*router, key, args.prefix, whole, &where)
                    : SessionBrowser::fetchSession(*connection, key, args.prefix, whole);
    if (!s)
        return fail(args.target, s.error());
    if (s->kind == DecodedSession::Kind::Missing) {
        return fail(args.target, makeError(ErrorKind::NotFound,
                                           QStringLiteral("no session '%1' on %2")
                                               .arg(KeyText::printable(key), router ? QStringLiteral("the cluster")
                                                                                    : where.toString())));
    }
    const bool json = s->kind == DecodedSession::Kind::ConnectRedis || s->kind == DecodedSession::Kind::Json;
    if (args.target.json) {
        QJsonObject fields;
        for (const auto &f : std::as_const(s->fields))
            fields[f.first] = f.second;
        QJsonObject o{{"key", KeyText::printable(s->key)},
                      {"key_base64", QString::fromLatin1(s->key.toBase64())},
                      {"id", KeyText::printable(s->id)},
                      {"type", QString::fromUtf8(s->redisType)},
                      {"kind", DecodedSession::kindName(s->kind)},
                      {"ttl_ms", s->pttlMs},
                      {"size", s->size},
                      {"size_unit", s->sizeUnit()},
                      {"memory_usage", s->memoryUsage},
                      {"truncated", s->truncated},
                      {"user", s->user},
                      {"fields", fields},
                      {"note", s->note},
                      {"node", where.toString()}};
        if (router)
            o.insert("slot", keySlot(key));
        // "value" is the session's own JSON text, spliced in as it is (it was validated), so
        // that its numbers keep their digits and its members their order.
        // A placeholder no session can hold (it has a random part), spliced once; only text that
        // is strict RFC 8259 JSON goes in (QJsonDocument also takes ".5").
        const QString Placeholder = QStringLiteral("\x01sessiondeck-value-%1\x01").arg(QRandomGenerator::system()->generate64());
        const bool splice = json && !s->truncated && JsonText::isValid(s->raw);
        if (splice)
            o[QStringLiteral("value")] = Placeholder;
        else if (s->kind == DecodedSession::Kind::Binary && whole)
            o[QStringLiteral("value_hex")] = QString::fromLatin1(s->raw.toHex());
        else
            o[QStringLiteral("value_text")] = s->pretty;
        QByteArray doc = QJsonDocument(o).toJson(QJsonDocument::Indented);
        if (splice) {
            const QByteArray token = QJsonDocument(QJsonArray{Placeholder}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
            const qsizetype at = doc.indexOf(token);
            if (at >= 0 && doc.indexOf(token, at + 1) < 0)
                doc.replace(at, token.size(), s->raw.trimmed());
        }
        out() << doc;
        out().flush();
        return ExitOk;
    }
    out() << "Key:     " << KeyText::printable(s->key) << "\n";
    if (router)
        out() << "Node:    " << where.toString() << " (slot " << keySlot(key) << ")\n";
    out() << "Format:  " << DecodedSession::kindName(s->kind) << " (" << safe(QString::fromUtf8(s->redisType)) << ")\n";
    out() << "TTL:     " << format::ttl(s->pttlMs) << "\n";
    if (s->size < 0)
        out() << "Size:    unknown";
    else
        out() << "Size:    " << s->size << " " << s->sizeUnit();
    if (s->memoryUsage >= 0)
        out() << " (" << s->memoryUsage << " bytes in memory)";
    out() << "\n";
    if (!s->user.isEmpty())
        out() << "User:    " << safe(s->user) << "\n";
    if (!s->note.isEmpty())
        out() << "Note:    " << safe(s->note) << "\n";
    for (const auto &f : std::as_const(s->fields))
        out() << "  " << safe(f.first) << " = " << safe(f.second) << "\n";
    QString body = s->pretty;
    if (whole) {
        // However large: the decoder's view is cut past about 1 MiB (text) or 4 KiB (hex).
        if (json)
            body = JsonText::indented(s->raw, 4);
        else if (s->kind == DecodedSession::Kind::Binary)
            body = SessionDecoder::hexDump(s->raw, int(qMin<qsizetype>(s->raw.size(), std::numeric_limits<int>::max())));
        else if (s->kind == DecodedSession::Kind::Text)
            body = QString::fromUtf8(s->raw);
    }
    // Line breaks stay only where SessionDeck made them (indented JSON, whose strings are
    // escaped, and the hex dump); a text value or a hash field cannot start a line of its own.
    const bool ownLines = json || s->kind == DecodedSession::Kind::Binary;
    out() << "\n" << KeyText::terminalSafe(body, ownLines) << "\n";
    out().flush();
    return ExitOk;
}

void printKeys(const QList<QByteArray> &keys, const QByteArray &prefix, qsizetype limit)
{
    for (qsizetype i = 0; i < keys.size() && i < limit; ++i)
        out() << "  " << format::sessionId(keys.at(i), prefix) << "  (key " << KeyText::printable(keys.at(i)) << ")\n";
    if (keys.size() > limit)
        out() << "  … and " << (keys.size() - limit) << " more\n";
}

// A pattern or user preview that did not finish, or whose set is not the one `expect` (a dry
// run's fingerprint) names: the exit code, nothing deleted.
std::optional<int> checkPreview(const Target &target, const DeleteResult &preview, const QString &expect,
                                const QString &what)
{
    if (!preview.complete) {
        if (preview.error == QStringLiteral("cancelled")) {
            err() << "sessiondeck-cli: cancelled while counting; nothing was deleted\n";
            return ExitUnreachable;
        }
        return fail(target, makeError(ErrorKind::ServerError, preview.error + QStringLiteral("; nothing was deleted")));
    }
    if (!expect.isEmpty() && preview.fingerprint() != expect) {
        return fail(target, makeError(ErrorKind::ServerError,
                                      QStringLiteral("%1 are not the ones the dry run counted (%2 now, %3 then: keys "
                                                     "were added, removed or replaced); nothing was deleted: run "
                                                     "--dry-run again and check what changed")
                                          .arg(what, QString::number(preview.requested),
                                               expect.section(QLatin1Char(':'), 0, 0))));
    }
    return std::nullopt;
}

int runDelete(const QCommandLineParser &parser, const QStringList &inputs)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    QByteArray glob;
    if (auto code = matchArgument(parser, glob))
        return *code;
    const bool byPattern = parser.isSet(QStringLiteral("match"));
    const bool byUser = parser.isSet(QStringLiteral("user"));
    const QString user = parser.value(QStringLiteral("user"));
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    const bool yes = parser.isSet(QStringLiteral("yes"));
    if (int(byPattern) + int(byUser) + int(!inputs.isEmpty()) != 1)
        return usage(QStringLiteral("sessions delete wants one of: keys, --match GLOB, --user NAME"));
    if (byUser && user.isEmpty())
        return usage(QStringLiteral("--user '' matches nobody: give the user as `sessions list` shows it (an id, a name or an email)"));
    if (dryRun && yes)
        return usage(QStringLiteral("sessions delete: --dry-run and --yes do not go together"));
    // What a dry run printed: the count and a fingerprint of the very keys ("3:1f2e…").
    const QString expect = parser.value(QStringLiteral("expect"));
    static const QRegularExpression fingerprint(QStringLiteral("^[0-9]+:[0-9a-f]{16}$"));
    if (parser.isSet(QStringLiteral("expect")) && (!(byPattern || byUser) || !fingerprint.match(expect).hasMatch()))
        return usage(QStringLiteral("--expect wants what a --match or --user dry run printed after --expect (count:fingerprint)"));
    const QByteArray pattern = byPattern ? SessionScanner::matchPattern(args.prefix, glob) : QByteArray();
    if (!dryRun && !yes && (byPattern || byUser || inputs.size() > 1)) {
        return usage(byPattern ? QStringLiteral("deleting every key matching '%1' needs --yes (try --dry-run first)")
                                     .arg(KeyText::printable(pattern))
                     : byUser ? QStringLiteral("deleting every session of user '%1' needs --yes (try --dry-run first)")
                                    .arg(safe(user))
                              : QStringLiteral("deleting %1 keys needs --yes").arg(inputs.size()));
    }
    // A cluster: the keys go to their shards through the router; one node otherwise.
    std::optional<ClusterRouter> router;
    std::optional<TopologySnapshot> cluster;
    std::optional<ConnectedNode> node;
    QString where;
    if (args.target.url.isCluster()) {
        if (auto code = pollCluster(args, cluster.emplace()))
            return *code;
        if (auto code = openRouter(args, router))
            return *code;
        where = QStringLiteral("the cluster (%1 shards)").arg(router->primaries().size());
    } else {
        auto opened = openNode(args, false);   // deletes go to the master
        if (!opened)
            return fail(args.target, opened.error());
        node = std::move(*opened);
        where = node->node.toString();
    }
    cancelOnInterrupt();

    DeleteResult request;
    QStringList missing;
    if (byPattern && cluster) {
        request = ClusterDeleter::previewMatching(args.target.url, *cluster, args.prefix, glob, &g_interrupted, 10,
                                                  args.keysPerSecond);
    } else if (byPattern) {
        request = SessionDeleter::previewMatching(*node->connection, args.prefix, glob, &g_interrupted, {}, 10,
                                                  args.keysPerSecond);
    } else if (byUser && cluster) {
        request = ClusterDeleter::previewUser(args.target.url, *cluster, args.prefix, user, &g_interrupted, 10,
                                              args.keysPerSecond);
    } else if (byUser) {
        // The scan pipelines ahead on its connection; the values are read on a second one.
        auto reader = openNode(args, false);
        if (!reader)
            return fail(args.target, reader.error());
        request = SessionDeleter::previewUser(*node->connection, *reader->connection, args.prefix, user, &g_interrupted,
                                              {}, 10, args.keysPerSecond);
    } else {
        QList<ResolvedKey> resolved;
        if (router) {
            if (auto code = resolveInputs(args, *router, inputs, resolved))
                return *code;
        } else if (auto code = resolveInputs(args, *node->connection, inputs, resolved)) {
            return *code;
        }
        QSet<QByteArray> unique;
        request.mode = DeleteResult::Mode::Keys;
        for (const ResolvedKey &k : std::as_const(resolved)) {
            if (!k.exists) {
                missing << KeyText::printable(k.key);
                continue;
            }
            if (!unique.contains(k.key)) {
                unique.insert(k.key);
                request.keys << k.key;
            }
        }
        request.requested = request.keys.size();
    }
    const qint64 asked = byPattern || byUser ? request.requested : inputs.size();
    if (byPattern || byUser) {
        const QString what = byPattern ? QStringLiteral("the keys matching '%1'").arg(KeyText::printable(pattern))
                                       : QStringLiteral("the sessions of user '%1'").arg(safe(user));
        if (auto code = checkPreview(args.target, request, dryRun ? QString() : expect, what))
            return *code;
    }
    if (node)
        request.node = node->node;
    for (const QString &m : std::as_const(missing))
        err() << "sessiondeck-cli: no session '" << m << "' on " << where << "; nothing deleted for it\n";

    DeleteResult r = request;
    if (!dryRun && !request.keys.isEmpty()) {
        r = router ? ClusterDeleter::deleteRecorded(*router, *cluster, request, args.target.url.toString(), &g_interrupted,
                                                    AuditLog::defaultPath(), args.keysPerSecond)
                   : AuditLog::deleteRecorded(*node->connection, request, args.target.url.toString(), &g_interrupted, {},
                                              args.keysPerSecond);
        if (!r.auditError.isEmpty())
            err() << "sessiondeck-cli: " << safe(r.auditError) << "\n";
    }
    if (node)
        r.node = node->node;
    if (args.target.json) {
        // The keys deleted: those of a delete that went through (one that stopped names its
        // keys in the audit log only), or what a dry run would delete.
        QJsonArray keys;
        const bool listKeys = dryRun || r.complete;
        for (const QByteArray &k : (listKeys ? (dryRun ? request.keys : r.keys) : QList<QByteArray>()).mid(0, 1000))
            keys.append(KeyText::printable(k));
        QJsonObject o{{"dry_run", dryRun},
                      {"complete", dryRun || r.complete},
                      {"node", router ? QStringLiteral("cluster") : where},
                      {"keys", keys},
                      {"missing", QJsonArray::fromStringList(missing)}};
        if (dryRun) {
            o[QStringLiteral("would_delete")] = request.requested;
            if (byPattern || byUser)
                o[QStringLiteral("expect")] = request.fingerprint();
        } else {
            o[QStringLiteral("deleted")] = r.deleted;
            o[QStringLiteral("requested")] = r.requested;
            o[QStringLiteral("arguments")] = asked;
            if (r.alsoMatching >= 0)
                o[QStringLiteral("also_matching_left")] = r.alsoMatching;
            o[QStringLiteral("audit_op")] = r.auditOp;
        }
        if (byPattern)
            o[QStringLiteral("pattern")] = KeyText::printable(pattern);
        if (byUser)
            o[QStringLiteral("user")] = user;
        if (!r.error.isEmpty())
            o[QStringLiteral("error")] = r.error;
        printJson(o);
    } else if (dryRun) {
        out() << "Would delete " << request.requested << " key" << (request.requested == 1 ? "" : "s");
        if (byPattern)
            out() << " matching '" << KeyText::printable(pattern) << "'";
        if (byUser)
            out() << " of user '" << safe(user) << "'";
        out() << " on " << where << ":\n";
        printKeys(request.keys, args.prefix, 20);
        if ((byPattern || byUser) && request.requested > 0) {
            out() << "To delete exactly these " << request.requested << " keys (refused if any key was added, removed or "
                  << "replaced since): run it again with --yes --expect " << request.fingerprint() << " instead of --dry-run\n";
        }
    } else if (request.keys.isEmpty()) {
        out() << "Nothing to delete on " << where;
        if (byPattern)
            out() << ": no key matches '" << KeyText::printable(pattern) << "'";
        if (byUser)
            out() << ": no session of user '" << safe(user) << "'";
        out() << "\n";
    } else if (r.auditOp.isEmpty()) {
        out() << "Nothing deleted on " << where << ": " << safe(r.error) << "\n";
    } else if (!request.keys.isEmpty()) {
        out() << "Deleted " << r.deleted << " of " << r.requested << " key" << (r.requested == 1 ? "" : "s");
        if (byPattern)
            out() << " matching '" << KeyText::printable(pattern) << "'";
        if (byUser)
            out() << " of user '" << safe(user) << "'";
        out() << " on " << where;
        if (!r.error.isEmpty()) {
            // Which keys went before it stopped is the audit log's to say (one entry a batch).
            out() << " (stopped: " << safe(r.error) << "); the audit log lists the keys deleted\n";
        } else {
            out() << ":\n";
            printKeys(r.keys, args.prefix, 20);
            if (r.deleted < r.requested) {
                out() << (r.requested - r.deleted) << " of them " << (r.requested - r.deleted == 1 ? "was" : "were")
                      << " already gone (expired or deleted meanwhile)\n";
            }
        }
        if (r.alsoMatching > 0) {
            out() << r.alsoMatching << " key" << (r.alsoMatching == 1 ? "" : "s")
                  << " created since the count also match now; left as they are\n";
        }
        if (!r.auditOp.isEmpty())
            out() << "Recorded in the audit log " << AuditLog::defaultPath() << " (op " << r.auditOp << ")\n";
    }
    out().flush();
    if (!r.complete && !dryRun && !request.keys.isEmpty() && r.error != QStringLiteral("cancelled")
        && !r.auditOp.isEmpty())
        err() << "sessiondeck-cli: " << safe(r.error) << "\n";
    if (!missing.isEmpty())
        return ExitUnreachable;
    return dryRun || request.keys.isEmpty() || r.complete ? ExitOk : ExitUnreachable;
}

int runTouch(const QCommandLineParser &parser, const QStringList &ids)
{
    SessionArgs args;
    if (auto code = parseSessionArgs(parser, args))
        return *code;
    if (ids.size() != 1)
        return usage(QStringLiteral("sessions touch wants one session id, key or cookie"));
    const auto ttl = SessionTtl::parseDuration(parser.value(QStringLiteral("ttl")));
    if (!ttl)
        return usage(QStringLiteral("--ttl wants a duration such as 90s, 30m, 2h, 7d or 1h30m"));
    // A write: the master, or on a cluster the primary of the key's slot.
    std::optional<ClusterRouter> router;
    std::optional<ConnectedNode> node;
    QList<ResolvedKey> resolved;
    if (args.target.url.isCluster()) {
        if (auto code = openRouter(args, router))
            return *code;
        if (auto code = resolveInputs(args, *router, ids, resolved))
            return *code;
    } else {
        auto opened = openNode(args, false);
        if (!opened)
            return fail(args.target, opened.error());
        node = std::move(*opened);
        if (auto code = resolveInputs(args, *node->connection, ids, resolved))
            return *code;
    }
    const ResolvedKey &k = resolved.first();
    if (!k.exists) {
        return fail(args.target, makeError(ErrorKind::NotFound,
                                           QStringLiteral("no session '%1' on %2")
                                               .arg(KeyText::printable(k.key),
                                                    router ? QStringLiteral("the cluster") : node->node.toString())));
    }
    const bool updateCookie = parser.isSet(QStringLiteral("update-cookie"));
    auto r = router ? ClusterSessions::touch(*router, k.key, *ttl, updateCookie)
                    : SessionTtl::touch(*node->connection, k.key, *ttl, updateCookie);
    if (!r)
        return fail(args.target, r.error());
    if (args.target.json) {
        QJsonObject o{{"key", KeyText::printable(r->key)}, {"ttl_ms", r->pttlMs}, {"cookie_updated", r->cookieUpdated}};
        if (r->cookieUpdated)
            o[QStringLiteral("cookie_expires")] = r->expires.toString(Qt::ISODateWithMs);
        printJson(o);
    } else {
        out() << "Session " << format::sessionId(r->key, args.prefix) << " (key " << KeyText::printable(r->key) << ") now expires in "
              << format::ttl(r->pttlMs);
        if (r->cookieUpdated)
            out() << "; its cookie expires " << r->expires.toString(Qt::ISODateWithMs);
        else
            out() << "; its cookie's expires is left as it was";
        out() << "\n";
    }
    out().flush();
    return ExitOk;
}

} // namespace

int runSessions(const QCommandLineParser &parser, const QStringList &arguments)
{
    if (arguments.isEmpty())
        return usage(QStringLiteral("sessions wants stats, list, show, delete or touch"));
    const QString sub = arguments.first();
    const QStringList rest = arguments.mid(1);
    if (sub == QLatin1String("show"))
        return runShow(parser, rest);
    if (sub == QLatin1String("delete"))
        return runDelete(parser, rest);
    if (sub == QLatin1String("touch"))
        return runTouch(parser, rest);
    if (!rest.isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(rest.first()));
    if (sub == QLatin1String("stats"))
        return runStats(parser);
    if (sub == QLatin1String("list"))
        return runList(parser);
    return usage(QStringLiteral("unknown sessions command '%1'").arg(sub));
}

} // namespace cli
