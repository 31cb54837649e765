#include "ProgressPrinter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocale>

#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace bt::cli {

namespace {

constexpr qint64 TerminalIntervalMs = 250;
constexpr qint64 PlainIntervalMs = 5000;

int terminalColumns()
{
    winsize size = {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
        return size.ws_col;
    return 80;
}

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

} // namespace

ProgressPrinter::ProgressPrinter(Mode mode, QObject *parent) : QObject(parent), m_mode(mode) {}

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

void ProgressPrinter::begin(const DownloadRequest &request)
{
    m_name = request.fileName.isEmpty() ? request.url.toDisplayString() : request.fileName;
    m_lastPrint.start();
}

QString ProgressPrinter::progressLine(const TransferProgress &progress, bool forTerminal) const
{
    QString name = progress.fileName.isEmpty() ? m_name : QFileInfo(progress.fileName).fileName();
    QStringList parts;
    if (progress.total >= 0) {
        const int percent = progress.total > 0 ? int(progress.done * 100 / progress.total) : 100;
        parts << tr("%1 / %2").arg(formatBytes(progress.done), formatBytes(progress.total))
              << QStringLiteral("%1%").arg(percent, 3);
    } else {
        parts << formatBytes(progress.done);
    }
    parts << tr("%1/s").arg(formatBytes(progress.speed));
    if (progress.total >= 0)
        parts << tr("ETA %1").arg(formatDuration(progress.etaSeconds));
    if (progress.connections > 1)
        parts << tr("%n connections", nullptr, progress.connections);
    const QString tail = parts.join(QStringLiteral("  "));
    if (forTerminal) {
        // Keep the line on one row: shorten the name, never the numbers.
        const qsizetype room = terminalColumns() - 1 - tail.size() - 2;
        if (name.size() > room)
            name = room > 4 ? name.left(room - 3) + QStringLiteral("...") : QString();
    }
    return name.isEmpty() ? tail : name + QStringLiteral("  ") + tail;
}

void ProgressPrinter::progress(const TransferProgress &progress)
{
    switch (m_mode) {
    case Mode::Quiet:
        return;
    case Mode::Json: {
        QJsonObject object{{QStringLiteral("event"), QStringLiteral("progress")},
                           {QStringLiteral("id"), progress.id},
                           {QStringLiteral("done"), progress.done},
                           {QStringLiteral("total"), progress.total},
                           {QStringLiteral("speed"), progress.speed},
                           {QStringLiteral("eta"), progress.etaSeconds},
                           {QStringLiteral("connections"), progress.connections},
                           {QStringLiteral("file"), progress.fileName}};
        writeJson(object);
        return;
    }
    case Mode::Terminal: {
        if (m_lineWidth > 0 && m_lastPrint.isValid() && m_lastPrint.elapsed() < TerminalIntervalMs)
            return;
        m_lastPrint.start();
        const QString line = progressLine(progress, true);
        QString padded = QLatin1Char('\r') + line;
        if (line.size() < m_lineWidth) // wipe what is left of a longer previous line
            padded += QString(m_lineWidth - line.size(), QLatin1Char(' '));
        m_lineWidth = line.size();
        std::fputs(padded.toLocal8Bit().constData(), stderr);
        std::fflush(stderr);
        return;
    }
    case Mode::Plain:
        if (m_lastPrint.isValid() && m_lastPrint.elapsed() < PlainIntervalMs)
            return;
        m_lastPrint.start();
        writeErr(progressLine(progress, false));
        return;
    }
}

void ProgressPrinter::message(const QString &text)
{
    if (m_mode == Mode::Quiet)
        return;
    if (m_mode == Mode::Json) {
        writeJson({{QStringLiteral("event"), QStringLiteral("message")},
                   {QStringLiteral("message"), text}});
        return;
    }
    writeErr(QStringLiteral("btstream: %1").arg(text));
}

void ProgressPrinter::result(const DownloadRequest &request, const TransferResult &result,
                             int exitCode)
{
    const bool ok = !result.error.isError();
    if (m_mode == Mode::Json) {
        writeJson({{QStringLiteral("event"), QStringLiteral("result")},
                   {QStringLiteral("id"), result.id},
                   {QStringLiteral("url"), request.url.toString()},
                   {QStringLiteral("ok"), ok},
                   {QStringLiteral("alreadyComplete"), result.alreadyComplete},
                   {QStringLiteral("file"), result.path},
                   {QStringLiteral("size"), result.size},
                   {QStringLiteral("sha256"), QString::fromLatin1(result.sha256Hex)},
                   {QStringLiteral("error"), errorCodeName(result.error.code)},
                   {QStringLiteral("message"), result.error.message},
                   {QStringLiteral("exit"), exitCode}});
        return;
    }
    if (ok) {
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
    const QString message =
        result.error.message.isEmpty() ? errorCodeName(result.error.code) : result.error.message;
    writeErr(m_nameUrls ? tr("btstream: error: %1: %2").arg(request.url.toDisplayString(), message)
                        : tr("btstream: error: %1").arg(message));
    if (isResumable(result.error))
        writeErr(tr("btstream: run the same command again to resume"));
}

void ProgressPrinter::interrupted()
{
    if (m_mode == Mode::Quiet || m_mode == Mode::Json)
        return;
    writeErr(tr("btstream: interrupted; run the same command again to resume"));
}

void ProgressPrinter::summary(int succeeded, int failed, int exitCode)
{
    if (m_mode == Mode::Json) {
        writeJson({{QStringLiteral("event"), QStringLiteral("summary")},
                   {QStringLiteral("succeeded"), succeeded},
                   {QStringLiteral("failed"), failed},
                   {QStringLiteral("exit"), exitCode}});
        return;
    }
    if (m_mode == Mode::Quiet && failed == 0)
        return;
    writeErr(tr("btstream: %1 of %2 downloads succeeded, %3 failed")
                 .arg(succeeded)
                 .arg(succeeded + failed)
                 .arg(failed));
}

void ProgressPrinter::clearLine()
{
    if (m_lineWidth == 0)
        return;
    std::fputs(("\r" + QByteArray(m_lineWidth, ' ') + "\r").constData(), stderr);
    m_lineWidth = 0;
}

void ProgressPrinter::writeErr(const QString &line)
{
    clearLine();
    std::fputs((line + QLatin1Char('\n')).toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

void ProgressPrinter::writeJson(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace bt::cli
