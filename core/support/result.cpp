#include "core/support/result.h"

namespace sdcore {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::None: return QStringLiteral("none");
    case ErrorKind::BadUrl: return QStringLiteral("bad-url");
    case ErrorKind::Unsupported: return QStringLiteral("unsupported");
    case ErrorKind::HostUnknown: return QStringLiteral("host-unknown");
    case ErrorKind::Refused: return QStringLiteral("refused");
    case ErrorKind::Timeout: return QStringLiteral("timeout");
    case ErrorKind::Io: return QStringLiteral("io");
    case ErrorKind::Protocol: return QStringLiteral("protocol");
    case ErrorKind::Tls: return QStringLiteral("tls");
    case ErrorKind::AuthFailed: return QStringLiteral("auth-failed");
    case ErrorKind::NoAuth: return QStringLiteral("noauth");
    case ErrorKind::NoPermission: return QStringLiteral("noperm");
    case ErrorKind::Loading: return QStringLiteral("loading");
    case ErrorKind::ReadOnly: return QStringLiteral("readonly");
    case ErrorKind::NotFound: return QStringLiteral("not-found");
    case ErrorKind::ServerError: return QStringLiteral("server-error");
    case ErrorKind::Process: return QStringLiteral("process");
    case ErrorKind::Cancelled: return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

} // namespace sdcore
