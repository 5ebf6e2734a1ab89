#include "ui/pages/sessions/sessiondetail.h"

#include "core/sessions/sessiondecoder.h"
#include "core/support/format.h"
#include "core/support/keytext.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sdui {

SessionDetail::SessionDetail(QWidget *parent) : QWidget(parent)
{
    m_keyLabel = new QLabel(tr("Select a session to see it decoded."));
    m_keyLabel->setObjectName(QStringLiteral("detailKey"));
    m_keyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keyLabel->setWordWrap(true);
    QFont bold = m_keyLabel->font();
    bold.setBold(true);
    m_keyLabel->setFont(bold);
    m_info = new QLabel;
    m_info->setObjectName(QStringLiteral("detailInfo"));
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_ttl = new QLabel;
    m_ttl->setObjectName(QStringLiteral("detailTtl"));
    m_fields = new QTreeWidget;
    m_fields->setObjectName(QStringLiteral("detailFields"));
    m_fields->setHeaderLabels({tr("Field"), tr("Value")});
    m_fields->setRootIsDecorated(false);
    m_fields->setColumnWidth(0, 170);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_json = new QPlainTextEdit;
    m_json->setObjectName(QStringLiteral("detailJson"));
    m_json->setReadOnly(true);
    m_json->setFont(mono);
    m_raw = new QPlainTextEdit;
    m_raw->setObjectName(QStringLiteral("detailRaw"));
    m_raw->setReadOnly(true);
    m_raw->setFont(mono);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto *tabs = new QTabWidget;
    tabs->addTab(m_fields, tr("Fields"));
    tabs->addTab(m_json, tr("Value"));
    tabs->addTab(m_raw, tr("Raw bytes"));
    auto *copyKey = new QPushButton(tr("Copy key"));
    auto *copyValue = new QPushButton(tr("Copy value"));
    auto *refresh = new QPushButton(tr("Refresh"));
    refresh->setObjectName(QStringLiteral("refreshDetail"));
    m_whole = new QPushButton(tr("Load whole value"));
    m_whole->setObjectName(QStringLiteral("loadWhole"));
    m_whole->setVisible(false);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(copyKey);
    buttons->addWidget(copyValue);
    buttons->addWidget(refresh);
    buttons->addWidget(m_whole);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_keyLabel);
    layout->addWidget(m_info);
    layout->addWidget(m_ttl);
    layout->addWidget(tabs, 1);
    layout->addLayout(buttons);

    // The printed form: what the command line and the filter take back, whatever the bytes.
    connect(copyKey, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(sdcore::KeyText::printable(m_key)); });
    connect(copyValue, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_json->toPlainText()); });
    connect(refresh, &QPushButton::clicked, this, [this] {
        if (!m_key.isEmpty())
            Q_EMIT refreshRequested(m_key);
    });
    connect(m_whole, &QPushButton::clicked, this, [this] {
        if (!m_key.isEmpty())
            Q_EMIT wholeValueRequested(m_key);
    });
}

QString SessionDetail::keyText() const
{
    return m_keyLabel->text();
}

void SessionDetail::clearContent()
{
    m_info->clear();
    m_ttl->clear();
    m_fields->clear();
    m_json->clear();
    m_raw->clear();
    m_whole->setVisible(false);
}

void SessionDetail::clear(const QString &why)
{
    m_key.clear();
    m_keyLabel->setText(why);
    clearContent();
}

void SessionDetail::showLoading(const QByteArray &key)
{
    m_key = key;
    m_keyLabel->setText(sdcore::KeyText::printable(key));
    clearContent();
    m_info->setText(tr("Loading…"));
}

void SessionDetail::showNote(const QString &note)
{
    m_info->setText(note);
}

void SessionDetail::showSession(const sdcore::DecodedSession &s)
{
    using Kind = sdcore::DecodedSession::Kind;
    if (s.kind == Kind::Missing) {
        m_info->setText(tr("This key no longer exists (expired or deleted)."));
        m_pttl = -2;
        tick();
        return;
    }
    const QLocale locale;
    QStringList info;
    info << tr("Format: %1 (%2)").arg(sdcore::DecodedSession::kindName(s.kind), QString::fromUtf8(s.redisType));
    if (!s.user.isEmpty())
        info << tr("User: <b>%1</b>").arg(s.user.toHtmlEscaped());
    if (s.size >= 0)
        info << (s.kind == Kind::Hash ? tr("%1 fields").arg(s.size) : sdcore::format::bytes(s.size, locale));
    if (s.memoryUsage >= 0)
        info << tr("%1 in memory").arg(sdcore::format::bytes(s.memoryUsage, locale));
    QString html = info.join(QStringLiteral(" · "));
    if (!s.note.isEmpty())
        html += QStringLiteral("<br><i>%1</i>").arg(s.note.toHtmlEscaped());
    m_info->setText(html);
    m_fields->clear();
    for (const auto &f : s.fields) {
        auto *item = new QTreeWidgetItem(m_fields, {f.first, f.second});
        item->setToolTip(1, f.second.left(2000));
    }
    m_json->setPlainText(s.pretty);
    m_raw->setPlainText(s.raw.isEmpty() ? QString() : sdcore::SessionDecoder::hexDump(s.raw, 16384));
    m_whole->setVisible(s.truncated);
    m_pttl = s.pttlMs;
    m_fetchedMs = QDateTime::currentMSecsSinceEpoch();
    tick();
}

void SessionDetail::tick()
{
    if (m_key.isEmpty())
        return;
    if (m_pttl == -2) {
        m_ttl->setText(tr("TTL: gone"));
        return;
    }
    if (m_pttl == -1) {
        m_ttl->setText(tr("TTL: none (never expires)"));
        return;
    }
    const qint64 left = m_pttl - (QDateTime::currentMSecsSinceEpoch() - m_fetchedMs);
    m_ttl->setText(tr("TTL: %1 left, expires %2")
                       .arg(sdcore::format::countdown(qMax<qint64>(0, left)),
                            QDateTime::fromMSecsSinceEpoch(m_fetchedMs + m_pttl).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
}

} // namespace sdui
