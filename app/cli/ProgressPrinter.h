#pragma once

#include "TerminalBlock.h"
#include "actions/AfterDownload.h"
#include "model/UploadRequest.h"
#include "queue/TransferSnapshot.h"
#include "transfer/HttpDownload.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

namespace bt::cli {

// Everything btstream prints while running downloads. The main thread's only job.
//  Terminal: one progress line per running transfer on stderr, a block redrawn in place with
//            each batch of the queue's snapshots (about 4 times a second).
//  Plain (stderr is not a terminal): a progress line per transfer at most every few seconds.
//  Quiet: nothing but errors.
//  Json: one compact JSON object per line on stdout, nothing on stderr; every object about a
//        transfer carries its id.
class ProgressPrinter : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        Terminal,
        Plain,
        Quiet,
        Json
    };
    struct Failure
    {
        QUrl url;
        QString message;
    };

    explicit ProgressPrinter(Mode mode, QObject *parent = nullptr);
    ~ProgressPrinter() override;
    static Mode detectMode(bool quiet, bool json); // Terminal when stderr is a tty

    Mode mode() const { return m_mode; }
    // With several URLs, error lines name the URL they belong to.
    void setNameUrlsInErrors(bool on) { m_nameUrls = on; }

    // A transfer of this run, in the order of the command line.
    void addTransfer(qint64 id, const DownloadRequest &request);
    void addTransfer(qint64 id, const QString &name); // an upload: the source's name
    // The queue's batched snapshots: progress lines.
    void update(const QList<TransferSnapshot> &snapshots);
    void message(qint64 id, const QString &text);
    void result(const DownloadRequest &request, const TransferResult &result, int exitCode);
    // The end of --extract / --on-complete for a saved file: where it was extracted, or what
    // failed (always said, --quiet too; JSON: an "afterDownload" event).
    void afterDownload(const DownloadRequest &request, qint64 id,
                       const AfterDownload::Result &result, int exitCode);
    // The end of `put`: "Uploaded FILE to URL" or the error (JSON: the result object of get
    // plus "uploadUrl").
    void uploadResult(const UploadRequest &request, const TransferResult &result,
                      const QUrl &remoteUrl, int exitCode);
    void interrupted();
    // The line interrupted() prints, for a last-resort exit that cannot format anything.
    QByteArray interruptedText() const;
    void summary(int succeeded, const QList<Failure> &failures, int exitCode);
    // Removes the progress block (before the program ends).
    void finish();

    // Human units, binary (K = 1024) like --limit-rate.
    static QString formatBytes(qint64 bytes);
    static QString formatDuration(qint64 seconds);

private:
    // One a transfer, kept to the end (3,000 links: 3,000 lines), so small: it shares the
    // request's strings, and only running transfers have their progress (m_progress).
    struct Line
    {
        QString name; // -o's name, an upload's source; empty: the URL's file name
        QUrl url;
        TransferState state = TransferState::Queued;
        QElapsedTimer lastPrint;
        bool finished = false;
    };

    static QString nameOf(const Line &line); // what it is called until the file name is known
    QString progressLine(const Line &line, const TransferProgress &progress,
                         bool forTerminal) const;
    void redraw();
    void markFinished(qint64 id); // its line is no longer drawn
    void writeErr(const QString &line);
    void writeJson(const QJsonObject &object);

    Mode m_mode;
    bool m_nameUrls = false;
    QHash<qint64, Line> m_lines;
    QHash<qint64, TransferProgress> m_progress; // the last snapshot of each running transfer
    QList<qint64> m_order;                      // ids in command-line order
    TerminalBlock m_block;
};

} // namespace bt::cli
