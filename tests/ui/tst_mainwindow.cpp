// The main window against a real QueueManager running fake jobs (offscreen): the add dialog,
// drops of links and files, actions, the tray menu, settings, and rows after a restart.
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "DetailsPane.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "TransferModel.h"
#include "TrayIcon.h"
#include "UiTestEnv.h"
#include "UploadTarget.h"
#include "ipc/BrowserRequest.h"
#include "transfer/DownloadVerifier.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTranslator>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::isolateSettings(); }
    void init() { AppSettings().save(); }
    void addThroughDialog();
    void dialogValidatesAsYouType();
    void startPaused();
    void dropLinksOpensDialog();
    void dropLocalFilesStartsUploads();
    void pauseResumeActions();
    void moveAndRemoveActions();
    void trayMenuActions();
    void settingsPersistAndApply();
    void rowsRestoredAfterRestart();
    void statusBarTotals();
    void germanFromResources();
    void notificationsOnFinishAndFail();
    void clipboardWatching();
    void closeWithoutTrayQuits();
    void detailsFollowSelection();

private:
    static QAction *trayAction(MainWindow &w, const QString &name)
    {
        for (QAction *a : w.tray()->menu()->actions())
            if (a->objectName() == name)
                return a;
        return nullptr;
    }
    static void drop(QWidget *target, QMimeData *mime)
    {
        const QPoint pos = target->rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(target, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent dropEvent(QPointF(pos), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(target, &dropEvent);
        QVERIFY(dropEvent.isAccepted());
    }
};

void TestMainWindow::addThroughDialog()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QGuiApplication::clipboard()->setText(
        QStringLiteral("see https://example.org/a.iso and\nhttps://example.org/b.iso"));
    AddDownloadDialog *dialog = window.openAddDialog();
    QVERIFY(dialog);
    // Prefilled from the clipboard's links (the words around them are not links).
    QCOMPARE(dialog->urls(), QList<QUrl>({QUrl(QStringLiteral("https://example.org/a.iso")),
                                          QUrl(QStringLiteral("https://example.org/b.iso"))}));
    const QString folder = env.dir.filePath(QStringLiteral("chosen"));
    dialog->folderEdit()->setText(folder);
    dialog->connectionsBox()->setValue(4);
    const QString hex(64, QLatin1Char('a'));
    dialog->checksumEdit()->setText(QStringLiteral("sha256=") + hex);
    QVERIFY(dialog->buttons()->button(QDialogButtonBox::Ok)->isEnabled());
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(added.size(), 2);
    QCOMPARE(window.model()->rowCount(), 2);
    for (const QList<QVariant> &args : std::as_const(added)) {
        const auto rec = env.queue->record(args[0].toLongLong());
        QVERIFY(rec);
        QCOMPARE(rec->directory, folder);
        QCOMPARE(rec->expectedChecksum, QStringLiteral("sha256=") + hex);
        QCOMPARE(rec->url.host(), QStringLiteral("example.org"));
    }
    // The folder is remembered for the next dialog once a download in it wrote bytes.
    QVERIFY(AppSettings::load().lastAddFolder.isEmpty());
    const qint64 first = added[0][0].toLongLong();
    QTRY_VERIFY(env.jobs.job(first));
    env.jobs.job(first)->sendProgress(10, 100);
    QTRY_COMPARE(AppSettings::load().lastAddFolder, folder);
    QTRY_VERIFY(!window.findChild<AddDownloadDialog *>());
    AddDownloadDialog *again = window.openAddDialog({QUrl(QStringLiteral("https://x.org/f"))});
    QCOMPARE(again->folder(), folder);
    again->reject();
}

void TestMainWindow::dialogValidatesAsYouType()
{
    AddDownloadDialog dialog(AppSettings::load());
    QPushButton *ok = dialog.buttons()->button(QDialogButtonBox::Ok);
    dialog.urlEdit()->setPlainText(QString());
    QVERIFY(!ok->isEnabled());
    QVERIFY(!dialog.problemLabel()->text().isEmpty());
    dialog.urlEdit()->setPlainText(QStringLiteral("ftp:/broken"));
    QVERIFY(!ok->isEnabled());
    QVERIFY(dialog.problemLabel()->text().contains(QStringLiteral("ftp:/broken")));
    dialog.urlEdit()->setPlainText(QStringLiteral("https://example.org/one"));
    dialog.folderEdit()->setText(QStringLiteral("/tmp"));
    QVERIFY(ok->isEnabled());
    QVERIFY(dialog.problemLabel()->text().isEmpty());
    dialog.checksumEdit()->setText(QStringLiteral("sha256=xyz"));
    QVERIFY(!ok->isEnabled());
    dialog.checksumEdit()->clear();
    dialog.nameEdit()->setText(QStringLiteral("a/b"));
    QVERIFY(!ok->isEnabled());
    dialog.nameEdit()->setText(QStringLiteral("name.bin"));
    QVERIFY(ok->isEnabled());
    dialog.urlEdit()->setPlainText(QStringLiteral("https://example.org/one\nhttps://e.org/2"));
    QVERIFY(!ok->isEnabled()); // one name for two URLs
    dialog.folderEdit()->clear();
    dialog.nameEdit()->clear();
    QVERIFY(!ok->isEnabled());
}

void TestMainWindow::startPaused()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    AddDownloadDialog *dialog = window.openAddDialog({QUrl(QStringLiteral("https://e.org/p"))});
    dialog->folderEdit()->setText(env.dir.path());
    dialog->pausedBox()->setChecked(true);
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(added.size(), 1);
    const qint64 id = added[0][0].toLongLong();
    // Stored paused: not a moment of connecting.
    QCOMPARE(env.state(id), TransferState::Paused);
    QVERIFY(env.jobs.startOrder.isEmpty());
    QCoreApplication::processEvents();
    QVERIFY(env.jobs.startOrder.isEmpty());
    QCOMPARE(env.state(id), TransferState::Paused);
}

void TestMainWindow::dropLinksOpensDialog()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    window.show();
    auto *uriList = new QMimeData; // as browsers send a dragged link: text/uri-list
    uriList->setUrls({QUrl(QStringLiteral("https://example.org/dragged.zip"))});
    drop(&window, uriList);
    auto *dialog = window.findChild<AddDownloadDialog *>();
    QVERIFY(dialog);
    QCOMPARE(dialog->urls(),
             QList<QUrl>({QUrl(QStringLiteral("https://example.org/dragged.zip"))}));

    auto *plain = new QMimeData; // selected text dragged from a page
    plain->setText(QStringLiteral("https://example.org/second.zip"));
    drop(&window, plain);
    // The open dialog takes the new link too.
    QCOMPARE(window.findChildren<AddDownloadDialog *>().size(), 1);
    QCOMPARE(dialog->urls().size(), 2);
    dialog->reject();
    delete uriList;
    delete plain;
}

void TestMainWindow::dropLocalFilesStartsUploads()
{
    AppSettings s;
    UploadTarget target;
    target.key = UploadTarget::newKey();
    target.url = QUrl(QStringLiteral("http://127.0.0.1:1/files/"));
    s.uploadTargets = {target};
    s.save();
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QStringList started;
    window.setUploadStarter([&started](const QStringList &paths, const UploadTarget &, QString *) {
        started += paths;
        return true;
    });
    const QString file = env.dir.filePath(QStringLiteral("photo.jpg"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("jpeg");
    f.close();
    auto *mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(file), QUrl::fromLocalFile(env.dir.path())});
    drop(&window, mime);
    QCOMPARE(started, QStringList({file, env.dir.path()}));
    QVERIFY(!window.findChild<AddDownloadDialog *>()); // files never open the add dialog
    delete mime;
}

void TestMainWindow::pauseResumeActions()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    const qint64 id = env.add(QStringLiteral("a.example"), 1);
    QTRY_COMPARE(env.state(id), TransferState::Active);
    window.selectIds({id});
    QCOMPARE(window.selectedIds(), QList<qint64>({id}));
    QTRY_VERIFY(window.action(QStringLiteral("pause"))->isEnabled());
    QVERIFY(!window.action(QStringLiteral("resume"))->isEnabled());
    window.action(QStringLiteral("pause"))->trigger();
    QTRY_COMPARE(env.state(id), TransferState::Paused);
    QTRY_VERIFY(window.action(QStringLiteral("resume"))->isEnabled());
    window.action(QStringLiteral("resume"))->trigger();
    QTRY_COMPARE(env.state(id), TransferState::Active);
    window.action(QStringLiteral("cancel"))->trigger();
    QTRY_COMPARE(env.state(id), TransferState::Failed);
    QTRY_VERIFY(window.action(QStringLiteral("retry"))->isEnabled());
    window.action(QStringLiteral("retry"))->trigger();
    QTRY_COMPARE(env.state(id), TransferState::Active);
    QCOMPARE(window.action(QStringLiteral("pause"))->shortcut(),
             QKeySequence(QStringLiteral("Ctrl+P")));
}

void TestMainWindow::moveAndRemoveActions()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    const qint64 b = env.add(QStringLiteral("b.example"), 2);
    window.selectIds({b});
    window.action(QStringLiteral("moveUp"))->trigger();
    QCOMPARE(env.queue->ids(), QList<qint64>({b, a}));
    window.selectIds({b});
    window.action(QStringLiteral("moveDown"))->trigger();
    QCOMPARE(env.queue->ids(), QList<qint64>({a, b}));
    window.selectIds({a});
    window.action(QStringLiteral("copyUrl"))->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("http://a.example/file-1.bin"));
    window.action(QStringLiteral("remove"))->trigger();
    QTRY_COMPARE(window.model()->rowCount(), 1);
    QVERIFY(!env.queue->contains(a));
}

void TestMainWindow::trayMenuActions()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    window.show();
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    const qint64 b = env.add(QStringLiteral("b.example"), 2);
    QTRY_COMPARE(env.state(a), TransferState::Active);

    QMenu *menu = window.tray()->menu();
    QStringList names;
    for (QAction *act : menu->actions())
        if (!act->isSeparator())
            names << act->objectName();
    QCOMPARE(names, QStringList({QStringLiteral("showHide"), QStringLiteral("add"),
                                 QStringLiteral("pauseAll"), QStringLiteral("resumeAll"),
                                 QStringLiteral("altSpeed"), QStringLiteral("quit")}));

    trayAction(window, QStringLiteral("pauseAll"))->trigger();
    QTRY_COMPARE(env.state(a), TransferState::Paused);
    QTRY_COMPARE(env.state(b), TransferState::Paused);
    trayAction(window, QStringLiteral("resumeAll"))->trigger();
    QTRY_COMPARE(env.state(a), TransferState::Active);

    QVERIFY(!env.queue->speedLimits().alternativeEnabled());
    trayAction(window, QStringLiteral("altSpeed"))->trigger();
    QVERIFY(env.queue->speedLimits().alternativeEnabled());
    QVERIFY(AppSettings::load().altLimitsEnabled);
    trayAction(window, QStringLiteral("altSpeed"))->trigger();
    QVERIFY(!env.queue->speedLimits().alternativeEnabled());

    QGuiApplication::clipboard()->clear();
    trayAction(window, QStringLiteral("add"))->trigger();
    QVERIFY(window.findChild<AddDownloadDialog *>());
    window.findChild<AddDownloadDialog *>()->reject();

    QVERIFY(window.isVisible());
    trayAction(window, QStringLiteral("showHide"))->trigger();
    QVERIFY(!window.isVisible());
    trayAction(window, QStringLiteral("showHide"))->trigger();
    QVERIFY(window.isVisible());

    QVERIFY(window.tray()->toolTip().contains(QStringLiteral("active")));
    QSignalSpy quit(&window, &MainWindow::quitRequested);
    uitest::answerMessageBox(QMessageBox::Yes); // two run: it asks
    trayAction(window, QStringLiteral("quit"))->trigger();
    QCOMPARE(quit.size(), 1);
}

void TestMainWindow::settingsPersistAndApply()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    window.action(QStringLiteral("settings"))->trigger();
    auto *dialog = window.findChild<SettingsDialog *>();
    QVERIFY(dialog);
    dialog->maxActiveBox()->setValue(5);
    dialog->maxPerHostBox()->setValue(1);
    dialog->downloadLimitBox()->setValue(100);
    dialog->closeToTrayBox()->setChecked(false);
    dialog->folderEdit()->setText(env.dir.filePath(QStringLiteral("dl")));
    dialog->scheduleBox()->setChecked(true);
    dialog->scheduleEdit()->setText(QStringLiteral("25:00-07:00"));
    auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled()); // not a time
    dialog->scheduleEdit()->setText(QStringLiteral("01:00-07:00"));
    QVERIFY(ok->isEnabled());
    ok->click();

    QCOMPARE(env.queue->maxActive(), 5);
    QCOMPARE(env.queue->maxPerHost(), 1);
    QCOMPARE(env.queue->speedLimits().normal().download, 100 * 1024);
    QVERIFY(env.queue->scheduleWindow().has_value());
    QCOMPARE(env.queue->scheduleWindow()->toString(), QStringLiteral("01:00-07:00"));

    const AppSettings loaded = AppSettings::load();
    QCOMPARE(loaded.maxActive, 5);
    QCOMPARE(loaded.downloadLimit, 100 * 1024);
    QCOMPARE(loaded.closeToTray, false);
    QCOMPARE(loaded.downloadFolder, env.dir.filePath(QStringLiteral("dl")));
    QVERIFY(QFile::exists(
        uitest::configDir().filePath(QStringLiteral("BTFileStream/btfilestream.conf"))));

    // A new window (next start) applies them to its queue.
    QueueEnv env2;
    QVERIFY(env2.open());
    MainWindow second(env2.queue.get());
    QCOMPARE(env2.queue->maxActive(), 5);
    QCOMPARE(second.settings().downloadFolder, env.dir.filePath(QStringLiteral("dl")));
}

void TestMainWindow::rowsRestoredAfterRestart()
{
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    QList<qint64> ids;
    {
        MainWindow window(env.queue.get());
        for (int i = 1; i <= 3; ++i)
            ids << env.add(QStringLiteral("h.example"), i);
        QTRY_VERIFY(env.jobs.job(ids[0]));
        env.jobs.job(ids[0])->finishOk(env.dir.filePath(QStringLiteral("out/done.bin")), 10);
        QTRY_VERIFY(env.jobs.job(ids[1]));
        env.jobs.job(ids[1])->finishError(ErrorCode::HttpPermanent, QStringLiteral("gone"));
        QTRY_COMPARE(env.state(ids[1]), TransferState::Failed);
        QTRY_VERIFY(env.jobs.job(ids[2]) && env.jobs.job(ids[2])->started);
        env.queue->pause({ids[2]});
        QTRY_COMPARE(env.state(ids[2]), TransferState::Paused);
        QVERIFY(flushQueue(*env.queue));
    }
    QVERIFY(shutDownQueue(*env.queue));
    env.queue.reset();

    QVERIFY(env.open(1, 0));
    MainWindow window(env.queue.get());
    TransferModel *model = window.model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->rowById(ids[0])->name, QStringLiteral("done.bin"));
    QCOMPARE(model->rowById(ids[0])->state, TransferState::Completed);
    QCOMPARE(model->rowById(ids[1])->state, TransferState::Failed);
    QCOMPARE(model->rowById(ids[1])->error, QStringLiteral("gone"));
    QCOMPARE(model->rowById(ids[2])->state, TransferState::Paused);
    QCOMPARE(window.view()->model()->rowCount(), 3);
}

void TestMainWindow::statusBarTotals()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    for (int i = 0; i < 5; ++i)
        env.add(QStringLiteral("h%1.example").arg(i), i);
    auto *counts = window.findChild<QLabel *>(QStringLiteral("counts"));
    QVERIFY(counts);
    QTRY_COMPARE(counts->text(), QStringLiteral("3 active, 2 queued, 5 total"));
}

void TestMainWindow::germanFromResources()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QLocale::German, QLocale::Germany),
                            QStringLiteral("btfilestream"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&translator);
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QCOMPARE(window.model()->headerData(TransferModel::ProgressColumn, Qt::Horizontal).toString(),
             QStringLiteral("Fortschritt"));
    QCOMPARE(window.action(QStringLiteral("pause"))->text(), QStringLiteral("&Pausieren"));
    QCOMPARE(window.action(QStringLiteral("pause"))->shortcut(),
             QKeySequence(QStringLiteral("Ctrl+P")));
    QCOMPARE(window.action(QStringLiteral("connect"))->text(), QStringLiteral("&Verbinden mit…"));
    // Messages of helpers without Q_OBJECT: looked up under the context lupdate files them in.
    UploadTarget s3;
    s3.name = QStringLiteral("Archiv");
    s3.method = UploadRequest::Method::S3;
    QCOMPARE(s3.problem(), QStringLiteral("Geben Sie den Bucket des S3-Ziels „Archiv“ ein."));
    QString browserError;
    QVERIFY(!BrowserRequest::fromJson(QJsonObject{}, &browserError));
    QCOMPARE(browserError, QStringLiteral("Die Nachricht hat keinen „type“."));
    // The engine's messages are in the same translation: a checksum that does not match, as
    // the details pane and the tray would show it.
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("f.bin")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("data");
    file.close();
    http::DigestValue wrong;
    wrong.algorithm = QCryptographicHash::Sha256;
    wrong.digest = QByteArray(32, '\0');
    QByteArray sha256;
    const Error mismatch =
        DownloadVerifier::verify(file.fileName(), {}, {}, {wrong}, false, &sha256);
    QVERIFY2(mismatch.message.startsWith(QStringLiteral("Prüfsumme stimmt nicht überein")),
             qPrintable(mismatch.message));
    QCoreApplication::removeTranslator(&translator);
}

void TestMainWindow::notificationsOnFinishAndFail()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QSignalSpy spy(window.tray(), &TrayIcon::notified);
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    const qint64 b = env.add(QStringLiteral("b.example"), 2);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(b));
    env.jobs.job(a)->finishOk(env.dir.filePath(QStringLiteral("out/a.bin")), 1);
    QTRY_COMPARE(spy.size(), 1);
    QCOMPARE(spy[0][0].toString(), QStringLiteral("Transfer complete"));
    QCOMPARE(spy[0][2].toBool(), false);
    env.jobs.job(b)->finishError(ErrorCode::HttpPermanent, QStringLiteral("403 Forbidden"));
    QTRY_COMPARE(spy.size(), 2);
    QCOMPARE(spy[1][0].toString(), QStringLiteral("Transfer failed"));
    QVERIFY(spy[1][1].toString().contains(QStringLiteral("403 Forbidden")));
    QCOMPARE(spy[1][2].toBool(), true);
}

void TestMainWindow::clipboardWatching()
{
    AppSettings s;
    s.watchClipboard = true;
    s.save();
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QGuiApplication::clipboard()->setText(QStringLiteral("no links here"));
    QVERIFY(!window.findChild<AddDownloadDialog *>());
    QGuiApplication::clipboard()->setText(QStringLiteral("https://example.org/copied.iso"));
    QTRY_VERIFY(window.findChild<AddDownloadDialog *>());
    QCOMPARE(window.findChild<AddDownloadDialog *>()->urls(),
             QList<QUrl>({QUrl(QStringLiteral("https://example.org/copied.iso"))}));
    window.findChild<AddDownloadDialog *>()->reject();
}

void TestMainWindow::closeWithoutTrayQuits()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    window.show();
    QVERIFY(window.settings().closeToTray);
    QSignalSpy quit(&window, &MainWindow::quitRequested);
    // Offscreen there is no tray: closing must quit rather than hide the program for good.
    window.close();
    QCOMPARE(quit.size(), 1);
}

void TestMainWindow::detailsFollowSelection()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    window.selectIds({a});
    QCOMPARE(window.details()->transfer(), a);
    env.jobs.job(a)->sendProgress(100, 1000);
    QTRY_VERIFY(window.details()->speedHistory(a).size() >= 2);
    QVERIFY(window.details()->findChild<QLabel *>() != nullptr);
    window.selectIds({});
    QCOMPARE(window.details()->transfer(), 0);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
