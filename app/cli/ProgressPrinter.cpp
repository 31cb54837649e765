#include "ProgressPrinter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <cstdio>
#include <unistd.h>

namespace bt::cli {

namespace {

constexpr qint64 PlainIntervalMs = 5000;

// A path as a person would type it: relative when inside the current folder.
QString displayPath(const QString &path)
{
    if (path.isEmpty())
        return path;
    const QString relative = QDir::current().relativeFilePath(path);
    return relative.startsWith(QLatin1String("..")) ? QDir::cleanPath(path) : relative;
}

bool isResumable(const Error &error)
{
    return error.isTransient() || error.code == ErrorCode::DiskFull ||
           error.code == ErrorCode::Cancelled;
}

// What an error line says: the message, else the code's name.
QString errorText(const Error &error)
{
    return error.message.isEmpty() ? errorCodeName(error.code) : error.message;
}

// The fields every "result" event has, downloads and uploads alike (QJsonObject orders its
// keys itself, so a caller's additions land where they always did).
QJsonObject resultEvent(const QUrl &url, const TransferResult &result, int exitCode)
{
    QJsonObject event{{QStringLiteral("event"), QStringLiteral("result")},
                      {QStringLiteral("id"), result.id},
                      {QStringLiteral("url"), url.toString()},
                      {QStringLiteral("ok"), !result.error.isError()},
                      {QStringLiteral("alreadyComplete"), result.alreadyComplete},
                      {QStringLiteral("file"), result.path},
                      {QStringLiteral("size"), result.size},
                      {QStringLiteral("sha256"), QString::fromLatin1(result.sha256Hex)},
                      {QStringLiteral("error"), errorCodeName(result.error.code)},
                      {QStringLiteral("message"), result.error.message},
                      {QStringLiteral("exit"), exitCode}};
    if (!result.droppedMirrors.isEmpty()) // a metalink's mirrors given up on, and why
        event.insert(QStringLiteral("droppedMirrors"),
                     QJsonArray::fromStringList(result.droppedMirrors));
    return event;
}

bool isRunning(TransferState state)
{
    return state == TransferState::Active || state == TransferState::Verifying;
}

} // namespace

// The name a transfer has on screen before the server told its file name.
QString ProgressPrinter::nameOf(const Line &line)
{
    if (!line.name.isEmpty() || line.url.isEmpty())
        return line.name;
    const QString last = QFileInfo(line.url.path()).fileName();
    return last.isEmpty() ? line.url.toDisplayString() : last;
}

ProgressPrinter::ProgressPrinter(Mode mode, QObject *parent) : QObject(parent), m_mode(mode) {}

ProgressPrinter::~ProgressPrinter()
{
    finish();
}

ProgressPrinter::Mode ProgressPrinter::detectMode(bool quiet, bool json)
{
    if (json)
        return Mode::Json;
    if (quiet)
        return Mode::Quiet;
    return ::isatty(STDERR_FILENO) ? Mode::Terminal : Mode::Plain;
}

QString ProgressPrinter::formatBytes(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString ProgressPrinter::formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("--:--");
    if (seconds < 3600)
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600)
        .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

void ProgressPrinter::addTransfer(qint64 id, const DownloadRequest &request)
{
    if (m_lines.contains(id))
        return; // the same download twice on the command line
    Line line;
    line.name = request.fileName;
    line.url = request.url;
    line.lastPrint.start();
    m_lines.insert(id, line);
    m_order.append(id);
}

void ProgressPrinter::addTransfer(qint64 id, const QString &name)
{
    if (m_lines.contains(id))
        return;
    Line line;
    line.name = name;
    line.lastPrint.start();
    m_lines.insert(id, line);
    m_order.append(id);
}

QString ProgressPrinter::progressLine(const Line &line, const TransferProgress &progress,
                                      bool forTerminal) const
{
    QString name =
        progress.fileName.isEmpty() ? nameOf(line) : QFileInfo(progress.fileName).fileName();
    QStringList parts;
    if (progress.total >= 0) {
        const int percent = progress.total > 0 ? int(progress.done * 100 / progress.total) : 100;
        parts << tr("%1 / %2").arg(formatBytes(progress.done), formatBytes(progress.total))
              << QStringLiteral("%1%").arg(percent, 3);
    } else {
        parts << formatBytes(progress.done);
    }
    parts << tr("%1/s").arg(formatBytes(progress.speed));
    if (line.state == TransferState::Verifying)
        parts << tr("verifying");
    else if (progress.total >= 0)
        parts << tr("ETA %1").arg(formatDuration(progress.etaSeconds));
    if (progress.connections > 1)
        parts << tr("%n connections", nullptr, progress.connections);
    const QString tail = parts.join(QStringLiteral("  "));
    if (forTerminal) {
        // Keep the line on one row: shorten the name, never the numbers.
        const qsizetype room = TerminalBlock::columns() - 1 - tail.size() - 2;
        if (name.size() > room)
            name = room > 4 ? name.left(room - 3) + QStringLiteral("...") : QString();
    }
    return name.isEmpty() ? tail : name + QStringLiteral("  ") + tail;
}

void ProgressPrinter::update(const QList<TransferSnapshot> &snapshots)
{
    for (const TransferSnapshot &s : snapshots) {
        const auto it = m_lines.find(s.id);
        if (it == m_lines.end() || it->finished)
            continue;
        it->state = s.state;
        if (!isRunning(s.state)) {
            m_progress.remove(s.id);
            continue;
        }
        TransferProgress &progress = m_progress[s.id];
        progress = s.progress;
        progress.id = s.id;
        switch (m_mode) {
        case Mode::Json: {
            QJsonObject event{{QStringLiteral("event"), QStringLiteral("progress")},
                              {QStringLiteral("id"), s.id},
                              {QStringLiteral("done"), s.progress.done},
                              {QStringLiteral("total"), s.progress.total},
                              {QStringLiteral("speed"), s.progress.speed},
                              {QStringLiteral("eta"), s.progress.etaSeconds},
                              {QStringLiteral("connections"), s.progress.connections},
                              {QStringLiteral("file"), s.progress.fileName}};
            // Each segment (an S3 upload's parts, in order): [start, end, bytes done].
            if (!s.progress.segments.isEmpty()) {
                QJsonArray segments;
                for (const SegmentState &seg : s.progress.segments)
                    segments.append(QJsonArray{seg.start, seg.end, seg.done});
                event.insert(QStringLiteral("segments"), segments);
            }
            writeJson(event);
            break;
        }
        case Mode::Plain:
            if (it->lastPrint.elapsed() >= PlainIntervalMs) {
                it->lastPrint.start();
                writeErr(progressLine(*it, progress, false));
            }
            break;
        case Mode::Terminal:
        case Mode::Quiet:
            break;
        }
    }
    if (m_mode == Mode::Terminal)
        redraw();
}

void ProgressPrinter::redraw()
{
    QStringList lines;
    int waiting = 0;
    for (qint64 id : std::as_const(m_order)) {
        const Line &line = m_lines[id];
        if (line.finished)
            continue;
        if (isRunning(line.state))
            lines.append(progressLine(line, m_progress.value(id), true));
        else if (line.state == TransferState::Queued)
            ++waiting;
    }
    if (waiting > 0)
        lines.append(tr("%n more waiting", nullptr, waiting));
    m_block.setLines(lines);
}

void ProgressPrinter::message(qint64 id, const QString &text)
{
    if (m_mode == Mode::Quiet)
        return;
    if (m_mode == Mode::Json) {
        writeJson({{QStringLiteral("event"), QStringLiteral("message")},
                   {QStringLiteral("id"), id},
                   {QStringLiteral("message"), text}});
        return;
    }
    const QString name = nameOf(m_lines.value(id));
    writeErr(m_nameUrls && !name.isEmpty() ? QStringLiteral("btstream: %1: %2").arg(name, text)
                                           : QStringLiteral("btstream: %1").arg(text));
}

void ProgressPrinter::result(const DownloadRequest &request, const TransferResult &result,
                             int exitCode)
{
    markFinished(result.id);
    if (m_mode == Mode::Json) {
        writeJson(resultEvent(request.url, result, exitCode));
        return;
    }
    if (m_mode != Mode::Quiet) {
        for (const QString &mirror : result.droppedMirrors)
            writeErr(tr("btstream: mirror dropped: %1").arg(mirror));
    }
    if (!result.error.isError()) {
        if (m_mode == Mode::Quiet)
            return;
        QString details = formatBytes(result.size);
        if (!result.sha256Hex.isEmpty())
            details += tr(", sha256 %1").arg(QString::fromLatin1(result.sha256Hex));
        writeErr(result.alreadyComplete
                     ? tr("%1 is already complete (%2)").arg(displayPath(result.path), details)
                     : tr("Saved %1 (%2)").arg(displayPath(result.path), details));
        return;
    }
    if (result.error.code == ErrorCode::Cancelled)
        return; // interrupted() says it
    const QString message = errorText(result.error);
    writeErr(m_nameUrls ? tr("btstream: error: %1: %2").arg(request.url.toDisplayString(), message)
                        : tr("btstream: error: %1").arg(message));
    if (isResumable(result.error))
        writeErr(tr("btstream: run the same command again to resume"));
}

void ProgressPrinter::afterDownload(const DownloadRequest &request, qint64 id,
                                    const AfterDownload::Result &result, int exitCode)
{
    if (m_mode == Mode::Json) {
        QJsonObject event{{QStringLiteral("event"), QStringLiteral("afterDownload")},
                          {QStringLiteral("id"), id},
                          {QStringLiteral("url"), request.url.toString()},
                          {QStringLiteral("file"), result.path},
                          {QStringLiteral("ok"), result.ok()},
                          {QStringLiteral("message"), result.errorText()},
                          {QStringLiteral("exit"), exitCode}};
        if (result.extracted) {
            event.insert(QStringLiteral("isArchive"), result.extraction.isArchive);
            event.insert(QStringLiteral("extractedTo"), result.extraction.folder);
            event.insert(QStringLiteral("refused"),
                         QJsonArray::fromStringList(result.extraction.refused));
        }
        if (result.commandRan) {
            event.insert(QStringLiteral("command"), result.command.program);
            event.insert(QStringLiteral("commandExit"), result.command.exitCode);
        }
        writeJson(event);
        return;
    }
    const QString prefix =
        m_nameUrls ? request.url.toDisplayString() + QStringLiteral(": ") : QString();
    if (result.extracted && result.extraction.isArchive && !result.extraction.error.isError() &&
        m_mode != Mode::Quiet) {
        const int files = result.extraction.files;
        writeErr(tr("Extracted %1 into %2 (%3)")
                     .arg(displayPath(result.path), displayPath(result.extraction.folder),
                          files == 1 ? tr("1 file") : tr("%1 files").arg(files)));
    } else if (result.extracted && !result.extraction.isArchive && m_mode != Mode::Quiet) {
        writeErr(tr("btstream: %1%2 is not an archive: not extracted")
                     .arg(prefix, displayPath(result.path)));
    }
    if (!result.ok()) {
        writeErr(tr("btstream: error: %1%2").arg(prefix, result.errorText()));
        writeErr(tr("btstream: the download is saved: %1").arg(displayPath(result.path)));
    }
}

void ProgressPrinter::uploadResult(const UploadRequest &request, const TransferResult &result,
                                   const QUrl &remoteUrl, int exitCode)
{
    markFinished(result.id);
    if (m_mode == Mode::Json) {
        QJsonObject event = resultEvent(request.url, result, exitCode);
        event.insert(QStringLiteral("uploadUrl"), remoteUrl.toString());
        event.insert(QStringLiteral("method"), uploadMethodName(request.method));
        writeJson(event);
        return;
    }
    m_block.clear();
    const QString path = displayPath(result.path.isEmpty() ? request.sourcePath : result.path);
    if (!result.error.isError()) {
        if (m_mode == Mode::Quiet)
            return;
        const QString where =
            remoteUrl.isEmpty() ? request.url.toDisplayString() : remoteUrl.toDisplayString();
        writeErr(result.alreadyComplete
                     ? tr("%1 was already uploaded to %2 (%3)")
                           .arg(path, where, formatBytes(result.size))
                     : tr("Uploaded %1 to %2 (%3)").arg(path, where, formatBytes(result.size)));
        return;
    }
    writeErr(tr("btstream: error: %1").arg(errorText(result.error)));
    if (isResumable(result.error) && (request.method == UploadRequest::Method::Tus ||
                                      request.method == UploadRequest::Method::Ftp))
        writeErr(tr("btstream: run the same command again to resume"));
}

void ProgressPrinter::markFinished(qint64 id)
{
    if (const auto it = m_lines.find(id); it != m_lines.end())
        it->finished = true;
    m_progress.remove(id);
}

QByteArray ProgressPrinter::interruptedText() const
{
    if (m_mode == Mode::Quiet || m_mode == Mode::Json)
        return {};
    return tr("btstream: interrupted; run the same command again to resume").toLocal8Bit() + '\n';
}

void ProgressPrinter::interrupted()
{
    m_block.clear();
    const QByteArray text = interruptedText();
    if (!text.isEmpty()) {
        std::fputs(text.constData(), stderr);
        std::fflush(stderr);
    }
}

void ProgressPrinter::summary(int succeeded, const QList<Failure> &failures, int exitCode)
{
    const int failed = int(failures.size());
    if (m_mode == Mode::Json) {
        writeJson({{QStringLiteral("event"), QStringLiteral("summary")},
                   {QStringLiteral("succeeded"), succeeded},
                   {QStringLiteral("failed"), failed},
                   {QStringLiteral("exit"), exitCode}});
        return;
    }
    m_block.clear();
    if (m_mode == Mode::Quiet && failed == 0)
        return;
    const int total = succeeded + failed;
    if (failed == 0) {
        writeErr(tr("btstream: %1 of %2 saved").arg(succeeded).arg(total));
        return;
    }
    QStringList reasons;
    for (const Failure &f : failures)
        reasons << tr("%1 (%2)").arg(f.url.toDisplayString(), f.message);
    writeErr(tr("btstream: %1 of %2 saved, %3 failed: %4")
                 .arg(succeeded)
                 .arg(total)
                 .arg(failed)
                 .arg(reasons.join(QStringLiteral("; "))));
}

void ProgressPrinter::finish()
{
    if (m_mode == Mode::Terminal)
        m_block.clear();
}

void ProgressPrinter::writeErr(const QString &line)
{
    // On a terminal the line goes above the progress block, which is drawn again below it.
    const bool block = m_mode == Mode::Terminal && m_block.height() > 0;
    if (block)
        m_block.clear();
    std::fputs((line + QLatin1Char('\n')).toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
    if (block)
        redraw();
}

void ProgressPrinter::writeJson(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace bt::cli
