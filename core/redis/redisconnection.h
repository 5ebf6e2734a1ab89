#pragma once

// A blocking connection to one Redis server or Sentinel, over hiredis. RAII: the socket closes
// with the object. A connection belongs to the thread that opened it; only that thread may use
// or destroy it (core's workers each open their own).

#include "core/redis/redisurl.h"
#include "core/redis/redisvalue.h"
#include "core/support/result.h"

#include <QByteArrayList>
#include <QList>

#include <memory>

struct redisContext;
class QThread;

namespace sdcore {

class TlsTunnel;

struct ConnectionOptions
{
    int connectTimeoutMs = 2000;
    int commandTimeoutMs = 2000;
    // Shown in CLIENT LIST on the server so operators can tell our connections apart.
    QByteArray clientName = "sessiondeck";
    // Only connect: AUTH, SELECT and CLIENT SETNAME wait for an explicit handshake() (the
    // connectivity test times them apart).
    bool deferHandshake = false;
    // The most one reply may hold in memory (the bytes buffered plus the reply objects built so
    // far); Redis's own proto-max-bulk-len is 512 MiB. A server that sends more, or keeps a reply
    // trickling in for longer than 4 command timeouts (plus a second for each MiB received), gets
    // a Protocol or Timeout error and the connection is closed.
    qint64 maxReplyBytes = qint64(512) << 20;
};

using Command = QByteArrayList;

// What the reply being read has cost so far (bytes of reply objects), against a limit; the
// hiredis reader's object functions keep it.
struct ReplyBudget
{
    qint64 limit = 0;
    qint64 used = 0;
    bool exceeded = false;
};

class RedisConnection
{
public:
    // Connects to the single node of a Tcp or Unix URL, then AUTH (ACL user + password, or the
    // legacy password alone), SELECT db and CLIENT SETNAME. A Sentinel URL must be resolved
    // first (see MasterResolver).
    static Result<std::unique_ptr<RedisConnection>> open(const RedisUrl &url,
                                                         const ConnectionOptions &options = {});

    ~RedisConnection();
    RedisConnection(const RedisConnection &) = delete;
    RedisConnection &operator=(const RedisConnection &) = delete;

    // Sends one command. Error replies become Errors classified by kind (NOAUTH, LOADING,
    // READONLY, NOPERM, WRONGPASS, other); see reply() to receive them as values instead.
    Result<RedisValue> command(const Command &argv);
    // Like command() but server error replies are returned as RedisValue::Error; only
    // connection failures are Errors.
    Result<RedisValue> reply(const Command &argv);
    // Writes all commands, then reads one reply per command (one round trip). Error replies
    // stay values in the list, in order.
    Result<QList<RedisValue>> pipeline(const QList<Command> &commands);

    // Pipelining with more than one batch in flight: write() sends commands without reading
    // anything; receive() then returns their replies one at a time, in order (error replies as
    // values). The caller counts what it sent and reads every reply before using command(),
    // reply() or pipeline() again.
    Status write(const QList<Command> &commands);
    Result<RedisValue> receive();

    // For subscribers (Pub/Sub pushes). The socket, to watch for readability (QSocketNotifier,
    // poll); readAvailable() then reads what arrived without blocking on more and returns every
    // complete message, possibly none. A closed or failed socket is an Error.
    int socketDescriptor() const;
    Result<QList<RedisValue>> readAvailable();
    // Complete messages already received and buffered (after a command's reply, say); no I/O.
    Result<QList<RedisValue>> takeBuffered();
    // Writes a command without waiting for its reply (PING on a subscribed connection); the
    // reply arrives through readAvailable().
    Status send(const Command &argv);

    // After a connection failure the connection is unusable; callers open a new one.
    bool isBroken() const { return m_broken; }
    // "host:port" or the socket path, for messages.
    QString peer() const { return m_peer; }
    // The TLS protocol and cipher in use ("TLSv1.3 TLS_AES_256_GCM_SHA384"); empty without TLS.
    QString tlsDescription() const;
    const RedisUrl &url() const { return m_url; }
    void setCommandTimeout(int ms);
    int commandTimeoutMs() const { return m_options.commandTimeoutMs; }

    // AUTH (ACL user + password, or the legacy password alone), SELECT db and CLIENT SETNAME, as
    // open() does unless told to defer them.
    Status handshake();

    // Decodes RESP bytes the way a connection decodes what it reads (hiredis's parser, the reply
    // limit, the conversion to RedisValue): every complete reply, in order. Bytes that are not
    // RESP, a reply over the limit, or an incomplete reply at the end are an Error. No I/O; for
    // the fuzzer and tests.
    static Result<QList<RedisValue>> decode(QByteArrayView bytes, qint64 maxReplyBytes = qint64(512) << 20);

    // Turns an error reply into an Error whose message names this server and says what to do.
    //
    // Rule a change must keep: the server's text is never shown with a secret in it. The
    // connection's own password is always cut out, and for a command that carries a secret
    // (see secretArguments) the arguments the server echoes back are dropped, and the message
    // is withheld when a secret, or its first 8 characters, is still in it.
    Error errorFromReply(const RedisValue &reply, const Command &argv = {}) const;
    // The arguments of `argv` that are secrets: AUTH's, HELLO … AUTH user password,
    // ACL SETUSER's rules, CONFIG SET requirepass/masterauth/masteruser values, MIGRATE … AUTH
    // and AUTH2, SENTINEL SET … auth-pass, SENTINEL CONFIG SET sentinel-pass.
    static QList<QByteArray> secretArguments(const Command &argv);
    // `text` with the secrets cut out, as errorFromReply() does.
    static QString redactSecrets(const QString &text, const QList<QByteArray> &secrets, bool secretCommand);

private:
    RedisConnection(redisContext *context, std::unique_ptr<TlsTunnel> tunnel, const RedisUrl &url,
                    const ConnectionOptions &options);
    // `savedErrno` is errno as it was right after the failing hiredis call.
    Error contextError(const char *during, int savedErrno);
    // redisGetReply with the bounds of ConnectionOptions::maxReplyBytes and the reply deadline.
    Result<std::unique_ptr<void, void (*)(void *)>> readReply(const char *during);
    Error tooLarge();

    redisContext *m_context = nullptr;
    // For rediss:// targets: hiredis reads and writes plain RESP through it.
    std::unique_ptr<TlsTunnel> m_tunnel;
    RedisUrl m_url;
    ConnectionOptions m_options;
    QString m_peer;
    QThread *m_thread = nullptr;
    bool m_broken = false;
    bool m_answered = false;   // a reply arrived at least once
    ReplyBudget m_budget;
};

// Classifies a server error reply text ("NOAUTH ...", "READONLY ...") into an ErrorKind.
ErrorKind classifyErrorReply(QByteArrayView text);

} // namespace sdcore
