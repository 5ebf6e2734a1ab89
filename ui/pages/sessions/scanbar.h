#pragma once

// The Sessions page's scan bar: the key prefix, the server-side MATCH glob, reading from a
// replica, the pace limit, Scan and Cancel, and the progress of the scan (or of a delete).
// It holds what the user asked for; the page starts the work.

#include "core/sessions/sessionscanner.h"

#include <QWidget>

class QCheckBox;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace sdui {

class ScanBar final : public QWidget
{
    Q_OBJECT
public:
    explicit ScanBar(QWidget *parent = nullptr);

    QByteArray prefix() const;
    QString matchText() const;
    bool fromReplica() const;
    // The scan the bar describes.
    sdcore::ScanOptions options() const;
    QLineEdit *matchEdit() const { return m_match; }

    void setActions(bool canScan, bool canCancel);
    // The progress bar: busy without a known end, so far of a total, finished, or empty.
    void showBusy();
    void showProgress(qint64 done, qint64 total, const QString &text = {});
    void showFinished(bool complete);
    void resetProgress();

Q_SIGNALS:
    void scanRequested();
    void cancelRequested();

private:
    QLineEdit *m_prefix = nullptr;
    QLineEdit *m_match = nullptr;
    QCheckBox *m_replica = nullptr;
    QSpinBox *m_rate = nullptr;
    QPushButton *m_scan = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
};

} // namespace sdui
