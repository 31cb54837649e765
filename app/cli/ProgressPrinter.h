#pragma once

#include "transfer/HttpDownload.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>

namespace bt::cli {

// Everything btstream prints while running downloads. The main thread's only job.
//  Terminal: one progress line on stderr, redrawn with '\r' about 4 times a second.
//  Plain (stderr is not a terminal): a progress line at most every few seconds.
//  Quiet: nothing but errors.
//  Json: one compact JSON object per line on stdout, nothing on stderr.
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

    explicit ProgressPrinter(Mode mode, QObject *parent = nullptr);
    static Mode detectMode(bool quiet, bool json); // Terminal when stderr is a tty

    Mode mode() const { return m_mode; }
    // With several URLs, error lines name the URL they belong to.
    void setNameUrlsInErrors(bool on) { m_nameUrls = on; }

    void begin(const DownloadRequest &request);
    void progress(const TransferProgress &progress);
    void message(const QString &text);
    void result(const DownloadRequest &request, const TransferResult &result, int exitCode);
    void interrupted();
    void summary(int succeeded, int failed, int exitCode);

    // Human units, binary (K = 1024) like --limit-rate.
    static QString formatBytes(qint64 bytes);
    static QString formatDuration(qint64 seconds);

private:
    QString progressLine(const TransferProgress &progress, bool forTerminal) const;
    void clearLine();
    void writeErr(const QString &line);
    void writeJson(const QJsonObject &object);

    Mode m_mode;
    QString m_name; // what the current download is called on screen
    QElapsedTimer m_lastPrint;
    bool m_nameUrls = false;
    qsizetype m_lineWidth = 0; // width of the progress line on the terminal, 0 = none shown
};

} // namespace bt::cli
