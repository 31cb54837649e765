#pragma once

#include "queue/TransferSnapshot.h"

#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <optional>

class QLabel;
class QPlainTextEdit;
class QScrollArea;

namespace bt {

class TransferQueue;

namespace ui {

class SegmentMap;
class SpeedGraph;

// The selected transfer in detail: a speed graph of the last minutes, the segment map,
// validators and checksums, its log and last error. Keeps speed history and log lines for
// every transfer from the queue's batches, so switching the selection shows them at once.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsPane(TransferQueue *queue, QWidget *parent = nullptr);
    // Follows another queue (the window switching between local and a daemon).
    void setQueue(TransferQueue *queue);

    void setTransfer(qint64 id); // 0: none
    qint64 transfer() const { return m_id; }
    // The height that shows the one line said while nothing is selected.
    int foldedHeight() const;
    QStringList log(qint64 id) const { return m_logs.value(id); }
    QList<qint64> speedHistory(qint64 id) const { return m_speeds.value(id); }
    // A line in a transfer's log (the window's own events: extraction).
    void appendLog(qint64 id, const QString &text) { onMessage(id, text); }

private:
    void onSnapshots(const QList<bt::TransferSnapshot> &changed);
    void sample(); // every running transfer's speed, at a steady rate for the graph
    void onMessage(qint64 id, const QString &text);
    void refresh();
    // "Last error": the error, or the one a retry waits after, with the countdown.
    static QString errorText(const bt::TransferSnapshot &snap);
    // A multipart upload's parts: live from the engine while it runs, else as the row
    // records them (empty for anything else).
    static QList<bt::UploadPart> partsOf(const bt::TransferRecord &record,
                                         const std::optional<bt::TransferSnapshot> &snap);
    void showParts(const QList<bt::UploadPart> &parts, qint64 total);
    void setErrorText(const QString &text);

    TransferQueue *m_queue = nullptr;
    qint64 m_id = 0;
    QHash<qint64, QList<qint64>> m_speeds;
    QHash<qint64, QStringList> m_logs;
    QSet<qint64> m_running;
    QTimer m_sampler;
    SpeedGraph *m_graph;
    SegmentMap *m_segments;
    QLabel *m_segmentsLabel; // "Segments:" or "Parts:"
    QLabel *m_parts;         // S3: how many parts are confirmed, sending, pending
    QLabel *m_url;
    QLabel *m_file;
    QLabel *m_validators;
    QLabel *m_checksum;
    QLabel *m_error;
    QPlainTextEdit *m_log;
    QScrollArea *m_scroll = nullptr; // the fields
    QWidget *m_content;              // all of the above
    QLabel *m_placeholder;           // instead, while nothing is selected
};

} // namespace ui
} // namespace bt
