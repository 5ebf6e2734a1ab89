#pragma once

// The sessions a scan streamed in, as a table: id, user, TTL (counting down live), expires at,
// size, type, and on a cluster the shard. Built for millions of rows: no object per row, the rows' fields in parallel
// arrays (17 bytes a row) and their texts (id without the prefix, user) packed in 4 MiB chunks,
// so ten million sessions take a few hundred MB. A batch is one range insert; sorting and the
// substring filter work on a permutation of row numbers, not on QVariants. The TTL is computed
// from the PTTL the scan read and the time it read it, never re-queried: a timer only tells the
// view the TTL column changed.

#include "core/sessions/sessioncensus.h"

#include <QAbstractTableModel>
#include <QHash>

#include <vector>

class QTimer;

namespace sdui {

class SessionTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, User, Ttl, ExpiresAt, Size, Type, Shard, ColumnCount };
    enum Role {
        KeyRole = Qt::UserRole + 1,   // QByteArray: the full key
        TtlMsRole,                    // qint64: remaining TTL now; -1 none, 0 expired
        SizeRole,                     // qint64
    };

    explicit SessionTableModel(QObject *parent = nullptr);

    // Forgets every row; rows appended afterwards belong to keys under `prefix`.
    void clear(const QByteArray &prefix);
    QByteArray prefix() const { return m_prefix; }
    // Reserves room for about `rows` rows (DBSIZE), so the arrays do not grow by copying.
    void reserve(qsizetype rows);
    // `shard`: on a cluster, the slots of the shard the rows came from (the Shard column).
    void appendRows(const QList<sdcore::SessionRow> &rows, const QString &shard = QString());
    // True once rows came from a cluster's shards: the Shard column has something to show.
    bool hasShards() const { return m_shardNames.size() > 1; }
    QString shardAt(int visibleRow) const;
    // Removes the rows of these keys (after a delete). Returns how many were removed.
    qsizetype removeKeys(const QList<QByteArray> &keys);
    // Re-sorts by the current sort column (after a scan that appended unsorted rows).
    void resort();

    // Substring of the id or the user; a pasted cookie or full key selects that session's id.
    void setFilterText(const QString &text);
    QString filterText() const { return m_filter; }

    qsizetype totalRows() const { return qsizetype(m_expires.size()) - m_removed; }
    QByteArray keyAt(int visibleRow) const;
    // The visible row of `key`, -1 when it is hidden or not held (a linear walk: for one key at
    // a time, such as the one the detail pane shows).
    int visibleRowOf(const QByteArray &key) const;
    // The rows behind visible rows, and back: a selection kept across a filter change costs one
    // pass, not a key lookup per selected row.
    QList<quint32> rowIdsAt(const QList<int> &visibleRows) const;
    QList<int> visibleRowsOf(const QList<quint32> &rowIds) const;
    // The row of `key` takes a TTL read afresh (by the detail pane), so that one session never
    // shows two TTLs on one screen; false when no row holds the key.
    bool refreshTtl(const QByteArray &key, qint64 pttlMs, qint64 fetchedAtMs);
    QString userAt(int visibleRow) const;
    qint64 ttlMsAt(int visibleRow, qint64 nowMs) const;
    // Remaining TTL of every row still held (for the TTL distribution).
    std::array<qint64, sdcore::CensusResult::TtlBuckets> ttlHistogram(qint64 nowMs) const;
    // Bytes held for the rows (arrays, text chunks, permutation).
    qint64 memoryBytes() const;

    // Milliseconds since the epoch used as "now" (tests freeze it); 0 = the clock.
    void setNow(qint64 nowMs) { m_fixedNow = nowMs; }
    qint64 now() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // The row as a scan delivered it, its TTL as of `nowMs` (for the export).
    sdcore::SessionRow rowAt(int visibleRow, qint64 nowMs) const;

private:
    static constexpr qint32 NoExpiry = -1;
    static constexpr quint8 RemovedFlag = 0x80;
    static constexpr quint8 FullKeyFlag = 0x40;   // the text holds the full key (no prefix)

    QByteArrayView idBytes(quint32 row) const;
    QByteArrayView userBytes(quint32 row) const;
    void storeText(QByteArrayView a, QByteArrayView b, quint64 *offset);
    bool passes(quint32 row) const;
    void rebuildVisible();
    void sortVisible();
    qint64 expiresAtMs(quint32 row) const;

    QByteArray m_prefix;
    qint64 m_epochMs = 0;                 // expiry times are seconds after this
    // One entry per row, in arrival order.
    std::vector<quint64> m_text;          // chunk:16 | offset in chunk:22 | id length:18 | user length:8
    std::vector<qint32> m_expires;        // expiry, ms / 1000 after m_epochMs, rounded up; NoExpiry
    std::vector<quint32> m_sizes;         // capped at 4 GiB - 1
    std::vector<quint8> m_types;          // SessionRow::Type | flags
    std::vector<quint16> m_shards;        // index into m_shardNames (0: not a cluster's)
    QStringList m_shardNames{QString()};
    std::vector<QByteArray> m_chunks;
    QHash<quint32, QByteArray> m_longTexts;   // ids too long for the packed form (rare)
    qsizetype m_removed = 0;

    std::vector<quint32> m_visible;       // the rows shown, in view order
    QString m_filter;
    QByteArray m_filterText;              // the filter as typed, for the id substring
    QByteArray m_filterBytes;             // the bytes of the filter read as a printed id (\\, \xNN), when other
    QByteArray m_filterId;
    bool m_filterExact = false;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    qint64 m_fixedNow = 0;
    QTimer *m_tick = nullptr;
};

} // namespace sdui
