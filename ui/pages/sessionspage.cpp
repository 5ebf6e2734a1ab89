#include "ui/pages/sessionspage.h"

#include "core/sessions/auditlog.h"
#include "core/sessions/sessionbrowser.h"
#include "core/sessions/sessionexport.h"
#include "core/support/format.h"
#include "ui/charts/ttlchart.h"
#include "ui/dialogs/deleteconfirmdialog.h"
#include "ui/models/sessiontablemodel.h"
#include "ui/pages/sessions/scanbar.h"
#include "ui/pages/sessions/sessiondetail.h"
#include "ui/style/palette.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sdui {

// SessionsPage ---------------------------------------------------------------------------------

SessionsPage::SessionsPage(QWidget *parent)
    : QWidget(parent)
{
    m_model = new SessionTableModel(this);

    m_scanBar = new ScanBar;

    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("filterEdit"));
    m_filter->setPlaceholderText(tr("Filter by id or user, or paste a cookie (connect.sid=s%3A…)"));
    m_filter->setClearButtonEnabled(true);
    m_deleteSelected = new QPushButton(tr("Delete selected…"));
    m_deleteSelected->setObjectName(QStringLiteral("deleteSelectedButton"));
    m_deletePattern = new QPushButton(tr("Delete by pattern…"));
    m_deletePattern->setObjectName(QStringLiteral("deletePatternButton"));
    m_export = new QPushButton(tr("Export"));
    m_export->setObjectName(QStringLiteral("exportButton"));
    auto *exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("Selected rows…"), this, [this] { exportWithDialog(true); });
    exportMenu->addAction(tr("All shown rows…"), this, [this] { exportWithDialog(false); });
    m_export->setMenu(exportMenu);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_deleteSelected);
    filterRow->addWidget(m_deletePattern);
    filterRow->addWidget(m_export);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("sessionsTable"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(SessionTableModel::Id, 220);
    m_table->setColumnWidth(SessionTableModel::User, 120);
    m_table->setColumnWidth(SessionTableModel::Ttl, 72);
    m_table->setColumnWidth(SessionTableModel::ExpiresAt, 140);
    m_table->setColumnWidth(SessionTableModel::Size, 72);
    m_table->setColumnWidth(SessionTableModel::Type, 70);
    m_table->setColumnHidden(SessionTableModel::Shard, true);   // shown for a cluster's rows
    m_table->setWordWrap(false);

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("sessionsStatus"));
    m_status->setWordWrap(true);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(filterRow);
    // Why deleting is off, when the server refuses it to this user (not hidden in a tooltip).
    m_deleteNote = new QLabel;
    m_deleteNote->setObjectName(QStringLiteral("deleteNote"));
    m_deleteNote->setWordWrap(true);
    m_deleteNote->setStyleSheet(palette::textStyle(palette::warningText()));
    m_deleteNote->setVisible(false);
    leftLayout->addWidget(m_deleteNote);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addWidget(m_status);

    // The detail of the selected session.
    m_detail = new SessionDetail;
    connect(m_detail, &SessionDetail::refreshRequested, this, [this](const QByteArray &key) {
        if (m_browser)
            m_browser->fetch(key, m_model->prefix());
    });
    connect(m_detail, &SessionDetail::wholeValueRequested, this, [this](const QByteArray &key) {
        if (m_browser)
            m_browser->fetch(key, m_model->prefix(), true);
    });

    m_count = new QLabel;
    m_count->setObjectName(QStringLiteral("sessionCount"));
    QFont big = m_count->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_count->setFont(big);
    m_chart = new TtlChart(tr("TTL distribution"));
    m_chart->setObjectName(QStringLiteral("sessionTtlChart"));
    auto *chartBox = new QWidget;
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(m_count);
    chartLayout->addWidget(m_chart, 1);

    auto *right = new QSplitter(Qt::Vertical);
    right->addWidget(m_detail);
    right->addWidget(chartBox);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_scanBar);
    layout->addWidget(split, 1);

    connect(m_scanBar, &ScanBar::scanRequested, this, &SessionsPage::startScan);
    connect(m_scanBar, &ScanBar::cancelRequested, this, &SessionsPage::cancel);
    connect(m_filter, &QLineEdit::textChanged, this, &SessionsPage::applyFilter);
    connect(m_deleteSelected, &QPushButton::clicked, this, &SessionsPage::deleteSelected);
    connect(m_deletePattern, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString glob = QInputDialog::getText(this, tr("Delete by pattern"),
                                                   tr("Delete every session whose id matches (glob, after '%1'):")
                                                       .arg(QString::fromUtf8(m_scanBar->prefix())),
                                                   QLineEdit::Normal, m_scanBar->matchText(), &ok);
        if (ok && !glob.trimmed().isEmpty())
            deleteByPattern(glob.trimmed());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &SessionsPage::onCurrentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SessionsPage::updateActions);
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, [this] {
        m_detail->tick();
        // Sessions age: the distribution moves even without a new scan.
        if (m_model->totalRows() > 0 && isVisible())
            m_chart->setHistogram(m_model->ttlHistogram(m_model->now()));
    });
    m_tick->start();
    updateActions();
}

SessionsPage::~SessionsPage() = default;

QLineEdit *SessionsPage::matchEdit() const
{
    return m_scanBar->matchEdit();
}

void SessionsPage::setBrowser(sdcore::SessionBrowser *browser, const QString &connectionName, bool readOnly,
                              bool production)
{
    if (m_browser)
        disconnect(m_browser, nullptr, this, nullptr);
    m_browser = browser;
    m_name = connectionName;
    m_scannedOnce = false;
    m_scanId = 0;
    m_model->clear(m_scanBar->prefix());
    m_chart->clearHistogram();
    m_detail->clear(tr("Select a session to see it decoded."));
    m_status->clear();
    m_scanBar->resetProgress();
    setReadOnly(readOnly, production);
    if (m_browser) {
        connect(m_browser, &sdcore::SessionBrowser::scanStarted, this, &SessionsPage::onScanStarted);
        connect(m_browser, &sdcore::SessionBrowser::scanBatch, this, &SessionsPage::onBatch);
        connect(m_browser, &sdcore::SessionBrowser::scanFinished, this, &SessionsPage::onScanFinished);
        connect(m_browser, &sdcore::SessionBrowser::sessionFetched, this, &SessionsPage::onFetched);
        connect(m_browser, &sdcore::SessionBrowser::fetchFailed, this, [this](const QByteArray &key, const QString &error) {
            if (key == m_detail->key())
                m_detail->showNote(tr("Could not read it: %1").arg(error));
        });
        connect(m_browser, &sdcore::SessionBrowser::deleteProgress, this, [this](qint64 done, qint64 total) {
            m_scanBar->showProgress(done, total);
        });
        connect(m_browser, &sdcore::SessionBrowser::deleteFinished, this, &SessionsPage::onDeleteFinished);
        if (isVisible())
            startScan();
    }
    updateCounts();
    updateChart();
    updateActions();
}

void SessionsPage::setReadOnly(bool readOnly, bool production)
{
    m_readOnly = readOnly;
    m_production = production;
    if (m_browser)
        m_browser->setReadOnly(readOnly);
    updateActions();
}

void SessionsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_browser && !m_scannedOnce)
        startScan();
}

bool SessionsPage::scanning() const
{
    return m_browser && m_browser->isScanning();
}

QString SessionsPage::statusText() const
{
    return m_status->text();
}

QString SessionsPage::detailKeyText() const
{
    return m_detail->keyText();
}

void SessionsPage::startScan()
{
    if (!m_browser)
        return;
    m_scannedOnce = true;
    const sdcore::ScanOptions options = m_scanBar->options();
    m_browser->setReadFromReplica(m_scanBar->fromReplica());
    m_model->clear(options.prefix);
    m_table->setColumnHidden(SessionTableModel::Shard, true);
    m_model->setFilterText(m_filter->text());
    m_scanStartMs = QDateTime::currentMSecsSinceEpoch();
    m_scanId = m_browser->startScan(options);
}

void SessionsPage::cancel()
{
    if (!m_browser)
        return;
    m_browser->cancelScan();
    m_browser->cancelDelete();
}

void SessionsPage::onScanStarted(quint64 id)
{
    m_scanId = id;
    m_scanBar->showBusy();
    m_status->setText(tr("Scanning…"));
    updateActions();
}

void SessionsPage::onBatch(quint64 id, const sdcore::ScanBatch &batch)
{
    if (id != m_scanId)
        return;
    if (m_model->totalRows() == 0 && batch.dbSize > 0)
        m_model->reserve(qsizetype(batch.dbSize));
    m_model->appendRows(batch.rows, batch.shard);
    if (m_table->isColumnHidden(SessionTableModel::Shard) && m_model->hasShards()) {
        // A cluster's rows: the shard beside the type, the id a little narrower to make room.
        m_table->setColumnHidden(SessionTableModel::Shard, false);
        m_table->setColumnWidth(SessionTableModel::Id, qMin(m_table->columnWidth(SessionTableModel::Id), 150));
        m_table->setColumnWidth(SessionTableModel::User, qMin(m_table->columnWidth(SessionTableModel::User), 100));
    }
    if (batch.dbSize > 0)
        m_scanBar->showProgress(batch.keysSeen, batch.dbSize, tr("%1 keys seen").arg(QLocale().toString(batch.keysSeen)));
    // Only the count per batch: the histogram walks every row, and the 1 s tick redraws it.
    updateCounts();
}

void SessionsPage::onScanFinished(quint64 id, const sdcore::ScanSummary &summary)
{
    if (id != m_scanId)
        return;
    m_model->resort();
    m_scanBar->showFinished(summary.complete);
    QString text;
    const QString rows = QLocale().toString(summary.rows);
    if (summary.complete) {
        const QString from = summary.shards > 0 ? tr("%1 shards").arg(summary.shards) : summary.node.toString();
        text = tr("%1 sessions from %2 in %3 s").arg(rows, from).arg(summary.durationMs / 1000.0, 0, 'f', 1);
    } else if (summary.error == QStringLiteral("cancelled")) {
        text = tr("Scan cancelled: %1 sessions so far (partial)").arg(rows);
    } else {
        text = tr("Scan stopped: %1 (%2 sessions so far)").arg(summary.error, rows);
    }
    if (summary.vanished > 0)
        text += tr("; %1 expired or deleted while scanning").arg(QLocale().toString(summary.vanished));
    if (summary.pausedMs > 0)
        text += tr("; paused %1 s to spare the server").arg(summary.pausedMs / 1000.0, 0, 'f', 1);
    // A rescan after a delete keeps saying what the delete did.
    if (!m_lastDelete.isEmpty())
        text = m_lastDelete + QLatin1Char(' ') + text;
    m_lastDelete.clear();
    m_status->setText(text);
    updateCounts();
    updateChart();
    updateActions();
}

void SessionsPage::updateCounts()
{
    const qint64 total = m_model->totalRows();
    const qint64 shown = m_model->rowCount();
    QString text = tr("%n session(s)", nullptr, int(qMin<qint64>(total, INT_MAX)));
    if (total > 0)
        text = tr("%1 sessions").arg(QLocale().toString(total));
    if (shown != total)
        text += tr(" (%1 shown)").arg(QLocale().toString(shown));
    if (scanning())
        text += tr(" …");
    m_count->setText(text);
}

void SessionsPage::updateChart()
{
    m_chart->setTitle(tr("TTL distribution under '%1'").arg(QString::fromUtf8(m_model->prefix())));
    m_chart->setHistogram(m_model->ttlHistogram(m_model->now()));
}

void SessionsPage::updateActions()
{
    const bool haveBrowser = m_browser != nullptr;
    const bool busyDelete = haveBrowser && m_browser->isDeleting();
    m_scanBar->setActions(haveBrowser, haveBrowser && (m_browser->isScanning() || busyDelete));
    const QString offTip = m_readOnly ? tr("'%1' is read-only: deleting is turned off").arg(m_name)
                                      : m_deleteDenied;
    const bool canDelete = haveBrowser && !m_readOnly && m_deleteDenied.isEmpty() && !busyDelete;
    m_deleteSelected->setEnabled(canDelete && m_table->selectionModel()->hasSelection());
    m_deletePattern->setEnabled(canDelete);
    m_deleteSelected->setToolTip(!offTip.isEmpty() ? offTip : tr("Delete the selected sessions (UNLINK)"));
    m_deletePattern->setToolTip(!offTip.isEmpty() ? offTip : tr("Delete every session matching a pattern, after a count"));
}

void SessionsPage::setDeleteDenied(const QString &reason)
{
    if (reason == m_deleteDenied)
        return;
    m_deleteDenied = reason;
    m_deleteNote->setText(tr("Deleting is off: %1.").arg(reason));
    m_deleteNote->setVisible(!reason.isEmpty());
    updateActions();
}

QList<QByteArray> SessionsPage::selectedKeys() const
{
    // Each key once: a cluster scan can list a key that moved mid-scan under two shards.
    QList<QByteArray> keys;
    QSet<QByteArray> seen;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    keys.reserve(rows.size());
    for (const QModelIndex &i : rows) {
        const QByteArray key = m_model->keyAt(i.row());
        if (!seen.contains(key)) {
            seen.insert(key);
            keys << key;
        }
    }
    return keys;
}

bool SessionsPage::confirm(const QString &what, qint64 count, const QList<QByteArray> &samples)
{
    const QString typed = m_production && count > 1 ? m_name : QString();
    DeleteConfirmDialog dialog(what, count, samples, typed, this);
    return dialog.exec() == QDialog::Accepted;
}

void SessionsPage::deleteSelected()
{
    if (!m_browser || m_readOnly)
        return;
    const QList<QByteArray> keys = selectedKeys();
    if (keys.isEmpty())
        return;
    if (!confirm(tr("from '%1'").arg(m_name), keys.size(), keys.mid(0, 10)))
        return;
    m_status->setText(tr("Deleting %n session(s)…", nullptr, int(keys.size())));
    m_browser->deleteKeys(keys);
    updateActions();
}

void SessionsPage::deleteByPattern(const QString &glob)
{
    if (!m_browser || m_readOnly)
        return;
    if (glob.isEmpty()) {
        m_status->setText(tr("An empty pattern matches nothing: give a glob for the session ids (* for every session). Nothing deleted."));
        return;
    }
    const QByteArray pattern = sdcore::SessionScanner::matchPattern(m_model->prefix(), glob.toUtf8());
    m_pendingPattern = sdcore::KeyText::printable(pattern);
    m_status->setText(tr("Counting the keys matching '%1'…").arg(m_pendingPattern));
    m_browser->previewPattern(m_model->prefix(), glob.toUtf8());
    updateActions();
}

void SessionsPage::onDeleteFinished(const sdcore::DeleteResult &r)
{
    m_scanBar->resetProgress();
    if (r.dryRun) {
        updateActions();
        const QString pattern = sdcore::KeyText::printable(r.pattern);
        if (!r.error.isEmpty()) {
            m_status->setText(tr("Could not count the keys matching '%1': %2").arg(pattern, r.error));
            return;
        }
        if (r.requested == 0) {
            m_status->setText(tr("No key matches '%1'; nothing deleted.").arg(pattern));
            return;
        }
        if (pattern != m_pendingPattern || !confirm(tr("matching '%1' on '%2'").arg(pattern, m_name), r.requested, r.samples)) {
            m_status->setText(tr("Nothing deleted."));
            return;
        }
        // Exactly the keys the dialog counted and listed: a session created since is left.
        m_status->setText(tr("Deleting the %n key(s) matching '%1'…", nullptr, int(r.requested)).arg(pattern));
        m_browser->deletePreviewed(r);
        updateActions();
        return;
    }
    QString text;
    if (!r.error.isEmpty())
        text = tr("Delete stopped after %1 keys: %2").arg(QLocale().toString(r.deleted), r.error);
    else if (r.mode == sdcore::DeleteResult::Mode::Pattern) {
        text = tr("Deleted %1 of the %2 keys counted matching '%3'.")
                   .arg(QLocale().toString(r.deleted), QLocale().toString(r.requested), sdcore::KeyText::printable(r.pattern));
        if (r.alsoMatching > 0)
            text += QLatin1Char(' ') + tr("%n key(s) created since the count also match now; they were left.", nullptr, int(r.alsoMatching));
    }
    else
        text = tr("Deleted %1 of %2 keys.").arg(QLocale().toString(r.deleted), QLocale().toString(r.requested));
    if (!r.auditError.isEmpty())
        text += QLatin1Char(' ') + r.auditError;
    m_status->setText(text);
    if (r.mode == sdcore::DeleteResult::Mode::Keys && r.complete) {
        m_model->removeKeys(r.keys);
        updateCounts();
        updateChart();
        if (r.keys.contains(m_detail->key())) {
            // Nothing of a deleted session stays on screen as if it were still there.
            m_detail->clear(m_detail->keyText());
            m_detail->showNote(tr("This session was deleted."));
        }
    } else if (r.deleted > 0) {
        // A pattern (or an interrupted delete): which rows went is the server's to say.
        m_lastDelete = text;
        startScan();
    }
    updateActions();
}

void SessionsPage::onCurrentChanged()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || !m_browser)
        return;
    const QByteArray key = m_model->keyAt(current.row());
    if (key == m_detail->key())
        return;
    m_detail->showLoading(key);
    m_browser->fetch(key, m_model->prefix());
}

void SessionsPage::onFetched(const sdcore::DecodedSession &s)
{
    if (s.key != m_detail->key())
        return;
    m_detail->showSession(s);
    // The row shows the TTL just read too, not the scan's older one.
    m_model->refreshTtl(s.key, s.kind == sdcore::DecodedSession::Kind::Missing ? -2 : s.pttlMs,
                        QDateTime::currentMSecsSinceEpoch());
}

void SessionsPage::applyFilter(const QString &text)
{
    // Selection, detail and the delete action follow what is visible: rows the filter hides
    // leave the selection, and a hidden session's detail leaves the pane.
    QList<int> selectedRows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        selectedRows << i.row();
    const QList<quint32> selected = m_model->rowIdsAt(selectedRows);
    m_model->setFilterText(text);
    // Contiguous runs become one range each (Ctrl+A over a million rows stays one range).
    QItemSelection keep;
    const QList<int> rows = m_model->visibleRowsOf(selected);
    for (qsizetype i = 0; i < rows.size();) {
        qsizetype j = i;
        while (j + 1 < rows.size() && rows.at(j + 1) == rows.at(j) + 1)
            ++j;
        keep.select(m_model->index(rows.at(i), 0), m_model->index(rows.at(j), SessionTableModel::ColumnCount - 1));
        i = j + 1;
    }
    m_table->selectionModel()->select(keep, QItemSelectionModel::ClearAndSelect);
    const QByteArray shown = m_detail->key();
    const int detailRow = shown.isEmpty() ? -1 : m_model->visibleRowOf(shown);
    if (detailRow >= 0) {
        m_table->selectionModel()->setCurrentIndex(m_model->index(detailRow, 0), QItemSelectionModel::NoUpdate);
    } else if (!shown.isEmpty()) {
        m_detail->clear(tr("The session shown before is hidden by the filter; clear the filter to see it again."));
    }
    updateCounts();
    updateActions();
}

sdcore::Status SessionsPage::exportRows(const QString &path, bool selectedOnly) const
{
    QList<int> rows;
    if (selectedOnly) {
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
            rows << i.row();
        std::sort(rows.begin(), rows.end());
    } else {
        for (int r = 0; r < m_model->rowCount(); ++r)
            rows << r;
    }
    // The same writer and fields as `sessions list --output` (see SessionExport).
    const qint64 now = m_model->now();
    sdcore::SessionExport file;
    if (sdcore::Status opened = file.open(path); !opened)
        return opened;
    for (int r : std::as_const(rows))
        file.add(m_model->rowAt(r, now), m_model->prefix(), now);
    if (sdcore::Status written = file.commit(); !written)
        return written;
    return sdcore::success();
}

void SessionsPage::exportWithDialog(bool selectedOnly)
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export sessions"), QStringLiteral("sessions.csv"),
                                                      tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    if (auto s = exportRows(path, selectedOnly); !s)
        QMessageBox::warning(this, tr("Export failed"), s.errorMessage());
    else
        m_status->setText(tr("Exported to %1").arg(path));
}

} // namespace sdui
