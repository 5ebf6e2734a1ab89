#include "core/redis/redisconnection.h"

#include <QFile>
#include <QRegularExpression>

#include "core/redis/tlstunnel.h"

#include <hiredis.h>

#include <QElapsedTimer>
#include <QThread>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <mutex>
#include <cstring>
#include <sys/time.h>

namespace sdcore {

namespace {

timeval toTimeval(int ms)
{
    timeval tv{};
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

RedisValue convert(const redisReply *r)
{
    if (!r)
        return RedisValue::nil();
    switch (r->type) {
    case REDIS_REPLY_STRING: return RedisValue::bulk(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_STATUS: return RedisValue::status(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_ERROR: return RedisValue::error(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_INTEGER: return RedisValue::integer(r->integer);
    case REDIS_REPLY_ARRAY: {
        QList<RedisValue> elements;
        elements.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            elements.append(convert(r->element[i]));
        return RedisValue::array(std::move(elements));
    }
    case REDIS_REPLY_NIL:
    default: return RedisValue::nil();
    }
}

using ReplyPtr = std::unique_ptr<void, void (*)(void *)>;

// hiredis's reply object functions, the same objects built the same way, plus a budget: each
// object's size is charged to the connection's ReplyBudget (the reader's privdata), and an
// object that would exceed it is refused (hiredis then fails the read, and readReply() says why).
// Without it a server could announce an array of two billion elements, or stream a million
// small ones, and the client would allocate whatever it was told.
redisReply *newReply(const redisReadTask *task, int type, qint64 extra)
{
    auto *budget = static_cast<ReplyBudget *>(task->privdata);
    const qint64 cost = qint64(sizeof(redisReply)) + extra;
    if (budget) {
        if (budget->used + cost > budget->limit) {
            budget->exceeded = true;
            return nullptr;
        }
        budget->used += cost;
    }
    auto *r = static_cast<redisReply *>(calloc(1, sizeof(redisReply)));
    if (r)
        r->type = type;
    return r;
}

void attach(const redisReadTask *task, redisReply *r)
{
    if (task->parent) {
        auto *parent = static_cast<redisReply *>(task->parent->obj);
        parent->element[task->idx] = r;
    }
}

void *createString(const redisReadTask *task, char *str, size_t len)
{
    redisReply *r = newReply(task, task->type, qint64(len) + 1);
    if (!r)
        return nullptr;
    r->str = static_cast<char *>(malloc(len + 1));
    if (!r->str) {
        freeReplyObject(r);
        return nullptr;
    }
    memcpy(r->str, str, len);
    r->str[len] = '\0';
    r->len = len;
    attach(task, r);
    return r;
}

void *createArray(const redisReadTask *task, int elements)
{
    // hiredis has checked the length: -1 is nil and never gets here, other negatives are errors.
    redisReply *r = newReply(task, REDIS_REPLY_ARRAY, qint64(elements) * qint64(sizeof(redisReply *)));
    if (!r)
        return nullptr;
    if (elements > 0) {
        r->element = static_cast<redisReply **>(calloc(size_t(elements), sizeof(redisReply *)));
        if (!r->element) {
            freeReplyObject(r);
            return nullptr;
        }
    }
    r->elements = size_t(qMax(elements, 0));
    attach(task, r);
    return r;
}

void *createInteger(const redisReadTask *task, long long value)
{
    redisReply *r = newReply(task, REDIS_REPLY_INTEGER, 0);
    if (!r)
        return nullptr;
    r->integer = value;
    attach(task, r);
    return r;
}

void *createNil(const redisReadTask *task)
{
    redisReply *r = newReply(task, REDIS_REPLY_NIL, 0);
    if (!r)
        return nullptr;
    attach(task, r);
    return r;
}

redisReplyObjectFunctions budgetedFunctions = {createString, createArray, createInteger, createNil, freeReplyObject};

// RESP encoding of commands into one buffer, sized first and written with memcpy. Formatting
// here instead of with hiredis's redisAppendCommandArgv (an sds allocation and a printf-style
// pass per argument) and in one write instead of QByteArray appends roughly halves the client
// cost of a pipeline; the bytes on the wire are the same.
int decimalDigits(qsizetype n)
{
    int digits = 1;
    while (n >= 10) {
        n /= 10;
        ++digits;
    }
    return digits;
}

char *writeDecimal(char *p, qsizetype n)
{
    const int digits = decimalDigits(n);
    for (int i = digits - 1; i >= 0; --i) {
        p[i] = char('0' + n % 10);
        n /= 10;
    }
    return p + digits;
}

QByteArray encodeResp(const QList<Command> &commands)
{
    qsizetype size = 0;
    for (const Command &argv : commands) {
        size += 3 + decimalDigits(argv.size());
        for (const QByteArray &arg : argv)
            size += 5 + decimalDigits(arg.size()) + arg.size();
    }
    QByteArray out(size, Qt::Uninitialized);
    char *p = out.data();
    for (const Command &argv : commands) {
        *p++ = '*';
        p = writeDecimal(p, argv.size());
        *p++ = '\r';
        *p++ = '\n';
        for (const QByteArray &arg : argv) {
            *p++ = '$';
            p = writeDecimal(p, arg.size());
            *p++ = '\r';
            *p++ = '\n';
            if (!arg.isEmpty())
                std::memcpy(p, arg.constData(), size_t(arg.size()));
            p += arg.size();
            *p++ = '\r';
            *p++ = '\n';
        }
    }
    Q_ASSERT(p == out.data() + out.size());
    return out;
}

QString describeTarget(const RedisUrl &url)
{
    if (url.kind() == RedisUrl::Kind::Unix)
        return url.socketPath();
    return url.hosts().isEmpty() ? QStringLiteral("(no host)") : url.hosts().first().toString();
}

} // namespace

ErrorKind classifyErrorReply(QByteArrayView text)
{
    if (text.startsWith("NOAUTH"))
        return ErrorKind::NoAuth;
    if (text.startsWith("WRONGPASS") || text.startsWith("ERR invalid password")
        || text.startsWith("ERR invalid username-password"))
        return ErrorKind::AuthFailed;
    if (text.startsWith("NOPERM"))
        return ErrorKind::NoPermission;
    if (text.startsWith("LOADING"))
        return ErrorKind::Loading;
    if (text.startsWith("READONLY"))
        return ErrorKind::ReadOnly;
    return ErrorKind::ServerError;
}

RedisConnection::RedisConnection(redisContext *context, std::unique_ptr<TlsTunnel> tunnel,
                                 const RedisUrl &url, const ConnectionOptions &options)
    : m_context(context), m_tunnel(std::move(tunnel)), m_url(url), m_options(options), m_peer(describeTarget(url)),
      m_thread(QThread::currentThread())
{
    m_context->reader->fn = &budgetedFunctions;
    m_context->reader->privdata = &m_budget;
    m_budget.limit = options.maxReplyBytes;
}

Result<QList<RedisValue>> RedisConnection::decode(QByteArrayView bytes, qint64 maxReplyBytes)
{
    std::unique_ptr<redisReader, void (*)(redisReader *)> reader(redisReaderCreateWithFunctions(&budgetedFunctions),
                                                                 redisReaderFree);
    if (!reader)
        return makeError(ErrorKind::Io, QStringLiteral("Out of memory"));
    ReplyBudget budget{maxReplyBytes, 0, false};
    reader->privdata = &budget;
    QList<RedisValue> replies;
    // Fed in pieces, as reads deliver them.
    for (qsizetype at = 0; at < bytes.size(); at += 4096) {
        if (redisReaderFeed(reader.get(), bytes.data() + at, size_t(qMin<qsizetype>(4096, bytes.size() - at))) != REDIS_OK)
            return makeError(ErrorKind::Io, QStringLiteral("Out of memory"));
        for (;;) {
            void *raw = nullptr;
            if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) {
                return makeError(ErrorKind::Protocol, budget.exceeded ? QStringLiteral("reply larger than the limit")
                                                                      : QString::fromLatin1(reader->errstr));
            }
            if (!raw)
                break;
            ReplyPtr r(raw, freeReplyObject);
            budget.used = 0;
            replies.append(convert(static_cast<redisReply *>(raw)));
        }
        if (qint64(reader->len) + budget.used > maxReplyBytes)
            return makeError(ErrorKind::Protocol, QStringLiteral("reply larger than the limit"));
    }
    // Unread bytes, or a reply begun (hiredis leaves ridx at 0 with an untyped task when it
    // merely looked for more).
    if (reader->len > reader->pos || reader->ridx > 0 || (reader->ridx == 0 && reader->rstack[0].type >= 0))
        return makeError(ErrorKind::Protocol, QStringLiteral("incomplete reply at the end"));
    return replies;
}

Error RedisConnection::tooLarge()
{
    m_broken = true;
    return makeError(ErrorKind::Protocol,
                     QStringLiteral("%1 sent a reply larger than the %2 MiB limit; the connection was closed "
                                    "(a hostile or broken server, or a value too large to show)")
                         .arg(m_peer)
                         .arg(double(m_options.maxReplyBytes) / double(1 << 20), 0, 'g', 4));
}

Result<ReplyPtr> RedisConnection::readReply(const char *during)
{
    void *raw = nullptr;
    const auto fromReader = [&]() -> bool {
        errno = 0;
        const bool ok = redisGetReplyFromReader(m_context, &raw) == REDIS_OK;
        if (ok && raw) {
            m_budget.used = 0;   // a whole reply: the next one starts from nothing
            m_answered = true;
        }
        return ok;
    };
    if (!fromReader())
        return m_budget.exceeded ? tooLarge() : contextError(during, errno);
    if (raw)
        return ReplyPtr(raw, freeReplyObject);

    int done = 0;
    do {
        errno = 0;
        if (redisBufferWrite(m_context, &done) != REDIS_OK)
            return contextError(during, errno);
    } while (!done);

    // Each read waits at most the command timeout (SO_RCVTIMEO); the reply as a whole gets 4 of
    // them, and a second more for each MiB that arrives, so a server cannot keep one reply
    // trickling in forever.
    QElapsedTimer clock;
    clock.start();
    const qint64 allowedMs = qint64(qMax(m_options.commandTimeoutMs, 250)) * 4;
    qint64 received = 0;
    for (;;) {
        const size_t before = m_context->reader->len - m_context->reader->pos;
        errno = 0;
        if (redisBufferRead(m_context) != REDIS_OK)
            return contextError(during, errno);
        received += qint64(m_context->reader->len - m_context->reader->pos) - qint64(before);
        if (!fromReader())
            return m_budget.exceeded ? tooLarge() : contextError(during, errno);
        if (raw)
            return ReplyPtr(raw, freeReplyObject);
        if (qint64(m_context->reader->len) + m_budget.used > m_options.maxReplyBytes)
            return tooLarge();
        if (m_options.commandTimeoutMs > 0 && clock.elapsed() > allowedMs + (qMax<qint64>(received, 0) >> 20) * 1000) {
            m_broken = true;
            return makeError(ErrorKind::Timeout,
                             QStringLiteral("%1 kept its reply coming for %2 ms without finishing it (%3 bytes); "
                                            "the connection was closed")
                                 .arg(m_peer)
                                 .arg(clock.elapsed())
                                 .arg(received));
        }
    }
}

RedisConnection::~RedisConnection()
{
    Q_ASSERT_X(QThread::currentThread() == m_thread, "RedisConnection",
               "destroyed on another thread than the one that opened it");
    if (m_context)
        redisFree(m_context);   // closes hiredis's end of the tunnel first, then the tunnel stops
    m_tunnel.reset();
}

QString RedisConnection::tlsDescription() const
{
    return m_tunnel ? m_tunnel->description() : QString();
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::open(const RedisUrl &url,
                                                               const ConnectionOptions &options)
{
    if (url.isSentinel()) {
        return makeError(ErrorKind::BadUrl,
                         QStringLiteral("%1 names sentinels; resolve the master first")
                             .arg(url.toString()));
    }
    if (url.isCluster()) {
        return makeError(ErrorKind::BadUrl,
                         QStringLiteral("%1 names cluster seed nodes; open one node of it")
                             .arg(url.toString()));
    }
    // hiredis writes with write(2): a peer that vanished would raise SIGPIPE and kill the whole
    // app. A failed write must be an error value instead.
    static std::once_flag ignoreSigpipe;
    std::call_once(ignoreSigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });

    const timeval connectTimeout = toTimeval(options.connectTimeoutMs);
    redisContext *ctx = nullptr;
    std::unique_ptr<TlsTunnel> tunnel;
    if (url.kind() == RedisUrl::Kind::Unix) {
        ctx = redisConnectUnixWithTimeout(QFile::encodeName(url.socketPath()).constData(), connectTimeout);
    } else if (url.usesTls()) {
        auto opened = TlsTunnel::open(url.hosts().value(0), url.tls(), options.connectTimeoutMs);
        if (!opened)
            return opened.error();
        tunnel = std::move(*opened);
        ctx = redisConnectFd(tunnel->takeClientFd());
    } else {
        const HostPort node = url.hosts().value(0);
        ctx = redisConnectWithTimeout(node.host.toUtf8().constData(), node.port, connectTimeout);
    }
    const int connectErrno = errno;
    if (!ctx)
        return makeError(ErrorKind::Io, QStringLiteral("Out of memory while connecting"));

    const bool tls = tunnel != nullptr;
    std::unique_ptr<RedisConnection> connection(new RedisConnection(ctx, std::move(tunnel), url, options));
    if (ctx->err)
        return connection->contextError("connect", connectErrno);
    connection->setCommandTimeout(options.commandTimeoutMs);
    // TCP keep-alive is for TCP only: on a Unix socket setsockopt fails ("Operation not
    // supported") and hiredis marks the context broken. The TLS tunnel keeps its own TCP
    // socket alive; the socket pair hiredis reads has none.
    if (!tls && url.kind() == RedisUrl::Kind::Tcp)
        redisEnableKeepAlive(ctx);

    if (options.deferHandshake)
        return connection;
    if (Status handshake = connection->handshake(); !handshake)
        return handshake.error();
    return connection;
}

Status RedisConnection::handshake()
{
    if (m_url.hasPassword()) {
        Command auth{"AUTH"};
        if (!m_url.username().isEmpty())
            auth << m_url.username().toUtf8();
        auth << m_url.password().toUtf8();
        auto r = reply(auth);
        if (!r)
            return r.error();
        // Servers before Redis 6 know only AUTH <password>; an ACL user name then has no
        // meaning (providers put a placeholder user in their URLs), so retry without it.
        if (r->isError() && auth.size() == 3 && r->bytes().contains("wrong number of arguments")) {
            r = reply(Command{"AUTH", m_url.password().toUtf8()});
            if (!r)
                return r.error();
        }
        if (r->isError())
            return errorFromReply(*r, auth);
    }

    QList<Command> setup;
    if (m_url.db() != 0)
        setup << Command{"SELECT", QByteArray::number(m_url.db())};
    if (!m_options.clientName.isEmpty())
        setup << Command{"CLIENT", "SETNAME", m_options.clientName};
    if (setup.isEmpty())
        return success();
    auto replies = pipeline(setup);
    if (!replies)
        return replies.error();
    for (qsizetype i = 0; i < replies->size(); ++i) {
        const RedisValue &r = replies->at(i);
        if (!r.isError())
            continue;
        const ErrorKind kind = classifyErrorReply(r.bytes());
        // A least-privilege ACL user may not be allowed CLIENT SETNAME; that costs nothing.
        if (setup.at(i).first() == "CLIENT" && kind == ErrorKind::NoPermission)
            continue;
        if (setup.at(i).first() == "SELECT" && kind == ErrorKind::ServerError) {
            return makeError(ErrorKind::ServerError,
                             QStringLiteral("%1 has no database %2: %3")
                                 .arg(m_peer)
                                 .arg(m_url.db())
                                 .arg(r.toString()));
        }
        return errorFromReply(r, setup.at(i));
    }
    return success();
}

void RedisConnection::setCommandTimeout(int ms)
{
    m_options.commandTimeoutMs = ms;
    if (m_context && ms > 0)
        redisSetTimeout(m_context, toTimeval(ms));
}

Error RedisConnection::contextError(const char *during, int savedErrno)
{
    // Classified by errno where possible: strerror text is translated under a non-English
    // locale (QCoreApplication calls setlocale), so the text is only shown, not matched.
    m_broken = true;
    const QString detail = QString::fromLocal8Bit(m_context->errstr);
    const bool connecting = std::strcmp(during, "connect") == 0;
    // The tunnel knows why the stream ended when TLS ended it (an alert, a failed write).
    if (m_tunnel && !m_tunnel->failure().isEmpty())
        return makeError(ErrorKind::Tls, m_tunnel->failure());

    // A TLS port drops a client that speaks plain RESP before anything was answered.
    if (!m_answered && !m_tunnel && m_url.kind() == RedisUrl::Kind::Tcp
        && (m_context->err == REDIS_ERR_EOF || savedErrno == ECONNRESET)) {
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1 closed the connection before answering anything: if that port "
                                        "serves TLS (tls-port), use rediss://; otherwise the server was "
                                        "killed or refused this client")
                             .arg(m_peer));
    }
    switch (m_context->err) {
    case REDIS_ERR_EOF:
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1 closed the connection (server shut down, killed, or "
                                        "client killed by the server)")
                             .arg(m_peer));
    case REDIS_ERR_PROTOCOL:
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("%1 sent a reply that is not the Redis protocol (%2); is "
                                        "this really a Redis server?")
                             .arg(m_peer, detail));
    case REDIS_ERR_OTHER:
        // hiredis 0.14 reports here both a failed getaddrinfo and "Can't create socket: <why>"
        // when every address of the host failed (EHOSTUNREACH, ENETUNREACH).
        if (connecting && detail.startsWith(QLatin1String("Can't create socket"))) {
            return makeError(ErrorKind::Refused,
                             QStringLiteral("Cannot reach %1: %2 (host down, or no route to it)")
                                 .arg(m_peer, detail.mid(detail.indexOf(QLatin1Char(':')) + 2)));
        }
        if (connecting && m_url.kind() == RedisUrl::Kind::Tcp) {
            return makeError(ErrorKind::HostUnknown,
                             QStringLiteral("Cannot resolve host '%1': %2")
                                 .arg(m_url.hosts().value(0).host, detail));
        }
        return makeError(ErrorKind::Io, QStringLiteral("%1: %2").arg(m_peer, detail));
    default: break;
    }

    const bool timedOut = savedErrno == EAGAIN || savedErrno == EWOULDBLOCK
        || savedErrno == ETIMEDOUT || detail.contains(QLatin1String("timed out"))
        || detail.contains(QLatin1String("temporarily unavailable"));
    if (detail.contains(QLatin1String("refused")) || savedErrno == ECONNREFUSED) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 refused the connection: nothing is listening there "
                                        "(is Redis running on that port?)")
                             .arg(m_peer));
    }
    if ((savedErrno == ENOENT || detail.contains(QLatin1String("No such file")))
        && m_url.kind() == RedisUrl::Kind::Unix) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("No Redis socket at %1 (is Redis running with "
                                        "unixsocket set to that path?)")
                             .arg(m_peer));
    }
    if (timedOut) {
        if (connecting) {
            return makeError(ErrorKind::Timeout,
                             QStringLiteral("Connecting to %1 timed out after %2 ms (host down, "
                                            "unreachable or firewalled, or the server is stopped)")
                                 .arg(m_peer)
                                 .arg(m_options.connectTimeoutMs));
        }
        return makeError(ErrorKind::Timeout,
                         QStringLiteral("%1 did not answer within %2 ms (server stopped, "
                                        "overloaded, or busy with a slow command); the connection "
                                        "was closed")
                             .arg(m_peer)
                             .arg(m_options.commandTimeoutMs));
    }
    if (savedErrno == ECONNRESET || savedErrno == EPIPE) {
        return makeError(ErrorKind::Io,
                         QStringLiteral("%1 reset the connection (server killed or restarted?)")
                             .arg(m_peer));
    }
    return makeError(ErrorKind::Io, QStringLiteral("%1: %2 during %3")
                                        .arg(m_peer, detail, QLatin1String(during)));
}

Error RedisConnection::errorFromReply(const RedisValue &r, const Command &argv) const
{
    const ErrorKind kind = classifyErrorReply(r.bytes());
    QList<QByteArray> secrets = secretArguments(argv);
    const bool secretCommand = !secrets.isEmpty() || (!argv.isEmpty() && argv.first().toUpper() == "AUTH");
    if (m_url.hasPassword())
        secrets << m_url.password().toUtf8();
    const QString text = redactSecrets(r.toString(), secrets, secretCommand);
    const QString cmd = argv.isEmpty() ? QString() : QString::fromUtf8(argv.first()).toUpper();
    switch (kind) {
    case ErrorKind::NoAuth:
        return makeError(kind, QStringLiteral("%1 requires a password (NOAUTH): give the connection its "
                                              "password (on the command line: --askpass, --password-file FILE "
                                              "or REDISCLI_AUTH)")
                                   .arg(m_peer));
    case ErrorKind::AuthFailed:
        if (m_url.username().isEmpty()) {
            return makeError(kind, QStringLiteral("%1 rejected the password (wrong password, or the "
                                                  "server wants an ACL user name too)")
                                       .arg(m_peer));
        }
        return makeError(kind, QStringLiteral("%1 rejected user '%2': wrong user name or password, "
                                              "or the user is disabled")
                                   .arg(m_peer, m_url.username()));
    case ErrorKind::NoPermission:
        return makeError(kind,
                         QStringLiteral("The ACL user '%1' is not allowed to run %2 on %3 (NOPERM); "
                                        "ask for the permission or use another user")
                             .arg(m_url.username().isEmpty() ? QStringLiteral("default")
                                                             : m_url.username(),
                                  cmd.isEmpty() ? QStringLiteral("this command") : cmd, m_peer));
    case ErrorKind::Loading:
        return makeError(kind, QStringLiteral("%1 is loading its dataset into memory (LOADING); try "
                                              "again in a moment")
                                   .arg(m_peer));
    case ErrorKind::ReadOnly:
        return makeError(kind, QStringLiteral("%1 is a read-only replica (READONLY); writes must go "
                                              "to the master")
                                   .arg(m_peer));
    default: break;
    }
    if (cmd == QLatin1String("AUTH") && text.contains(QLatin1String("without any password"))) {
        return makeError(ErrorKind::AuthFailed,
                         QStringLiteral("%1 has no password set, but the URL gives one; remove "
                                        "the password from the URL")
                             .arg(m_peer));
    }
    return makeError(kind, cmd.isEmpty() ? QStringLiteral("%1: %2").arg(m_peer, text)
                                         : QStringLiteral("%1 answered %2 with: %3")
                                               .arg(m_peer, cmd, text));
}

Result<RedisValue> RedisConnection::reply(const Command &argv)
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (m_broken)
        return makeError(ErrorKind::Io, QStringLiteral("The connection to %1 is closed").arg(m_peer));
    if (argv.isEmpty())
        return makeError(ErrorKind::ServerError, QStringLiteral("Empty command"));
    const QByteArray resp = encodeResp({argv});
    if (redisAppendFormattedCommand(m_context, resp.constData(), size_t(resp.size())) != REDIS_OK)
        return contextError(argv.first().constData(), errno);
    auto r = readReply(argv.first().constData());
    if (!r)
        return r.error();
    return convert(static_cast<redisReply *>(r->get()));
}

Result<RedisValue> RedisConnection::command(const Command &argv)
{
    auto r = reply(argv);
    if (r && r->isError())
        return errorFromReply(*r, argv);
    return r;
}

Result<QList<RedisValue>> RedisConnection::pipeline(const QList<Command> &commands)
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (m_broken)
        return makeError(ErrorKind::Io, QStringLiteral("The connection to %1 is closed").arg(m_peer));
    if (commands.isEmpty())
        return QList<RedisValue>();
    for (const Command &argv : commands) {
        if (argv.isEmpty())
            return makeError(ErrorKind::ServerError, QStringLiteral("Empty command in a pipeline"));
    }
    const QByteArray resp = encodeResp(commands);
    if (redisAppendFormattedCommand(m_context, resp.constData(), size_t(resp.size())) != REDIS_OK)
        return contextError("pipeline", errno);
    QList<RedisValue> replies;
    replies.reserve(commands.size());
    for (qsizetype i = 0; i < commands.size(); ++i) {
        auto r = readReply("pipeline");
        if (!r)
            return r.error();
        replies.append(convert(static_cast<redisReply *>(r->get())));
    }
    return replies;
}

int RedisConnection::socketDescriptor() const
{
    return m_context ? m_context->fd : -1;
}

Result<QList<RedisValue>> RedisConnection::takeBuffered()
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (m_broken)
        return makeError(ErrorKind::Io, QStringLiteral("The connection to %1 is closed").arg(m_peer));
    QList<RedisValue> messages;
    for (;;) {
        void *raw = nullptr;
        if (redisGetReplyFromReader(m_context, &raw) != REDIS_OK)
            return m_budget.exceeded ? tooLarge() : contextError("read", errno);
        if (!raw) {
            // Part of a message may wait for more bytes, but not beyond the limit.
            if (qint64(m_context->reader->len) + m_budget.used > m_options.maxReplyBytes)
                return tooLarge();
            return messages;
        }
        m_budget.used = 0;
        m_answered = true;
        ReplyPtr r(raw, freeReplyObject);
        messages.append(convert(static_cast<redisReply *>(raw)));
    }
}

Status RedisConnection::send(const Command &argv)
{
    return write({argv});
}

Status RedisConnection::write(const QList<Command> &commands)
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (m_broken)
        return makeError(ErrorKind::Io, QStringLiteral("The connection to %1 is closed").arg(m_peer));
    for (const Command &argv : commands) {
        if (argv.isEmpty())
            return makeError(ErrorKind::ServerError, QStringLiteral("Empty command"));
    }
    if (commands.isEmpty())
        return success();
    const char *what = commands.size() == 1 ? commands.first().first().constData() : "pipeline";
    const QByteArray resp = encodeResp(commands);
    if (redisAppendFormattedCommand(m_context, resp.constData(), size_t(resp.size())) != REDIS_OK)
        return contextError(what, errno);
    int done = 0;
    while (!done) {
        errno = 0;
        if (redisBufferWrite(m_context, &done) != REDIS_OK)
            return contextError(what, errno);
    }
    return success();
}

Result<RedisValue> RedisConnection::receive()
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (m_broken)
        return makeError(ErrorKind::Io, QStringLiteral("The connection to %1 is closed").arg(m_peer));
    auto r = readReply("read");
    if (!r)
        return r.error();
    return convert(static_cast<redisReply *>(r->get()));
}

Result<QList<RedisValue>> RedisConnection::readAvailable()
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (m_broken)
        return makeError(ErrorKind::Io, QStringLiteral("The connection to %1 is closed").arg(m_peer));
    // One read(2): called when the socket is readable, so it does not wait; end of file (the
    // server went away) comes back as an error.
    errno = 0;
    if (redisBufferRead(m_context) != REDIS_OK)
        return contextError("read", errno);
    return takeBuffered();
}

} // namespace sdcore
