#pragma once

#include <QByteArray>
#include <QDialog>
#include <QList>

class QLineEdit;
class QPushButton;

namespace sdui {

// Asked before every delete of the Sessions page: how many keys, which (up to ten samples), and,
// when `typedName` is set, the connection's name typed out before Delete is enabled. Cancel is
// the default button: Enter never deletes.
class DeleteConfirmDialog final : public QDialog
{
    Q_OBJECT
public:
    DeleteConfirmDialog(const QString &what, qint64 count, const QList<QByteArray> &samples,
                        const QString &typedName, QWidget *parent = nullptr);
    QLineEdit *nameEdit() const { return m_name; }
    QPushButton *deleteButton() const { return m_ok; }

private:
    QLineEdit *m_name = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace sdui
