// The details pane against a real QueueManager running the real engine on a FaultServer
// (127.0.0.1, offscreen): what the engine learns from the server (the URL after redirects,
// ETag, Last-Modified, the segments) shows while the download is still running, not only
// after a restart.
#include "DetailsPane.h"
#include "FaultServer.h"
#include "QueueWait.h"
#include "SpeedGraph.h"
#include "queue/QueueManager.h"

#include <QDir>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::test;
using namespace bt::ui;

class TestDetailsPane : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validatorsWhileRunning();
    void retryShownWithItsError();
};

void TestDetailsPane::validatorsWhileRunning()
{
    FaultServer server;
    QVERIFY(server.listenInThread());
    FaultServer::Resource res;
    res.body = makeTestData(4 * 1024 * 1024, 3);
    res.etag = "\"v7-details\"";
    res.lastModified = "Tue, 03 Nov 2026 10:00:00 GMT";
    res.bytesPerSecond = 32 * 1024; // a connection: the download runs for seconds
    server.setResource("/file.bin", res);
    server.addRedirect("/start", "/file.bin");

    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("out"))));
    QueueManager queue; // the default factory: the real engine
    QueueManager::Options options;
    options.threads = 2;
    QVERIFY(openQueue(queue, dir.filePath(QStringLiteral("data")), options));
    DetailsPane pane(&queue);
    auto *url = pane.findChild<QLabel *>(QStringLiteral("detailsUrl"));
    auto *validators = pane.findChild<QLabel *>(QStringLiteral("detailsValidators"));
    QVERIFY(url && validators);

    DownloadRequest request;
    request.url = QUrl(QString::fromLatin1(server.url("/start")));
    request.directory = dir.filePath(QStringLiteral("out"));
    request.retryDelayMs = 50;
    const qint64 id = queue.enqueue(request);
    QVERIFY(id > 0);
    pane.setTransfer(id);
    QTRY_VERIFY_WITH_TIMEOUT(validators->text().contains(QLatin1String("v7-details")), 10000);
    QVERIFY2(validators->text().contains(QLatin1String("Tue, 03 Nov 2026 10:00:00 GMT")),
             qPrintable(validators->text()));
    QTRY_VERIFY_WITH_TIMEOUT(url->text().contains(QLatin1String("/file.bin")), 5000);
    QVERIFY(url->text().contains(QLatin1String("/start")));
    QCOMPARE(queue.snapshot(id)->state, TransferState::Active); // still running
    QCOMPARE(queue.record(id)->etag, res.etag);
    // The segment map follows the engine's segments, not a copy from when it started.
    auto *map = pane.findChild<SegmentMap *>();
    QVERIFY(map);
    QTRY_VERIFY_WITH_TIMEOUT(
        !queue.record(id)->segments.isEmpty() && queue.record(id)->segments.first().done > 0, 5000);
    QTRY_VERIFY(!map->segments().isEmpty() && map->segments().first().done > 0);
    QVERIFY(shutDownQueue(queue));
}

// The real engine against a server that answers 503: the pane's "Last error" says why and
// when the next attempt is, not "none" while the row says "Downloading".
void TestDetailsPane::retryShownWithItsError()
{
    FaultServer server;
    QVERIFY(server.listenInThread());
    FaultServer::Resource res;
    res.body = makeTestData(64 * 1024, 4);
    server.setResource("/busy.bin", res);
    FaultServer::Fault busy;
    busy.kind = FaultServer::Fault::Kind::Status;
    busy.status = 503;
    server.setPersistentFault("/busy.bin", busy);

    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("out"))));
    QueueManager queue;
    QueueManager::Options options;
    options.threads = 2;
    QVERIFY(openQueue(queue, dir.filePath(QStringLiteral("data")), options));
    DetailsPane pane(&queue);
    auto *error = pane.findChild<QLabel *>(QStringLiteral("detailsError"));
    QVERIFY(error);
    DownloadRequest request;
    request.url = QUrl(QString::fromLatin1(server.url("/busy.bin")));
    request.directory = dir.filePath(QStringLiteral("out"));
    request.retryDelayMs = 20000; // the first wait outlasts the test
    const qint64 id = queue.enqueue(request);
    pane.setTransfer(id);
    QTRY_VERIFY_WITH_TIMEOUT(queue.snapshot(id)->retry.isWaiting(), 10000);
    QCOMPARE(queue.snapshot(id)->state, TransferState::Active);
    QCOMPARE(queue.snapshot(id)->retry.attempt, 1);
    QTRY_VERIFY2(error->text().contains(QLatin1String("Retrying in")), qPrintable(error->text()));
    QVERIFY2(error->text().contains(QLatin1String("503")), qPrintable(error->text()));
    QVERIFY(error->text().contains(
        QStringLiteral("(attempt 1 of %1)").arg(queue.snapshot(id)->retry.maxAttempts)));
    QVERIFY(shutDownQueue(queue));
}

QTEST_MAIN(TestDetailsPane)
#include "tst_detailspane.moc"
