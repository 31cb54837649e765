// The window's file features (offscreen, fake jobs): extract archives when done (result in the
// log and a notification, hostile entries named), open the folder when done, auto-folder rules
// by file type (settings page and add dialog), move to top / bottom.
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "DetailsPane.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "TestArchive.h"
#include "TrayIcon.h"
#include "UiTestEnv.h"

#include <QAction>
#include <QCheckBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTranslator>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

// Catches what QDesktopServices::openUrl() opens (a "file" URL handler), with whether the
// folder extracted beside the archive was there at that moment.
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
    QString expectFolder;
    bool folderWasThere = false;
public Q_SLOTS:
    void open(const QUrl &url)
    {
        urls.append(url);
        folderWasThere = !expectFolder.isEmpty() && QFileInfo(expectFolder).isDir();
    }
};

class TestWindowFiles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::isolateSettings(); }
    void init() { AppSettings().save(); }
    void moveTopAndBottom();
    void folderRulesMatchByExtension();
    void addDialogSortsByType();
    void settingsPageEditsRules();
    void extractWhenDone();
    void extractRefusesHostileEntries();
    void noExtractionWhenOffOrNotAnArchive();
    void extractAction();
    void openFolderWhenDone();
    void germanForTheNewStrings();

private:
    // A download that completes with `path` as its file.
    static qint64 complete(QueueEnv &env, const QString &host, const QString &path)
    {
        const qint64 id = env.add(host, 1);
        if (!QTest::qWaitFor([&] { return env.jobs.job(id) && env.jobs.job(id)->started; }))
            return 0;
        env.jobs.job(id)->finishOk(path, QFileInfo(path).size());
        return id;
    }
};

void TestWindowFiles::moveTopAndBottom()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i)
        ids << env.add(QStringLiteral("h%1.example").arg(i), i);
    const auto [a, b, c, d] = std::tuple(ids[0], ids[1], ids[2], ids[3]);
    window.selectIds({c});
    QVERIFY(window.action(QStringLiteral("moveTop"))->isEnabled());
    window.action(QStringLiteral("moveTop"))->trigger();
    QCOMPARE(env.queue->ids(), QList<qint64>({c, a, b, d}));
    window.selectIds({a, c});
    window.action(QStringLiteral("moveBottom"))->trigger();
    QCOMPARE(env.queue->ids(), QList<qint64>({b, d, c, a}));
    QCOMPARE(window.action(QStringLiteral("moveTop"))->shortcut(),
             QKeySequence(QStringLiteral("Ctrl+Home")));
    QCOMPARE(window.action(QStringLiteral("moveBottom"))->shortcut(),
             QKeySequence(QStringLiteral("Ctrl+End")));
    // In the context menu too.
    auto *menu = window.findChild<QMenu *>(QStringLiteral("contextMenu"));
    QVERIFY(menu);
    QVERIFY(menu->actions().contains(window.action(QStringLiteral("moveTop"))));
    QVERIFY(menu->actions().contains(window.action(QStringLiteral("moveBottom"))));
    window.selectIds({});
    QVERIFY(!window.action(QStringLiteral("moveTop"))->isEnabled());
}

void TestWindowFiles::folderRulesMatchByExtension()
{
    const QList<FolderRule> rules = FolderRule::defaults();
    const QString base = QStringLiteral("/dl");
    QCOMPARE(folderFor(rules, QStringLiteral("Movie.MKV"), base), QStringLiteral("/dl/Videos"));
    QCOMPARE(folderFor(rules, QStringLiteral("song.mp3"), base), QStringLiteral("/dl/Music"));
    QCOMPARE(folderFor(rules, QStringLiteral("linux.tar.gz"), base),
             QStringLiteral("/dl/Archives"));
    QCOMPARE(folderFor(rules, QStringLiteral("paper.pdf"), base), QStringLiteral("/dl/Documents"));
    QCOMPARE(folderFor(rules, QStringLiteral("tool.AppImage"), base),
             QStringLiteral("/dl/Programs"));
    QCOMPARE(folderFor(rules, QStringLiteral("photo.jpeg"), base), QStringLiteral("/dl/Pictures"));
    QCOMPARE(folderFor(rules, QStringLiteral("download"), base), base); // name without a type
    QCOMPARE(folderFor(rules, QStringLiteral(".mp4"), base), base);
    QCOMPARE(folderFor(rules, QString(), base), base);
    QList<FolderRule> custom = rules;
    custom[0].folder = QStringLiteral("/media/films");
    QCOMPARE(folderFor(custom, QStringLiteral("a.mp4"), base), QStringLiteral("/media/films"));
    QCOMPARE(FolderRule::parseExtensions(QStringLiteral(" .MP4, mkv;*.avi mkv")),
             QStringList({QStringLiteral("mp4"), QStringLiteral("mkv"), QStringLiteral("avi")}));
}

void TestWindowFiles::addDialogSortsByType()
{
    AppSettings s;
    s.autoFolders = true;
    s.save();
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    const QString base = env.dir.filePath(QStringLiteral("dl"));
    AddDownloadDialog *dialog =
        window.openAddDialog({QUrl(QStringLiteral("https://e.org/films/Movie.mkv")),
                              QUrl(QStringLiteral("https://e.org/a/song.mp3?x=1")),
                              QUrl(QStringLiteral("https://e.org/download?id=5"))});
    dialog->folderEdit()->setText(base);
    dialog->pausedBox()->setChecked(true);
    QVERIFY(dialog->sortLabel()->isVisibleTo(dialog));
    QVERIFY(dialog->sortLabel()->text().contains(QStringLiteral("Videos")));
    QVERIFY(dialog->sortLabel()->text().contains(QStringLiteral("Music")));
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(added.size(), 3);
    QStringList dirs;
    for (const QList<QVariant> &args : std::as_const(added))
        dirs << env.queue->record(args[0].toLongLong())->directory;
    QCOMPARE(dirs, QStringList(
                       {base + QStringLiteral("/Videos"), base + QStringLiteral("/Music"), base}));
    QVERIFY(QFileInfo(base + QStringLiteral("/Videos")).isDir()); // made for the engine
    // The remembered folder stays the chosen one, not a type's sub-folder (once a download
    // in it wrote bytes: these started paused).
    QVERIFY(AppSettings::load().lastAddFolder.isEmpty());
    const qint64 first = added[0][0].toLongLong();
    env.queue->resume({first});
    QTRY_VERIFY(env.jobs.job(first));
    env.jobs.job(first)->sendProgress(10, 100);
    QTRY_COMPARE(AppSettings::load().lastAddFolder, base);

    // Off (the default): everything into the chosen folder.
    AppSettings::load().save();
    AppSettings off;
    AddDownloadDialog plain(off);
    plain.setUrls({QUrl(QStringLiteral("https://e.org/Movie.mkv"))});
    plain.folderEdit()->setText(base);
    QVERIFY(!plain.sortLabel()->isVisibleTo(&plain));
    QCOMPARE(plain.requests(DownloadRequest()).value(0).directory, base);
    // A name typed in the dialog decides the type.
    AddDownloadDialog named(s);
    named.setUrls({QUrl(QStringLiteral("https://e.org/get?id=1"))});
    named.folderEdit()->setText(base);
    named.nameEdit()->setText(QStringLiteral("talk.pdf"));
    QCOMPARE(named.requests(DownloadRequest()).value(0).directory,
             base + QStringLiteral("/Documents"));
}

void TestWindowFiles::settingsPageEditsRules()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QVERIFY(!window.settings().extractArchives);
    QVERIFY(!window.settings().autoFolders);
    window.action(QStringLiteral("settings"))->trigger();
    auto *dialog = window.findChild<SettingsDialog *>();
    QVERIFY(dialog);
    QTableWidget *table = dialog->rulesTable();
    QCOMPARE(table->rowCount(), 6);
    QVERIFY(!table->isEnabled()); // rules apply only when sorting is on
    dialog->extractBox()->setChecked(true);
    dialog->autoFoldersBox()->setChecked(true);
    QVERIFY(table->isEnabled());
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("Videos"));
    table->item(0, 1)->setText(QStringLiteral("mp4 .MKV"));
    table->item(0, 2)->setText(QString());
    auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled()); // extensions without a folder
    table->item(0, 2)->setText(QStringLiteral("Films"));
    QVERIFY(ok->isEnabled());
    ok->click();

    const AppSettings loaded = AppSettings::load();
    QVERIFY(loaded.extractArchives);
    QVERIFY(loaded.autoFolders);
    QCOMPARE(loaded.folderRules.size(), 6);
    QCOMPARE(loaded.folderRules[0].category, QStringLiteral("video"));
    QCOMPARE(loaded.folderRules[0].extensions,
             QStringList({QStringLiteral("mp4"), QStringLiteral("mkv")}));
    QCOMPARE(loaded.folderRules[0].folder, QStringLiteral("Films"));
    QCOMPARE(loaded.folderRules[1], FolderRule::defaults()[1]);
    QVERIFY(window.settings().extractArchives);
}

void TestWindowFiles::extractWhenDone()
{
    AppSettings s;
    s.extractArchives = true;
    s.save();
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QSignalSpy extracted(&window, &MainWindow::archiveExtracted);
    QSignalSpy notified(window.tray(), &TrayIcon::notified);
    QVERIFY(QDir().mkpath(env.dir.filePath(QStringLiteral("out"))));
    const QString archivePath = env.dir.filePath(QStringLiteral("out/release-1.0.tar.gz"));
    QString why;
    QVERIFY2(archivetest::writeArchive(archivePath, archivetest::Format::TarGz,
                                       {archivetest::dir("bin/"),
                                        archivetest::file("bin/tool", "#!/bin/sh\n", 0755),
                                        archivetest::file("README", "read me")},
                                       &why),
             qPrintable(why));
    const qint64 id = complete(env, QStringLiteral("a.example"), archivePath);
    QVERIFY(id > 0);
    QVERIFY(extracted.wait(20000));
    QCOMPARE(extracted[0][0].toLongLong(), id);
    const auto result = extracted[0][1].value<ArchiveExtractor::Result>();
    QVERIFY2(result.ok(), qPrintable(result.error.message));
    const QString folder = env.dir.filePath(QStringLiteral("out/release-1.0"));
    QCOMPARE(result.folder, folder);
    QFile readme(folder + QStringLiteral("/README"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    QCOMPARE(readme.readAll(), QByteArray("read me"));
    QVERIFY(QFileInfo(folder + QStringLiteral("/bin/tool")).isExecutable());
    // Shown: a notification and a line in the transfer's log.
    QTRY_COMPARE(notified.size(), 2);
    QCOMPARE(notified[0][0].toString(), QStringLiteral("Transfer complete"));
    QCOMPARE(notified[1][0].toString(), QStringLiteral("Archive extracted"));
    QVERIFY(notified[1][1].toString().contains(folder));
    QCOMPARE(notified[1][2].toBool(), false);
    QVERIFY(window.details()->log(id).join(QLatin1Char('\n')).contains(folder));
}

void TestWindowFiles::extractRefusesHostileEntries()
{
    AppSettings s;
    s.extractArchives = true;
    s.save();
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QSignalSpy extracted(&window, &MainWindow::archiveExtracted);
    QSignalSpy notified(window.tray(), &TrayIcon::notified);
    QVERIFY(QDir().mkpath(env.dir.filePath(QStringLiteral("out"))));
    const QString archivePath = env.dir.filePath(QStringLiteral("out/slip.zip"));
    QString why;
    QVERIFY2(archivetest::writeArchive(archivePath, archivetest::Format::Zip,
                                       {archivetest::file("good.txt", "good"),
                                        archivetest::file("../../evil.txt", "evil"),
                                        archivetest::symlinkItem("out", "/etc")},
                                       &why),
             qPrintable(why));
    const qint64 id = complete(env, QStringLiteral("a.example"), archivePath);
    QVERIFY(extracted.wait(20000));
    const auto result = extracted[0][1].value<ArchiveExtractor::Result>();
    QVERIFY(!result.error.isError());
    QCOMPARE(result.refused.size(), 2);
    QVERIFY(QFile::exists(env.dir.filePath(QStringLiteral("out/slip/good.txt"))));
    QVERIFY(!QFile::exists(env.dir.filePath(QStringLiteral("evil.txt"))));
    QVERIFY(!QFileInfo::exists(env.dir.filePath(QStringLiteral("out/slip/out"))));
    QTRY_COMPARE(notified.size(), 2);
    QCOMPARE(notified[1][0].toString(), QStringLiteral("Archive extracted, entries refused"));
    QVERIFY(notified[1][1].toString().contains(QStringLiteral("../../evil.txt")));
    QCOMPARE(notified[1][2].toBool(), true);
    const QString log = window.details()->log(id).join(QLatin1Char('\n'));
    QVERIFY(log.contains(QStringLiteral("../../evil.txt")));
    QVERIFY(log.contains(QStringLiteral("out:")));
}

void TestWindowFiles::noExtractionWhenOffOrNotAnArchive()
{
    QueueEnv env;
    QVERIFY(env.open());
    QVERIFY(QDir().mkpath(env.dir.filePath(QStringLiteral("out"))));
    const QString archivePath = env.dir.filePath(QStringLiteral("out/off.tar.gz"));
    QString why;
    QVERIFY(archivetest::writeArchive(archivePath, archivetest::Format::TarGz,
                                      {archivetest::file("x", "x")}, &why));
    {
        MainWindow window(env.queue.get()); // the setting is off by default
        QSignalSpy notified(window.tray(), &TrayIcon::notified);
        QVERIFY(complete(env, QStringLiteral("a.example"), archivePath) > 0);
        QTRY_COMPARE(notified.size(), 1);
        // Extraction would have started with the notification (by the queue, which runs the
        // after-download actions): nothing was started.
        QVERIFY(window.findChildren<ArchiveExtractor *>().isEmpty());
        QVERIFY(env.queue->findChildren<ArchiveExtractor *>().isEmpty());
        QVERIFY(!env.queue->isRunningAfterDownload(env.queue->ids().last()));
        QVERIFY(!QFileInfo::exists(env.dir.filePath(QStringLiteral("out/off"))));
    }
    AppSettings s;
    s.extractArchives = true;
    s.save();
    MainWindow window(env.queue.get());
    QSignalSpy extracted(&window, &MainWindow::archiveExtracted);
    QSignalSpy notified(window.tray(), &TrayIcon::notified);
    const QString text = env.dir.filePath(QStringLiteral("out/notes.txt"));
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("plain");
    f.close();
    QVERIFY(complete(env, QStringLiteral("b.example"), text) > 0);
    QVERIFY(extracted.wait(20000));
    QVERIFY(!extracted[0][1].value<ArchiveExtractor::Result>().isArchive);
    QCOMPARE(notified.size(), 1); // only "Transfer complete"
    QVERIFY(!QFileInfo::exists(env.dir.filePath(QStringLiteral("out/notes"))));
}

void TestWindowFiles::extractAction()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get()); // "extract when done" is off: extracted on request
    QSignalSpy extracted(&window, &MainWindow::archiveExtracted);
    QVERIFY(QDir().mkpath(env.dir.filePath(QStringLiteral("out"))));
    const QString archivePath = env.dir.filePath(QStringLiteral("out/later.zip"));
    QString why;
    QVERIFY(archivetest::writeArchive(archivePath, archivetest::Format::Zip,
                                      {archivetest::file("in.txt", "inside")}, &why));
    const qint64 id = complete(env, QStringLiteral("a.example"), archivePath);
    QVERIFY(id > 0);
    QAction *extract = window.action(QStringLiteral("extract"));
    QCOMPARE(extract->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
    window.selectIds({id});
    QTRY_VERIFY(extract->isEnabled()); // once the row shows it completed
    QVERIFY(extracted.isEmpty());
    extract->trigger();
    QVERIFY(extracted.wait(20000));
    QVERIFY(extracted[0][1].value<ArchiveExtractor::Result>().ok());
    QFile in(env.dir.filePath(QStringLiteral("out/later/in.txt")));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QCOMPARE(in.readAll(), QByteArray("inside"));
    // A running download cannot be extracted.
    const qint64 running = env.add(QStringLiteral("b.example"), 2);
    window.selectIds({running});
    QTRY_VERIFY(!extract->isEnabled());
}

void TestWindowFiles::openFolderWhenDone()
{
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(QStringLiteral("file"), &catcher, "open");
    const auto unset =
        qScopeGuard([] { QDesktopServices::unsetUrlHandler(QStringLiteral("file")); });
    QueueEnv env;
    QVERIFY(env.open());
    const QString out = env.dir.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    const QString archivePath = out + QStringLiteral("/pack.zip");
    QString why;
    QVERIFY(archivetest::writeArchive(archivePath, archivetest::Format::Zip,
                                      {archivetest::file("in.txt", "inside")}, &why));
    {
        // Off by default: nothing is opened.
        MainWindow window(env.queue.get());
        QVERIFY(!window.settings().openFolderWhenDone);
        QSignalSpy notified(window.tray(), &TrayIcon::notified);
        QVERIFY(complete(env, QStringLiteral("a.example"), archivePath) > 0);
        QTRY_COMPARE(notified.size(), 1);
        QVERIFY(catcher.urls.isEmpty());
        // Switched on in the settings dialog (Files page), saved.
        window.action(QStringLiteral("settings"))->trigger();
        auto *dialog = window.findChild<SettingsDialog *>();
        QVERIFY(dialog);
        QVERIFY(!dialog->openFolderBox()->isChecked());
        dialog->openFolderBox()->setChecked(true);
        dialog->extractBox()->setChecked(true);
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        QVERIFY(AppSettings::load().openFolderWhenDone);
        QVERIFY(window.settings().openFolderWhenDone);
    }
    // On, with extraction: the folder opens once the archive is extracted, once.
    MainWindow window(env.queue.get());
    QSignalSpy extracted(&window, &MainWindow::archiveExtracted);
    catcher.expectFolder = out + QStringLiteral("/pack (2)"); // "pack" is the first run's
    QVERIFY(QDir().mkpath(out + QStringLiteral("/pack")));
    const qint64 id = complete(env, QStringLiteral("b.example"), archivePath);
    QVERIFY(id > 0);
    QVERIFY(extracted.wait(20000));
    QCOMPARE(extracted[0][0].toLongLong(), id);
    QTRY_COMPARE(catcher.urls.size(), 1);
    QCOMPARE(catcher.urls[0], QUrl::fromLocalFile(out));
    QVERIFY2(catcher.folderWasThere,
             qPrintable(extracted[0][1].value<ArchiveExtractor::Result>().folder));
    // A file that is not an archive: its folder opens too.
    const QString text = out + QStringLiteral("/notes.txt");
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("plain");
    f.close();
    QVERIFY(complete(env, QStringLiteral("c.example"), text) > 0);
    QTRY_COMPARE(catcher.urls.size(), 2);
    QCOMPARE(catcher.urls[1], QUrl::fromLocalFile(out));
}

void TestWindowFiles::germanForTheNewStrings()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QLocale::German, QLocale::Germany),
                            QStringLiteral("btfilestream"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&translator);
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    QCOMPARE(window.action(QStringLiteral("moveTop"))->text(), QStringLiteral("&Ganz nach oben"));
    SettingsDialog dialog(window.settings());
    QCOMPARE(dialog.extractBox()->text(), QStringLiteral("Archive nach dem Download &entpacken"));
    QCOMPARE(dialog.openFolderBox()->text(), QStringLiteral("Ordner nach dem Download ö&ffnen"));
    QCOMPARE(dialog.rulesTable()->item(1, 0)->text(), QStringLiteral("Musik"));
    QCoreApplication::removeTranslator(&translator);
}

QTEST_MAIN(TestWindowFiles)
#include "tst_windowfiles.moc"
