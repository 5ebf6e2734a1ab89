#include "ui/dialogs/connectiondialog.h"
#include "ui/style/palette.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

namespace sdui {

using sdcore::PasswordStorage;
using sdcore::Workspace;

namespace {

QLabel *warningLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setStyleSheet(palette::textStyle(palette::bad()));
    return label;
}

QLineEdit *secretEdit(const QString &objectName)
{
    auto *edit = new QLineEdit;
    edit->setObjectName(objectName);
    edit->setEchoMode(QLineEdit::Password);
    return edit;
}

// OK (labelled Connect) and Cancel, closing `dialog` through its accept() and reject().
QDialogButtonBox *connectButtons(QDialog *dialog)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(QDialog::tr("Connect"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);   // virtual
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

} // namespace

PasswordStorageField::PasswordStorageField(Workspace::KeychainState keychain, const QString &keychainProblem,
                                           QWidget *parent)
    : QWidget(parent)
{
    m_combo = new QComboBox;
    m_combo->setObjectName(QStringLiteral("passwordStorage"));
    m_combo->addItem(tr("For this session only (asked again next time)"), int(PasswordStorage::Session));
    m_combo->addItem(tr("In the system keychain"), int(PasswordStorage::Keychain));
    m_combo->addItem(tr("In the settings file, in plain text"), int(PasswordStorage::SettingsFile));
    if (keychain == Workspace::KeychainState::Unavailable) {
        // Shown, but not offered: the reason is in the tooltip and the note.
        if (auto *model = qobject_cast<QStandardItemModel *>(m_combo->model()))
            model->item(1)->setEnabled(false);
        m_combo->setItemData(1, tr("No keychain service: %1").arg(keychainProblem), Qt::ToolTipRole);
        m_combo->setItemText(1, tr("In the system keychain (not available)"));
        m_combo->setCurrentIndex(0);
    } else {
        m_combo->setCurrentIndex(1);
    }
    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("passwordStorageNote"));
    m_note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_combo);
    layout->addWidget(m_note);
    connect(m_combo, &QComboBox::currentIndexChanged, this, &PasswordStorageField::update);
    m_keychainProblem = keychain == Workspace::KeychainState::Unavailable ? keychainProblem : QString();
    update();
}

PasswordStorage PasswordStorageField::storage() const
{
    return PasswordStorage(m_combo->currentData().toInt());
}

void PasswordStorageField::setStorage(PasswordStorage storage)
{
    // A choice that is not offered (the keychain, without one) leaves the default.
    const int index = m_combo->findData(int(storage));
    const auto *model = qobject_cast<QStandardItemModel *>(m_combo->model());
    if (index >= 0 && (!model || model->item(index)->isEnabled()))
        m_combo->setCurrentIndex(index);
}

void PasswordStorageField::update()
{
    switch (storage()) {
    case PasswordStorage::SettingsFile:
        m_note->setStyleSheet(palette::textStyle(palette::bad()));
        m_note->setText(tr("Warning: the password is written unencrypted to %1. Anyone who can read that "
                           "file, or a backup of it, can read the password. Choose this only on a machine "
                           "that no one else uses.")
                            .arg(QSettings().fileName()));
        break;
    case PasswordStorage::Keychain:
        m_note->setStyleSheet(QString());
        m_note->setText(tr("Kept encrypted by the desktop's keychain, never in SessionDeck's files."));
        break;
    case PasswordStorage::Session:
        m_note->setStyleSheet(QString());
        m_note->setText(m_keychainProblem.isEmpty()
                            ? tr("Kept in memory only; SessionDeck asks for it when it connects next time.")
                            : tr("Kept in memory only; SessionDeck asks for it when it connects next time. "
                                 "No keychain service is running (%1).")
                                  .arg(m_keychainProblem));
        break;
    }
}

ConnectionDialog::ConnectionDialog(Workspace::KeychainState keychain, const QString &keychainProblem,
                                   QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("connectionDialog"));
    setWindowTitle(tr("New connection"));
    m_url = new QLineEdit;
    m_url->setObjectName(QStringLiteral("url"));
    m_url->setPlaceholderText(QStringLiteral("redis://host:6379/0, rediss://…, redis-sentinel://h1,h2,h3#mymaster, redis-cluster://h1,h2"));
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("optional; shown in the connection list and the title"));
    m_user = new QLineEdit;
    m_user->setObjectName(QStringLiteral("user"));
    m_user->setPlaceholderText(tr("ACL user; empty for the default user"));
    m_password = secretEdit(QStringLiteral("password"));
    m_storage = new PasswordStorageField(keychain, keychainProblem);

    auto *form = new QFormLayout;
    form->addRow(tr("URL:"), m_url);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("User:"), m_user);
    form->addRow(tr("Password:"), m_password);
    form->addRow(tr("Keep the password:"), m_storage);

    m_tls = new QGroupBox(tr("TLS"));
    m_tls->setObjectName(QStringLiteral("tls"));
    m_tls->setCheckable(true);
    m_tls->setChecked(false);
    m_caFile = fileField(QStringLiteral("caFile"), tr("Certificates (*.crt *.pem);;All files (*)"));
    m_caFile->setPlaceholderText(tr("the system's CAs when empty"));
    m_certFile = fileField(QStringLiteral("certFile"), tr("Certificates (*.crt *.pem);;All files (*)"));
    m_certFile->setPlaceholderText(tr("for servers that ask for a client certificate"));
    m_keyFile = fileField(QStringLiteral("keyFile"), tr("Keys (*.key *.pem);;All files (*)"));
    m_serverName = new QLineEdit;
    m_serverName->setObjectName(QStringLiteral("serverName"));
    m_serverName->setPlaceholderText(tr("the name to verify and send (SNI); the host when empty"));
    m_insecure = new QCheckBox(tr("Do not verify the server's certificate"));
    m_insecure->setObjectName(QStringLiteral("insecure"));
    m_insecureNote = warningLabel(QStringLiteral("insecureNote"));
    m_insecureNote->setText(tr("Anyone between SessionDeck and the server can read and change the traffic, "
                               "passwords included. For testing only."));
    m_insecureNote->setVisible(false);
    connect(m_insecure, &QCheckBox::toggled, m_insecureNote, &QWidget::setVisible);
    auto *tlsForm = new QFormLayout(m_tls);
    tlsForm->addRow(tr("CA certificate:"), m_caFile->parentWidget());
    tlsForm->addRow(tr("Client certificate:"), m_certFile->parentWidget());
    tlsForm->addRow(tr("Client key:"), m_keyFile->parentWidget());
    tlsForm->addRow(tr("Server name:"), m_serverName);
    tlsForm->addRow(m_insecure);
    tlsForm->addRow(m_insecureNote);

    m_error = warningLabel(QStringLiteral("error"));
    auto *buttons = connectButtons(this);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_tls);
    layout->addWidget(m_error);
    layout->addStretch();
    layout->addWidget(buttons);
    connect(m_url, &QLineEdit::editingFinished, this, &ConnectionDialog::syncFromUrl);
    resize(620, sizeHint().height());
}

QLineEdit *ConnectionDialog::fileField(const QString &objectName, const QString &filter)
{
    auto *row = new QWidget;
    auto *edit = new QLineEdit;
    edit->setObjectName(objectName);
    auto *browse = new QToolButton;
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose a file"));
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit);
    layout->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this, edit, filter] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose a file"), edit->text(), filter);
        if (!path.isEmpty())
            edit->setText(path);
    });
    return edit;
}

QString ConnectionDialog::name() const
{
    return m_name->text().trimmed();
}

void ConnectionDialog::setUrlText(const QString &text)
{
    m_url->setText(text);
    syncFromUrl();
}

// A URL pasted with a password or TLS options fills the fields; the URL field keeps the rest.
void ConnectionDialog::syncFromUrl()
{
    auto url = sdcore::RedisUrl::parse(m_url->text());
    if (!url)
        return;
    bool moved = false;
    if (url->hasPassword()) {
        m_password->setText(url->password());
        if (!url->username().isEmpty())
            m_user->setText(url->username());
        url->setPassword(QString());
        url->setUsername(QString());
        moved = true;
    }
    if (url->usesTls()) {
        // From here the TLS box decides.
        m_tls->setChecked(true);
        const sdcore::TlsOptions tls = url->tls();
        m_caFile->setText(tls.caFile);
        m_certFile->setText(tls.certFile);
        m_keyFile->setText(tls.keyFile);
        m_serverName->setText(tls.serverName);
        m_insecure->setChecked(tls.insecure);
        url->setTls({});
        moved = true;
    }
    if (moved) {
        m_url->setText(url->toString());
        m_url->setCursorPosition(0);
    }
}

sdcore::Result<sdcore::RedisUrl> ConnectionDialog::compose() const
{
    auto url = sdcore::RedisUrl::parse(m_url->text());
    if (!url)
        return url.error();
    if (!m_user->text().isEmpty())
        url->setUsername(m_user->text());
    if (!m_password->text().isEmpty())
        url->setPassword(m_password->text());
    if (m_tls->isChecked() && url->kind() == sdcore::RedisUrl::Kind::Unix)
        return sdcore::makeError(sdcore::ErrorKind::BadUrl, tr("A unix:// socket does not use TLS; clear the TLS box."));
    sdcore::TlsOptions tls;
    tls.enabled = m_tls->isChecked();
    if (tls.enabled) {
        tls.caFile = m_caFile->text().trimmed();
        tls.certFile = m_certFile->text().trimmed();
        tls.keyFile = m_keyFile->text().trimmed();
        tls.serverName = m_serverName->text().trimmed();
        tls.insecure = m_insecure->isChecked();
        if (!tls.keyFile.isEmpty() && tls.certFile.isEmpty())
            return sdcore::makeError(sdcore::ErrorKind::BadUrl, tr("A client key needs its client certificate."));
    }
    url->setTls(tls);
    return *url;
}

void ConnectionDialog::setName(const QString &name)
{
    m_name->setText(name);
}

void ConnectionDialog::setStorage(sdcore::PasswordStorage storage)
{
    m_storage->setStorage(storage);
}

void ConnectionDialog::accept()
{
    auto url = compose();
    if (!url) {
        m_error->setText(url.errorMessage());
        return;
    }
    m_result = *url;
    QDialog::accept();
}

PasswordDialog::PasswordDialog(const sdcore::ConnectionEntry &entry, Workspace::KeychainState keychain,
                               const QString &keychainProblem, const QString &why, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("passwordDialog"));
    setWindowTitle(tr("Password for %1").arg(entry.name));
    auto *intro = new QLabel(tr("%1 (%2) needs a password.").arg(entry.name.toHtmlEscaped(),
                                                                   entry.url.toString().toHtmlEscaped()));
    intro->setWordWrap(true);
    auto *reason = new QLabel(why);
    reason->setObjectName(QStringLiteral("reason"));
    reason->setWordWrap(true);
    reason->setVisible(!why.isEmpty());
    m_password = secretEdit(QStringLiteral("password"));
    m_storage = new PasswordStorageField(keychain, keychainProblem);
    m_storage->setStorage(entry.passwordStorage);
    auto *form = new QFormLayout;
    form->addRow(tr("Password:"), m_password);
    form->addRow(tr("Keep it:"), m_storage);
    auto *buttons = connectButtons(this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(reason);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
}

QString PasswordDialog::password() const
{
    return m_password->text();
}

} // namespace sdui
