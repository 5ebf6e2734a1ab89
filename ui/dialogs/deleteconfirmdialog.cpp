#include "ui/dialogs/deleteconfirmdialog.h"

#include "core/support/keytext.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sdui {

DeleteConfirmDialog::DeleteConfirmDialog(const QString &what, qint64 count, const QList<QByteArray> &samples,
                                         const QString &typedName, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("deleteConfirm"));
    setWindowTitle(tr("Delete sessions"));
    auto *layout = new QVBoxLayout(this);
    auto *headline = new QLabel(tr("<b>Delete %n session key(s)</b> %1?<br>This cannot be undone.", nullptr, int(count))
                                    .arg(what.toHtmlEscaped()));
    headline->setWordWrap(true);
    layout->addWidget(headline);
    if (!samples.isEmpty()) {
        auto *list = new QPlainTextEdit;
        list->setObjectName(QStringLiteral("deleteSamples"));
        list->setReadOnly(true);
        QStringList lines;
        for (const QByteArray &k : samples)
            lines << sdcore::KeyText::printable(k);
        if (count > samples.size())
            lines << tr("… and %1 more").arg(QLocale().toString(count - samples.size()));
        list->setPlainText(lines.join(QLatin1Char('\n')));
        list->setMaximumHeight(160);
        layout->addWidget(new QLabel(count > samples.size() ? tr("Sample keys:") : tr("Keys:")));
        layout->addWidget(list);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_ok = buttons->addButton(tr("Delete"), QDialogButtonBox::DestructiveRole);
    m_ok->setObjectName(QStringLiteral("confirmDelete"));
    connect(m_ok, &QPushButton::clicked, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (!typedName.isEmpty()) {
        auto *ask = new QLabel(tr("This is a production connection. Type <b>%1</b> to confirm:").arg(typedName.toHtmlEscaped()));
        ask->setWordWrap(true);
        layout->addWidget(ask);
        m_name = new QLineEdit;
        m_name->setObjectName(QStringLiteral("confirmName"));
        layout->addWidget(m_name);
        m_ok->setEnabled(false);
        connect(m_name, &QLineEdit::textChanged, this, [this, typedName](const QString &t) {
            m_ok->setEnabled(t == typedName);
        });
    }
    layout->addWidget(buttons);
    // Cancel is the default: Enter must not delete.
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
}

} // namespace sdui
