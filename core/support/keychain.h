#pragma once

// Passwords in the system keychain (the Secret Service of GNOME Keyring or KeePassXC, KWallet),
// through QtKeychain. Asynchronous: each call returns at once and `done` runs later on the
// thread of `context` (the UI thread), unless `context` is gone by then. Nothing here blocks
// the window, also when the keychain wants to show its own unlock prompt.

#include <QObject>
#include <QString>

#include <functional>

namespace sdcore::keychain {

struct Outcome
{
    enum class Code {
        Ok,
        NotFound,      // the keychain works but holds nothing under that key
        Unavailable,   // no keychain service (no D-Bus session, nothing serving it), or access denied
        Failed,        // it is there but the operation failed
    };
    Code code = Code::Failed;
    QString secret;    // read(): the password
    QString message;   // why, for Unavailable and Failed
    bool ok() const { return code == Code::Ok; }
};

using Callback = std::function<void(const Outcome &)>;

// The service name entries are filed under ("SessionDeck"); tests use their own.
QString service();
void setService(const QString &service);

void read(const QString &key, QObject *context, Callback done);
void write(const QString &key, const QString &secret, QObject *context, Callback done);
void remove(const QString &key, QObject *context, Callback done);

} // namespace sdcore::keychain
