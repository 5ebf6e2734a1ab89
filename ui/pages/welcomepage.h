#pragma once

// Shown when no connection is active: start the local demo cluster, or connect to a URL.

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace sdui {

class WelcomePage final : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);

    void setDemoProgress(const QString &message);
    void setError(const QString &message);
    void setDemoAvailable(bool available);

Q_SIGNALS:
    void demoRequested();
    void connectRequested(const QString &url);
    // The user wants the connection dialog, with what was typed so far.
    void dialogRequested(const QString &urlText);

private:
    QLineEdit *m_url = nullptr;
    QPushButton *m_demo = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace sdui
