// TusUpload against a real @tus/server (tests/servers/tus) on 127.0.0.1, with and without a
// fault-injecting proxy in between: the server's copy must be byte-exact.
#include "UploadHarness.h"
#include "UploadServers.h"
#include "net/HttpClient.h"
#include "store/TransferStore.h"
#include "upload/TusUpload.h"
#include "upload/UploadRequestCodec.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <atomic>
#include <csignal>
#include <memory>
#include <sys/types.h>

using namespace bt;

class TstUploadTus : public QObject
{
    Q_OBJECT
private:
    UploadRequest request(const QString &path, const QUrl &url)
    {
        UploadRequest r;
        r.sourcePath = path;
        r.url = url;
        r.method = UploadRequest::Method::Tus;
        r.retryDelayMs = 50;
        r.stallTimeoutSec = 5;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the tus server (@tus/server) cannot run");
    }

    void uploadsByteExact()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        QVERIFY(h.storeOk());
        const QByteArray data = randomBytes(5 * 1024 * 1024 + 123, 1);
        const QString path = h.tempPath(QStringLiteral("video clip.bin"));
        QVERIFY(writeFile(path, data));

        const UploadRun run = h.run(request(path, server.endpoint()));
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QCOMPARE(run.result.size, qint64(data.size()));
        const auto record = h.store().load(run.result.id);
        QVERIFY(record);
        QCOMPARE(record->state, TransferState::Completed);
        QCOMPARE(record->direction, TransferDirection::Upload);
        QVERIFY(!record->uploadUrl.isEmpty());
        const QString stored = server.storedFile(QUrl(record->uploadUrl));
        QCOMPARE(sha256OfFile(stored), sha256(data));
        QCOMPARE(server.uploadCount(), 1);
        // Upload-Metadata: filename and filetype as the file-store recorded them.
        QFile info(stored + QStringLiteral(".json"));
        QVERIFY(info.open(QIODevice::ReadOnly));
        const QJsonObject meta = QJsonDocument::fromJson(info.readAll())
                                     .object()
                                     .value(QStringLiteral("metadata"))
                                     .toObject();
        QCOMPARE(meta.value(QStringLiteral("filename")).toString(),
                 QStringLiteral("video clip.bin"));
        QCOMPARE(meta.value(QStringLiteral("filetype")).toString(),
                 QStringLiteral("application/octet-stream"));

        // The same file to the same endpoint again: already complete, no second upload.
        const UploadRun again = h.run(request(path, server.endpoint()));
        QVERIFY2(!again.result.error.isError(), qPrintable(again.result.error.message));
        QVERIFY(again.result.alreadyComplete);
        QCOMPARE(server.uploadCount(), 1);
    }

    void emptyFile()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QString path = h.tempPath(QStringLiteral("empty"));
        QVERIFY(writeFile(path, {}));
        const UploadRun run = h.run(request(path, server.endpoint()));
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        const auto record = h.store().load(run.result.id);
        QCOMPARE(QFileInfo(server.storedFile(QUrl(record->uploadUrl))).size(), 0);
    }

    void checksumExtension()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(
                     &why, {QStringLiteral("--checksum"), QStringLiteral("--fail-checksum-once")}),
                 qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(3 * 1024 * 1024 + 999, 11);
        const QString path = h.tempPath(QStringLiteral("checked.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.chunkSize = 1024 * 1024;
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QVERIFY2(run.log().contains(QLatin1String("checksum mismatch")), qPrintable(run.log()));
        QFile log(server.directory() + QStringLiteral("/checksums.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArrayList lines = log.readAll().trimmed().split('\n');
        // One refused chunk (resent), then four verified chunks of at most 1 MiB.
        QCOMPARE(lines,
                 (QByteArrayList{"fail", "ok 1048576", "ok 1048576", "ok 1048576", "ok 999"}));
        const auto record = h.store().load(run.result.id);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(record->uploadUrl))), sha256(data));
    }

    void runsOnWorkerThread()
    {
        // As the queue runs it: on a worker thread with that thread's HTTP client; the store's
        // answers come to it there.
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        QTemporaryDir files;
        const QByteArray data = randomBytes(4 * 1024 * 1024, 12);
        const QString path = files.filePath(QStringLiteral("threaded.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());

        QThread thread;
        thread.start();
        QObject context;
        context.moveToThread(&thread);
        std::atomic<int> finishedCount{0};
        std::atomic<qint64> startMs{-1};
        TransferResult result;
        QString uploadUrl;
        bt::test::MemoryResumeStorage store;
        TransferRecord row = uploadcodec::toRecord(r);
        QVERIFY(store.insert(row));
        r.recordId = row.id;
        QMetaObject::invokeMethod(&context, [&] {
            auto *network = new bt::HttpClient(&context);
            Upload *upload = Upload::create(r, network, &store, &context);
            QVERIFY(upload->thread() == QThread::currentThread());
            QObject::connect(upload, &Upload::finished, &context, [&](const TransferResult &res) {
                result = res;
                uploadUrl = store.load(res.id)->uploadUrl;
                ++finishedCount;
            });
            QElapsedTimer t;
            t.start();
            upload->start(); // never blocks
            startMs = t.elapsed();
        });
        QTRY_VERIFY_WITH_TIMEOUT(finishedCount.load() == 1, 30000);
        QTest::qWait(50);
        QCOMPARE(finishedCount.load(), 1);
        thread.quit();
        thread.wait();
        QVERIFY2(!result.error.isError(), qPrintable(result.error.message));
        QVERIFY2(startMs.load() < 200, qPrintable(QString::number(startMs.load())));
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(uploadUrl))), sha256(data));
    }

    void continuesTheQueuesRow()
    {
        // The queue writes the row first (uploadcodec::toRecord) and starts the upload from it.
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(3 * 1024 * 1024, 13);
        const QString path = h.tempPath(QStringLiteral("queued.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest given = request(path, server.endpoint());
        given.headers = {{"X-Trace", "abc"}, {"Authorization", "Bearer secret"}};
        TransferRecord row = uploadcodec::toRecord(given);
        QVERIFY(h.store().insert(row));
        QVERIFY(!QJsonDocument::fromVariant(row.options).toJson().contains("secret"));

        UploadRequest r = uploadcodec::fromRecord(*h.store().load(row.id));
        QCOMPARE(r.recordId, row.id);
        r.retryDelayMs = 50;
        r.rateLimit = 3 * 1024 * 1024;
        const UploadRun first = h.run(r, [](Upload *upload, const TransferProgress &p) {
            if (p.done >= 512 * 1024)
                upload->stop();
        });
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        QCOMPARE(first.result.id, row.id);

        UploadRequest again = uploadcodec::fromRecord(*h.store().load(row.id));
        again.retryDelayMs = 50;
        const UploadRun second = h.run(again);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        QCOMPARE(second.result.id, row.id);
        QVERIFY2(second.log().contains(QLatin1String("Resuming")), qPrintable(second.log()));
        QCOMPARE(server.uploadCount(), 1);
        QCOMPARE(h.store().loadAll().size(), 1);
        const auto done = h.store().load(row.id);
        QCOMPARE(done->state, TransferState::Completed);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(done->uploadUrl))), sha256(data));
    }

    void survivesKillNine()
    {
        // A process killed at random points, run again each time: one upload on the server,
        // byte-exact at the end.
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        QTemporaryDir dataDir;
        QTemporaryDir files;
        const QByteArray data = randomBytes(6 * 1024 * 1024, 14);
        const QString path = files.filePath(QStringLiteral("killed.bin"));
        QVERIFY(writeFile(path, data));
        const QString child =
            QCoreApplication::applicationDirPath() + QStringLiteral("/upload_child");
        const QStringList args{dataDir.path(), path, server.endpoint().toString(),
                               QStringLiteral("tus"), QString::number(3 * 1024 * 1024)};
        QRandomGenerator random(15);
        for (int round = 0; round < 3; ++round) {
            QProcess p;
            p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            p.start(child, args);
            QVERIFY(p.waitForStarted());
            QTest::qWait(200 + int(random.bounded(500)));
            ::kill(pid_t(p.processId()), SIGKILL);
            QVERIFY(p.waitForFinished(5000));
        }
        QProcess last;
        last.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QStringList lastArgs = args;
        lastArgs.last() = QStringLiteral("0");
        last.start(child, lastArgs);
        QVERIFY(last.waitForFinished(60000));
        const QByteArray out = last.readAllStandardOutput();
        QVERIFY2(out.startsWith("DONE "), out.constData());
        QCOMPARE(server.uploadCount(), 1);
        TransferStore stored; // what the queue's store kept through the kills
        QVERIFY(stored.open(dataDir.path()));
        const auto record = stored.load(out.mid(5).trimmed().toLongLong());
        QVERIFY(record);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(record->uploadUrl))), sha256(data));
    }

    void resumesAfterCut()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        CutProxy proxy(server.port());
        proxy.cutAfter(3 * 1024 * 1024);
        UploadHarness h;
        const QByteArray data = randomBytes(8 * 1024 * 1024, 2);
        const QString path = h.tempPath(QStringLiteral("cut.bin"));
        QVERIFY(writeFile(path, data));

        const UploadRun run = h.run(request(path, proxy.map(server.endpoint())));
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QVERIFY(proxy.triggered());
        QVERIFY2(run.log().contains(QLatin1String("continuing from there")), qPrintable(run.log()));
        const auto record = h.store().load(run.result.id);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(record->uploadUrl))), sha256(data));
        QCOMPARE(server.uploadCount(), 1);
    }

    void resumesAfterStall()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        CutProxy proxy(server.port());
        proxy.stallAfter(2 * 1024 * 1024, 10000);
        UploadHarness h;
        const QByteArray data = randomBytes(6 * 1024 * 1024, 3);
        const QString path = h.tempPath(QStringLiteral("stall.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, proxy.map(server.endpoint()));
        r.stallTimeoutSec = 1;
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QVERIFY(proxy.triggered());
        QVERIFY2(run.log().contains(QLatin1String("timeout")), qPrintable(run.log()));
        const auto record = h.store().load(run.result.id);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(record->uploadUrl))), sha256(data));
        QCOMPARE(server.uploadCount(), 1);
    }

    void stopThenResumeReusesTheUpload()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(4 * 1024 * 1024, 4);
        const QString path = h.tempPath(QStringLiteral("pause.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.rateLimit = 4 * 1024 * 1024; // about a second
        bool storedWhileRunning = false;
        const UploadRun first = h.run(r, [&](Upload *upload, const TransferProgress &p) {
            if (p.done >= 1024 * 1024) {
                // The upload URL is in the store while the PATCH runs: kill -9 would resume.
                const auto rec = h.store().load(p.id);
                storedWhileRunning = rec && !rec->uploadUrl.isEmpty();
                upload->stop();
            }
        });
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        QVERIFY(storedWhileRunning);
        const auto paused = h.store().load(first.result.id);
        // A stop saves where it is, not a state: paused or still due is the queue's to say.
        QCOMPARE(paused->state, TransferState::Active);
        QVERIFY(!paused->uploadUrl.isEmpty());

        r.rateLimit = 0;
        const UploadRun second = h.run(r);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        QCOMPARE(second.result.id, first.result.id);
        QVERIFY2(second.log().contains(QLatin1String("Resuming")), qPrintable(second.log()));
        QCOMPARE(server.uploadCount(), 1);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(paused->uploadUrl))), sha256(data));
    }

    void stopMidBodyKeepsTheServersBytes()
    {
        // stop() ends the PATCH at once, far from the end of the body, and the next run sends
        // only what the server does not have yet (its offset, not zero).
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(16 * 1024 * 1024, 10);
        const QString path = h.tempPath(QStringLiteral("midway.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.rateLimit = 4 * 1024 * 1024;
        const UploadRun first = h.run(r, [&](Upload *upload, const TransferProgress &p) {
            if (p.done >= 1024 * 1024)
                upload->stop();
        });
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        const auto paused = h.store().load(first.result.id);
        QVERIFY(!paused->uploadUrl.isEmpty());
        const QString stored = server.storedFile(QUrl(paused->uploadUrl));
        QTRY_VERIFY(QFileInfo(stored).size() >= 1024 * 1024);
        const qint64 seen = QFileInfo(stored).size();
        QVERIFY2(seen < data.size() / 2, qPrintable(QString::number(seen)));

        r.rateLimit = 0;
        const UploadRun second = h.run(r);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        // The offset the next run went on from: at least what the server held after the stop
        // (under load it may still write what was in flight when it was read), far from the end.
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("The server has (\\d+) of")).match(second.log());
        QVERIFY2(m.hasMatch(), qPrintable(second.log()));
        const qint64 offset = m.captured(1).toLongLong();
        QVERIFY2(offset >= seen && offset < data.size() / 2,
                 qPrintable(QStringLiteral("%1 %2").arg(offset).arg(seen)));
        QCOMPARE(server.uploadCount(), 1);
        QCOMPARE(sha256OfFile(stored), sha256(data));
    }

    void lostUploadIsCreatedAnew()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(3 * 1024 * 1024, 5);
        const QString path = h.tempPath(QStringLiteral("lost.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.rateLimit = 3 * 1024 * 1024;
        const UploadRun first = h.run(r, [](Upload *upload, const TransferProgress &p) {
            if (p.done >= 512 * 1024)
                upload->stop();
        });
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        const auto paused = h.store().load(first.result.id);
        // The server forgets it (expired and cleaned up, restored from a backup, ...).
        const QString stored = server.storedFile(QUrl(paused->uploadUrl));
        QVERIFY(QFile::remove(stored));
        QVERIFY(QFile::remove(stored + QStringLiteral(".json")));

        r.rateLimit = 0;
        const UploadRun second = h.run(r);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        QVERIFY2(second.log().contains(QLatin1String("no longer has")), qPrintable(second.log()));
        const auto done = h.store().load(second.result.id);
        QVERIFY(done->uploadUrl != paused->uploadUrl);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(done->uploadUrl))), sha256(data));
    }

    void expiredUploadIsCreatedAnew()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(2 * 1024 * 1024, 6);
        const QString path = h.tempPath(QStringLiteral("expired.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.rateLimit = 2 * 1024 * 1024;
        const UploadRun first = h.run(r, [](Upload *upload, const TransferProgress &p) {
            if (p.done >= 256 * 1024)
                upload->stop();
        });
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        auto rec = h.store().load(first.result.id);
        const QString oldUrl = rec->uploadUrl;
        rec->options.insert(QStringLiteral("uploadExpires"),
                            QDateTime::currentDateTimeUtc().addSecs(-60).toString(Qt::ISODate));
        QVERIFY(h.store().update(*rec));

        r.rateLimit = 0;
        const UploadRun second = h.run(r);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        QVERIFY2(second.log().contains(QLatin1String("expired")), qPrintable(second.log()));
        const auto done = h.store().load(second.result.id);
        QVERIFY(done->uploadUrl != oldUrl);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(done->uploadUrl))), sha256(data));
    }

    void cancelTerminatesOnServer()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(2 * 1024 * 1024, 7);
        const QString path = h.tempPath(QStringLiteral("cancel.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.rateLimit = 1024 * 1024;
        const UploadRun run = h.run(r, [](Upload *upload, const TransferProgress &p) {
            if (p.done >= 256 * 1024)
                upload->cancel();
        });
        QCOMPARE(run.result.error.code, ErrorCode::Cancelled);
        QVERIFY2(run.log().contains(QLatin1String("Removed the upload")), qPrintable(run.log()));
        QTRY_COMPARE(server.uploadCount(), 0);
        const auto rec = h.store().load(run.result.id);
        QVERIFY(rec->uploadUrl.isEmpty());
    }

    void refusedCredentials()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why, {QStringLiteral("--token"), QStringLiteral("s3cret")}),
                 qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(100000, 8);
        const QString path = h.tempPath(QStringLiteral("auth.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.bearerToken = QStringLiteral("wrong");
        const UploadRun bad = h.run(r);
        QCOMPARE(bad.result.error.code, ErrorCode::HttpPermanent);
        QCOMPARE(bad.result.error.httpStatus, 401);
        QVERIFY2(bad.result.error.message.contains(QLatin1String("credentials")),
                 qPrintable(bad.result.error.message));
        QCOMPARE(server.uploadCount(), 0);

        r.bearerToken = QStringLiteral("s3cret");
        const UploadRun good = h.run(r);
        QVERIFY2(!good.result.error.isError(), qPrintable(good.result.error.message));
        const auto rec = h.store().load(good.result.id);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(rec->uploadUrl))), sha256(data));
    }

    void tooLargeForServer()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why, {QStringLiteral("--max-size"), QStringLiteral("1000")}),
                 qPrintable(why));
        UploadHarness h;
        const QString path = h.tempPath(QStringLiteral("big.bin"));
        QVERIFY(writeFile(path, randomBytes(5000, 9)));
        const UploadRun run = h.run(request(path, server.endpoint()));
        QCOMPARE(run.result.error.code, ErrorCode::HttpPermanent);
        QVERIFY2(run.result.error.message.contains(QLatin1String("at most 1000 bytes")),
                 qPrintable(run.result.error.message));
        QCOMPARE(server.uploadCount(), 0);
    }

    void fileGrowingDuringUpload()
    {
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(3 * 1024 * 1024, 10);
        const QString path = h.tempPath(QStringLiteral("growing.log"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.endpoint());
        r.rateLimit = 2 * 1024 * 1024;
        bool appended = false;
        const UploadRun run = h.run(r, [&](Upload *, const TransferProgress &p) {
            if (!appended && p.done >= 256 * 1024) {
                QFile f(path);
                QVERIFY(f.open(QIODevice::Append));
                f.write("more lines\n");
                appended = true;
            }
        });
        QCOMPARE(run.result.error.code, ErrorCode::Io);
        QVERIFY2(run.result.error.message.contains(QLatin1String("changed during the upload")),
                 qPrintable(run.result.error.message));
        // Nothing on the server claims to be complete: the partial upload was removed.
        QTRY_COMPARE(server.uploadCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TstUploadTus)
#include "tst_upload_tus.moc"
