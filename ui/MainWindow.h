#pragma once

#include "AppSettings.h"
#include "TransferModel.h"
#include "actions/AfterDownload.h"
#include "archive/ArchiveExtractor.h"
#include "queue/JobContext.h"
#include "queue/TransferSnapshot.h"

#include <QList>
#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <QUrl>
#include <functional>

class QAction;
class QDialog;
class QLabel;
class QLineEdit;
class QListWidget;
class QMenu;
class QMimeData;
class QSplitter;
class QTableView;

namespace bt {

class QueueManager;
class TransferQueue;
struct BrowserRequest;
struct TransferResult;

namespace ui {

class AddDownloadDialog;
class CredentialStore;
class SettingsDialog;
struct UploadTarget;
class DetailsPane;
class TransferFilterModel;
class TransferModel;
class TrayIcon;
class WhenDoneControl;

// The main window: the transfer table (sorted, filtered, searched), toolbar, menus, context
// menu, status bar with totals, drops (links open the add dialog, local files start uploads)
// and the tray. Every command goes to a TransferQueue: the local QueueManager, or a daemon
// after File > Connect to… (MainWindowRemote.cpp); nothing here touches a transfer.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // Replaces how uploads of local files and folders to a target are started (tests); false
    // and a reason when it cannot. Null (the default): through the queue, with the target's
    // credentials from the CredentialStore.
    using UploadStarter =
        std::function<bool(const QStringList &paths, const UploadTarget &target, QString *error)>;

    explicit MainWindow(QueueManager *queue, QWidget *parent = nullptr);
    ~MainWindow() override;

    void setUploadStarter(UploadStarter starter) { m_uploadStarter = std::move(starter); }
    // Makes the queue of a daemon at `url` (aria2's JSON-RPC) that starts connecting at once;
    // the composition root gives it (rpc/RemoteQueue), so that ui/ needs no network code.
    // Without one, File > Connect to… is hidden.
    using RemoteQueueFactory =
        std::function<TransferQueue *(const QUrl &url, const QString &secret, QObject *parent)>;
    void setRemoteQueueFactory(RemoteQueueFactory factory);

    TransferModel *model() const { return m_model; }
    TransferFilterModel *filterModel() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    TrayIcon *tray() const { return m_tray; }
    DetailsPane *details() const { return m_details; }
    QLineEdit *searchEdit() const { return m_search; }
    const AppSettings &settings() const { return m_settings; }
    CredentialStore *credentials() const { return m_credentials; }
    // What the views show and the commands drive: the local queue, or the daemon's.
    TransferQueue *transferQueue() const { return m_source; }
    bool isRemote() const;
    // The actions by name ("add", "pause", "resume", "remove", ...).
    QAction *action(const QString &name) const;

    // Ids of the selected rows, in view order.
    QList<qint64> selectedIds() const;
    void selectIds(const QList<qint64> &ids);
    // Handles what a drop or a paste brings: links open the add dialog, metalinks (.meta4,
    // .metalink) add their files, other local paths upload. False when there was nothing
    // usable.
    bool handleMimeData(const QMimeData *mime);

public Q_SLOTS:
    // Opens the add dialog (non-modal for the caller: returns at once); empty = the clipboard's
    // links if any. Returns the dialog, which deletes itself when closed.
    AddDownloadDialog *openAddDialog(const QList<QUrl> &urls = {});
    // A download (or links) the browser handed over, in a dialog of its own: the open add
    // dialog keeps what the person typed, and the browser's cookies stay with their links.
    AddDownloadDialog *openBrowserDialog(const bt::BrowserRequest &request);
    // To the only upload target; asks which when there are several; opens the settings on the
    // upload page when there is none.
    void startUploads(const QStringList &paths);
    // The files of these Metalink files (read off this thread) into the download folder.
    void addMetalinks(const QStringList &paths);
    void uploadTo(const QStringList &paths, const bt::ui::UploadTarget &target);
    void showSettings();
    SettingsDialog *openSettings(const QString &uploadMessage = {});
    void toggleVisible();
    // Closes to the tray; the first time, a notification says that it still runs.
    void hideToTray();
    void setAlternativeLimits(bool enabled);
    // Quits for real (the tray's Quit): no close-to-tray. Asks first while transfers run.
    void quit();
    // Quits without asking (SIGTERM): saves the window's state, hides it, quitRequested().
    void quitNow();
    // Removes the completed rows (their files stay).
    void removeCompleted();
    // MainWindowRemote.cpp: File > Connect to… asks for the URL and the secret (kept in the
    // keyring); the views switch to the daemon's rows while the local queue goes on in the
    // background. Disconnect returns to the local rows.
    QDialog *openConnectDialog();
    void connectTo(const QUrl &url, const QString &secret);
    void disconnectRemote();

Q_SIGNALS:
    void quitRequested();
    // A completed download was extracted (the "extract archives" setting), or tried to be.
    void archiveExtracted(qint64 id, const bt::ArchiveExtractor::Result &result);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions(); // MainWindowActions.cpp
    void createMenus();   // MainWindowActions.cpp
    void updateActions(); // MainWindowActions.cpp
    void removeSelected(bool deleteFiles);
    // MainWindowState.cpp
    void saveWindowState();
    void restoreWindowState();
    bool confirmQuit(); // true: quit (nothing runs, or the person said so)
    void fitDetails();  // folds the details pane while nothing is selected
    // The add dialog's folder becomes the next default once a download in it wrote bytes or
    // completed (a folder that fails is not remembered); `changed`: chosen in the dialog.
    AddDownloadDialog *newAddDialog(); // adds its downloads when accepted
    void rememberFolderWhenItWorks(const QList<qint64> &ids, const QString &folder, bool changed);
    void onSnapshotsForFolders(const QList<bt::TransferSnapshot> &changed);
    void openSelectedFile();
    void openSelectedFolder();
    void copySelectedUrls();
    void importLinks();              // MainWindowLists.cpp
    void exportTransfers(bool json); // MainWindowLists.cpp
    void chooseUploadFiles();
    void updateStatus();
    // MainWindowRemote.cpp
    void setSource(TransferQueue *source);
    void updateLink(); // the status bar's link label and the banner over the table
    // MainWindowCompletion.cpp: a transfer ended; the after-download actions the queue runs
    // (the "extract archives" setting), the Extract action, "open the folder when done".
    void onTransferFinished(const bt::TransferResult &result);
    void onAfterDownloadProgress(qint64 id, qint64 done, qint64 total);
    void onAfterDownload(qint64 id, const bt::AfterDownload::Result &result);
    // By the Extract action (says so when the file is not an archive).
    void extractArchive(qint64 id, const QString &path, const QString &name);
    void extractSelected();
    void onExtracted(qint64 id, const QString &name, const bt::ArchiveExtractor::Result &result,
                     bool asked);
    void onCommandRan(qint64 id, const QString &name, const bt::AfterDownload::Result &result);
    QString nameOf(qint64 id, const QString &path) const;
    // The local queue's row (null while a daemon's rows are shown) and its log.
    const TransferModel::Row *localRow(qint64 id) const;
    void logLocal(qint64 id, const QString &text);
    void onClipboardChanged();
    void applySettings();
    // MainWindowUploads.cpp
    void setUpCredentials();
    void enqueueUploads(const QStringList &paths, const UploadTarget &target,
                        const QString &secret);
    void onSecretSaved(const QString &key, bool inKeyring, const QString &problem);
    void acceptSettings(SettingsDialog *dialog);

    QueueManager *m_queue;             // the local queue: always there, always running
    TransferQueue *m_source;           // what the views show: m_queue or m_remote
    TransferQueue *m_remote = nullptr; // a daemon's, while connected (owned here)
    RemoteQueueFactory m_remoteFactory;
    QLabel *m_linkLabel = nullptr;          // status bar: "Connected to host:port"
    QLabel *m_banner = nullptr;             // over the table while the daemon is out of reach
    WhenDoneControl *m_whenDone = nullptr;  // Queue > When All Is Done
    QHash<QString, QString> m_urlPasswords; // stored URL -> its password, this session only
    JobFactory m_baseFactory;               // the queue's factory before ours wrapped it
    AppSettings m_settings;
    TransferModel *m_model;
    TransferFilterModel *m_proxy;
    QTableView *m_view;
    DetailsPane *m_details;
    QListWidget *m_filters;
    QLineEdit *m_search;
    QLabel *m_downLabel;
    QLabel *m_upLabel;
    QLabel *m_countLabel;
    QLabel *m_altLabel;
    QSplitter *m_sideSplitter = nullptr;
    QSplitter *m_rightSplitter = nullptr;
    int m_detailsHeight = 220; // the unfolded details pane
    bool m_trayHintShown = false;
    QHash<qint64, QString> m_untriedFolders; // transfer -> the add dialog's folder
    QSet<qint64> m_openWhenActionsEnd;       // "open the folder when done", after extraction
    QMenu *m_contextMenu = nullptr;
    TrayIcon *m_tray = nullptr;
    QHash<QString, QAction *> m_actions;
    UploadStarter m_uploadStarter;
    CredentialStore *m_credentials;
    QPointer<AddDownloadDialog> m_addDialog;
    QString m_lastClipboard;
    bool m_quitting = false;
};

} // namespace ui
} // namespace bt
