// The life cycle every Transfer shares (issue #11 item 1), seen on HttpDownload: start()
// never answers from inside itself, exactly one finished(), a stop before the start included
// and a start after it dropped; the phases the transfer says, in their order, Retrying with
// the time of its next attempt.
#include "DownloadHarness.h"

#include <QDateTime>

using namespace bt;
using namespace bt::test;

class TestTransferLifecycle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void errorsArriveOnTheNextTurn();
    void stopBeforeStart();
    void phasesInOrder();
    void retryingSaysWhenNext();
};

void TestTransferLifecycle::errorsArriveOnTheNextTurn()
{
    // A bad URL fails at once, but the result still comes from the event loop: a caller
    // that connects after start() hears it.
    bt::HttpClient network;
    DownloadRequest request;
    request.url = QUrl(QStringLiteral("gopher://127.0.0.1/x")); // a scheme never fetched
    request.directory = QDir::tempPath();
    HttpDownload download(request, &network, nullptr);
    bool inside = true;
    int results = 0;
    connect(&download, &Transfer::finished, this, [&](const TransferResult &r) {
        QVERIFY(!inside);
        QVERIFY(r.error.isError());
        ++results;
    });
    download.start();
    inside = false;
    QCOMPARE(results, 0);
    QCOMPARE(download.phase(), TransferPhase::Failed);
    QTRY_COMPARE(results, 1);
    download.start(); // once only
    download.stop();
    QTest::qWait(20);
    QCOMPARE(results, 1);
}

void TestTransferLifecycle::stopBeforeStart()
{
    Harness h;
    QVERIFY(h.ok());
    h.server.setResource("/s.bin", resource(makeTestData(1000, 1)));
    bt::HttpClient network;
    HttpDownload download(h.request("/s.bin"), &network, nullptr);
    QSignalSpy finished(&download, &Transfer::finished);
    download.stop();
    download.start(); // dropped: it was stopped
    QVERIFY(finished.wait(2000));
    QCOMPARE(finished.first().first().value<TransferResult>().error.code, ErrorCode::Cancelled);
    QCOMPARE(download.phase(), TransferPhase::Stopped);
    QTest::qWait(50);
    QCOMPARE(finished.size(), 1);
    QVERIFY(h.server.requests().isEmpty());
    QVERIFY(h.files().isEmpty());
}

void TestTransferLifecycle::phasesInOrder()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(300 << 10, 2);
    h.server.setResource("/p.bin", resource(data));
    QList<TransferPhase> phases;
    DownloadRequest request = h.request("/p.bin");
    request.sha256 = true;
    const RunResult r = h.run(request, 30000, [&](HttpDownload *d) {
        QObject::connect(d, &Transfer::phaseChanged, d,
                         [&](TransferPhase phase) { phases.append(phase); });
    });
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(phases, (QList<TransferPhase>{TransferPhase::Connecting, TransferPhase::Transferring,
                                           TransferPhase::Verifying, TransferPhase::Publishing,
                                           TransferPhase::Done}));
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("p.bin"))), sha256Hex(data));
}

void TestTransferLifecycle::retryingSaysWhenNext()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(100 << 10, 3);
    h.server.setResource("/r.bin", resource(data));
    h.server.queueFault("/r.bin", fault(FaultServer::Fault::Kind::Status, 0, 503));
    DownloadRequest request = h.request("/r.bin");
    request.retryDelayMs = 300;
    QList<TransferPhase> phases;
    qint64 due = -1;
    qint64 expected = -1; // when retrying() was heard plus the delay it names
    const RunResult r = h.run(request, 30000, [&](HttpDownload *d) {
        QObject::connect(d, &Transfer::phaseChanged, d,
                         [&](TransferPhase phase) { phases.append(phase); });
        QObject::connect(d, &Transfer::retrying, d, [&, d](const Error &, qint64 delayMs) {
            QCOMPARE(d->phase(), TransferPhase::Retrying);
            due = d->nextAttemptMs();
            expected = QDateTime::currentMSecsSinceEpoch() + delayMs;
        });
    });
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QVERIFY(phases.contains(TransferPhase::Retrying));
    QVERIFY(phases.indexOf(TransferPhase::Retrying) < phases.indexOf(TransferPhase::Transferring));
    QVERIFY2(expected > 0 && qAbs(due - expected) <= 50,
             qPrintable(QStringLiteral("%1 %2").arg(due).arg(expected)));
    QCOMPARE(phases.last(), TransferPhase::Done);
}

QTEST_GUILESS_MAIN(TestTransferLifecycle)
#include "tst_transfer_lifecycle.moc"
