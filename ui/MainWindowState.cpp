// How the main window closes, quits and remembers itself: close to the tray (with a one-time
// hint), quit (asking while transfers run), size, splitters and columns between runs, and the
// details pane folded while nothing is selected.
#include "DetailsPane.h"
#include "MainWindow.h"
#include "TransferModel.h"
#include "TrayIcon.h"
#include "WindowState.h"
#include "queue/TransferQueue.h"

#include <QCloseEvent>
#include <QHeaderView>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>

namespace bt::ui {

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_quitting && m_settings.closeToTray && m_tray->isVisible()) {
        hideToTray();
        event->ignore();
        return;
    }
    if (!m_quitting && !confirmQuit()) {
        event->ignore();
        return;
    }
    event->accept();
    if (!m_quitting) {
        m_quitting = true;
        saveWindowState();
        Q_EMIT quitRequested();
    }
}

void MainWindow::hideToTray()
{
    saveWindowState();
    hide();
    if (m_trayHintShown)
        return;
    // Once: a closed window that keeps running surprises who expected it to quit.
    m_trayHintShown = true;
    saveWindowState();
    m_tray->notify(tr("BTFileStream is still running"),
                   tr("Transfers go on in the tray. To quit, choose Quit in its menu."), false);
}

void MainWindow::quit()
{
    if (m_quitting || !confirmQuit())
        return;
    quitNow();
}

void MainWindow::quitNow()
{
    if (m_quitting)
        return;
    m_quitting = true;
    saveWindowState();
    hide();
    Q_EMIT quitRequested();
}

bool MainWindow::confirmQuit()
{
    const int running = m_model->totals().active;
    if (running == 0)
        return true;
    QMessageBox box(QMessageBox::Question, tr("Quit BTFileStream"),
                    tr("%n transfer(s) running. Quit anyway?", nullptr, running),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("quitConfirm"));
    box.setInformativeText(tr("They stop now and go on at the next start."));
    box.button(QMessageBox::Yes)->setText(tr("&Quit"));
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

void MainWindow::toggleVisible()
{
    if (isVisible() && !isMinimized()) {
        hide();
    } else {
        showNormal();
        raise();
        activateWindow();
    }
}

void MainWindow::removeCompleted()
{
    // The queue's states, not the rows' (those follow a batch later).
    QList<qint64> ids;
    for (qint64 id : m_source->ids()) {
        const auto snap = m_source->snapshot(id);
        if (snap && snap->state == TransferState::Completed)
            ids.append(id);
    }
    if (ids.isEmpty())
        return;
    m_source->remove(ids, false); // the files stay
    statusBar()->showMessage(
        tr("Removed %n completed transfer(s); the files stay.", nullptr, int(ids.size())), 5000);
}

void MainWindow::saveWindowState()
{
    if (m_details->transfer() != 0)
        m_detailsHeight = m_rightSplitter->sizes().value(1, m_detailsHeight);
    WindowState w;
    w.geometry = saveGeometry();
    w.sideSplitter = m_sideSplitter->saveState();
    w.header = m_view->horizontalHeader()->saveState();
    w.detailsHeight = m_detailsHeight;
    w.trayHintShown = m_trayHintShown;
    w.save();
}

void MainWindow::restoreWindowState()
{
    const WindowState w = WindowState::load();
    if (!w.geometry.isEmpty())
        restoreGeometry(w.geometry);
    if (!w.sideSplitter.isEmpty())
        m_sideSplitter->restoreState(w.sideSplitter);
    if (!w.header.isEmpty())
        m_view->horizontalHeader()->restoreState(w.header);
    m_detailsHeight = w.detailsHeight;
    m_trayHintShown = w.trayHintShown;
    fitDetails();
}

void MainWindow::fitDetails()
{
    const QList<int> sizes = m_rightSplitter->sizes();
    // Before the first show the sizes are 0: the splitter scales them, so a large total
    // gives the table all but the pane's share.
    int total = sizes.value(0) + sizes.value(1);
    if (total < 200)
        total = 100000;
    if (m_details->transfer() == 0) {
        // Folded to its one line; the height it had comes back with the next selection.
        const int folded = m_details->foldedHeight();
        if (sizes.value(1) > folded)
            m_detailsHeight = qMax(sizes.value(1), 80);
        m_rightSplitter->setSizes({qMax(0, total - folded), folded});
    } else if (sizes.value(1) < m_detailsHeight) {
        m_rightSplitter->setSizes({qMax(0, total - m_detailsHeight), m_detailsHeight});
    }
}

void MainWindow::rememberFolderWhenItWorks(const QList<qint64> &ids, const QString &folder,
                                           bool changed)
{
    if (folder == m_settings.effectiveDownloadFolder()) {
        // Back to the settings' folder: nothing to remember.
        if (!m_settings.lastAddFolder.isEmpty()) {
            m_settings.lastAddFolder.clear();
            m_settings.save();
        }
        return;
    }
    if (!changed || folder == m_settings.lastAddFolder)
        return;
    for (qint64 id : ids)
        m_untriedFolders.insert(id, folder);
}

void MainWindow::onSnapshotsForFolders(const QList<TransferSnapshot> &changed)
{
    if (m_untriedFolders.isEmpty())
        return;
    for (const TransferSnapshot &s : changed) {
        const auto it = m_untriedFolders.constFind(s.id);
        if (it == m_untriedFolders.cend())
            continue;
        if (s.state == TransferState::Completed || s.progress.done > 0) {
            const QString folder = it.value();
            m_settings.lastAddFolder = folder;
            m_settings.save();
            m_untriedFolders.removeIf([&folder](const auto &e) { return e.value() == folder; });
        } else if (s.state == TransferState::Failed || s.lastError.isError()) {
            m_untriedFolders.erase(it);
        }
    }
}

} // namespace bt::ui
