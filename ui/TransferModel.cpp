#include "TransferModel.h"

#include "Format.h"
#include "queue/TransferQueue.h"

#include <QGuiApplication>
#include <QPalette>

#include <QFileInfo>
#include <QLocale>

#include <numeric>

namespace bt::ui {

TransferModel::TransferModel(TransferQueue *queue, QObject *parent) : QAbstractTableModel(parent)
{
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &TransferModel::tickRetries);
    setQueue(queue);
}

void TransferModel::setQueue(TransferQueue *queue)
{
    if (m_queue)
        disconnect(m_queue, nullptr, this, nullptr);
    m_queue = queue;
    m_retrying.clear();
    m_countdown.stop();
    if (queue) {
        connect(queue, &TransferQueue::snapshotsChanged, this, &TransferModel::onSnapshots);
        connect(queue, &TransferQueue::added, this, &TransferModel::onAdded);
        connect(queue, &TransferQueue::removed, this, &TransferModel::onRemoved);
        connect(queue, &TransferQueue::orderChanged, this, &TransferModel::onOrderChanged);
        connect(queue, &TransferQueue::linkChanged, this, &TransferModel::onLinkChanged);
    }
    m_stale = queue && (queue->link() == TransferQueue::Link::Lost ||
                        queue->link() == TransferQueue::Link::Refused);
    reload();
}

void TransferModel::onLinkChanged()
{
    const TransferQueue::Link link = m_queue->link();
    const bool stale = link == TransferQueue::Link::Lost || link == TransferQueue::Link::Refused;
    if (stale == m_stale)
        return;
    m_stale = stale;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    recomputeTotals();
}

TransferModel::~TransferModel() = default;

void TransferModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    if (m_queue) {
        const QList<qint64> ids = m_queue->ids();
        m_rows.reserve(ids.size());
        for (qint64 id : ids) {
            m_rowOf.insert(id, int(m_rows.size()));
            m_rows.append(makeRow(id));
        }
    }
    recomputeRanks(false);
    endResetModel();
    recomputeTotals();
}

void TransferModel::recomputeRanks(bool notify)
{
    QList<int> order(m_rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [this](int a, int b) {
        return m_rows[a].position < m_rows[b].position ||
               (m_rows[a].position == m_rows[b].position && m_rows[a].id < m_rows[b].id);
    });
    int first = int(m_rows.size());
    int last = -1;
    for (int i = 0; i < order.size(); ++i) {
        Row &row = m_rows[order[i]];
        if (row.rank != i + 1) {
            row.rank = i + 1;
            first = qMin(first, order[i]);
            last = qMax(last, order[i]);
        }
    }
    m_maxPosition =
        order.isEmpty() ? std::numeric_limits<qint64>::min() : m_rows[order.last()].position;
    if (notify && first <= last)
        Q_EMIT dataChanged(index(first, PositionColumn), index(last, PositionColumn));
}

TransferModel::Row TransferModel::makeRow(qint64 id) const
{
    Row row;
    row.id = id;
    QString requestedName;
    if (const auto rec = m_queue->record(id)) {
        row.direction = rec->direction;
        row.added = rec->added;
        row.directory = rec->directory;
        row.path = rec->destination;
        requestedName = rec->requestedName;
    }
    if (const auto snap = m_queue->snapshot(id))
        apply(row, *snap);
    if (row.name.isEmpty())
        row.name = nameOf(row, requestedName);
    return row;
}

QString TransferModel::nameOf(const Row &row, const QString &requestedName)
{
    if (!row.path.isEmpty())
        return QFileInfo(row.path).fileName();
    if (!requestedName.isEmpty())
        return QFileInfo(requestedName).fileName();
    const QString fromUrl = row.url.fileName();
    return fromUrl.isEmpty() ? row.url.host() : fromUrl;
}

QPair<int, int> TransferModel::apply(Row &row, const TransferSnapshot &s) const
{
    int first = ColumnCount;
    int last = -1;
    auto touch = [&](int a, int b) {
        first = qMin(first, a);
        last = qMax(last, b);
    };
    const TransferProgress &p = s.progress;
    if (row.url != s.url) {
        row.url = s.url;
        touch(NameColumn, NameColumn);
    }
    if (!p.fileName.isEmpty() && row.path != p.fileName) {
        row.path = p.fileName;
        row.name = QFileInfo(p.fileName).fileName();
        touch(NameColumn, NameColumn);
    }
    if (row.total != p.total) {
        row.total = p.total;
        touch(SizeColumn, ProgressColumn);
    }
    if (row.done != p.done) {
        row.done = p.done;
        touch(ProgressColumn, ProgressColumn);
    }
    const bool running = s.state == TransferState::Active;
    const qint64 speed = running ? p.speed : 0;
    const qint64 eta = running ? p.etaSeconds : -1;
    if (row.speed != speed) {
        row.speed = speed;
        touch(SpeedColumn, SpeedColumn);
    }
    if (row.eta != eta) {
        row.eta = eta;
        touch(EtaColumn, EtaColumn);
    }
    if (row.state != s.state || row.waiting != s.waitingForSchedule ||
        row.error != s.lastError.message || row.errorCode != s.lastError.code) {
        row.state = s.state;
        row.waiting = s.waitingForSchedule;
        row.error = s.lastError.message;
        row.errorCode = s.lastError.code;
        touch(ProgressColumn, StateColumn);
    }
    if (row.retry.attempt != s.retry.attempt || row.retry.atMs != s.retry.atMs ||
        row.retry.error.message != s.retry.error.message) {
        row.retry = s.retry;
        touch(ProgressColumn, StateColumn);
    }
    if (row.position != s.position) {
        row.position = s.position;
        touch(PositionColumn, PositionColumn);
    }
    return {first, last};
}

void TransferModel::onSnapshots(const QList<TransferSnapshot> &changed)
{
    bool moved = false;
    for (const TransferSnapshot &s : changed) {
        const int r = m_rowOf.value(s.id, -1);
        if (r < 0)
            continue;
        const qint64 position = m_rows[r].position;
        const auto [first, last] = apply(m_rows[r], s);
        moved |= m_rows[r].position != position;
        if (first <= last)
            Q_EMIT dataChanged(index(r, first), index(r, last));
        if (isRetrying(m_rows[r]))
            m_retrying.insert(s.id);
        else
            m_retrying.remove(s.id);
    }
    if (m_retrying.isEmpty())
        m_countdown.stop();
    else if (!m_countdown.isActive())
        m_countdown.start();
    if (moved)
        recomputeRanks(true);
    recomputeTotals();
}

void TransferModel::tickRetries()
{
    for (qint64 id : std::as_const(m_retrying)) {
        const int r = m_rowOf.value(id, -1);
        if (r >= 0)
            Q_EMIT dataChanged(index(r, StateColumn), index(r, StateColumn));
    }
}

void TransferModel::onAdded(qint64 id)
{
    if (m_rowOf.contains(id) || !m_queue)
        return;
    const int r = int(m_rows.size());
    Row row = makeRow(id);
    // A new transfer goes to the end of the queue: its number is the count (no re-sort).
    const bool last = row.position > m_maxPosition;
    if (last) {
        row.rank = r + 1;
        m_maxPosition = row.position;
    }
    beginInsertRows({}, r, r);
    m_rows.append(row);
    m_rowOf.insert(id, r);
    endInsertRows();
    if (!last)
        recomputeRanks(true);
    recomputeTotals();
}

void TransferModel::onRemoved(qint64 id)
{
    const int r = m_rowOf.value(id, -1);
    if (r < 0)
        return;
    const int rank = m_rows[r].rank;
    m_retrying.remove(id);
    beginRemoveRows({}, r, r);
    m_rows.removeAt(r);
    m_rowOf.remove(id);
    for (int i = r; i < m_rows.size(); ++i)
        m_rowOf[m_rows[i].id] = i;
    endRemoveRows();
    // The ones after it move up one place.
    int first = int(m_rows.size());
    int lastChanged = -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].rank > rank) {
            --m_rows[i].rank;
            first = qMin(first, i);
            lastChanged = i;
        }
    }
    if (first <= lastChanged)
        Q_EMIT dataChanged(index(first, PositionColumn), index(lastChanged, PositionColumn));
    recomputeTotals();
}

void TransferModel::onOrderChanged()
{
    if (!m_queue || m_rows.isEmpty())
        return;
    for (Row &row : m_rows) {
        if (const auto s = m_queue->snapshot(row.id))
            row.position = s->position;
    }
    recomputeRanks(false);
    Q_EMIT dataChanged(index(0, PositionColumn), index(int(m_rows.size()) - 1, PositionColumn));
}

void TransferModel::recomputeTotals()
{
    Totals t;
    t.total = int(m_rows.size());
    for (const Row &row : std::as_const(m_rows)) {
        if (row.state == TransferState::Active || row.state == TransferState::Verifying) {
            ++t.active;
            if (!m_stale)
                (row.direction == TransferDirection::Upload ? t.uploadSpeed : t.downloadSpeed) +=
                    row.speed;
        } else if (row.state == TransferState::Queued) {
            ++t.queued;
        }
    }
    if (t.downloadSpeed != m_totals.downloadSpeed || t.uploadSpeed != m_totals.uploadSpeed ||
        t.active != m_totals.active || t.queued != m_totals.queued || t.total != m_totals.total) {
        m_totals = t;
        Q_EMIT totalsChanged();
    }
}

const TransferModel::Row *TransferModel::rowById(qint64 id) const
{
    const int r = m_rowOf.value(id, -1);
    return r < 0 ? nullptr : &m_rows[r];
}

int TransferModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TransferModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags TransferModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QString TransferModel::stateText(TransferState state, TransferDirection direction, bool waiting)
{
    switch (state) {
    case TransferState::Queued:
        return waiting ? tr("Scheduled") : tr("Queued");
    case TransferState::Active:
        return direction == TransferDirection::Upload ? tr("Uploading") : tr("Downloading");
    case TransferState::Paused:
        return tr("Paused");
    case TransferState::Verifying:
        return tr("Verifying");
    case TransferState::Completed:
        return tr("Completed");
    case TransferState::Failed:
        return tr("Failed");
    }
    return QString();
}

bool TransferModel::needsAttention(const Row &row)
{
    return row.state == TransferState::Failed ||
           (row.state == TransferState::Paused && row.errorCode != ErrorCode::None &&
            row.errorCode != ErrorCode::Cancelled);
}

bool TransferModel::isRetrying(const Row &row)
{
    return row.state == TransferState::Active && row.retry.isWaiting();
}

QString TransferModel::stateText(const Row &row)
{
    if (isRetrying(row)) {
        // Active, but nothing arrives: when the next attempt starts, and which one it is.
        const qint64 ms = row.retry.atMs - QDateTime::currentMSecsSinceEpoch();
        const int seconds = int(qMax<qint64>(0, (ms + 999) / 1000));
        if (seconds == 0)
            return tr("Retrying (attempt %1 of %2)")
                .arg(row.retry.attempt)
                .arg(row.retry.maxAttempts);
        return tr("Retrying in %n s (attempt %1 of %2)", nullptr, seconds)
            .arg(row.retry.attempt)
            .arg(row.retry.maxAttempts);
    }
    if (row.state != TransferState::Paused || !needsAttention(row))
        return stateText(row.state, row.direction, row.waiting);
    // Paused by the queue, not the person: says why, as short as the column.
    switch (row.errorCode) {
    case ErrorCode::DiskFull:
        return tr("Paused: disk full");
    case ErrorCode::PermissionDenied:
        return tr("Paused: cannot write");
    case ErrorCode::NotFound:
        return tr("Paused: folder missing");
    case ErrorCode::Io:
        return tr("Paused: disk error");
    default:
        return tr("Paused: error");
    }
}

static double fractionOf(const TransferModel::Row &row)
{
    if (row.state == TransferState::Completed)
        return 1.0;
    if (row.total <= 0)
        return row.total == 0 ? 1.0 : -1.0;
    return qBound(0.0, double(row.done) / double(row.total), 1.0);
}

QVariant TransferModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case IdRole:
        return row.id;
    case StateRole:
        return int(row.state);
    case DirectionRole:
        return int(row.direction);
    case FractionRole:
        return fractionOf(row);
    case UrlRole:
        return row.url;
    case PathRole:
        return row.path;
    case ErrorRole:
        return row.error;
    case AttentionRole:
        return needsAttention(row);
    case StaleRole:
        return m_stale;
    case SearchRole:
        return row.name + QLatin1Char(' ') + row.url.toString();
    case Qt::ForegroundRole:
        if (m_stale)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == AddedColumn)
            return QLocale().toString(row.added.toLocalTime(), QLocale::LongFormat);
        if (isRetrying(row))
            return row.retry.error.message + QLatin1Char('\n') + stateText(row);
        if (!row.error.isEmpty())
            return row.error;
        return row.url.toString();
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case PositionColumn:
        case SizeColumn:
        case SpeedColumn:
        case EtaColumn:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case SortRole:
        switch (index.column()) {
        case PositionColumn:
            return row.position;
        case NameColumn:
            return row.name.toLower();
        case DirectionColumn:
            return int(row.direction);
        case SizeColumn:
            return row.total;
        case ProgressColumn:
            return fractionOf(row);
        case SpeedColumn:
            return row.speed;
        case EtaColumn:
            return row.eta < 0 ? std::numeric_limits<qint64>::max() : row.eta;
        case StateColumn:
            return int(row.state);
        case AddedColumn:
            return row.added;
        }
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case PositionColumn:
            return row.rank;
        case NameColumn:
            return row.name;
        case DirectionColumn:
            return row.direction == TransferDirection::Upload ? tr("Upload") : tr("Download");
        case SizeColumn:
            return formatSize(row.total);
        case ProgressColumn: {
            if (needsAttention(row) && !row.error.isEmpty())
                return row.error; // the reason, where a person looks first
            if (isRetrying(row))
                return row.retry.error.message; // why it waits
            const double f = fractionOf(row);
            if (f < 0)
                return row.done > 0 ? formatSize(row.done) : QString();
            return QStringLiteral("%1%").arg(int(f * 100));
        }
        case SpeedColumn:
            return m_stale ? QString() : formatSpeed(row.speed);
        case EtaColumn:
            return m_stale ? QString() : formatEta(row.eta);
        case StateColumn:
            // The last known state of a daemon out of reach: it may have moved on since.
            return m_stale ? tr("%1 (disconnected)").arg(stateText(row)) : stateText(row);
        case AddedColumn: {
            // Today: the time; before: the date (the full stamp is in the tooltip).
            const QDateTime local = row.added.toLocalTime();
            if (local.date() == QDate::currentDate())
                return QLocale().toString(local.time(), QLocale::ShortFormat);
            return QLocale().toString(local.date(), QLocale::ShortFormat);
        }
        }
        return {};
    default:
        return {};
    }
}

QVariant TransferModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PositionColumn:
        return tr("#");
    case NameColumn:
        return tr("Name");
    case DirectionColumn:
        return tr("Direction");
    case SizeColumn:
        return tr("Size");
    case ProgressColumn:
        return tr("Progress");
    case SpeedColumn:
        return tr("Speed");
    case EtaColumn:
        return tr("ETA");
    case StateColumn:
        return tr("State");
    case AddedColumn:
        return tr("Added");
    }
    return {};
}

} // namespace bt::ui
