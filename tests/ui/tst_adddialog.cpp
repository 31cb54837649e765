// The add dialog and the queue defaults as a new user meets them (offscreen, issue #10):
// Return adds a single URL, the per-host cap agrees with "at once", the folder is checked
// as typed and remembered only once it worked.
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "UiTestEnv.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>

#include <unistd.h>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

class TestAddDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::isolateSettings(); }
    void init() { AppSettings().save(); }
    void perHostDefaultAgreesWithAtOnce();
    void returnAddsOneUrl();
    void returnWithSeveralUrlsAddsALine();
    void folderThatCannotExist();
    void folderRememberedOnlyWhenItWorked();
    void settingsFolderWinsAfterAChange();
    void sha256SettingReachesTheRequest();
    void patternPreviewAndRequests();
};

void TestAddDialog::patternPreviewAndRequests()
{
    AppSettings settings;
    QTemporaryDir dir;
    settings.downloadFolder = dir.path();
    AddDownloadDialog dialog(settings);
    QPushButton *add = dialog.buttons()->button(QDialogButtonBox::Ok);
    dialog.urlEdit()->setPlainText(QStringLiteral("https://example.org/a.iso"));
    QVERIFY(dialog.previewLabel()->isHidden()); // no pattern, no preview

    dialog.urlEdit()->setPlainText(
        QStringLiteral("https://example.org/img[001-120].jpg\nftp://ann:pw@h.example/{x,y}"));
    QVERIFY(!dialog.previewLabel()->isHidden());
    const QString preview = dialog.previewLabel()->text();
    QVERIFY2(preview.startsWith(QStringLiteral("122 URL")), qPrintable(preview));
    QVERIFY(preview.contains(QStringLiteral("https://example.org/img001.jpg\n"
                                            "https://example.org/img002.jpg")));
    QVERIFY(add->isEnabled());
    const QList<DownloadRequest> requests = dialog.requests(DownloadRequest{});
    QCOMPARE(requests.size(), 122);
    QCOMPARE(requests.at(119).url, QUrl(QStringLiteral("https://example.org/img120.jpg")));
    // The password is used, never kept in the URL that is stored and shown.
    QCOMPARE(requests.at(121).url, QUrl(QStringLiteral("ftp://ann@h.example/y")));
    QCOMPARE(requests.at(121).urlPassword, QStringLiteral("pw"));

    dialog.urlEdit()->setPlainText(QStringLiteral("https://example.org/img[001-120.jpg"));
    QVERIFY(!add->isEnabled());
    QVERIFY2(dialog.problemLabel()->text().contains(QStringLiteral("column 24")),
             qPrintable(dialog.problemLabel()->text()));
    dialog.urlEdit()->setPlainText(QStringLiteral("https://example.org/[0-100]/[0-99]"));
    QVERIFY(!add->isEnabled());
    QVERIFY(dialog.problemLabel()->text().contains(QStringLiteral("10000")));
}

void TestAddDialog::sha256SettingReachesTheRequest()
{
    // Off by default (a download hashes only to verify); on, every new download computes it.
    DownloadRequest request;
    AppSettings().applyTo(&request);
    QVERIFY(!request.sha256);
    AppSettings s;
    s.sha256 = true;
    s.save();
    AppSettings::load().applyTo(&request);
    QVERIFY(request.sha256);
}

void TestAddDialog::perHostDefaultAgreesWithAtOnce()
{
    const AppSettings defaults;
    QVERIFY(defaults.maxPerHost == 0 || defaults.maxPerHost >= defaults.maxActive);
    QueueManager queue;
    QVERIFY(queue.maxPerHost() == 0 || queue.maxPerHost() >= queue.maxActive());
    // The dialog says when the per-host cap is the lower one.
    SettingsDialog dialog(defaults);
    QLabel *hint = dialog.perHostHint();
    QVERIFY(hint);
    QVERIFY(!hint->text().contains(QLatin1String("at most")));
    dialog.maxPerHostBox()->setValue(2);
    QVERIFY2(hint->text().contains(QLatin1String("at most 2")), qPrintable(hint->text()));
    QVERIFY(hint->text().contains(QLatin1String("3")));
    dialog.maxActiveBox()->setValue(2);
    QVERIFY(!hint->text().contains(QLatin1String("at most")));
}

void TestAddDialog::returnAddsOneUrl()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    AddDownloadDialog *dialog = window.openAddDialog({QUrl(QStringLiteral("https://e.org/one"))});
    dialog->folderEdit()->setText(env.dir.path());
    QPlainTextEdit *edit = dialog->urlEdit();
    edit->moveCursor(QTextCursor::End);
    // Shift+Return: a second line, still open.
    QTest::keyClick(edit, Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(edit->toPlainText(), QStringLiteral("https://e.org/one\n"));
    QVERIFY(dialog->isVisible());
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(added.size(), 1);
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
    QTRY_VERIFY(!window.findChild<AddDownloadDialog *>());
}

void TestAddDialog::returnWithSeveralUrlsAddsALine()
{
    AddDownloadDialog dialog(AppSettings::load());
    dialog.folderEdit()->setText(QStringLiteral("/tmp"));
    dialog.setUrls(
        {QUrl(QStringLiteral("https://e.org/1")), QUrl(QStringLiteral("https://e.org/2"))});
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.urlEdit()->moveCursor(QTextCursor::End);
    QTest::keyClick(dialog.urlEdit(), Qt::Key_Return);
    QCOMPARE(accepted.size(), 0);
    QCOMPARE(dialog.urlEdit()->toPlainText().count(QLatin1Char('\n')), 2);
    // No URL at all: Return neither adds nor accepts.
    dialog.urlEdit()->clear();
    QTest::keyClick(dialog.urlEdit(), Qt::Key_Return);
    QCOMPARE(accepted.size(), 0);
}

// A folder under a regular file, or a file itself: Add stays disabled and a line says why.
void TestAddDialog::folderThatCannotExist()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("file.txt"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    AddDownloadDialog dialog(AppSettings::load());
    dialog.setUrls({QUrl(QStringLiteral("https://e.org/1"))});
    QPushButton *add = dialog.buttons()->button(QDialogButtonBox::Ok);
    dialog.folderEdit()->setText(file + QStringLiteral("/sub/deeper"));
    QVERIFY(!add->isEnabled());
    QVERIFY2(dialog.problemLabel()->text().contains(file),
             qPrintable(dialog.problemLabel()->text()));
    dialog.folderEdit()->setText(file);
    QVERIFY(!add->isEnabled());
    dialog.folderEdit()->setText(dir.filePath(QStringLiteral("new/folder"))); // can be made
    QVERIFY(add->isEnabled());
    QVERIFY(dialog.problemLabel()->text().isEmpty());
    dialog.folderEdit()->setText(QStringLiteral("relative/folder"));
    QVERIFY(!add->isEnabled());
    if (::geteuid() != 0) { // root writes anywhere
        const QString locked = dir.filePath(QStringLiteral("locked"));
        QVERIFY(QDir().mkpath(locked));
        QVERIFY(QFile::setPermissions(locked, QFile::ReadOwner | QFile::ExeOwner));
        dialog.folderEdit()->setText(locked + QStringLiteral("/sub"));
        QVERIFY(!add->isEnabled());
        QVERIFY(dialog.problemLabel()->text().contains(QLatin1String("not writable")));
        QFile::setPermissions(locked, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
}

// The dialog's folder is the next default only once a download in it wrote bytes.
void TestAddDialog::folderRememberedOnlyWhenItWorked()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    MainWindow window(env.queue.get());
    // Macros return void: the lambda says what went wrong by a 0 id.
    auto add = [&](const QString &folder, const QString &url) -> qint64 {
        AddDownloadDialog *dialog = window.openAddDialog({QUrl(url)});
        dialog->folderEdit()->setText(folder);
        QSignalSpy added(env.queue.get(), &QueueManager::added);
        dialog->buttons()->button(QDialogButtonBox::Ok)->click();
        if (added.size() != 1 ||
            !QTest::qWaitFor([&] { return !window.findChild<AddDownloadDialog *>(); }))
            return 0;
        return added[0][0].toLongLong();
    };
    const QString bad = env.dir.filePath(QStringLiteral("bad"));
    const qint64 a = add(bad, QStringLiteral("https://e.org/a"));
    QVERIFY(a > 0);
    QTRY_VERIFY(env.jobs.job(a));
    env.jobs.job(a)->finishError(ErrorCode::PermissionDenied, QStringLiteral("Permission denied"));
    QTRY_VERIFY(env.queue->snapshot(a)->lastError.isError());
    QCoreApplication::processEvents();
    QVERIFY(AppSettings::load().lastAddFolder.isEmpty());
    AddDownloadDialog *next = window.openAddDialog({QUrl(QStringLiteral("https://e.org/x"))});
    QCOMPARE(next->folder(), window.settings().effectiveDownloadFolder());
    next->reject();
    QTRY_VERIFY(!window.findChild<AddDownloadDialog *>());

    const QString good = env.dir.filePath(QStringLiteral("good"));
    const qint64 b = add(good, QStringLiteral("https://e.org/b"));
    QVERIFY(b > 0);
    QTRY_VERIFY(env.jobs.job(b));
    QVERIFY(AppSettings::load().lastAddFolder.isEmpty()); // started, nothing written yet
    env.jobs.job(b)->sendProgress(100, 1000);
    QTRY_COMPARE(AppSettings::load().lastAddFolder, good);
    next = window.openAddDialog({QUrl(QStringLiteral("https://e.org/y"))});
    QCOMPARE(next->folder(), good);
    next->reject();
}

// A download folder changed in the settings is the add dialog's default again.
void TestAddDialog::settingsFolderWinsAfterAChange()
{
    QTemporaryDir dir;
    AppSettings s;
    s.lastAddFolder = dir.path();
    s.save();
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    AddDownloadDialog *dialog = window.openAddDialog({QUrl(QStringLiteral("https://e.org/1"))});
    QCOMPARE(dialog->folder(), dir.path());
    dialog->reject();
    QTRY_VERIFY(!window.findChild<AddDownloadDialog *>());
    SettingsDialog *settings = window.openSettings();
    const QString chosen = env.dir.filePath(QStringLiteral("dl"));
    settings->folderEdit()->setText(chosen);
    settings->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    dialog = window.openAddDialog({QUrl(QStringLiteral("https://e.org/2"))});
    QCOMPARE(dialog->folder(), chosen);
    QVERIFY(AppSettings::load().lastAddFolder.isEmpty());
    dialog->reject();
}

QTEST_MAIN(TestAddDialog)
#include "tst_adddialog.moc"
