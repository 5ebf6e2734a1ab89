#include "core/redis/tlstunnel.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <QElapsedTimer>
#include <QFile>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sdcore {

namespace {

class Fd
{
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd &&other) noexcept : m_fd(other.release()) {}
    Fd &operator=(Fd &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = other.release();
        }
        return *this;
    }
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

bool setNonBlocking(int fd)
{
    const int flags = fcntl(fd, F_GETFL, 0);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

// OpenSSL's error queue as one line, emptied; `fallback` when it holds nothing.
QString sslErrors(const QString &fallback = {})
{
    QStringList parts;
    while (const unsigned long code = ERR_get_error()) {
        const char *reason = ERR_reason_error_string(code);
        parts << (reason ? QString::fromLatin1(reason) : QStringLiteral("error %1").arg(code, 0, 16));
    }
    parts.removeDuplicates();
    return parts.isEmpty() ? fallback : parts.join(QStringLiteral("; "));
}

int remainingMs(const QElapsedTimer &clock, int timeoutMs)
{
    return int(qMax<qint64>(0, timeoutMs - clock.elapsed()));
}

// Waits for `events` on fd until the deadline; false on timeout.
bool waitFor(int fd, short events, const QElapsedTimer &clock, int timeoutMs)
{
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, remainingMs(clock, timeoutMs));
        if (n > 0)
            return true;
        if (n == 0)
            return false;
        if (errno != EINTR)
            return true;   // the next call on the socket reports the error
    }
}

Result<Fd> connectTcp(const HostPort &node, int timeoutMs, const QElapsedTimer &clock)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    const QByteArray host = node.host.toUtf8();
    const QByteArray port = QByteArray::number(node.port);
    if (const int rc = ::getaddrinfo(host.constData(), port.constData(), &hints, &found); rc != 0) {
        return makeError(ErrorKind::HostUnknown, QStringLiteral("Cannot resolve host '%1': %2")
                                                     .arg(node.host, QString::fromLocal8Bit(gai_strerror(rc))));
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo *)> list(found, freeaddrinfo);
    int lastErrno = 0;
    for (const addrinfo *a = found; a; a = a->ai_next) {
        Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
        if (fd.get() < 0 || !setNonBlocking(fd.get())) {
            lastErrno = errno;
            continue;
        }
        if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                lastErrno = errno;
                continue;
            }
            if (!waitFor(fd.get(), POLLOUT, clock, timeoutMs)) {
                return makeError(ErrorKind::Timeout,
                                 QStringLiteral("Connecting to %1 timed out after %2 ms (host down, "
                                                "unreachable or firewalled, or the server is stopped)")
                                     .arg(node.toString())
                                     .arg(timeoutMs));
            }
            int soError = 0;
            socklen_t len = sizeof soError;
            ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &soError, &len);
            if (soError != 0) {
                lastErrno = soError;
                continue;
            }
        }
        const int one = 1;
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ::setsockopt(fd.get(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        return fd;
    }
    if (lastErrno == ECONNREFUSED) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 refused the connection: nothing is listening there "
                                        "(is Redis running on that port?)")
                             .arg(node.toString()));
    }
    return makeError(ErrorKind::Refused, QStringLiteral("Cannot reach %1: %2 (host down, or no route to it)")
                                             .arg(node.toString(), QString::fromLocal8Bit(std::strerror(lastErrno))));
}

bool isIpAddress(const QString &name)
{
    const QByteArray text = name.toLatin1();
    unsigned char buffer[sizeof(in6_addr)];
    return inet_pton(AF_INET, text.constData(), buffer) == 1 || inet_pton(AF_INET6, text.constData(), buffer) == 1;
}

using SslCtxPtr = std::unique_ptr<SSL_CTX, void (*)(SSL_CTX *)>;

Result<SslCtxPtr> makeContext(const TlsOptions &tls)
{
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
    if (!ctx)
        return makeError(ErrorKind::Tls, QStringLiteral("TLS: cannot create a context: %1").arg(sslErrors()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // A killed server closes without close_notify. RESP is self-delimiting (a cut reply is seen
    // as incomplete), so that end is an ordinary end-of-file, as on a plain socket.
    SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (tls.insecure) {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    } else {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
        if (!tls.caFile.isEmpty()) {
            if (SSL_CTX_load_verify_locations(ctx.get(), QFile::encodeName(tls.caFile).constData(), nullptr) != 1) {
                return makeError(ErrorKind::Tls, QStringLiteral("TLS: cannot use the CA file %1: %2")
                                                     .arg(tls.caFile, sslErrors(QStringLiteral("not a PEM certificate"))));
            }
        } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
            return makeError(ErrorKind::Tls, QStringLiteral("TLS: cannot load the system's CA certificates: %1")
                                                 .arg(sslErrors()));
        }
    }
    if (tls.certFile.isEmpty() && !tls.keyFile.isEmpty())
        return makeError(ErrorKind::Tls, QStringLiteral("TLS: a client key (--key) needs its certificate (--cert)"));
    if (!tls.certFile.isEmpty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx.get(), QFile::encodeName(tls.certFile).constData()) != 1) {
            return makeError(ErrorKind::Tls, QStringLiteral("TLS: cannot use the client certificate %1: %2")
                                                 .arg(tls.certFile, sslErrors(QStringLiteral("not a PEM certificate"))));
        }
        const QString keyFile = tls.keyFile.isEmpty() ? tls.certFile : tls.keyFile;
        if (SSL_CTX_use_PrivateKey_file(ctx.get(), QFile::encodeName(keyFile).constData(), SSL_FILETYPE_PEM) != 1) {
            const QString why = sslErrors(QStringLiteral("not a PEM private key"));
            if (why.contains(QLatin1String("mismatch"))) {
                return makeError(ErrorKind::Tls, QStringLiteral("TLS: the key %1 does not belong to the certificate %2")
                                                     .arg(keyFile, tls.certFile));
            }
            return makeError(ErrorKind::Tls, QStringLiteral("TLS: cannot use the private key %1: %2").arg(keyFile, why));
        }
        if (SSL_CTX_check_private_key(ctx.get()) != 1) {
            return makeError(ErrorKind::Tls, QStringLiteral("TLS: the key %1 does not belong to the certificate %2")
                                                 .arg(keyFile, tls.certFile));
        }
    }
    return ctx;
}

QString verifyAdvice(long result, const QString &name)
{
    switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return QStringLiteral("the certificate is not made out to '%1'; connect by a name the certificate "
                              "lists, or give the name to verify with --sni NAME (the connection's "
                              "server name)")
            .arg(name);
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return QStringLiteral("the server's certificate has expired; it must be renewed on the server");
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return QStringLiteral("the server's certificate is not valid yet (check both clocks)");
    default:
        return QStringLiteral("give the CA certificate that signed it with --cacert FILE (the connection's "
                              "CA file)");
    }
}

// A TLS 1.3 server checks the client certificate after the handshake, so its verdict comes as
// an alert on the first read.
QString sessionEnded(const HostPort &node, const QString &why)
{
    QString advice;
    if (why.contains(QLatin1String("certificate required")))
        advice = QStringLiteral(" (the server requires a client certificate: give --cert FILE and --key FILE)");
    else if (why.contains(QLatin1String("unknown ca")) || why.contains(QLatin1String("bad certificate")))
        advice = QStringLiteral(" (the server does not accept the client certificate given)");
    return QStringLiteral("%1 ended the TLS session: %2%3").arg(node.toString(), why, advice);
}

} // namespace

struct TlsTunnel::Private
{
    HostPort node;
    SSL_CTX *ctx = nullptr;
    SSL *ssl = nullptr;
    Fd tcp;
    Fd relayEnd;     // our end of the socket pair
    Fd clientEnd;    // hiredis's end, until taken
    Fd wakeRead;
    Fd wakeWrite;
    std::thread relay;
    mutable std::mutex mutex;
    QString failure;
    QString description;   // set before the relay starts; the SSL object is the relay's then

    ~Private()
    {
        if (relay.joinable()) {
            const char stop = 's';
            [[maybe_unused]] const ssize_t n = ::write(wakeWrite.get(), &stop, 1);
            relay.join();
        }
        if (ssl)
            SSL_free(ssl);
        if (ctx)
            SSL_CTX_free(ctx);
    }

    void fail(const QString &why)
    {
        std::lock_guard lock(mutex);
        if (failure.isEmpty())
            failure = why;
    }

    // After an SSL_read or SSL_write that moved nothing: what it waits for on the socket
    // (POLLIN or POLLOUT; either call may want either), or 0 when the session is over.
    short waitOrEnd(int result)
    {
        const int e = SSL_get_error(ssl, result);
        if (e == SSL_ERROR_WANT_READ)
            return POLLIN;
        if (e == SSL_ERROR_WANT_WRITE)
            return POLLOUT;
        // A TLS alert or a broken record is worth its own message; a closed or reset socket
        // reaches the client as end-of-file, which says as much.
        if (e == SSL_ERROR_SSL)
            fail(sessionEnded(node, sslErrors(QStringLiteral("TLS error"))));
        return 0;
    }

    void run();
};

// Moves bytes until the client closes its end, the server ends the TLS session, or the tunnel
// is destroyed. Non-blocking on both sides; SSL_read and SSL_write may each want the socket
// readable or writable, whatever their direction (renegotiation, TLS 1.3 tickets).
void TlsTunnel::Private::run()
{
    char fromServer[16384];
    qsizetype fromServerAt = 0;
    qsizetype fromServerLen = 0;
    char toServer[16384];
    qsizetype toServerAt = 0;
    qsizetype toServerLen = 0;
    bool serverDone = false;

    for (;;) {
        short readWants = 0;
        short writeWants = 0;
        bool clientWritable = true;
        bool progress = true;
        while (progress) {
            progress = false;
            if (fromServerLen == 0 && !serverDone) {
                const int n = SSL_read(ssl, fromServer, int(sizeof fromServer));
                if (n > 0) {
                    fromServerAt = 0;
                    fromServerLen = n;
                    progress = true;
                    readWants = 0;
                } else if (!(readWants = waitOrEnd(n))) {
                    serverDone = true;
                    progress = true;
                }
            }
            if (fromServerLen > 0) {
                const ssize_t n = ::send(relayEnd.get(), fromServer + fromServerAt, size_t(fromServerLen), MSG_NOSIGNAL);
                if (n > 0) {
                    fromServerAt += n;
                    fromServerLen -= n;
                    progress = true;
                } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                    clientWritable = false;
                } else if (n < 0 && errno != EINTR) {
                    return;   // the client closed its end
                }
            }
            if (toServerLen == 0) {
                const ssize_t n = ::recv(relayEnd.get(), toServer, sizeof toServer, 0);
                if (n > 0) {
                    toServerAt = 0;
                    toServerLen = n;
                    progress = true;
                } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                    // The client closed its end: say goodbye to the server, without waiting.
                    SSL_shutdown(ssl);
                    return;
                }
            }
            if (toServerLen > 0 && !serverDone) {
                const int n = SSL_write(ssl, toServer + toServerAt, int(toServerLen));
                if (n > 0) {
                    toServerAt += n;
                    toServerLen -= n;
                    writeWants = 0;
                    progress = true;
                } else if (!(writeWants = waitOrEnd(n))) {
                    serverDone = true;
                    progress = true;
                }
            }
            if (serverDone && toServerLen > 0)
                toServerLen = 0;   // nowhere to send it
        }
        if (serverDone && fromServerLen == 0) {
            // Everything the server sent is delivered: the client reads end-of-file next.
            ::shutdown(relayEnd.get(), SHUT_RDWR);
            return;
        }

        pollfd fds[3] = {};
        fds[0] = {tcp.get(), short((fromServerLen == 0 ? readWants : 0) | (toServerLen > 0 ? writeWants : 0)), 0};
        fds[1] = {relayEnd.get(), short((toServerLen == 0 ? POLLIN : 0) | (!clientWritable ? POLLOUT : 0)), 0};
        fds[2] = {wakeRead.get(), POLLIN, 0};
        if (::poll(fds, 3, -1) < 0 && errno != EINTR)
            return;
        if (fds[2].revents)
            return;
    }
}

TlsTunnel::TlsTunnel(std::unique_ptr<Private> d) : d(std::move(d)) {}

TlsTunnel::~TlsTunnel() = default;

int TlsTunnel::takeClientFd()
{
    return d->clientEnd.release();
}

QString TlsTunnel::failure() const
{
    std::lock_guard lock(d->mutex);
    return d->failure;
}

QString TlsTunnel::description() const
{
    return d->description;
}

Result<std::unique_ptr<TlsTunnel>> TlsTunnel::open(const HostPort &node, const TlsOptions &tls, int timeoutMs)
{
    ERR_clear_error();
    QElapsedTimer clock;
    clock.start();
    if (timeoutMs <= 0)
        timeoutMs = 2000;

    auto ctx = makeContext(tls);
    if (!ctx)
        return ctx.error();
    auto tcp = connectTcp(node, timeoutMs, clock);
    if (!tcp)
        return tcp.error();

    auto d = std::make_unique<Private>();
    d->node = node;
    d->ctx = ctx->release();
    d->tcp = std::move(*tcp);
    d->ssl = SSL_new(d->ctx);
    if (!d->ssl)
        return makeError(ErrorKind::Tls, QStringLiteral("TLS: cannot create a session: %1").arg(sslErrors()));
    SSL_set_fd(d->ssl, d->tcp.get());
    SSL_set_mode(d->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

    const QString name = tls.serverName.isEmpty() ? node.host : tls.serverName;
    const QByteArray nameBytes = name.toUtf8();
    const bool nameIsAddress = isIpAddress(name);
    if (!nameIsAddress)
        SSL_set_tlsext_host_name(d->ssl, nameBytes.constData());
    if (!tls.insecure) {
        const int ok = nameIsAddress ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(d->ssl), nameBytes.constData())
                                     : SSL_set1_host(d->ssl, nameBytes.constData());
        if (ok != 1)
            return makeError(ErrorKind::Tls, QStringLiteral("TLS: cannot verify against the name '%1'").arg(name));
    }

    for (;;) {
        const int rc = SSL_connect(d->ssl);
        if (rc == 1)
            break;
        const int e = SSL_get_error(d->ssl, rc);
        const int savedErrno = errno;
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (!waitFor(d->tcp.get(), e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, clock, timeoutMs)) {
                return makeError(ErrorKind::Timeout,
                                 QStringLiteral("The TLS handshake with %1 did not finish within %2 ms (a server "
                                                "that does not speak TLS on that port waits for a command)")
                                     .arg(node.toString())
                                     .arg(timeoutMs));
            }
            continue;
        }
        const long verify = SSL_get_verify_result(d->ssl);
        if (!tls.insecure && verify != X509_V_OK) {
            ERR_clear_error();
            return makeError(ErrorKind::Tls,
                             QStringLiteral("The TLS certificate of %1 is not trusted: %2; %3. SessionDeck did "
                                            "not connect (--insecure skips verification, for testing only)")
                                 .arg(node.toString(), QString::fromLatin1(X509_verify_cert_error_string(verify)),
                                      verifyAdvice(verify, name)));
        }
        const QString why = sslErrors();
        if (why.isEmpty() && e == SSL_ERROR_SYSCALL) {
            return makeError(ErrorKind::Tls,
                             QStringLiteral("%1 closed the connection during the TLS handshake%2 (is this a TLS "
                                            "port? Redis serves TLS on its tls-port)")
                                 .arg(node.toString(),
                                      savedErrno ? QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(savedErrno))
                                                 : QString()));
        }
        return makeError(ErrorKind::Tls, QStringLiteral("The TLS handshake with %1 failed: %2%3")
                                             .arg(node.toString(), why.isEmpty() ? QStringLiteral("TLS error") : why,
                                                  why.contains(QLatin1String("wrong version number"))
                                                          || why.contains(QLatin1String("packet length too long"))
                                                      ? QStringLiteral(" (the server does not speak TLS on that port; "
                                                                       "use redis:// or its tls-port)")
                                                      : QString()));
    }
    if (tls.insecure)
        spdlog::warn("TLS to {} without certificate verification (insecure)", node.toString().toStdString());
    d->description = QStringLiteral("%1 %2").arg(QString::fromLatin1(SSL_get_version(d->ssl)),
                                                 QString::fromLatin1(SSL_get_cipher_name(d->ssl)));

    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return makeError(ErrorKind::Io, QStringLiteral("socketpair: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    d->relayEnd = Fd(pair[0]);
    d->clientEnd = Fd(pair[1]);
    int wake[2];
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return makeError(ErrorKind::Io, QStringLiteral("pipe: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    d->wakeRead = Fd(wake[0]);
    d->wakeWrite = Fd(wake[1]);
    setNonBlocking(d->relayEnd.get());
    Private *p = d.get();
    d->relay = std::thread([p] { p->run(); });
    return std::unique_ptr<TlsTunnel>(new TlsTunnel(std::move(d)));
}

} // namespace sdcore
