// MainWindow: what follows a transfer's end. The queue runs the after-download actions (the
// "extract archives" setting as its defaults, a row's own --extract / --on-complete) and the
// window shows them: status bar, tray, the transfer's log. The Extract action runs the same
// AfterDownload on request; "open the folder when done" opens it once the actions ended.
#include "DetailsPane.h"
#include "MainWindow.h"
#include "TransferModel.h"
#include "TrayIcon.h"
#include "queue/QueueManager.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QStatusBar>
#include <QUrl>

namespace bt::ui {

namespace {
// The last lines of a command's captured output, for the log.
QStringList lastLines(const QByteArray &output, int count)
{
    QStringList lines = QString::fromLocal8Bit(output).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    return lines;
}
} // namespace

const TransferModel::Row *MainWindow::localRow(qint64 id) const
{
    // While a daemon's rows are shown, an id of the local queue may name one of them.
    return isRemote() ? nullptr : m_model->rowById(id);
}

void MainWindow::logLocal(qint64 id, const QString &text)
{
    if (!isRemote())
        m_details->appendLog(id, text);
}

QString MainWindow::nameOf(qint64 id, const QString &path) const
{
    const TransferModel::Row *row = localRow(id);
    return row && !row->name.isEmpty() ? row->name : QFileInfo(path).fileName();
}

void MainWindow::onTransferFinished(const TransferResult &result)
{
    const TransferModel::Row *row = localRow(result.id);
    const QString name = row ? row->name : QFileInfo(result.path).fileName();
    if (!result.error.isError()) {
        m_tray->notify(tr("Transfer complete"), name, false);
        const bool download = !row || row->direction == TransferDirection::Download;
        if (download && m_settings.openFolderWhenDone && !result.path.isEmpty()) {
            // After the extraction, so that its folder is there to see.
            if (m_queue->isRunningAfterDownload(result.id))
                m_openWhenActionsEnd.insert(result.id);
            else
                QDesktopServices::openUrl(
                    QUrl::fromLocalFile(QFileInfo(result.path).absolutePath()));
        }
    } else if (result.error.code != ErrorCode::Cancelled) {
        // Said as the row says it: the queue pauses on disk errors, to be resumed.
        const auto snap = m_queue->snapshot(result.id);
        TransferModel::Row paused;
        paused.state = snap ? snap->state : TransferState::Failed;
        paused.errorCode = result.error.code;
        if (paused.state == TransferState::Paused)
            m_tray->notify(TransferModel::stateText(paused),
                           tr("%1: %2. Resume it when fixed.").arg(name, result.error.message),
                           true);
        else
            m_tray->notify(tr("Transfer failed"), tr("%1: %2").arg(name, result.error.message),
                           true);
    }
}

void MainWindow::onAfterDownloadProgress(qint64 id, qint64 done, qint64 total)
{
    if (total > 0 && done < total)
        statusBar()->showMessage(
            tr("Extracting %1… %2%")
                .arg(nameOf(id, QString()), QString::number(done * 100 / total)),
            3000);
}

void MainWindow::onAfterDownload(qint64 id, const AfterDownload::Result &result)
{
    const QString name = nameOf(id, result.path);
    if (result.extracted)
        onExtracted(id, name, result.extraction, false);
    if (result.commandRan)
        onCommandRan(id, name, result);
    if (m_openWhenActionsEnd.remove(id))
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(result.path).absolutePath()));
}

void MainWindow::onCommandRan(qint64 id, const QString &name, const AfterDownload::Result &r)
{
    for (const QString &line : lastLines(r.command.output, 20))
        logLocal(id, line);
    if (!r.commandFailed()) {
        logLocal(id, tr("Ran %1 (exit code 0)").arg(r.command.program));
        return;
    }
    logLocal(id, tr("Command failed: %1").arg(r.command.error.message));
    m_tray->notify(tr("Command failed"), tr("%1: %2").arg(name, r.command.error.message), true);
    statusBar()->showMessage(tr("Command failed: %1").arg(r.command.error.message), 10000);
}

void MainWindow::extractSelected()
{
    for (qint64 id : selectedIds()) {
        const TransferModel::Row *row = m_model->rowById(id);
        if (row && row->state == TransferState::Completed &&
            row->direction == TransferDirection::Download && !row->path.isEmpty())
            extractArchive(id, row->path, row->name);
    }
}

void MainWindow::extractArchive(qint64 id, const QString &path, const QString &name)
{
    // Whether it is an archive (name, else its first bytes) is decided on the extractor's
    // thread: the UI thread never reads the file.
    AfterDownloadActions actions;
    actions.extract = true;
    auto *run = new AfterDownload(actions, this);
    connect(run, &AfterDownload::progress, this,
            [this, id](qint64 done, qint64 total) { onAfterDownloadProgress(id, done, total); });
    connect(run, &AfterDownload::finished, this,
            [this, run, id, name](const AfterDownload::Result &result) {
                run->deleteLater();
                onExtracted(id, name, result.extraction, true);
            });
    run->start(path);
}

void MainWindow::onExtracted(qint64 id, const QString &name, const ArchiveExtractor::Result &r,
                             bool asked)
{
    if (!r.isArchive && asked)
        statusBar()->showMessage(tr("%1 is not an archive.").arg(name), 10000);
    if (r.isArchive) {
        if (r.error.isError()) {
            const QString text = tr("%1: %2").arg(name, r.error.message);
            logLocal(id, tr("Extraction failed: %1").arg(r.error.message));
            m_tray->notify(tr("Extraction failed"), text, true);
            statusBar()->showMessage(tr("Extraction failed: %1").arg(text), 10000);
        } else {
            logLocal(id, tr("Extracted %n file(s) into %1", nullptr, r.files).arg(r.folder));
            for (const QString &line : r.refused)
                logLocal(id, line);
            for (const QString &entry : r.skipped)
                logLocal(id, tr("Skipped (device file or fifo): %1").arg(entry));
            if (r.refused.isEmpty()) {
                m_tray->notify(tr("Archive extracted"), tr("%1 → %2").arg(name, r.folder), false);
                statusBar()->showMessage(tr("Extracted %1 into %2").arg(name, r.folder), 10000);
            } else {
                // The entries that would have landed outside the folder are named.
                const QString text =
                    tr("%1: %n entry(s) refused: %2", nullptr, int(r.refused.size()))
                        .arg(name, r.refused.join(QStringLiteral("; ")));
                m_tray->notify(tr("Archive extracted, entries refused"), text, true);
                statusBar()->showMessage(text, 15000);
            }
        }
    }
    Q_EMIT archiveExtracted(id, r);
}

} // namespace bt::ui
