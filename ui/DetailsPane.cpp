#include "DetailsPane.h"

#include "Format.h"
#include "SpeedGraph.h"
#include "TransferModel.h"
#include "queue/TransferQueue.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QTime>

namespace bt::ui {

namespace {
constexpr int kHistory = 300; // samples: 5 minutes, one every 1 s
constexpr int kSampleMs = 1000;
constexpr int kLogLines = 200;

// Long words (hashes, host names in an error) get break points, or the label cuts them: a
// zero-width space every 16 characters of a run longer than 24.
QString breakable(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 16);
    int run = 0;
    for (const QChar c : text) {
        run = c.isSpace() ? 0 : run + 1;
        if (run > 24 && run % 16 == 9)
            out += QChar(0x200b);
        out += c;
    }
    return out;
}

QLabel *valueLabel(QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setWordWrap(true);
    l->setMinimumWidth(100);
    return l;
}
} // namespace

DetailsPane::DetailsPane(TransferQueue *queue, QWidget *parent)
    : QWidget(parent), m_graph(new SpeedGraph(this)), m_segments(new SegmentMap(this)),
      m_segmentsLabel(new QLabel(tr("Segments:"), this)), m_parts(valueLabel(this)),
      m_url(valueLabel(this)), m_file(valueLabel(this)), m_validators(valueLabel(this)),
      m_checksum(valueLabel(this)), m_error(valueLabel(this)), m_log(new QPlainTextEdit(this)),
      m_content(new QWidget(this)),
      m_placeholder(new QLabel(tr("Select a transfer to see its details."), this))
{
    m_url->setObjectName(QStringLiteral("detailsUrl"));
    m_validators->setObjectName(QStringLiteral("detailsValidators"));
    m_checksum->setObjectName(QStringLiteral("detailsChecksum"));
    m_error->setObjectName(QStringLiteral("detailsError"));
    // A hash has no place to wrap: one line a sum, never narrower than it (else it is cut).
    m_checksum->setWordWrap(false);
    m_checksum->setMinimumWidth(0); // the text's width, not valueLabel's 100 px
    m_checksum->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kLogLines);
    m_log->setPlaceholderText(tr("Log"));
    auto *form = new QFormLayout;
    form->addRow(tr("URL:"), m_url);
    form->addRow(tr("File:"), m_file);
    form->addRow(tr("Validators:"), m_validators);
    form->addRow(tr("Checksum:"), m_checksum);
    form->addRow(tr("Last error:"), m_error);
    // The map, and below it for a multipart upload the count of its parts.
    auto *segments = new QVBoxLayout;
    segments->setContentsMargins(0, 0, 0, 0);
    segments->addWidget(m_segments);
    segments->addWidget(m_parts);
    m_parts->setObjectName(QStringLiteral("detailsParts"));
    m_parts->hide();
    form->addRow(m_segmentsLabel, segments);
    // The fields scroll rather than cut a wrapped error when the pane is short; the graph
    // keeps a small height below them.
    auto *fields = new QWidget(this);
    fields->setLayout(form);
    form->setContentsMargins(0, 0, 0, 0);
    auto *scroll = m_scroll = new QScrollArea(this);
    scroll->setWidget(fields);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_graph->setMinimumHeight(50);
    auto *left = new QVBoxLayout;
    left->addWidget(scroll, 3);
    left->addWidget(m_graph, 1);
    auto *columns = new QHBoxLayout(m_content);
    columns->setContentsMargins(0, 0, 0, 0);
    columns->addLayout(left, 3);
    columns->addWidget(m_log, 2);
    // Nothing selected: one line instead of an empty form (the window folds the pane to it).
    m_placeholder->setObjectName(QStringLiteral("detailsPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setEnabled(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_placeholder);
    layout->addWidget(m_content, 1);
    m_sampler.setInterval(kSampleMs);
    connect(&m_sampler, &QTimer::timeout, this, &DetailsPane::sample);
    m_sampler.start();
    setQueue(queue);
}

void DetailsPane::setQueue(TransferQueue *queue)
{
    if (m_queue)
        disconnect(m_queue, nullptr, this, nullptr);
    m_queue = queue;
    m_running.clear();
    m_speeds.clear();
    m_logs.clear();
    m_id = 0;
    connect(queue, &TransferQueue::snapshotsChanged, this, &DetailsPane::onSnapshots);
    connect(queue, &TransferQueue::message, this, &DetailsPane::onMessage);
    connect(queue, &TransferQueue::removed, this, [this](qint64 id) {
        m_running.remove(id);
        m_speeds.remove(id);
        m_logs.remove(id);
        if (id == m_id)
            setTransfer(0);
    });
    refresh();
}

int DetailsPane::foldedHeight() const
{
    const QMargins m = layout()->contentsMargins();
    return m_placeholder->sizeHint().height() + m.top() + m.bottom();
}

void DetailsPane::setTransfer(qint64 id)
{
    if (id == m_id)
        return;
    m_id = id;
    m_log->setPlainText(m_logs.value(id).join(QLatin1Char('\n')));
    refresh();
}

void DetailsPane::onSnapshots(const QList<TransferSnapshot> &changed)
{
    bool mine = false;
    for (const TransferSnapshot &s : changed) {
        if (s.state == TransferState::Active)
            m_running.insert(s.id);
        else
            m_running.remove(s.id);
        mine |= s.id == m_id;
    }
    if (mine)
        refresh();
}

void DetailsPane::sample()
{
    // Only the running ones (O(active)); a stopped transfer's graph keeps its last minutes.
    for (qint64 id : std::as_const(m_running)) {
        const auto snap = m_queue->snapshot(id);
        QList<qint64> &h = m_speeds[id];
        h.append(snap ? snap->progress.speed : 0);
        if (h.size() > kHistory)
            h.remove(0, h.size() - kHistory);
    }
    if (m_running.contains(m_id))
        m_graph->setSamples(m_speeds.value(m_id), kSampleMs);
    // The retry countdown.
    if (m_id && m_running.contains(m_id))
        if (const auto snap = m_queue->snapshot(m_id); snap && snap->retry.isWaiting())
            setErrorText(errorText(*snap));
}

void DetailsPane::setErrorText(const QString &text)
{
    m_error->setText(breakable(text));
    m_error->setToolTip(text); // as it is (copied without the break points)
}

QString DetailsPane::errorText(const TransferSnapshot &snap)
{
    if (snap.state == TransferState::Active && snap.retry.isWaiting()) {
        TransferModel::Row row;
        row.state = snap.state;
        row.retry = snap.retry;
        return tr("%1 - %2").arg(snap.retry.error.message, TransferModel::stateText(row));
    }
    return snap.lastError.isError() ? snap.lastError.message : tr("none");
}

void DetailsPane::onMessage(qint64 id, const QString &text)
{
    const QString line =
        QTime::currentTime().toString(QStringLiteral("HH:mm:ss")) + QLatin1Char(' ') + text;
    QStringList &lines = m_logs[id];
    lines.append(line);
    if (lines.size() > kLogLines)
        lines.removeFirst();
    if (id == m_id)
        m_log->appendPlainText(line);
}

void DetailsPane::refresh()
{
    const auto rec = m_id ? m_queue->record(m_id) : std::nullopt;
    m_content->setVisible(rec.has_value());
    m_placeholder->setVisible(!rec);
    if (!rec) {
        for (QLabel *l : {m_url, m_file, m_validators, m_checksum, m_error})
            l->clear();
        m_error->setToolTip(QString());
        m_graph->setSamples({}, 250);
        m_segments->setSegments({}, -1);
        m_parts->hide();
        return;
    }
    // The queue's record learns the final URL and validators from the running engine.
    // An S3 upload's final URL is the object's address at the endpoint, not a redirect.
    const bool s3 = rec->direction == TransferDirection::Upload &&
                    rec->options.value(QStringLiteral("method")).toString() == QLatin1String("s3");
    const QString url = rec->url.toString();
    m_url->setText(!rec->finalUrl.isValid() || rec->finalUrl == rec->url ? url
                   : s3 ? tr("%1 (the object: %2)").arg(url, rec->finalUrl.toString())
                        : tr("%1 (redirected to %2)").arg(url, rec->finalUrl.toString()));
    m_file->setText(rec->destination.isEmpty() ? rec->directory : rec->destination);
    QStringList validators;
    if (!rec->etag.isEmpty())
        validators << tr("ETag %1").arg(QString::fromLatin1(rec->etag));
    if (!rec->lastModified.isEmpty())
        validators << tr("Last-Modified %1").arg(QString::fromLatin1(rec->lastModified));
    m_validators->setText(validators.isEmpty() ? tr("none")
                                               : validators.join(QStringLiteral("; ")));
    QStringList sums;
    if (!rec->expectedChecksum.isEmpty())
        sums << tr("expected %1").arg(rec->expectedChecksum);
    if (!rec->sha256.isEmpty())
        sums << tr("sha256 %1").arg(rec->sha256);
    m_checksum->setText(sums.isEmpty() ? tr("none") : sums.join(QLatin1Char('\n')));
    // The scroll area does not grow with its fields: as wide as the checksum needs.
    m_scroll->setMinimumWidth(m_scroll->widget()->minimumSizeHint().width() +
                              m_scroll->verticalScrollBar()->sizeHint().width());
    const auto snap = m_queue->snapshot(m_id);
    setErrorText(errorText(snap ? *snap : TransferSnapshot()));
    const qint64 total = snap ? snap->progress.total : rec->totalSize;
    if (const QList<UploadPart> parts = partsOf(*rec, snap); !parts.isEmpty()) {
        showParts(parts, total);
        m_graph->setSamples(m_speeds.value(m_id), kSampleMs);
        return;
    }
    m_segmentsLabel->setText(tr("Segments:"));
    m_parts->hide();
    QList<SegmentMap::Segment> segments;
    for (const SegmentState &s : rec->segments)
        segments.append({s.start, s.end, s.done});
    if (segments.isEmpty() && total > 0)
        segments.append({0, total, snap ? snap->progress.done : rec->doneSize});
    m_segments->setSegments(segments, total);
    m_graph->setSamples(m_speeds.value(m_id), kSampleMs);
}

QList<UploadPart> DetailsPane::partsOf(const TransferRecord &record,
                                       const std::optional<TransferSnapshot> &snap)
{
    QList<UploadPart> parts = snap && !snap->progress.parts.isEmpty() ? snap->progress.parts
                                                                      : recordedUploadParts(record);
    const TransferState state = snap ? snap->state : record.state;
    for (UploadPart &p : parts) {
        if (state == TransferState::Completed) {
            // CompleteMultipartUpload took every part (the last snapshot may be older).
            p.phase = UploadPart::Phase::Confirmed;
            p.sent = p.size;
        } else if (state != TransferState::Active && p.phase == UploadPart::Phase::Sending) {
            // Stopped: a part cut on its way is sent again, whole.
            p.phase = UploadPart::Phase::Pending;
            p.sent = 0;
        }
    }
    return parts;
}

void DetailsPane::showParts(const QList<UploadPart> &parts, qint64 total)
{
    int confirmed = 0;
    int sending = 0;
    for (const UploadPart &p : parts) {
        confirmed += p.phase == UploadPart::Phase::Confirmed;
        sending += p.phase == UploadPart::Phase::Sending;
    }
    const int pending = int(parts.size()) - confirmed - sending;
    m_segmentsLabel->setText(tr("Parts:"));
    m_segments->setParts(parts, total);
    // A multipart upload has two parts or more: "parts" without a plural form.
    //: S3 multipart upload: "3 of 12 parts confirmed, 4 sending, 5 pending (8.0 MB a part)"
    m_parts->setText(tr("%1 of %2 parts confirmed, %3 sending, %4 pending (%5 a part)")
                         .arg(confirmed)
                         .arg(parts.size())
                         .arg(sending)
                         .arg(pending)
                         .arg(formatSize(parts.constFirst().size)));
    m_parts->show();
}

} // namespace bt::ui
