#pragma once

#include "model/TransferState.h"
#include "queue/TransferSnapshot.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QTimer>

namespace bt {

class TransferQueue;

namespace ui {

// The transfers of a TransferQueue (the local QueueManager or a remote daemon) as table rows (KGet
// style: views never touch transfers). Rows come from the queue's snapshots; each batch emits
// dataChanged only for the cells that changed. Row order is the order of arrival; the views sort
// through a proxy.
class TransferModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        PositionColumn,
        NameColumn,
        DirectionColumn,
        SizeColumn,
        ProgressColumn,
        SpeedColumn,
        EtaColumn,
        StateColumn,
        AddedColumn,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        SortRole,      // raw value to sort by
        StateRole,     // int(bt::TransferState)
        DirectionRole, // int(bt::TransferDirection)
        FractionRole,  // double 0..1, or -1 while the size is unknown
        UrlRole,       // QUrl
        PathRole,      // the local file (final path, .part while running, or upload source)
        ErrorRole,     // last error message
        SearchRole,    // name and URL, for the search box
        AttentionRole, // bool: failed, or paused by an error (disk full...): the person acts
        StaleRole,     // bool: the last known state of a daemon out of reach
    };

    struct Row
    {
        qint64 id = 0;
        TransferDirection direction = TransferDirection::Download;
        TransferState state = TransferState::Queued;
        QString name;
        QString path;
        QString directory;
        QUrl url;
        qint64 done = 0;
        qint64 total = -1;
        qint64 speed = 0;
        qint64 eta = -1;
        qint64 position = 0; // the queue's sort key: gaps and values <= 0 after moves
        int rank = 0;        // 1-based place in the queue order, shown in "#"
        bool waiting = false;
        QString error;
        ErrorCode errorCode = ErrorCode::None;
        RetryState retry; // waiting to try again: shown instead of "Downloading"
        QDateTime added;
    };

    struct Totals
    {
        qint64 downloadSpeed = 0;
        qint64 uploadSpeed = 0;
        int active = 0;
        int queued = 0;
        int total = 0;
    };

    explicit TransferModel(TransferQueue *queue, QObject *parent = nullptr);
    ~TransferModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    TransferQueue *queue() const { return m_queue; }
    // Shows another queue's rows (the window switching between local and a daemon).
    void setQueue(TransferQueue *queue);
    // The rows are the last known of a daemon that cannot be reached: shown greyed, the state
    // says so, no speeds.
    bool isStale() const { return m_stale; }
    int rowOf(qint64 id) const { return m_rowOf.value(id, -1); }
    const Row *rowById(qint64 id) const;
    Totals totals() const { return m_totals; }

    static QString stateText(TransferState state, TransferDirection direction, bool waiting);
    // The State column: "Paused: disk full" for a transfer the queue paused on an error.
    static QString stateText(const Row &row);
    static bool needsAttention(const Row &row);
    static bool isRetrying(const Row &row);

public Q_SLOTS:
    // Reads every transfer again (at start; tests).
    void reload();

Q_SIGNALS:
    void totalsChanged();

private:
    void onSnapshots(const QList<bt::TransferSnapshot> &changed);
    void onAdded(qint64 id);
    void onRemoved(qint64 id);
    void onOrderChanged();
    void onLinkChanged();
    Row makeRow(qint64 id) const;
    // Applies a snapshot; returns the range of changed columns (first > last: none).
    QPair<int, int> apply(Row &row, const TransferSnapshot &s) const;
    void recomputeTotals();
    void tickRetries(); // the "Retrying in N s" countdown, once a second
    // Numbers the rows 1..n in position order; `notify`: reports the changed "#" cells.
    void recomputeRanks(bool notify);
    static QString nameOf(const Row &row, const QString &requestedName);

    TransferQueue *m_queue = nullptr; // outlives the model (the window or the root owns it)
    bool m_stale = false;
    QList<Row> m_rows;
    QHash<qint64, int> m_rowOf;
    Totals m_totals;
    qint64 m_maxPosition = std::numeric_limits<qint64>::min();
    QSet<qint64> m_retrying;
    QTimer m_countdown;
};

} // namespace ui
} // namespace bt
