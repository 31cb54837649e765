// An S3 upload from the window, end to end (offscreen, the real engine, s3rver from npm on
// 127.0.0.1): an S3 target added in the settings with its secret in the (test) keyring, a file
// dropped on the window goes up as a multipart upload of 5 MiB parts signed with that key,
// the object reads back byte-exact, and the details pane shows its parts as the segment map
// shows a download's: live while it runs, all confirmed at the end and after a restart.
#include "AppSettings.h"
#include "CredentialStore.h"
#include "DetailsPane.h"
#include "Format.h"
#include "MainWindow.h"
#include "QueueWait.h"
#include "SettingsDialog.h"
#include "SpeedGraph.h"
#include "UiTestEnv.h"
#include "UploadServers.h"
#include "UploadTargetsPage.h"

#include <QComboBox>
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
constexpr qint64 MiB = 1 << 20;
} // namespace

class TestS3UploadWindow : public QObject
{
    Q_OBJECT
private:
    S3TestServer m_server;

private Q_SLOTS:
    void initTestCase()
    {
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the S3 server (s3rver) cannot run");
        QString why;
        QVERIFY2(m_server.start(&why, {QStringLiteral("bucket")}), qPrintable(why));
        uitest::isolateSettingsWithoutKeyring();
        clearAwsSetup(); // the key can only come from the target and the keyring
    }

    void multipartUploadFromTheWindow()
    {
        QHash<QString, QString> keyring;
        CredentialStore::setTestKeyring(&keyring, 50);
        const auto restore = qScopeGuard([] { CredentialStore::setTestKeyring(nullptr); });
        AppSettings settings;
        settings.uploadLimit = 8 * MiB; // about 2 s: snapshots see the parts on their way
        settings.save();
        QTemporaryDir dir;
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        QueueManager queue;
        QueueManager::Options options;
        options.threads = 2;
        QVERIFY(openQueue(queue, dataDir, options));
        MainWindow window(&queue);

        // The target, as a person enters it.
        SettingsDialog *dialog = window.openSettings();
        UploadTargetsPage *page = dialog->uploadsPage();
        page->addButton()->click();
        page->nameEdit()->setText(QStringLiteral("local S3"));
        page->methodBox()->setCurrentIndex(
            page->methodBox()->findData(int(UploadRequest::Method::S3)));
        page->s3EndpointEdit()->setText(m_server.endpoint().toString());
        page->s3BucketEdit()->setText(QStringLiteral("bucket"));
        page->s3PrefixEdit()->setText(QStringLiteral("gui"));
        page->s3AddressingBox()->setCurrentIndex(
            page->s3AddressingBox()->findData(int(UploadRequest::S3Addressing::Path)));
        page->s3PartSizeBox()->setValue(5);
        page->s3KeyIdEdit()->setText(QStringLiteral("S3RVER"));
        page->s3SecretEdit()->setText(QStringLiteral("S3RVER"));
        dialog->accept();
        QCOMPARE(window.settings().uploadTargets.size(), 1);
        const QString key = window.settings().uploadTargets.first().key;
        QTRY_COMPARE(keyring.value(key), QStringLiteral("S3RVER"));

        const QByteArray data = randomBytes(12 * MiB + 7, 13);
        const QString file = dir.filePath(QStringLiteral("big file.bin"));
        QVERIFY(writeFile(file, data));
        // What the snapshots say of the parts while it runs.
        QSet<int> seen; // UploadPart::Phase
        int fewestConfirmedWhileRunning = 3;
        connect(&queue, &QueueManager::snapshotsChanged, this,
                [&](const QList<TransferSnapshot> &changed) {
                    for (const TransferSnapshot &s : changed) {
                        if (s.state != TransferState::Active || s.progress.parts.isEmpty())
                            continue;
                        int confirmed = 0;
                        for (const UploadPart &p : s.progress.parts) {
                            seen.insert(int(p.phase));
                            confirmed += p.phase == UploadPart::Phase::Confirmed;
                        }
                        fewestConfirmedWhileRunning = qMin(fewestConfirmedWhileRunning, confirmed);
                    }
                });
        uitest::drop(&window, {file});
        QTRY_COMPARE(queue.count(), 1); // after the keyring's answer
        const qint64 id = queue.ids().first();
        window.details()->setTransfer(id);
        QTRY_VERIFY2_WITH_TIMEOUT(queue.snapshot(id)->state == TransferState::Completed,
                                  qPrintable(queue.snapshot(id)->lastError.message), 30000);

        QCOMPARE(
            sha256(m_server.object(QStringLiteral("bucket"), QStringLiteral("gui/big file.bin"))),
            sha256(data));
        const QStringList parts = m_server.requests().filter(QStringLiteral("partNumber="));
        QCOMPARE(parts.size(), 3); // 5 + 5 + 2 MiB, each once
        QVERIFY(seen.contains(int(UploadPart::Phase::Sending)));
        QVERIFY(fewestConfirmedWhileRunning < 3); // live: the parts before they were all there

        // The pane: three parts, all confirmed, as the segment map shows segments.
        const auto checkPane = [](DetailsPane *pane) {
            auto *map = pane->findChild<SegmentMap *>();
            QVERIFY(map);
            // The pane follows the queue's batched snapshots: the last one shortly after.
            const auto allConfirmed = [map] {
                return std::all_of(map->parts().cbegin(), map->parts().cend(), [](const auto &p) {
                    return p.phase == UploadPart::Phase::Confirmed;
                });
            };
            QTRY_VERIFY(map->parts().size() == 3 && allConfirmed());
            const QList<qint64> sizes{5 * MiB, 5 * MiB, 2 * MiB + 7};
            for (int i = 0; i < 3; ++i) {
                const UploadPart &p = map->parts().at(i);
                QCOMPARE(p.number, i + 1);
                QCOMPARE(p.offset, i * 5 * MiB);
                QCOMPARE(p.size, sizes.at(i));
                QCOMPARE(p.sent, p.size);
                QCOMPARE(p.phase, UploadPart::Phase::Confirmed);
            }
            auto *label = pane->findChild<QLabel *>(QStringLiteral("detailsParts"));
            QVERIFY(label && label->isVisibleTo(pane));
            QVERIFY2(label->text().startsWith(
                         QStringLiteral("3 of 3 parts confirmed, 0 sending, 0 pending")),
                     qPrintable(label->text()));
            QVERIFY2(label->text().endsWith(QStringLiteral("(%1 a part)").arg(formatSize(5 * MiB))),
                     qPrintable(label->text()));
        };
        checkPane(window.details());
        if (QTest::currentTestFailed())
            return;
        // The object's address at the endpoint, not a redirect.
        const QString url =
            window.details()->findChild<QLabel *>(QStringLiteral("detailsUrl"))->text();
        QVERIFY2(url.contains(QStringLiteral("(the object: %1/bucket/gui/big file.bin)")
                                  .arg(m_server.endpoint().toString())),
                 qPrintable(url));

        // Nothing of the key in the store.
        QVERIFY(flushQueue(queue));
        QVERIFY(!uitest::anyFileContains(dataDir, "S3RVER"));

        // After a restart, from the row the store kept.
        QVERIFY(shutDownQueue(queue));
        QueueManager again;
        QVERIFY(openQueue(again, dataDir, options));
        QCOMPARE(again.record(id)->state, TransferState::Completed);
        DetailsPane pane(&again);
        pane.setTransfer(id);
        checkPane(&pane);
        QVERIFY(shutDownQueue(again));
    }
};

QTEST_MAIN(TestS3UploadWindow)
#include "tst_s3uploadwindow.moc"
