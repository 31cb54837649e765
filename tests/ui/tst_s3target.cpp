// S3 upload targets in the settings (offscreen): the page's S3 fields, their round trip
// through the settings file, the secret access key and session token in the keyring (a test
// keyring in memory) and nowhere on disk, clear messages for a missing bucket or a bad
// endpoint, and the requests a drop gives (the same UploadRequest `btstream put` builds).
#include "AppSettings.h"
#include "CredentialStore.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "UiTestEnv.h"
#include "UploadTargetsPage.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSpinBox>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

namespace {
QPushButton *okButton(SettingsDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

UploadTarget s3Target()
{
    UploadTarget t;
    t.key = UploadTarget::newKey();
    t.name = QStringLiteral("archive");
    t.method = UploadRequest::Method::S3;
    t.s3Endpoint = QStringLiteral("http://127.0.0.1:9000");
    t.s3Bucket = QStringLiteral("bucket");
    t.s3Prefix = QStringLiteral("/backups//2026");
    return t;
}
} // namespace

class TestS3Target : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::isolateSettingsWithoutKeyring(); }
    void init() { AppSettings().save(); }

    void settingsRoundTripWithTheSecretInTheKeyring()
    {
        QHash<QString, QString> keyring;
        CredentialStore::setTestKeyring(&keyring, 50);
        const auto restore = qScopeGuard([] { CredentialStore::setTestKeyring(nullptr); });
        const QString secret = QStringLiteral("sk-%1").arg(QUuid::createUuid().toString());
        const QString token = QStringLiteral("st-%1").arg(QUuid::createUuid().toString());
        uitest::UploadSettings settings;
        QVERIFY(settings.open());
        SettingsDialog *dialog = settings.dialog;
        UploadTargetsPage *page = settings.page;
        page->nameEdit()->setText(QStringLiteral("MinIO"));
        page->methodBox()->setCurrentIndex(
            page->methodBox()->findData(int(UploadRequest::Method::S3)));
        // The S3 fields replace the URL and the HTTP credentials.
        QVERIFY(page->s3BucketEdit()->isVisibleTo(page));
        QVERIFY(!page->urlEdit()->isVisibleTo(page));
        QVERIFY(!page->authBox()->isVisibleTo(page));
        page->s3EndpointEdit()->setText(QStringLiteral("https://minio.example.org:9000"));
        page->s3RegionEdit()->setText(QStringLiteral("eu-west-3"));
        page->s3BucketEdit()->setText(QStringLiteral("photos"));
        page->s3PrefixEdit()->setText(QStringLiteral("2026/holiday"));
        page->s3AddressingBox()->setCurrentIndex(
            page->s3AddressingBox()->findData(int(UploadRequest::S3Addressing::VirtualHosted)));
        page->s3PartSizeBox()->setValue(16);
        QVERIFY(!page->s3SecretEdit()->isEnabled()); // no key id: the AWS setup's credentials
        page->s3KeyIdEdit()->setText(QStringLiteral("AKIAEXAMPLE"));
        QVERIFY(page->s3SecretEdit()->isEnabled());
        page->s3SecretEdit()->setText(secret);
        page->s3TokenEdit()->setText(token);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(page->problem()));
        dialog->accept();

        // The settings file holds the target, the keyring its secret and token.
        const QList<UploadTarget> loaded = AppSettings::load().uploadTargets; // from the file
        QCOMPARE(loaded.size(), 1);
        const UploadTarget &t = loaded.first();
        QCOMPARE(t.method, UploadRequest::Method::S3);
        QCOMPARE(t.name, QStringLiteral("MinIO"));
        QCOMPARE(t.s3Endpoint, QStringLiteral("https://minio.example.org:9000"));
        QCOMPARE(t.s3Region, QStringLiteral("eu-west-3"));
        QCOMPARE(t.s3Bucket, QStringLiteral("photos"));
        QCOMPARE(t.s3Prefix, QStringLiteral("2026/holiday"));
        QCOMPARE(t.s3Addressing, UploadRequest::S3Addressing::VirtualHosted);
        QCOMPARE(t.s3PartSize, 16LL << 20);
        QCOMPARE(t.s3AccessKeyId, QStringLiteral("AKIAEXAMPLE"));
        QCOMPARE(t.address(), QUrl(QStringLiteral("s3://photos/2026/holiday/")));
        QTRY_COMPARE(keyring.value(t.key), UploadTarget::packS3Secret(secret, token));
        QVERIFY(!settings.window->credentials()->keyringMissing());
        const QString config = uitest::configDir().path();
        QVERIFY(uitest::anyFileContains(config, "AKIAEXAMPLE"));
        QVERIFY(!uitest::anyFileContains(config, secret.toUtf8()));
        QVERIFY(!uitest::anyFileContains(config, token.toUtf8()));

        // A new window reads it back: the page shows the fields, the secret as saved.
        MainWindow again(settings.env.queue.get());
        QCOMPARE(again.settings().uploadTargets.size(), 1);
        QTRY_COMPARE(again.credentials()->cached(t.key), UploadTarget::packS3Secret(secret, token));
        SettingsDialog *second = again.openSettings();
        UploadTargetsPage *shown = second->uploadsPage();
        QCOMPARE(shown->methodBox()->currentData().toInt(), int(UploadRequest::Method::S3));
        QCOMPARE(shown->s3BucketEdit()->text(), QStringLiteral("photos"));
        QCOMPARE(shown->s3PartSizeBox()->value(), 16);
        QCOMPARE(shown->s3SecretEdit()->text(), QString());
        QCOMPARE(shown->s3SecretEdit()->placeholderText(), QStringLiteral("(saved)"));
        second->reject();

        // The request of a drop carries the secret in memory, none of it in the row.
        UploadRequest r = t.requests({QStringLiteral("/tmp/a.jpg")}, nullptr).value(0);
        t.addSecret(&r, keyring.value(t.key));
        QCOMPARE(r.s3AccessKeyId, QStringLiteral("AKIAEXAMPLE"));
        QCOMPARE(r.s3SecretAccessKey, secret);
        QCOMPARE(r.s3SessionToken, token);
    }

    void clearMessagesForBadInput()
    {
        uitest::UploadSettings settings;
        QVERIFY(settings.open());
        SettingsDialog *dialog = settings.dialog;
        UploadTargetsPage *page = settings.page;
        auto *problem = dialog->findChild<QLabel *>(QStringLiteral("settingsProblem"));
        page->nameEdit()->setText(QStringLiteral("S3"));
        page->methodBox()->setCurrentIndex(
            page->methodBox()->findData(int(UploadRequest::Method::S3)));
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(page->problem().contains(QStringLiteral("Enter the bucket")),
                 qPrintable(page->problem()));
        QVERIFY(problem);
        QCOMPARE(problem->text(), page->problem());
        page->s3BucketEdit()->setText(QStringLiteral("bucket/photos"));
        QVERIFY2(page->problem().contains(QStringLiteral("key prefix")),
                 qPrintable(page->problem()));
        page->s3BucketEdit()->setText(QStringLiteral("Photos"));
        QVERIFY2(page->problem().contains(QStringLiteral("lower case")),
                 qPrintable(page->problem()));
        page->s3BucketEdit()->setText(QStringLiteral("photos"));
        QVERIFY(okButton(dialog)->isEnabled()); // AWS, the AWS setup's credentials
        page->s3EndpointEdit()->setText(QStringLiteral("minio.example.org:9000"));
        QVERIFY2(page->problem().contains(QStringLiteral("must be an http or https URL")),
                 qPrintable(page->problem()));
        QVERIFY(!okButton(dialog)->isEnabled());
        page->s3EndpointEdit()->setText(QStringLiteral("ftp://minio.example.org"));
        QVERIFY(page->problem().contains(QStringLiteral("must be an http or https URL")));
        page->s3EndpointEdit()->setText(QStringLiteral("https://minio.example.org/photos"));
        QVERIFY2(page->problem().contains(QStringLiteral("without a path")),
                 qPrintable(page->problem()));
        page->s3EndpointEdit()->setText(QStringLiteral("https://minio.example.org:9000/"));
        QVERIFY2(page->problem().isEmpty(), qPrintable(page->problem()));
        page->s3PartSizeBox()->setValue(3);
        QVERIFY(page->problem().contains(QStringLiteral("5 MiB")));
        page->s3PartSizeBox()->setValue(0);
        page->s3KeyIdEdit()->setText(QStringLiteral("AKIAEXAMPLE"));
        page->s3TokenEdit()->setText(QStringLiteral("token-only"));
        QVERIFY2(page->problem().contains(QStringLiteral("secret access key")),
                 qPrintable(page->problem()));
        page->s3SecretEdit()->setText(QStringLiteral("secret"));
        QVERIFY(okButton(dialog)->isEnabled());
        dialog->reject();
    }

    // A folder and files to one target: the requests btstream builds for
    // `put FILE FOLDER s3://bucket/backups/2026/` (keys under the prefix).
    void requestsAsTheCliBuildsThem()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("album/sub")));
        for (const QString &name : {QStringLiteral("album/a.jpg"), QStringLiteral("album/sub/b"),
                                    QStringLiteral("album/.hidden"), QStringLiteral("note.txt")}) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("x");
        }
        UploadTarget t = s3Target();
        t.s3Region = QStringLiteral("eu-west-3");
        t.s3PartSize = 5LL << 20;
        QString error;
        const QList<UploadRequest> list = t.requests(
            {dir.filePath(QStringLiteral("note.txt")), dir.filePath(QStringLiteral("album"))},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList keys;
        for (const UploadRequest &r : list) {
            QCOMPARE(r.method, UploadRequest::Method::S3);
            QCOMPARE(r.url, QUrl(QStringLiteral("s3://bucket/backups/2026/")));
            QCOMPARE(r.s3Endpoint, QStringLiteral("http://127.0.0.1:9000"));
            QCOMPARE(r.s3Region, QStringLiteral("eu-west-3"));
            QCOMPARE(r.partSize, 5LL << 20);
            QVERIFY(r.s3SecretAccessKey.isEmpty());
            keys << r.remoteName;
        }
        QCOMPARE(keys, (QStringList{QStringLiteral("note.txt"), QStringLiteral("album/.hidden"),
                                    QStringLiteral("album/a.jpg"), QStringLiteral("album/sub/b")}));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("empty")));
        QVERIFY(t.requests({dir.filePath(QStringLiteral("empty"))}, &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("no files")), qPrintable(error));

        // The row of such an upload is the target's (its secret is then the target's).
        TransferRecord row;
        row.direction = TransferDirection::Upload;
        row.url = t.address();
        row.options.insert(QStringLiteral("method"), QStringLiteral("s3"));
        row.options.insert(QStringLiteral("s3Endpoint"), t.s3Endpoint);
        QVERIFY(t.matches(row));
        row.options.insert(QStringLiteral("s3Endpoint"), QStringLiteral("http://other:9000"));
        QVERIFY(!t.matches(row));
    }
};

QTEST_MAIN(TestS3Target)
#include "tst_s3target.moc"
