// File > Import Links and File > Export: link lists in, the transfers out.
#include "MainWindow.h"
#include "http/UrlList.h"
#include "queue/TransferExport.h"
#include "queue/TransferQueue.h"

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
