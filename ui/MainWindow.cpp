#include "MainWindow.h"

#include "AddDownloadDialog.h"
#include "CredentialStore.h"
#include "DetailsPane.h"
#include "Format.h"
#include "Icons.h"
#include "ProgressDelegate.h"
#include "SettingsDialog.h"
#include "TransferFilterModel.h"
#include "TransferModel.h"
#include "TrayIcon.h"
#include "metalink/Metalink.h"
#include "queue/QueueManager.h"
#include "queue/Transfers.h"

#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace bt::ui {

MainWindow::MainWindow(QueueManager *queue, QWidget *parent)
    : QMainWindow(parent), m_queue(queue), m_source(queue), m_settings(AppSettings::load()),
      m_model(new TransferModel(queue, this)), m_proxy(new TransferFilterModel(this)),
      m_view(new QTableView(this)), m_details(new DetailsPane(queue, this)),
      m_filters(new QListWidget(this)), m_search(new QLineEdit(this)),
      m_downLabel(new QLabel(this)), m_upLabel(new QLabel(this)), m_countLabel(new QLabel(this)),
      m_altLabel(new QLabel(this)), m_credentials(new CredentialStore(this))
{
    setWindowTitle(tr("BTFileStream"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    // The credential provider first: applying limits may start restored uploads.
    setUpCredentials(); // MainWindowUploads.cpp
    m_settings.applyTo(m_queue);

    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setObjectName(QStringLiteral("transferView"));
    m_view->setItemDelegateForColumn(TransferModel::ProgressColumn, new ProgressDelegate(this));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TransferModel::PositionColumn, Qt::AscendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(TransferModel::NameColumn, QHeaderView::Stretch);
    header->resizeSection(TransferModel::PositionColumn, 40);
    header->resizeSection(TransferModel::DirectionColumn, 90);
    header->resizeSection(TransferModel::SizeColumn, 90);
    header->resizeSection(TransferModel::ProgressColumn, 160);
    header->resizeSection(TransferModel::SpeedColumn, 100);
    header->resizeSection(TransferModel::EtaColumn, 70);
    header->resizeSection(TransferModel::StateColumn, 210); // "Retrying in 10 s (attempt 2 of 10)"
    header->resizeSection(TransferModel::AddedColumn, 110);
    header->setHighlightSections(false);

    // The filters, and a drop zone that says what a drop does.
    m_filters->setObjectName(QStringLiteral("filterList"));
    const QList<QPair<QString, QIcon>> filters = {
        {tr("All"), themedIcon(QStringLiteral("view-list-details"), QStringLiteral("all"))},
        {tr("Downloading"), themedIcon(QStringLiteral("go-down"), QStringLiteral("download"))},
        {tr("Uploading"), themedIcon(QStringLiteral("go-up"), QStringLiteral("upload"))},
        {tr("Completed"),
         themedIcon(QStringLiteral("emblem-default"), QStringLiteral("completed"))},
        {tr("Failed"), themedIcon(QStringLiteral("dialog-error"), QStringLiteral("failed"))},
    };
    for (const auto &[text, icon] : filters)
        new QListWidgetItem(icon, text, m_filters);
    m_filters->item(TransferFilterModel::Failed)
        ->setToolTip(tr("Failed, or paused on an error (disk full...) until you act"));
    m_filters->setCurrentRow(0);
    connect(m_filters, &QListWidget::currentRowChanged, this,
            [this](int row) { m_proxy->setFilter(TransferFilterModel::Filter(qMax(0, row))); });
    auto *dropZone = new QLabel(tr("Drop links to download\nor files to upload"));
    dropZone->setObjectName(QStringLiteral("dropZone"));
    dropZone->setAlignment(Qt::AlignCenter);
    dropZone->setWordWrap(true);
    dropZone->setFrameShape(QFrame::StyledPanel);
    dropZone->setFrameShadow(QFrame::Sunken);
    dropZone->setMinimumHeight(90);
    dropZone->setEnabled(false);
    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_filters, 1);
    sideLayout->addWidget(dropZone);
    auto *right = m_rightSplitter = new QSplitter(Qt::Vertical, this);
    right->setObjectName(QStringLiteral("detailsSplitter"));
    // A daemon out of reach: a line over the table says so while its last rows stay.
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("linkBanner"));
    m_banner->setWordWrap(true);
    m_banner->setMargin(6);
    m_banner->setAutoFillBackground(true);
    QPalette warn = m_banner->palette();
    warn.setColor(QPalette::Window, QColor(0xfc, 0xe8, 0xc3));
    warn.setColor(QPalette::WindowText, QColor(0x5c, 0x3b, 0x00));
    m_banner->setPalette(warn);
    m_banner->hide();
    auto *table = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(table);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->setSpacing(0);
    tableLayout->addWidget(m_banner);
    tableLayout->addWidget(m_view, 1);
    right->addWidget(table);
    right->addWidget(m_details);
    right->setStretchFactor(0, 1);
    right->setCollapsible(1, false);
    right->setSizes({400, 220});
    auto *splitter = m_sideSplitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("sideSplitter"));
    splitter->addWidget(side);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({170, 900});
    setCentralWidget(splitter);

    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(tr("Search name or URL"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(200);
    m_search->setMaximumWidth(280);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &TransferFilterModel::setSearchText);

    createActions();
    createMenus();
    m_tray = new TrayIcon(this);

    m_linkLabel = new QLabel(this);
    m_linkLabel->setObjectName(QStringLiteral("linkLabel"));
    m_linkLabel->hide();
    statusBar()->addPermanentWidget(m_linkLabel);
    statusBar()->addPermanentWidget(m_altLabel);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_downLabel);
    statusBar()->addPermanentWidget(m_upLabel);
    m_downLabel->setObjectName(QStringLiteral("downSpeed"));
    m_upLabel->setObjectName(QStringLiteral("upSpeed"));
    m_countLabel->setObjectName(QStringLiteral("counts"));

    connect(m_model, &TransferModel::totalsChanged, this, &MainWindow::updateStatus);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QList<qint64> ids = selectedIds();
        m_details->setTransfer(ids.isEmpty() ? 0 : ids.first());
        fitDetails();
    });
    // A new row may land below the visible ones: show it.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int, int last) {
                // After the view has laid out the new row (its scroll range includes it).
                const QPersistentModelIndex idx = m_proxy->index(last, TransferModel::NameColumn);
                QMetaObject::invokeMethod(
                    this,
                    [this, idx] {
                        if (idx.isValid())
                            m_view->scrollTo(idx);
                    },
                    Qt::QueuedConnection);
            });
    connect(m_view, &QTableView::customContextMenuRequested, this, [this](const QPoint &pos) {
        m_contextMenu->popup(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_view, &QTableView::doubleClicked, this, &MainWindow::openSelectedFile);
    connect(m_queue, &QueueManager::transferFinished, this, &MainWindow::onTransferFinished);
    connect(m_queue, &QueueManager::afterDownloadProgress, this,
            &MainWindow::onAfterDownloadProgress);
    connect(m_queue, &QueueManager::afterDownloadFinished, this, &MainWindow::onAfterDownload);
    connect(m_queue, &QueueManager::snapshotsChanged, this, &MainWindow::onSnapshotsForFolders);
    connect(m_queue, &QueueManager::removed, this,
            [this](qint64 id) { m_untriedFolders.remove(id); });
    connect(QGuiApplication::clipboard(), &QClipboard::dataChanged, this,
            &MainWindow::onClipboardChanged);
    m_baseFactory = m_queue->jobFactory();
    // Keyed by the stored URL (which has no password): the queue may start a transfer from
    // inside enqueue(), before its id is known here.
    m_queue->setJobFactory(
        transfers::withUrlPasswords(m_baseFactory, [this](const TransferRecord &record) {
            return m_urlPasswords.value(record.url.toString(QUrl::FullyEncoded));
        }));
    updateStatus();
    updateActions();
    resize(1100, 620);
    restoreWindowState(); // MainWindowState.cpp
}

MainWindow::~MainWindow()
{
    saveWindowState();
    m_queue->setUploadCredentialProvider({}); // it points here
    m_queue->setJobFactory(m_baseFactory);
}

QAction *MainWindow::action(const QString &name) const
{
    return m_actions.value(name);
}

QList<qint64> MainWindow::selectedIds() const
{
    QList<qint64> ids;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &idx : std::as_const(rows))
        ids.append(idx.data(TransferModel::IdRole).toLongLong());
    return ids;
}

void MainWindow::selectIds(const QList<qint64> &ids)
{
    QItemSelection selection;
    for (qint64 id : ids) {
        const int row = m_model->rowOf(id);
        if (row < 0)
            continue;
        const QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
        if (idx.isValid())
            selection.select(idx, idx.siblingAtColumn(TransferModel::ColumnCount - 1));
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

AddDownloadDialog *MainWindow::openAddDialog(const QList<QUrl> &urls)
{
    QList<QUrl> links = urls;
    if (links.isEmpty())
        links = AddDownloadDialog::linksFromText(QGuiApplication::clipboard()->text());
    // A dialog that was closed (its deletion not yet run) takes nothing more.
    if (m_addDialog && m_addDialog->isVisible()) {
        // One dialog at a time: more links join the open one.
        if (!links.isEmpty()) {
            QList<QUrl> all = m_addDialog->urls();
            for (const QUrl &u : std::as_const(links))
                if (!all.contains(u))
                    all.append(u);
            m_addDialog->setUrls(all);
        }
        m_addDialog->raise();
        m_addDialog->activateWindow();
        return m_addDialog;
    }
    auto *dialog = newAddDialog();
    dialog->setUrls(links);
    m_addDialog = dialog;
    if (!isVisible())
        show();
    dialog->open();
    return dialog;
}

AddDownloadDialog *MainWindow::openBrowserDialog(const BrowserRequest &request)
{
    auto *dialog = newAddDialog();
    dialog->setObjectName(QStringLiteral("browserDialog"));
    dialog->setBrowserRequest(request);
    if (!isVisible())
        show();
    dialog->open();
    dialog->raise();
    dialog->activateWindow();
    return dialog;
}

AddDownloadDialog *MainWindow::newAddDialog()
{
    auto *dialog = new AddDownloadDialog(m_settings, this);
    if (isRemote())
        dialog->setRemoteFolder(m_source->defaultDirectory());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("addDialog"));
    connect(dialog, &QDialog::accepted, this, [this, dialog, target = m_source] {
        if (target != m_source) {
            // Opened for the local queue and accepted on a daemon's, or the other way round.
            statusBar()->showMessage(tr("Not added: the window was connected or disconnected "
                                        "meanwhile. Add the links again."),
                                     10000);
            return;
        }
        DownloadRequest base;
        m_settings.applyTo(&base);
        const QList<DownloadRequest> requests = dialog->requests(base);
        // The engine writes into an existing folder; a new one typed in the dialog (or a
        // type's sub-folder) is made here.
        // A daemon's folders are on its machine: it checks and makes them.
        if (!isRemote()) {
            for (const DownloadRequest &r : requests)
                QDir().mkpath(r.directory);
        }
        Error error;
        TransferQueue::EnqueueOptions options;
        options.startPaused = dialog->startPaused(); // stored paused: never connects
        // Passwords from URLs stay in memory for this session only (never stored).
        for (const DownloadRequest &r : requests) {
            if (!r.urlPassword.isEmpty())
                m_urlPasswords.insert(r.url.toString(QUrl::FullyEncoded), r.urlPassword);
        }
        const QList<qint64> ids = m_source->enqueue(requests, options, &error);
        QList<qint64> added;
        for (qint64 id : ids)
            if (id > 0)
                added.append(id);
        rememberFolderWhenItWorks(added, dialog->folder(), dialog->folderChanged());
        if (error.isError())
            statusBar()->showMessage(tr("Could not add: %1").arg(error.message), 10000);
        else if (isRemote())
            statusBar()->showMessage(
                tr("Sent %n download(s) to the daemon", nullptr, int(requests.size())), 5000);
        else
            statusBar()->showMessage(tr("Added %n download(s)", nullptr, int(added.size())), 5000);
    });
    return dialog;
}

bool MainWindow::handleMimeData(const QMimeData *mime)
{
    if (!mime)
        return false;
    QList<QUrl> links;
    QStringList files;
    QStringList metalinks;
    if (mime->hasUrls()) {
        for (const QUrl &url : mime->urls()) {
            if (url.isLocalFile() && metalink::looksLikeMetalink(url.toLocalFile()))
                metalinks.append(url.toLocalFile());
            else if (url.isLocalFile())
                files.append(url.toLocalFile());
            else if (!AddDownloadDialog::linksFromText(url.toString()).isEmpty())
                links.append(url);
        }
    } else if (mime->hasText()) {
        links = AddDownloadDialog::linksFromText(mime->text());
    }
    if (!links.isEmpty())
        openAddDialog(links);
    if (!files.isEmpty())
        startUploads(files);
    if (!metalinks.isEmpty())
        addMetalinks(metalinks);
    return !links.isEmpty() || !files.isEmpty() || !metalinks.isEmpty();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QMimeData *mime = event->mimeData();
    if (mime->hasUrls() ||
        (mime->hasText() && !AddDownloadDialog::linksFromText(mime->text()).isEmpty()))
        event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (handleMimeData(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::setAlternativeLimits(bool enabled)
{
    m_settings.altLimitsEnabled = enabled;
    m_settings.save();
    m_queue->setAlternativeLimitsEnabled(enabled);
    if (QAction *a = action(QStringLiteral("altSpeed")); a && a->isChecked() != enabled)
        a->setChecked(enabled);
    updateStatus();
}

void MainWindow::showSettings()
{
    openSettings();
}

void MainWindow::applySettings()
{
    m_settings.applyTo(m_queue);
    if (QAction *a = action(QStringLiteral("altSpeed")))
        a->setChecked(m_settings.altLimitsEnabled);
    updateStatus();
}

void MainWindow::removeSelected(bool deleteFiles)
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    if (deleteFiles &&
        QMessageBox::question(
            this, tr("Delete Files"),
            tr("Remove %n transfer(s) and delete the downloaded file(s) from the disk?", nullptr,
               int(ids.size())),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    m_source->remove(ids, deleteFiles);
}

void MainWindow::openSelectedFile()
{
    for (qint64 id : selectedIds()) {
        const TransferModel::Row *row = m_model->rowById(id);
        if (row && !row->path.isEmpty() && QFileInfo::exists(row->path))
            QDesktopServices::openUrl(QUrl::fromLocalFile(row->path));
    }
}

void MainWindow::openSelectedFolder()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    const TransferModel::Row *row = m_model->rowById(ids.first());
    if (!row)
        return;
    QString dir = row->path.isEmpty() ? row->directory : QFileInfo(row->path).absolutePath();
    if (!dir.isEmpty())
        QDesktopServices::openUrl(QUrl::fromLocalFile(dir));
}

void MainWindow::copySelectedUrls()
{
    QStringList urls;
    for (qint64 id : selectedIds())
        if (const TransferModel::Row *row = m_model->rowById(id))
            urls.append(row->url.toString());
    if (!urls.isEmpty())
        QGuiApplication::clipboard()->setText(urls.join(QLatin1Char('\n')));
}

void MainWindow::chooseUploadFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Upload Files"));
    startUploads(files);
}

void MainWindow::updateStatus()
{
    const TransferModel::Totals t = m_model->totals();
    m_downLabel->setText(
        tr("↓ %1").arg(t.downloadSpeed > 0 ? formatSpeed(t.downloadSpeed) : tr("0 B/s")));
    m_upLabel->setText(
        tr("↑ %1").arg(t.uploadSpeed > 0 ? formatSpeed(t.uploadSpeed) : tr("0 B/s")));
    m_countLabel->setText(
        tr("%1 active, %2 queued, %3 total").arg(t.active).arg(t.queued).arg(t.total));
    m_altLabel->setText(m_settings.altLimitsEnabled ? tr("Alternative speed limits") : QString());
    m_tray->setTotals(t);
}

void MainWindow::onClipboardChanged()
{
    if (!m_settings.watchClipboard)
        return;
    const QString text = QGuiApplication::clipboard()->text();
    if (text == m_lastClipboard)
        return;
    m_lastClipboard = text;
    const QList<QUrl> links = AddDownloadDialog::linksFromText(text);
    if (!links.isEmpty())
        openAddDialog(links);
}

} // namespace bt::ui
