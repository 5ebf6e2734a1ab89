#include "ui/pages/welcomepage.h"
#include "ui/style/palette.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sdui {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    auto *title = new QLabel(tr("<h2>SessionDeck</h2>"
                                "<p>Watch the Redis clusters that hold your web sessions.</p>"));
    title->setTextFormat(Qt::RichText);

    m_demo = new QPushButton(tr("Start the demo cluster"));
    m_demo->setObjectName(QStringLiteral("startDemo"));
    auto *demoHint = new QLabel(tr("Starts 1 master, 2 replicas and 3 sentinels on this machine, "
                                   "with express-session traffic, and connects to them."));
    demoHint->setWordWrap(true);

    m_url = new QLineEdit;
    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setPlaceholderText(
        QStringLiteral("redis://host:6379/0,  rediss://… (TLS),  or  redis-sentinel://h1,h2,h3#mymaster"));
    m_url->setClearButtonEnabled(true);
    m_url->setMinimumWidth(380);
    auto *connectButton = new QPushButton(tr("Connect"));
    connectButton->setObjectName(QStringLiteral("connectButton"));
    auto *moreButton = new QPushButton(tr("Password, TLS…"));
    moreButton->setObjectName(QStringLiteral("moreButton"));
    moreButton->setToolTip(tr("The full connection dialog: user and password (kept in the keychain), "
                              "and the TLS settings"));

    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("welcomeMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(connectButton);
    urlRow->addWidget(moreButton);

    auto *box = new QVBoxLayout;
    box->addWidget(title);
    box->addSpacing(12);
    box->addWidget(m_demo, 0, Qt::AlignLeft);
    box->addWidget(demoHint);
    box->addSpacing(18);
    box->addWidget(new QLabel(tr("Or connect to a server or Sentinel deployment:")));
    box->addLayout(urlRow);
    box->addWidget(m_message);

    auto *card = new QWidget;
    card->setLayout(box);
    // Wide enough for a Sentinel URL, and a fixed width so the wrapped hint gets its height.
    card->setFixedWidth(700);
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);
    outer->addWidget(card, 0, Qt::AlignHCenter);
    outer->addStretch(2);

    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
    auto submit = [this] {
        if (!m_url->text().trimmed().isEmpty())
            Q_EMIT connectRequested(m_url->text());
    };
    connect(connectButton, &QPushButton::clicked, this, submit);
    connect(moreButton, &QPushButton::clicked, this, [this] { Q_EMIT dialogRequested(m_url->text()); });
    connect(m_url, &QLineEdit::returnPressed, this, submit);
}

void WelcomePage::setDemoProgress(const QString &message)
{
    m_message->setStyleSheet(QString());
    m_message->setText(message);
}

void WelcomePage::setError(const QString &message)
{
    m_message->setStyleSheet(palette::textStyle(palette::bad()));
    m_message->setText(message);
}

void WelcomePage::setDemoAvailable(bool available) { m_demo->setEnabled(available); }

} // namespace sdui
