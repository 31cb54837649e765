// File > Import Links and File > Export: link lists in, the transfers out; metalinks in.
#include "Background.h"
#include "MainWindow.h"
#include "http/UrlList.h"
#include "metalink/Metalink.h"
#include "queue/QueueManager.h"
#include "queue/TransferExport.h"
#include "queue/TransferQueue.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>

namespace bt::ui {

void MainWindow::importLinks()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import Links"), QString(),
        tr("Link lists and web pages (*.txt *.lst *.html *.htm);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(this, tr("Import Links"),
                             tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    // Links in href/src attributes or as bare URLs: a saved page and a plain list alike.
    const QStringList links = http::UrlList::extractLinks(QString::fromUtf8(file.readAll()));
    if (links.isEmpty()) {
        QMessageBox::information(this, tr("Import Links"), tr("No links found in %1.").arg(path));
        return;
    }
    QList<QUrl> urls;
    for (const QString &link : links)
        urls.append(QUrl(link));
    openAddDialog(urls); // the person reviews them, chooses the folder, and adds them
}

void MainWindow::addMetalinks(const QStringList &paths)
{
    if (m_source != m_queue) {
        // aria2's addUri carries neither piece hashes nor the file hash: not sent half-checked.
        statusBar()->showMessage(tr("Metalinks are added to this computer's transfers only; "
                                    "disconnect from the daemon first."),
                                 8000);
        return;
    }
    DownloadRequest base;
    m_settings.applyTo(&base);
    base.directory = m_settings.effectiveDownloadFolder();
    struct Read
    {
        QList<DownloadRequest> requests;
        QStringList errors;
    };
    // Read and parsed on the thread pool: the window never waits for the disk.
    runInBackground(
        this,
        [paths, base] {
            Read read;
            for (const QString &path : paths) {
                QFile file(path);
                metalink::Metalink parsed;
                QString why;
                if (!file.open(QIODevice::ReadOnly))
                    read.errors.append(tr("Cannot read %1: %2").arg(path, file.errorString()));
                else if (!metalink::parse(file.read(8 << 20), {}, &parsed, &why))
                    read.errors.append(tr("%1: %2").arg(path, why));
                else
                    read.requests += metalink::requestsFor(parsed, base);
            }
            for (const DownloadRequest &r : std::as_const(read.requests))
                QDir().mkpath(r.directory); // a file's folder in the metalink
            return read;
        },
        [this](const Read &read) {
            Error error;
            const QList<qint64> ids = read.requests.isEmpty()
                                          ? QList<qint64>{}
                                          : m_queue->enqueue(read.requests, 0, &error);
            QStringList problems = read.errors;
            if (error.isError())
                problems.append(error.message);
            if (!problems.isEmpty())
                statusBar()->showMessage(
                    tr("Could not add: %1").arg(problems.join(QLatin1String("; "))), 10000);
            else
                statusBar()->showMessage(
                    tr("Added %n download(s) from the metalink", nullptr, int(ids.size())), 5000);
        });
}

void MainWindow::exportTransfers(bool json)
{
    const QString path = QFileDialog::getSaveFileName(
        this, json ? tr("Export Transfers as JSON") : tr("Export URL List"),
        json ? QStringLiteral("transfers.json") : QStringLiteral("transfers.txt"),
        json ? tr("JSON (*.json)") : tr("Text (*.txt)"));
    if (path.isEmpty())
        return;
    QList<TransferRecord> records;
    for (qint64 id : m_source->ids()) {
        if (const auto record = m_source->record(id))
            records.append(*record);
    }
    QSaveFile file(path);
    const QByteArray text =
        json ? TransferExport::toJson(records) : TransferExport::toUrlList(records);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
        QMessageBox::warning(this, tr("Export"),
                             tr("Cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    statusBar()->showMessage(
        tr("Exported %n transfer(s) to %1", nullptr, int(records.size())).arg(path), 5000);
}

} // namespace bt::ui
