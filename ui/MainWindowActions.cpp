// The actions of the main window: toolbar, menus, context menu and their shortcuts.
#include "Icons.h"
#include "MainWindow.h"
#include "TransferModel.h"
#include "WhenDoneControl.h"
#include "queue/QueueManager.h"
#include "queue/TransferQueue.h"

#include <QAction>
#include <QApplication>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QWidget>

namespace bt::ui {

void MainWindow::createActions()
{
    auto make = [this](const QString &name, const QString &text, const QString &theme,
                       const QString &own, const QKeySequence &key, auto slot) {
        auto *a = new QAction(themedIcon(theme, own), text, this);
        a->setObjectName(name);
        if (!key.isEmpty())
            a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        m_actions.insert(name, a);
        addAction(a); // shortcuts work while the menu bar is hidden too
        return a;
    };
    auto sel = [this](void (TransferQueue::*command)(const QList<qint64> &)) {
        return [this, command] { (m_source->*command)(selectedIds()); };
    };
    make(QStringLiteral("add"), tr("&Add Download…"), QStringLiteral("list-add"),
         QStringLiteral("add"), QKeySequence(tr("Ctrl+N")), [this] { openAddDialog(); });
    make(QStringLiteral("upload"), tr("&Upload Files…"), QStringLiteral("document-send"),
         QStringLiteral("upload"), QKeySequence(tr("Ctrl+U")), [this] { chooseUploadFiles(); });
    make(QStringLiteral("importLinks"), tr("&Import Links…"), QStringLiteral("document-import"),
         QStringLiteral("add"), QKeySequence(), [this] { importLinks(); });
    make(QStringLiteral("exportJson"), tr("Export as &JSON…"), QStringLiteral("document-export"),
         QStringLiteral("copy"), QKeySequence(), [this] { exportTransfers(true); });
    make(QStringLiteral("exportUrls"), tr("Export URL &List…"), QStringLiteral("document-export"),
         QStringLiteral("copy"), QKeySequence(), [this] { exportTransfers(false); });
    make(QStringLiteral("pause"), tr("&Pause"), QStringLiteral("media-playback-pause"),
         QStringLiteral("pause"), QKeySequence(tr("Ctrl+P")), sel(&TransferQueue::pause));
    make(QStringLiteral("resume"), tr("&Resume"), QStringLiteral("media-playback-start"),
         QStringLiteral("resume"), QKeySequence(tr("Ctrl+R")), sel(&TransferQueue::resume));
    make(QStringLiteral("cancel"), tr("&Cancel"), QStringLiteral("process-stop"),
         QStringLiteral("cancel"), QKeySequence(tr("Ctrl+K")), sel(&TransferQueue::cancel));
    make(QStringLiteral("retry"), tr("Re&try"), QStringLiteral("view-refresh"),
         QStringLiteral("retry"), QKeySequence(tr("Ctrl+T")), sel(&TransferQueue::retry));
    make(QStringLiteral("remove"), tr("Re&move"), QStringLiteral("list-remove"),
         QStringLiteral("remove"), QKeySequence::Delete, [this] { removeSelected(false); });
    make(QStringLiteral("removeDelete"), tr("Remove and &Delete File…"),
         QStringLiteral("edit-delete"), QStringLiteral("delete"), QKeySequence(tr("Shift+Del")),
         [this] { removeSelected(true); });
    make(QStringLiteral("removeCompleted"), tr("Remove &Completed"), QStringLiteral("edit-clear"),
         QStringLiteral("remove"), QKeySequence(), [this] { removeCompleted(); });
    make(QStringLiteral("openFile"), tr("&Open File"), QStringLiteral("document-open"),
         QStringLiteral("open"), QKeySequence(tr("Ctrl+O")), [this] { openSelectedFile(); });
    make(QStringLiteral("openFolder"), tr("Open &Folder"), QStringLiteral("folder-open"),
         QStringLiteral("folder"), QKeySequence(tr("Ctrl+Shift+O")),
         [this] { openSelectedFolder(); });
    make(QStringLiteral("extract"), tr("E&xtract Archive"), QStringLiteral("archive-extract"),
         QStringLiteral("extract"), QKeySequence(tr("Ctrl+E")), [this] { extractSelected(); });
    make(QStringLiteral("copyUrl"), tr("&Copy URL"), QStringLiteral("edit-copy"),
         QStringLiteral("copy"), QKeySequence(tr("Ctrl+Shift+C")), [this] { copySelectedUrls(); });
    make(QStringLiteral("moveUp"), tr("Move &Up"), QStringLiteral("go-up"),
         QStringLiteral("move-up"), QKeySequence(tr("Ctrl+Up")), sel(&TransferQueue::moveUp));
    make(QStringLiteral("moveDown"), tr("Move Do&wn"), QStringLiteral("go-down"),
         QStringLiteral("move-down"), QKeySequence(tr("Ctrl+Down")), sel(&TransferQueue::moveDown));
    make(QStringLiteral("moveTop"), tr("Mo&ve to Top"), QStringLiteral("go-top"),
         QStringLiteral("move-top"), QKeySequence(tr("Ctrl+Home")), sel(&TransferQueue::moveTop));
    make(QStringLiteral("moveBottom"), tr("Move to &Bottom"), QStringLiteral("go-bottom"),
         QStringLiteral("move-bottom"), QKeySequence(tr("Ctrl+End")),
         sel(&TransferQueue::moveBottom));
    make(QStringLiteral("pauseAll"), tr("Pause &All"), QStringLiteral("media-playback-pause"),
         QStringLiteral("pause"), QKeySequence(tr("Ctrl+Shift+P")),
         [this] { m_source->pauseAll(); });
    make(QStringLiteral("resumeAll"), tr("Resume A&ll"), QStringLiteral("media-playback-start"),
         QStringLiteral("resume"), QKeySequence(tr("Ctrl+Shift+R")),
         [this] { m_source->resumeAll(); });
    QAction *alt = make(QStringLiteral("altSpeed"), tr("Alternative &Speed Limits"),
                        QStringLiteral("speedometer"), QStringLiteral("speed"),
                        QKeySequence(tr("Ctrl+L")), [] {});
    alt->setCheckable(true);
    alt->setChecked(m_settings.altLimitsEnabled);
    connect(alt, &QAction::toggled, this, &MainWindow::setAlternativeLimits);
    make(QStringLiteral("settings"), tr("&Settings…"), QStringLiteral("configure"),
         QStringLiteral("settings"), QKeySequence(tr("Ctrl+,")), [this] { showSettings(); });
    make(QStringLiteral("find"), tr("&Find"), QStringLiteral("edit-find"), QStringLiteral("find"),
         QKeySequence::Find, [this] {
             m_search->setFocus();
             m_search->selectAll();
         });
    make(QStringLiteral("connect"), tr("Co&nnect to…"), QStringLiteral("network-connect"),
         QStringLiteral("settings"), QKeySequence(), [this] { openConnectDialog(); });
    make(QStringLiteral("disconnect"), tr("&Disconnect"), QStringLiteral("network-disconnect"),
         QStringLiteral("cancel"), QKeySequence(), [this] { disconnectRemote(); });
    make(QStringLiteral("quit"), tr("&Quit"), QStringLiteral("application-exit"),
         QStringLiteral("quit"), QKeySequence(tr("Ctrl+Q")), [this] { quit(); });
    make(QStringLiteral("about"), tr("&About BTFileStream"), QStringLiteral("help-about"),
         QStringLiteral("btfilestream"), QKeySequence(), [this] {
             QMessageBox::about(this, tr("About BTFileStream"),
                                tr("<b>BTFileStream %1</b><p>Downloads and uploads that survive "
                                   "cuts, restarts and crashes.</p>")
                                    .arg(QStringLiteral(BT_VERSION)));
         });
    // Remove and copy act on the table only, so that Delete in the search box edits text.
    for (const char *name : {"remove", "copyUrl"}) {
        QAction *a = action(QLatin1String(name));
        removeAction(a);
        m_view->addAction(a);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    }
}

void MainWindow::createMenus()
{
    auto a = [this](const char *name) { return action(QLatin1String(name)); };
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(a("add"));
    file->addAction(a("upload"));
    file->addSeparator();
    file->addAction(a("importLinks"));
    file->addAction(a("exportJson"));
    file->addAction(a("exportUrls"));
    file->addSeparator();
    file->addAction(a("connect"));
    file->addAction(a("disconnect"));
    file->addSeparator();
    file->addAction(a("settings"));
    file->addSeparator();
    file->addAction(a("quit"));

    QMenu *transfer = menuBar()->addMenu(tr("&Transfer"));
    for (const char *name : {"pause", "resume", "cancel", "retry"})
        transfer->addAction(a(name));
    transfer->addSeparator();
    transfer->addAction(a("remove"));
    transfer->addAction(a("removeDelete"));
    transfer->addAction(a("removeCompleted"));
    transfer->addSeparator();
    for (const char *name : {"openFile", "openFolder", "extract", "copyUrl"})
        transfer->addAction(a(name));
    transfer->addSeparator();
    for (const char *name : {"moveTop", "moveUp", "moveDown", "moveBottom"})
        transfer->addAction(a(name));

    QMenu *queue = menuBar()->addMenu(tr("&Queue"));
    queue->addAction(a("pauseAll"));
    queue->addAction(a("resumeAll"));
    queue->addSeparator();
    queue->addAction(a("altSpeed"));
    queue->addSeparator();
    m_whenDone = new WhenDoneControl(m_queue, this);
    connect(m_whenDone, &WhenDoneControl::quitRequested, this, &MainWindow::quit);
    connect(m_whenDone, &WhenDoneControl::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
    queue->addMenu(m_whenDone->menu());
    queue->addSeparator();
    queue->addAction(a("find"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(a("about"));

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(a("add"));
    bar->addAction(a("upload"));
    bar->addSeparator();
    for (const char *name : {"pause", "resume", "retry", "remove"})
        bar->addAction(a(name));
    bar->addSeparator();
    bar->addAction(a("moveUp"));
    bar->addAction(a("moveDown"));
    bar->addSeparator();
    bar->addAction(a("altSpeed"));
    // Labels for the main verbs; the others are icons (with tooltips), so the search box fits.
    for (const char *name : {"retry", "remove", "moveUp", "moveDown", "altSpeed"})
        if (auto *button = qobject_cast<QToolButton *>(bar->widgetForAction(a(name))))
            button->setToolButtonStyle(Qt::ToolButtonIconOnly);
    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addWidget(m_search);

    m_contextMenu = new QMenu(this);
    m_contextMenu->setObjectName(QStringLiteral("contextMenu"));
    for (const char *name : {"pause", "resume", "cancel", "retry"})
        m_contextMenu->addAction(a(name));
    m_contextMenu->addSeparator();
    for (const char *name : {"openFile", "openFolder", "extract", "copyUrl"})
        m_contextMenu->addAction(a(name));
    m_contextMenu->addSeparator();
    for (const char *name : {"moveTop", "moveUp", "moveDown", "moveBottom"})
        m_contextMenu->addAction(a(name));
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(a("remove"));
    m_contextMenu->addAction(a("removeDelete"));
    m_contextMenu->addAction(a("removeCompleted"));
}

void MainWindow::updateActions()
{
    bool any = false, pausable = false, resumable = false, cancellable = false, retryable = false,
         openable = false, extractable = false;
    for (qint64 id : selectedIds()) {
        const TransferModel::Row *row = m_model->rowById(id);
        if (!row)
            continue;
        any = true;
        const TransferState s = row->state;
        pausable |= s == TransferState::Queued || s == TransferState::Active ||
                    s == TransferState::Verifying;
        resumable |= s == TransferState::Paused;
        cancellable |= s != TransferState::Completed && s != TransferState::Failed;
        retryable |= s == TransferState::Failed || s == TransferState::Paused;
        openable |= s == TransferState::Completed;
        extractable |=
            s == TransferState::Completed && row->direction == TransferDirection::Download;
    }
    // A daemon out of reach takes no commands; what a daemon cannot do is off, not broken.
    using Feature = TransferQueue::Feature;
    const TransferQueue::Link link = m_source->link();
    const bool live = link == TransferQueue::Link::Local || link == TransferQueue::Link::Connected;
    const bool local = m_source->supports(Feature::LocalFiles);
    auto set = [this](const char *name, bool on) { action(QLatin1String(name))->setEnabled(on); };
    set("add", live);
    set("importLinks", live);
    set("upload", live && m_source->supports(Feature::Uploads));
    set("pause", live && pausable);
    set("resume", live && resumable);
    set("cancel", live && cancellable);
    set("retry", live && retryable && m_source->supports(Feature::Retry));
    set("remove", live && any);
    set("removeDelete", live && any && m_source->supports(Feature::DeleteFiles));
    set("removeCompleted", live);
    set("openFile", local && openable);
    set("extract", local && extractable);
    set("openFolder", local && any);
    set("copyUrl", any);
    set("moveUp", live && any);
    set("moveDown", live && any);
    set("moveTop", live && any);
    set("moveBottom", live && any);
    set("pauseAll", live);
    set("resumeAll", live);
    // The speed limits and "when all is done" belong to the local queue.
    set("altSpeed", !isRemote());
    m_whenDone->menu()->setEnabled(!isRemote());
    action(QStringLiteral("connect"))->setVisible(bool(m_remoteFactory));
    action(QStringLiteral("disconnect"))->setVisible(bool(m_remoteFactory));
    action(QStringLiteral("disconnect"))->setEnabled(isRemote());
}

} // namespace bt::ui
