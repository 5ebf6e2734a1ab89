#include "ui/pages/sessions/scanbar.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

#include <climits>

namespace sdui {

ScanBar::ScanBar(QWidget *parent) : QWidget(parent)
{
    m_prefix = new QLineEdit(QStringLiteral("sess:"));
    m_prefix->setObjectName(QStringLiteral("prefixEdit"));
    m_prefix->setMaximumWidth(120);
    m_prefix->setToolTip(tr("Key prefix of the sessions (connect-redis uses sess:)"));
    m_match = new QLineEdit;
    m_match->setObjectName(QStringLiteral("matchEdit"));
    m_match->setPlaceholderText(tr("server-side MATCH, e.g. abc*"));
    m_match->setToolTip(tr("Glob on the session id, applied by the server's SCAN MATCH"));
    m_replica = new QCheckBox(tr("Read from a replica"));
    m_replica->setObjectName(QStringLiteral("replicaCheck"));
    m_replica->setToolTip(tr("Scan a healthy replica instead of the master (Sentinel), or one healthy replica per shard (Cluster)"));
    m_rate = new QSpinBox;
    m_rate->setObjectName(QStringLiteral("rateSpin"));
    m_rate->setRange(0, 1000000);
    m_rate->setSingleStep(1000);
    m_rate->setSpecialValueText(tr("no limit"));
    m_rate->setSuffix(tr(" keys/s"));
    m_rate->setToolTip(tr("Limit the scan's pace to spare a busy server"));
    m_scan = new QPushButton(tr("Scan"));
    m_scan->setObjectName(QStringLiteral("scanButton"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("scanProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    auto *scanRow = new QHBoxLayout(this);
    scanRow->setContentsMargins(0, 0, 0, 0);
    scanRow->addWidget(new QLabel(tr("Prefix")));
    scanRow->addWidget(m_prefix);
    scanRow->addWidget(m_match, 1);
    scanRow->addWidget(m_replica);
    scanRow->addWidget(m_rate);
    scanRow->addWidget(m_scan);
    scanRow->addWidget(m_cancel);
    scanRow->addWidget(m_progress);

    connect(m_scan, &QPushButton::clicked, this, &ScanBar::scanRequested);
    connect(m_match, &QLineEdit::returnPressed, this, &ScanBar::scanRequested);
    connect(m_prefix, &QLineEdit::returnPressed, this, &ScanBar::scanRequested);
    connect(m_cancel, &QPushButton::clicked, this, &ScanBar::cancelRequested);
}

QByteArray ScanBar::prefix() const
{
    return m_prefix->text().toUtf8();
}

QString ScanBar::matchText() const
{
    return m_match->text();
}

bool ScanBar::fromReplica() const
{
    return m_replica->isChecked();
}

sdcore::ScanOptions ScanBar::options() const
{
    sdcore::ScanOptions options;
    options.prefix = prefix();
    options.match = m_match->text().trimmed().toUtf8();
    options.keysPerSecond = m_rate->value();
    return options;
}

void ScanBar::setActions(bool canScan, bool canCancel)
{
    m_scan->setEnabled(canScan);
    m_cancel->setEnabled(canCancel);
}

void ScanBar::showBusy()
{
    m_progress->setRange(0, 0);
}

void ScanBar::showProgress(qint64 done, qint64 total, const QString &text)
{
    m_progress->setRange(0, total > 0 ? int(qMin<qint64>(total, INT_MAX)) : 0);
    m_progress->setValue(int(qMin<qint64>(qMin(done, total > 0 ? total : done), INT_MAX)));
    if (!text.isEmpty())
        m_progress->setFormat(text);
}

void ScanBar::showFinished(bool complete)
{
    m_progress->setRange(0, 1);
    m_progress->setValue(complete ? 1 : 0);
    m_progress->setFormat(complete ? tr("done") : tr("stopped"));
}

void ScanBar::resetProgress()
{
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
}

} // namespace sdui
