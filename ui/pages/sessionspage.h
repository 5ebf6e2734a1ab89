#pragma once

// The Sessions page: the sessions of the active connection streaming into a table as the scan
// runs (progress and Cancel), a client-side filter (id, user, or a pasted cookie) and a
// server-side MATCH pattern, the decoded detail of the selected session with its TTL counting
// down, deletes of the selected sessions or of a pattern behind a confirmation that shows the
// count and sample keys (and, on a production connection, asks for the connection's name), an
// export to JSON or CSV, and the TTL distribution of what was scanned. All Redis work is done by
// the SessionBrowser in core; the page only asks and shows.

#include "core/support/result.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTreeWidget;
class QTimer;

namespace sdcore {
class SessionBrowser;
struct DecodedSession;
struct DeleteResult;
struct ScanBatch;
struct ScanSummary;
}

namespace sdui {

class SessionTableModel;
class ScanBar;
class SessionDetail;
class TtlChart;

class SessionsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit SessionsPage(QWidget *parent = nullptr);
    ~SessionsPage() override;

    // The connection to show (null browser: none). The page scans when it is first shown.
    void setBrowser(sdcore::SessionBrowser *browser, const QString &connectionName, bool readOnly,
                    bool production);
    void setReadOnly(bool readOnly, bool production);
    // The connection's user may not delete (NOPERM): the delete controls are off, the reason
    // in their tooltip and in a line under them. Empty: allowed.
    void setDeleteDenied(const QString &reason);

    void startScan();
    void cancel();
    void deleteSelected();
    void deleteByPattern(const QString &glob);
    // Writes the selected (or all shown) rows to `path`: JSON when it ends in .json, else CSV.
    sdcore::Status exportRows(const QString &path, bool selectedOnly) const;

    SessionTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    QLineEdit *matchEdit() const;
    QString statusText() const;
    QString detailKeyText() const;
    bool scanning() const;

protected:
    void showEvent(QShowEvent *event) override;

private:
    void onScanStarted(quint64 id);
    void onBatch(quint64 id, const sdcore::ScanBatch &batch);
    void onScanFinished(quint64 id, const sdcore::ScanSummary &summary);
    void onFetched(const sdcore::DecodedSession &session);
    void onDeleteFinished(const sdcore::DeleteResult &result);
    void onCurrentChanged();
    void updateCounts();
    void updateChart();
    void applyFilter(const QString &text);
    void updateActions();
    void exportWithDialog(bool selectedOnly);
    QList<QByteArray> selectedKeys() const;
    bool confirm(const QString &what, qint64 count, const QList<QByteArray> &samples);

    sdcore::SessionBrowser *m_browser = nullptr;
    QString m_name;
    bool m_readOnly = false;
    QString m_deleteDenied;     // the server refuses deletes to this user: why
    QLabel *m_deleteNote = nullptr;
    bool m_production = false;
    bool m_scannedOnce = false;
    quint64 m_scanId = 0;
    qint64 m_scanStartMs = 0;
    QString m_pendingPattern;
    QString m_lastDelete;

    QLabel *m_status = nullptr;
    QLineEdit *m_filter = nullptr;
    QPushButton *m_deleteSelected = nullptr;
    QPushButton *m_deletePattern = nullptr;
    QPushButton *m_export = nullptr;

    SessionTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;

    ScanBar *m_scanBar = nullptr;
    SessionDetail *m_detail = nullptr;

    QLabel *m_count = nullptr;
    TtlChart *m_chart = nullptr;
    QTimer *m_tick = nullptr;
};

} // namespace sdui
