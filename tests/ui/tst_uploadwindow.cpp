// Uploads from the window (offscreen, the queue runs fake jobs): dropped files and folders go
// to the upload target (asked when there are several; the settings open when there is none),
// rows show as uploads with progress and speed, and credentials without a keyring stay in
// memory: a clear message, nothing in the settings file or the store; a restored upload waits
// for the keyring's secret before it starts.
#include "AppSettings.h"
#include "CredentialStore.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "TransferModel.h"
#include "UiTestEnv.h"
#include "UploadTargetsPage.h"
#include "upload/UploadRequestCodec.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScopeGuard>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

namespace {
UploadTarget target(const QString &name, const QString &url,
                    UploadRequest::Method method = UploadRequest::Method::Tus)
{
    UploadTarget t;
    t.key = UploadTarget::newKey();
    t.name = name;
    t.url = QUrl(url);
    t.method = method;
    return t;
}

QString makeFile(const QTemporaryDir &dir, const QString &name)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write("some bytes to upload");
    return path;
}
} // namespace

class TestUploadWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::isolateSettingsWithoutKeyring(); }
    void init() { AppSettings().save(); }

    void dropGoesToTheOnlyTarget()
    {
        AppSettings s;
        UploadTarget dav = target(QStringLiteral("dav"), QStringLiteral("http://127.0.0.1:9/dav/"),
                                  UploadRequest::Method::Put);
        dav.folderMode = QStringLiteral("zip");
        s.uploadTargets = {dav};
        s.save();
        QueueEnv env;
        QVERIFY(env.open());
        MainWindow window(env.queue.get());
        const QString file = makeFile(env.dir, QStringLiteral("photo.jpg"));
        QDir(env.dir.path()).mkpath(QStringLiteral("album"));
        const QString folder = env.dir.filePath(QStringLiteral("album"));
        uitest::drop(&window, {file, folder});
        QCOMPARE(env.queue->count(), 2);
        const QList<qint64> ids = env.queue->ids();
        const UploadRequest a = uploadcodec::fromRecord(*env.queue->record(ids[0]));
        const UploadRequest b = uploadcodec::fromRecord(*env.queue->record(ids[1]));
        QCOMPARE(env.queue->record(ids[0])->direction, TransferDirection::Upload);
        QCOMPARE(a.sourcePath, file);
        QCOMPARE(a.url, dav.url);
        QCOMPARE(a.method, UploadRequest::Method::Put);
        QCOMPARE(b.sourcePath, folder);
        QCOMPARE(b.archiveFormat, QStringLiteral("zip"));

        // The rows are uploads, with progress and speed like downloads.
        QTRY_VERIFY(env.jobs.job(ids[0]));
        QTRY_COMPARE(window.model()->rowCount(), 2);
        const int row = window.model()->rowOf(ids[0]);
        QCOMPARE(window.model()
                     ->index(row, TransferModel::DirectionColumn)
                     .data(TransferModel::DirectionRole)
                     .toInt(),
                 int(TransferDirection::Upload));
        FakeJob *job = env.jobs.job(ids[0]);
        job->sendProgress(500000, 1000000);
        QTest::qWait(300);
        job->sendProgress(1000000, 2000000);
        QTRY_COMPARE(window.model()
                         ->index(row, TransferModel::ProgressColumn)
                         .data(TransferModel::FractionRole)
                         .toDouble(),
                     0.5);
        QTRY_VERIFY(
            !window.model()->index(row, TransferModel::SpeedColumn).data().toString().isEmpty());
        QTRY_VERIFY(window.model()->totals().uploadSpeed > 0);
    }

    void ftpTargets()
    {
        // FTP, FTPS, SFTP targets: their URL carries no password (that goes to the keyring),
        // and they come back as such from the settings.
        UploadTarget ftp = target(QStringLiteral("ftp"), QStringLiteral("sftp://ann@h:2222/in/"),
                                  UploadRequest::Method::Ftp);
        QVERIFY(ftp.isValid());
        ftp.url = QUrl(QStringLiteral("ftps://ann:secret@h/in/"));
        QVERIFY(!ftp.isValid());
        ftp.url = QUrl(QStringLiteral("https://h/in/"));
        QVERIFY(!ftp.isValid());
        ftp.url = QUrl(QStringLiteral("ftp://ann@h/in/"));
        QVERIFY(ftp.isValid());
        QVERIFY(!target(QStringLiteral("dav"), QStringLiteral("ftp://h/in/"),
                        UploadRequest::Method::Put)
                     .isValid());
        AppSettings s;
        s.uploadTargets = {ftp};
        s.save();
        const AppSettings loaded = AppSettings::load();
        QCOMPARE(loaded.uploadTargets.value(0).method, UploadRequest::Method::Ftp);
        QString error;
        UploadRequest r =
            loaded.uploadTargets.value(0).requests({QStringLiteral("/tmp/f")}, &error).value(0);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ftp.auth = UploadTarget::Auth::Basic;
        ftp.user = QStringLiteral("ann");
        ftp.addSecret(&r, QStringLiteral("pw"));
        QCOMPARE(r.user, QStringLiteral("ann:pw")); // RemoteFileProtocol: user and password
    }

    void noTargetOpensTheUploadSettings()
    {
        QueueEnv env;
        QVERIFY(env.open());
        MainWindow window(env.queue.get());
        uitest::drop(&window, {makeFile(env.dir, QStringLiteral("a.txt"))});
        QCOMPARE(env.queue->count(), 0);
        auto *dialog = window.findChild<SettingsDialog *>(QStringLiteral("settingsDialog"));
        QVERIFY(dialog);
        QVERIFY(dialog->uploadsPage()->isVisibleTo(dialog));
        QVERIFY(dialog->uploadsPage()->messageLabel()->text().contains(
            QStringLiteral("no upload target")));
        dialog->reject();
    }

    void severalTargetsAsk()
    {
        AppSettings s;
        const UploadTarget one = target(QStringLiteral("one"), QStringLiteral("http://one.test/"));
        const UploadTarget two = target(QStringLiteral("two"), QStringLiteral("http://two.test/"));
        s.uploadTargets = {one, two};
        s.save();
        QueueEnv env;
        QVERIFY(env.open());
        MainWindow window(env.queue.get());
        uitest::drop(&window, {makeFile(env.dir, QStringLiteral("a.txt"))});
        QCOMPARE(env.queue->count(), 0);
        auto *dialog = window.findChild<QDialog *>(QStringLiteral("uploadTargetDialog"));
        QVERIFY(dialog);
        auto *list = dialog->findChild<QListWidget *>();
        QCOMPARE(list->count(), 2);
        list->setCurrentRow(1);
        dialog->accept();
        QCOMPARE(env.queue->count(), 1);
        QCOMPARE(env.queue->record(env.queue->ids().first())->url, two.url);
    }

    void noKeyringKeepsTheTokenInMemoryOnly()
    {
        const QString token =
            QStringLiteral("tok-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        uitest::UploadSettings settings;
        QVERIFY(settings.open());
        QueueEnv &env = settings.env;
        MainWindow &window = *settings.window;
        UploadTargetsPage *page = settings.page;
        page->urlEdit()->setText(QStringLiteral("http://127.0.0.1:9/files/"));
        page->authBox()->setCurrentIndex(
            page->authBox()->findData(int(UploadTarget::Auth::Bearer)));
        page->secretEdit()->setText(token);
        settings.dialog->accept();
        QCOMPARE(window.settings().uploadTargets.size(), 1);

        // The message says it is not saved, and why.
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (box = window.findChild<QMessageBox *>(QStringLiteral("credentialsNotSaved"))), 10000);
        QVERIFY(box->text().contains(QStringLiteral("not saved")));
        QVERIFY(box->text().contains(QStringLiteral("memory")));
        QVERIFY(window.credentials()->keyringMissing());

        // Uploads this session get the token.
        uitest::drop(&window, {makeFile(env.dir, QStringLiteral("secret-report.pdf"))});
        QTRY_COMPARE(env.queue->count(), 1);
        const qint64 id = env.queue->ids().first();
        QTRY_VERIFY(env.jobs.job(id));
        QCOMPARE(env.jobs.job(id)->context().uploadCredentials.bearerToken, token);
        QVERIFY(flushQueue(*env.queue));

        // Nowhere on disk: not in the settings, not in the store.
        const QString config = uitest::configDir().path();
        QVERIFY(QDir(config).exists());
        QVERIFY(uitest::anyFileContains(config, "127.0.0.1:9/files")); // the target itself is saved
        QVERIFY(!uitest::anyFileContains(config, token.toUtf8()));
        QVERIFY(!uitest::anyFileContains(env.dataDir(), token.toUtf8()));
        QVERIFY(!uitest::anyFileContains(env.dataDir(), token.toUtf8().toBase64()));
        QVERIFY(uitest::anyFileContains(env.dataDir(), "secret-report.pdf")); // the row is there

        // The settings page says where secrets are kept now.
        SettingsDialog *again = window.openSettings();
        QVERIFY(again->uploadsPage()
                    ->findChild<QLabel *>(QStringLiteral("keyringNote"))
                    ->text()
                    .contains(QStringLiteral("memory")));
        again->reject();
    }

    // After a restart an upload to a target with a token must not start before the keyring
    // (asynchronous, here one in memory that answers late) has delivered the token: started
    // without it, the server answers 401 and the person has to press Retry.
    void restoredUploadWaitsForTheKeyring()
    {
        QHash<QString, QString> keyring;
        CredentialStore::setTestKeyring(&keyring, 300);
        const auto restore = qScopeGuard([] { CredentialStore::setTestKeyring(nullptr); });
        AppSettings s;
        UploadTarget tus = target(QStringLiteral("tus"), QStringLiteral("http://127.0.0.1:9/t/"));
        tus.auth = UploadTarget::Auth::Bearer;
        s.uploadTargets = {tus};
        s.save();
        keyring.insert(tus.key, QStringLiteral("keyring-token"));

        QueueEnv env;
        QVERIFY(env.open());
        UploadRequest r;
        r.sourcePath = makeFile(env.dir, QStringLiteral("later.bin"));
        r.url = tus.url;
        const qint64 id = env.queue->enqueueUploads({r}).value(0);
        QTRY_VERIFY(env.jobs.job(id));
        QVERIFY(shutDownQueue(*env.queue)); // quit while it runs: it comes back after restart
        env.queue.reset();
        env.jobs.startOrder.clear();

        QVERIFY(env.open());
        MainWindow window(env.queue.get());
        QTRY_COMPARE_WITH_TIMEOUT(env.jobs.startOrder, QList<qint64>{id}, 5000);
        QCOMPARE(env.jobs.job(id)->context().uploadCredentials.bearerToken,
                 QStringLiteral("keyring-token")); // started once, with the token
    }
};

QTEST_MAIN(TestUploadWindow)
#include "tst_uploadwindow.moc"
