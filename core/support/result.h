#pragma once

// Errors as values: every core call that can fail returns a Result that carries either the value
// or an Error whose message a user can act on. Nothing in core throws across a thread or a slot.

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace sdcore {

enum class ErrorKind {
    None,
    BadUrl,         // the connection target could not be parsed
    Unsupported,    // asks for something this build cannot do
    HostUnknown,    // name resolution failed
    Refused,        // nothing listens on that address
    Timeout,        // connect or command timeout
    Io,             // connection reset, closed or another socket error
    Protocol,       // the peer sent something that is not RESP
    Tls,            // a TLS handshake, certificate or key problem
    AuthFailed,     // WRONGPASS / invalid password
    NoAuth,         // the server wants a password we did not give
    NoPermission,   // NOPERM from an ACL user
    Loading,        // the server is loading its dataset
    ReadOnly,       // a write went to a replica
    NotFound,       // e.g. Sentinel does not know the master name
    ServerError,    // any other error reply
    Process,        // a local process could not be started or stopped
    Cancelled,
};

QString errorKindName(ErrorKind kind);

struct Error
{
    ErrorKind kind = ErrorKind::None;
    QString message;

    // Connection-level failures after which the connection must not be used again.
    bool isConnectionFailure() const
    {
        return kind == ErrorKind::HostUnknown || kind == ErrorKind::Refused
            || kind == ErrorKind::Timeout || kind == ErrorKind::Io || kind == ErrorKind::Protocol
            || kind == ErrorKind::Tls;
    }
};

template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_data); }
    QString errorMessage() const { return ok() ? QString() : error().message; }

private:
    std::variant<T, Error> m_data;
};

// For calls that return nothing but can fail.
struct Done
{
};
using Status = Result<Done>;
inline Status success() { return Done{}; }

inline Error makeError(ErrorKind kind, QString message) { return Error{kind, std::move(message)}; }

} // namespace sdcore
