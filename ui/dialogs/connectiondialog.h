#pragma once

// The dialogs that take a connection's secrets: ConnectionDialog (a new connection: URL, name,
// user and password, where to keep the password, and the TLS fields), and PasswordDialog (the
// password of a saved connection, asked at connect time when it is kept nowhere). The password
// fields never echo, and the settings-file choice shows what it means before anything is kept.

#include "core/redis/redisurl.h"
#include "core/workspace/workspace.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;

namespace sdui {

// The "keep the password" choice, with the warning the settings file deserves.
class PasswordStorageField final : public QWidget
{
    Q_OBJECT
public:
    PasswordStorageField(sdcore::Workspace::KeychainState keychain, const QString &keychainProblem,
                         QWidget *parent = nullptr);
    sdcore::PasswordStorage storage() const;
    // Selects `storage` if it is offered.
    void setStorage(sdcore::PasswordStorage storage);

private:
    void update();

    QComboBox *m_combo = nullptr;
    QLabel *m_note = nullptr;
    QString m_keychainProblem;
};

class ConnectionDialog final : public QDialog
{
    Q_OBJECT
public:
    ConnectionDialog(sdcore::Workspace::KeychainState keychain, const QString &keychainProblem,
                     QWidget *parent = nullptr);

    // Valid once the dialog was accepted.
    sdcore::RedisUrl url() const { return m_result; }
    QString name() const;
    sdcore::PasswordStorage storage() const { return m_storage->storage(); }

    // Fills the fields from a URL (its password goes into the password field).
    void setUrlText(const QString &text);
    void setName(const QString &name);
    void setStorage(sdcore::PasswordStorage storage);

    void accept() override;

private:
    // The URL with the fields applied, or why not.
    sdcore::Result<sdcore::RedisUrl> compose() const;
    void syncFromUrl();
    QLineEdit *fileField(const QString &objectName, const QString &filter);

    QLineEdit *m_url = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    PasswordStorageField *m_storage = nullptr;
    QGroupBox *m_tls = nullptr;
    QLineEdit *m_caFile = nullptr;
    QLineEdit *m_certFile = nullptr;
    QLineEdit *m_keyFile = nullptr;
    QLineEdit *m_serverName = nullptr;
    QCheckBox *m_insecure = nullptr;
    QLabel *m_insecureNote = nullptr;
    QLabel *m_error = nullptr;
    sdcore::RedisUrl m_result;
};

class PasswordDialog final : public QDialog
{
    Q_OBJECT
public:
    PasswordDialog(const sdcore::ConnectionEntry &entry, sdcore::Workspace::KeychainState keychain,
                   const QString &keychainProblem, const QString &why, QWidget *parent = nullptr);
    QString password() const;
    sdcore::PasswordStorage storage() const { return m_storage->storage(); }

private:
    QLineEdit *m_password = nullptr;
    PasswordStorageField *m_storage = nullptr;
};

} // namespace sdui
