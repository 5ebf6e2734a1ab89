#pragma once

// TLS for hiredis 0.14, which has none of its own. TlsTunnel opens the TCP connection and makes
// the TLS handshake with OpenSSL (certificate chain and server name verified unless the options
// say insecure), then relays between the TLS stream and one end of a Unix socket pair on a thread
// of its own. hiredis gets the other end (redisConnectFd) and speaks plain RESP on it, blocking
// and with its timeouts, exactly as on a TCP socket; Pub/Sub readers watch that end too.
//
// The relay holds at most one TLS record in each direction; the socket buffers bound the rest, so
// a tunnel costs no more memory than a TCP connection does, whatever the server sends.

#include "core/redis/redisurl.h"
#include "core/support/result.h"

#include <memory>

namespace sdcore {

class TlsTunnel
{
public:
    // Connects to `node` and makes the handshake, within `timeoutMs` in all. Errors are
    // ErrorKind::Tls for certificates, keys and handshakes (saying what to change), and the
    // usual Refused/Timeout/HostUnknown for the TCP connection.
    static Result<std::unique_ptr<TlsTunnel>> open(const HostPort &node, const TlsOptions &tls,
                                                   int timeoutMs);
    ~TlsTunnel();
    TlsTunnel(const TlsTunnel &) = delete;
    TlsTunnel &operator=(const TlsTunnel &) = delete;

    // The plain end, for hiredis; the caller owns it from here (redisFree closes it). The relay
    // ends when it is closed.
    int takeClientFd();
    // Why the relay stopped, when a TLS alert or a socket error stopped it ("" otherwise). The
    // client then reads end-of-file; this says why (a missing client certificate in TLS 1.3
    // shows up only here, after the handshake).
    QString failure() const;
    // The negotiated protocol and cipher, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384".
    QString description() const;

private:
    struct Private;
    explicit TlsTunnel(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace sdcore
