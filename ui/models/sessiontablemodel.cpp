#include "ui/models/sessiontablemodel.h"

#include "core/sessions/sessiondecoder.h"
#include "core/sessions/sessionkeyresolver.h"
#include "core/support/format.h"
#include "core/support/keytext.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>

#include <algorithm>

namespace sdui {

namespace {

constexpr qsizetype ChunkSize = 4 << 20;
constexpr quint64 MaxIdLength = (1u << 18) - 1;
constexpr int MaxUserLength = 255;
constexpr quint64 LongTextMarker = ~quint64(0);

// Cuts UTF-8 bytes at a character boundary at most `max` bytes long.
QByteArrayView utf8Prefix(QByteArrayView bytes, qsizetype max)
{
    if (bytes.size() <= max)
        return bytes;
    qsizetype n = max;
    while (n > 0 && (uchar(bytes[n]) & 0xc0) == 0x80)
        --n;
    return bytes.first(n);
}

} // namespace

SessionTableModel::SessionTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_epochMs = QDateTime::currentMSecsSinceEpoch();
    // The TTL counts down in the view; only the visible cells repaint.
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, [this] {
        if (!m_visible.empty())
            Q_EMIT dataChanged(index(0, Ttl), index(int(m_visible.size()) - 1, Ttl), {Qt::DisplayRole});
    });
    m_tick->start();
}

qint64 SessionTableModel::now() const
{
    return m_fixedNow ? m_fixedNow : QDateTime::currentMSecsSinceEpoch();
}

void SessionTableModel::clear(const QByteArray &prefix)
{
    beginResetModel();
    m_prefix = prefix;
    m_epochMs = now();
    m_text = {};
    m_expires = {};
    m_sizes = {};
    m_types = {};
    m_shards = {};
    m_shardNames = {QString()};
    m_chunks = {};
    m_longTexts.clear();
    m_removed = 0;
    m_visible = {};
    endResetModel();
}

void SessionTableModel::reserve(qsizetype rows)
{
    if (rows <= qsizetype(m_expires.capacity()))
        return;
    m_text.reserve(size_t(rows));
    m_expires.reserve(size_t(rows));
    m_sizes.reserve(size_t(rows));
    m_types.reserve(size_t(rows));
    m_shards.reserve(size_t(rows));
    m_visible.reserve(size_t(rows));
}

void SessionTableModel::storeText(QByteArrayView a, QByteArrayView b, quint64 *offset)
{
    const qsizetype need = a.size() + b.size();
    if (m_chunks.empty() || m_chunks.back().size() + need > ChunkSize) {
        m_chunks.emplace_back();
        m_chunks.back().reserve(ChunkSize);
    }
    QByteArray &chunk = m_chunks.back();
    *offset = (quint64(m_chunks.size() - 1) << 48) | (quint64(chunk.size()) << 26);
    chunk.append(a.data(), a.size());
    chunk.append(b.data(), b.size());
}

void SessionTableModel::appendRows(const QList<sdcore::SessionRow> &rows, const QString &shard)
{
    if (rows.isEmpty())
        return;
    qsizetype shardIndex = m_shardNames.indexOf(shard);
    if (shardIndex < 0 && m_shardNames.size() <= std::numeric_limits<quint16>::max()) {
        shardIndex = m_shardNames.size();
        m_shardNames << shard;
    }
    shardIndex = qMax<qsizetype>(0, shardIndex);
    const quint32 first = quint32(m_expires.size());
    for (const sdcore::SessionRow &row : rows) {
        const quint32 n = quint32(m_expires.size());
        quint8 type = quint8(row.type);
        QByteArrayView id(row.key);
        if (!m_prefix.isEmpty() && id.startsWith(m_prefix))
            id = id.sliced(m_prefix.size());
        else
            type |= FullKeyFlag;
        const QByteArray user = row.user.toUtf8();
        const QByteArrayView userView = utf8Prefix(user, MaxUserLength);
        if (quint64(id.size()) > MaxIdLength || id.size() + userView.size() > ChunkSize) {
            m_longTexts.insert(n, id.toByteArray() + userView.toByteArray());
            m_text.push_back(LongTextMarker);
            m_longTexts[n].append(char(userView.size()));
        } else {
            quint64 word = 0;
            storeText(id, userView, &word);
            word |= quint64(id.size()) << 8 | quint64(userView.size());
            m_text.push_back(word);
        }
        if (row.pttlMs < 0) {
            m_expires.push_back(NoExpiry);
        } else {
            const qint64 at = row.fetchedAtMs + row.pttlMs - m_epochMs;
            m_expires.push_back(qint32(qBound<qint64>(0, (at + 999) / 1000, qint64(std::numeric_limits<qint32>::max()))));
        }
        m_sizes.push_back(quint32(qBound<qint64>(0, row.size, qint64(std::numeric_limits<quint32>::max()))));
        m_types.push_back(type);
        m_shards.push_back(quint16(shardIndex));
    }
    std::vector<quint32> added;
    for (quint32 r = first; r < m_expires.size(); ++r) {
        if (passes(r))
            added.push_back(r);
    }
    if (added.empty())
        return;
    // Appended at the end even when sorted; resort() puts them in place once the scan is done.
    const int at = int(m_visible.size());
    beginInsertRows({}, at, at + int(added.size()) - 1);
    m_visible.insert(m_visible.end(), added.begin(), added.end());
    endInsertRows();
}

QByteArrayView SessionTableModel::idBytes(quint32 row) const
{
    const quint64 w = m_text[row];
    if (w == LongTextMarker) {
        const QByteArray &t = m_longTexts[row];
        const int userLen = uchar(t.back());
        return QByteArrayView(t).first(t.size() - 1 - userLen);
    }
    const QByteArray &chunk = m_chunks[size_t(w >> 48)];
    const qsizetype offset = qsizetype((w >> 26) & ((1u << 22) - 1));
    const qsizetype idLen = qsizetype((w >> 8) & MaxIdLength);
    return QByteArrayView(chunk.constData() + offset, idLen);
}

QByteArrayView SessionTableModel::userBytes(quint32 row) const
{
    const quint64 w = m_text[row];
    if (w == LongTextMarker) {
        const QByteArray &t = m_longTexts[row];
        const int userLen = uchar(t.back());
        return QByteArrayView(t).sliced(t.size() - 1 - userLen, userLen);
    }
    const QByteArray &chunk = m_chunks[size_t(w >> 48)];
    const qsizetype offset = qsizetype((w >> 26) & ((1u << 22) - 1));
    const qsizetype idLen = qsizetype((w >> 8) & MaxIdLength);
    return QByteArrayView(chunk.constData() + offset + idLen, qsizetype(w & 0xff));
}

qint64 SessionTableModel::expiresAtMs(quint32 row) const
{
    return m_expires[row] == NoExpiry ? -1 : m_epochMs + qint64(m_expires[row]) * 1000;
}

bool SessionTableModel::passes(quint32 row) const
{
    if (m_types[row] & RemovedFlag)
        return false;
    if (m_filter.isEmpty())
        return true;
    // A pasted cookie or full key names its session exactly; the text as typed still matches
    // as a substring (an id may itself look like a cookie: s:foo.bar).
    if (m_filterExact && idBytes(row) == m_filterId)
        return true;
    if (idBytes(row).indexOf(m_filterText) >= 0)
        return true;
    // An id copied from the table (its printed form) finds the session it names.
    if (!m_filterBytes.isEmpty() && idBytes(row).indexOf(m_filterBytes) >= 0)
        return true;
    const QByteArrayView user = userBytes(row);
    return !user.isEmpty() && QString::fromUtf8(user).contains(m_filter, Qt::CaseInsensitive);
}

void SessionTableModel::setFilterText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_filter)
        return;
    m_filter = trimmed;
    // A pasted cookie (only text with a cookie's form) or a full key names one session: its id
    // matches exactly. Any text is also a substring of the id or the user.
    m_filterText = trimmed.toUtf8();
    m_filterBytes.clear();
    if (const std::optional<QByteArray> bytes = sdcore::KeyText::fromPrintable(trimmed); bytes && *bytes != m_filterText)
        m_filterBytes = *bytes;
    m_filterId.clear();
    if (sdcore::SessionKeyResolver::looksLikeCookie(trimmed))
        m_filterId = sdcore::SessionDecoder::sessionIdFromInput(trimmed, m_prefix);
    else if (!m_prefix.isEmpty() && m_filterText.startsWith(m_prefix))
        m_filterId = m_filterText.mid(m_prefix.size());
    m_filterExact = !m_filterId.isEmpty();
    beginResetModel();
    rebuildVisible();
    sortVisible();
    endResetModel();
}

void SessionTableModel::rebuildVisible()
{
    m_visible.clear();
    for (quint32 r = 0; r < m_expires.size(); ++r) {
        if (passes(r))
            m_visible.push_back(r);
    }
}

void SessionTableModel::sortVisible()
{
    if (m_sortColumn < 0)
        return;
    const auto byColumn = [this](quint32 a, quint32 b) {
        switch (m_sortColumn) {
        case User: {
            const QByteArrayView ua = userBytes(a), ub = userBytes(b);
            if (ua != ub)
                return ua < ub;
            break;
        }
        case Ttl:
        case ExpiresAt: {
            // No TTL sorts after every expiry.
            const quint32 ea = quint32(m_expires[a]), eb = quint32(m_expires[b]);
            if (ea != eb)
                return ea < eb;
            break;
        }
        case Size:
            if (m_sizes[a] != m_sizes[b])
                return m_sizes[a] < m_sizes[b];
            break;
        case Type:
            if ((m_types[a] & 0x0f) != (m_types[b] & 0x0f))
                return (m_types[a] & 0x0f) < (m_types[b] & 0x0f);
            break;
        case Shard:
            if (m_shards[a] != m_shards[b])
                return m_shardNames.at(m_shards[a]) < m_shardNames.at(m_shards[b]);
            break;
        default:
            break;
        }
        return idBytes(a) < idBytes(b);
    };
    if (m_sortOrder == Qt::AscendingOrder)
        std::stable_sort(m_visible.begin(), m_visible.end(), byColumn);
    else
        std::stable_sort(m_visible.begin(), m_visible.end(), [&](quint32 a, quint32 b) { return byColumn(b, a); });
}

void SessionTableModel::sort(int column, Qt::SortOrder order)
{
    m_sortColumn = column;
    m_sortOrder = order;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<quint32> rowsBefore;
    for (const QModelIndex &i : before)
        rowsBefore.push_back(m_visible[size_t(i.row())]);
    sortVisible();
    if (!before.isEmpty()) {
        QHash<quint32, int> where;
        for (int i = 0; i < int(m_visible.size()); ++i)
            where.insert(m_visible[size_t(i)], i);
        QModelIndexList after;
        for (qsizetype i = 0; i < before.size(); ++i)
            after << index(where.value(rowsBefore[size_t(i)]), before.at(i).column());
        changePersistentIndexList(before, after);
    }
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void SessionTableModel::resort()
{
    if (m_sortColumn >= 0)
        sort(m_sortColumn, m_sortOrder);
}

qsizetype SessionTableModel::removeKeys(const QList<QByteArray> &keys)
{
    if (keys.isEmpty())
        return 0;
    QSet<QByteArray> wanted(keys.cbegin(), keys.cend());
    qsizetype removed = 0;
    // Every row of a key: a cluster scan can list a key that moved mid-scan twice.
    for (quint32 r = 0; r < m_expires.size(); ++r) {
        if (m_types[r] & RemovedFlag)
            continue;
        const QByteArray key = (m_types[r] & FullKeyFlag) ? idBytes(r).toByteArray() : m_prefix + idBytes(r).toByteArray();
        if (wanted.contains(key)) {
            m_types[r] |= RemovedFlag;
            ++removed;
        }
    }
    if (removed) {
        m_removed += removed;
        beginResetModel();
        rebuildVisible();
        sortVisible();
        endResetModel();
    }
    return removed;
}

int SessionTableModel::visibleRowOf(const QByteArray &key) const
{
    for (size_t i = 0; i < m_visible.size(); ++i) {
        const quint32 r = m_visible[i];
        const QByteArray k = (m_types[r] & FullKeyFlag) ? idBytes(r).toByteArray() : m_prefix + idBytes(r).toByteArray();
        if (k == key)
            return int(i);
    }
    return -1;
}

QList<quint32> SessionTableModel::rowIdsAt(const QList<int> &visibleRows) const
{
    QList<quint32> ids;
    ids.reserve(visibleRows.size());
    for (int v : visibleRows) {
        if (v >= 0 && v < int(m_visible.size()))
            ids << m_visible[size_t(v)];
    }
    return ids;
}

QList<int> SessionTableModel::visibleRowsOf(const QList<quint32> &rowIds) const
{
    std::vector<bool> wanted(m_expires.size(), false);
    for (quint32 id : rowIds) {
        if (id < wanted.size())
            wanted[id] = true;
    }
    QList<int> rows;
    for (size_t i = 0; i < m_visible.size(); ++i) {
        if (wanted[m_visible[i]])
            rows << int(i);
    }
    return rows;
}

bool SessionTableModel::refreshTtl(const QByteArray &key, qint64 pttlMs, qint64 fetchedAtMs)
{
    for (quint32 r = 0; r < m_expires.size(); ++r) {
        if (m_types[r] & RemovedFlag)
            continue;
        const QByteArray k = (m_types[r] & FullKeyFlag) ? idBytes(r).toByteArray() : m_prefix + idBytes(r).toByteArray();
        if (k != key)
            continue;
        if (pttlMs == -1) {
            m_expires[r] = NoExpiry;
        } else {
            // Gone (-2) reads as expired now.
            const qint64 at = fetchedAtMs + qMax<qint64>(0, pttlMs) - m_epochMs;
            m_expires[r] = qint32(qBound<qint64>(0, (at + 999) / 1000, qint64(std::numeric_limits<qint32>::max())));
        }
        const int shown = visibleRowOf(key);
        if (shown >= 0)
            Q_EMIT dataChanged(index(shown, Ttl), index(shown, ExpiresAt));
        return true;
    }
    return false;
}

QByteArray SessionTableModel::keyAt(int visibleRow) const
{
    if (visibleRow < 0 || visibleRow >= int(m_visible.size()))
        return {};
    const quint32 r = m_visible[size_t(visibleRow)];
    return (m_types[r] & FullKeyFlag) ? idBytes(r).toByteArray() : m_prefix + idBytes(r).toByteArray();
}

QString SessionTableModel::shardAt(int visibleRow) const
{
    if (visibleRow < 0 || visibleRow >= int(m_visible.size()))
        return {};
    return m_shardNames.at(m_shards[m_visible[size_t(visibleRow)]]);
}

QString SessionTableModel::userAt(int visibleRow) const
{
    if (visibleRow < 0 || visibleRow >= int(m_visible.size()))
        return {};
    return QString::fromUtf8(userBytes(m_visible[size_t(visibleRow)]));
}

qint64 SessionTableModel::ttlMsAt(int visibleRow, qint64 nowMs) const
{
    if (visibleRow < 0 || visibleRow >= int(m_visible.size()))
        return -2;
    const qint64 at = expiresAtMs(m_visible[size_t(visibleRow)]);
    return at < 0 ? -1 : qMax<qint64>(0, at - nowMs);
}

std::array<qint64, sdcore::CensusResult::TtlBuckets> SessionTableModel::ttlHistogram(qint64 nowMs) const
{
    std::array<qint64, sdcore::CensusResult::TtlBuckets> h{};
    for (quint32 r = 0; r < m_expires.size(); ++r) {
        if (m_types[r] & RemovedFlag)
            continue;
        const qint64 at = expiresAtMs(r);
        ++h[sdcore::CensusResult::ttlBucketOf(at < 0 ? -1 : qMax<qint64>(0, at - nowMs))];
    }
    return h;
}

qint64 SessionTableModel::memoryBytes() const
{
    qint64 bytes = qint64(m_text.capacity() * sizeof(quint64) + m_expires.capacity() * sizeof(qint32)
                          + m_sizes.capacity() * sizeof(quint32) + m_types.capacity()
                          + m_shards.capacity() * sizeof(quint16)
                          + m_visible.capacity() * sizeof(quint32));
    for (const QByteArray &c : m_chunks)
        bytes += c.capacity();
    for (const QByteArray &t : m_longTexts)
        bytes += t.capacity();
    return bytes;
}

sdcore::SessionRow SessionTableModel::rowAt(int visibleRow, qint64 nowMs) const
{
    sdcore::SessionRow row;
    if (visibleRow < 0 || visibleRow >= int(m_visible.size()))
        return row;
    const size_t r = m_visible[size_t(visibleRow)];
    row.key = keyAt(visibleRow);
    row.pttlMs = ttlMsAt(visibleRow, nowMs);
    row.fetchedAtMs = nowMs;
    row.size = qint64(m_sizes[r]);
    row.type = sdcore::SessionRow::Type(m_types[r] & 0x0f);
    row.user = userAt(visibleRow);
    return row;
}


int SessionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int SessionTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const quint32 r = m_visible[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Id: {
            // The form the command line prints and takes back (see format::sessionId).
            const QByteArrayView id = idBytes(r);
            return sdcore::KeyText::printable(id);
        }
        case User: return QString::fromUtf8(userBytes(r));
        case Ttl: return sdcore::format::countdown(ttlMsAt(index.row(), now()));
        case ExpiresAt: {
            const qint64 at = expiresAtMs(r);
            return at < 0 ? QString() : QDateTime::fromMSecsSinceEpoch(at).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        }
        case Size:
            return (m_types[r] & 0x0f) == sdcore::SessionRow::String
                ? sdcore::format::bytes(qint64(m_sizes[r]), QLocale::system())
                : QString();
        case Type: {
            // The locking store's own keys live under the prefix too: say what they are.
            const QByteArrayView id = idBytes(r);
            if (!(m_types[r] & FullKeyFlag) && id.startsWith("lock:"))
                return tr("lock");
            if (!(m_types[r] & FullKeyFlag) && id.startsWith("tomb:"))
                return tr("tombstone");
            return sdcore::SessionRow::typeName(sdcore::SessionRow::Type(m_types[r] & 0x0f));
        }
        case Shard: return m_shardNames.at(m_shards[r]);
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Ttl || index.column() == Size)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ToolTipRole:
        if (index.column() == Id)
            return QString::fromUtf8(keyAt(index.row()));
        break;
    case KeyRole: return keyAt(index.row());
    case TtlMsRole: return ttlMsAt(index.row(), now());
    case SizeRole: return qint64(m_sizes[r]);
    default: break;
    }
    return {};
}

QVariant SessionTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id: return tr("Session id");
    case User: return tr("User");
    case Ttl: return tr("TTL");
    case ExpiresAt: return tr("Expires at");
    case Size: return tr("Size");
    case Type: return tr("Type");
    case Shard: return tr("Shard");
    }
    return {};
}

} // namespace sdui
