// HttpDownload with several connections: a forced count, the adaptive count on a server that
// throttles each connection (more than Qt's 6 per manager), work stealing to the end, the
// rate limit, and a server that refuses extra connections.

#include "DownloadHarness.h"
#include "net/HttpClient.h"

#include "http/ContentRange.h"
#include "transfer/RateLimiter.h"

#include <thread>

using namespace bt;
using namespace bt::test;
using Kind = FaultServer::Fault::Kind;

namespace {
FaultServer::Resource throttled(const QByteArray &data, qint64 bytesPerSecond)
{
    FaultServer::Resource r = resource(data);
    r.bytesPerSecond = bytesPerSecond;
    return r;
}

// Once `bytes` were reported done, sets the download's limit from another thread (as the
// queue does while the download runs on a worker).
std::function<void(HttpDownload *)> limitAfter(qint64 bytes, qint64 rate)
{
    return [bytes, rate](HttpDownload *d) {
        auto fired = std::make_shared<bool>(false);
        QObject::connect(d, &HttpDownload::progress, d,
                         [d, bytes, rate, fired](const TransferProgress &p) {
                             if (*fired || p.done < bytes)
                                 return;
                             *fired = true;
                             std::thread other([d, rate] { d->setRateLimit(rate); });
                             other.join();
                         });
    };
}

// The asked byte ranges cover the file: every byte asked for at least once.
bool rangesCover(const QList<FaultServer::Request> &requests, qint64 size)
{
    QList<QPair<qint64, qint64>> ranges;
    for (const FaultServer::Request &r : requests) {
        const QByteArray v = r.headers.value("range");
        if (!v.startsWith("bytes="))
            return true; // a full request covers everything
        const QList<QByteArray> parts = v.mid(6).split('-');
        const qint64 first = parts.value(0).toLongLong();
        const qint64 last = parts.value(1).isEmpty() ? size - 1 : parts.value(1).toLongLong();
        ranges.append({first, last});
    }
    std::sort(ranges.begin(), ranges.end());
    qint64 next = 0;
    for (const auto &r : ranges) {
        if (r.first > next)
            return false;
        next = qMax(next, r.second + 1);
    }
    return next >= size;
}
} // namespace

class TestHttpDownloadSegments : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void forcedFour();
    void adaptiveOnThrottledServer();
    void adaptiveUnderALimit();
    void smallFileSingleConnection();
    void rateLimit_data();
    void rateLimit();
    void sharedRateLimit();
    void rateLimitLiftedWhileRunning();
    void rateLimitSetWhileRunning();
    void serverRefusesExtraConnections();
    void segmentCutIsRetried();
    void digestOfTheFirstAnswer_data();
    void digestOfTheFirstAnswer();
};

void TestHttpDownloadSegments::forcedFour()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(16 << 20, 51);
    h.server.setResource("/f.bin", throttled(data, 8 << 20));
    DownloadRequest req = h.request("/f.bin");
    req.connections = 4;
    int maxReported = 0;
    const RunResult r = h.run(req, 60000, [&](HttpDownload *d) {
        QObject::connect(d, &HttpDownload::progress, d, [&](const TransferProgress &p) {
            maxReported = qMax(maxReported, p.connections);
        });
    });
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("f.bin"))), sha256Hex(data));
    QCOMPARE(h.server.maxConcurrentConnections(), 4);
    QCOMPARE(maxReported, 4);
    QVERIFY(h.server.requests().size() >= 4);
    QVERIFY(rangesCover(h.server.requests(), data.size()));
    for (const FaultServer::Request &rq : h.server.requests().mid(1))
        QCOMPARE(rq.headers.value("if-range"), QByteArray("\"v1\""));
    QCOMPARE(h.files(), QStringList{QStringLiteral("f.bin")});
}

void TestHttpDownloadSegments::adaptiveOnThrottledServer()
{
    // Each connection gets 1 MiB/s: the adaptive rule must open well over 6 connections
    // (Qt 6.4's limit per manager) by itself.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(24 << 20, 52);
    h.server.setResource("/t.bin", throttled(data, 1 << 20));
    DownloadRequest req = h.request("/t.bin");
    req.minSegmentSize = 512 << 10;
    // As in the queue: a shared (global) limiter without a rate must not hold it back.
    auto shared = std::make_shared<RateLimiter>();
    const RunResult r =
        h.run(req, 60000, [shared](HttpDownload *d) { d->setSharedRateLimiter(shared); });
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("t.bin"))), sha256Hex(data));
    QVERIFY2(h.server.maxConcurrentConnections() > 6,
             QByteArray::number(h.server.maxConcurrentConnections()).constData());
    QVERIFY(h.server.maxConcurrentConnections() <= 16);
    QVERIFY(rangesCover(h.server.requests(), data.size()));
    // Many connections: well under the single-connection time (24 s).
    QVERIFY2(r.elapsedMs < 12000, QByteArray::number(r.elapsedMs).constData());
}

void TestHttpDownloadSegments::adaptiveUnderALimit()
{
    // The server gives each connection 256 KiB/s; the (shared, global) limit is 4 MiB/s.
    // The server's rate per connection, not the limit, holds the download back: adaptive
    // connections still open (before, any limit meant one connection: 24 s for 6 MiB).
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(6 << 20, 59);
    h.server.setResource("/u.bin", throttled(data, 256 << 10));
    DownloadRequest req = h.request("/u.bin");
    req.minSegmentSize = 256 << 10;
    auto shared = std::make_shared<RateLimiter>(4 << 20);
    const RunResult r =
        h.run(req, 60000, [shared](HttpDownload *d) { d->setSharedRateLimiter(shared); });
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("u.bin"))), sha256Hex(data));
    QVERIFY2(h.server.maxConcurrentConnections() >= 4,
             QByteArray::number(h.server.maxConcurrentConnections()).constData());
    QVERIFY2(r.elapsedMs < 12000, QByteArray::number(r.elapsedMs).constData());
    // ...and never above the limit: 6 MiB at 4 MiB/s take at least 1.5 s.
    QVERIFY2(r.elapsedMs >= 1200, QByteArray::number(r.elapsedMs).constData());
}

void TestHttpDownloadSegments::smallFileSingleConnection()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData((2 << 20) - 1, 53); // below 2 * minSegmentSize
    h.server.setResource("/s.bin", resource(data));
    const RunResult r = h.run(h.request("/s.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(h.server.requestCount("/s.bin"), 1);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("s.bin"))), sha256Hex(data));
}

void TestHttpDownloadSegments::rateLimit_data()
{
    QTest::addColumn<int>("connections");
    QTest::newRow("one") << 1;
    QTest::newRow("four") << 4;
}

void TestHttpDownloadSegments::rateLimit()
{
    QFETCH(int, connections);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(3 << 20, 54);
    h.server.setResource("/r.bin", resource(data));
    DownloadRequest req = h.request("/r.bin");
    req.connections = connections;
    req.rateLimit = 1 << 20; // 3 s for 3 MiB
    const RunResult r = h.run(req, 30000);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("r.bin"))), sha256Hex(data));
    QVERIFY2(r.elapsedMs >= 2400, QByteArray::number(r.elapsedMs).constData());
    QVERIFY2(r.elapsedMs < 8000, QByteArray::number(r.elapsedMs).constData());
}

void TestHttpDownloadSegments::sharedRateLimit()
{
    // Two downloads share one 1 MiB/s limiter (the queue's global limit): 2 MiB each take
    // about 4 s together.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray a = makeTestData(2 << 20, 57);
    const QByteArray b = makeTestData(2 << 20, 58);
    h.server.setResource("/a.bin", resource(a));
    h.server.setResource("/b.bin", resource(b));
    auto shared = std::make_shared<RateLimiter>(1 << 20);
    bt::HttpClient network;
    HttpDownload da(h.request("/a.bin"), &network, &h.store());
    HttpDownload db(h.request("/b.bin"), &network, &h.store());
    da.setSharedRateLimiter(shared);
    db.setSharedRateLimiter(shared);
    QSignalSpy fa(&da, &HttpDownload::finished);
    QSignalSpy fb(&db, &HttpDownload::finished);
    QElapsedTimer clock;
    clock.start();
    da.start();
    db.start();
    QTRY_VERIFY_WITH_TIMEOUT(fa.size() == 1 && fb.size() == 1, 30000);
    QVERIFY2(clock.elapsed() >= 3200, QByteArray::number(clock.elapsed()).constData());
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("a.bin"))), sha256Hex(a));
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("b.bin"))), sha256Hex(b));
}

void TestHttpDownloadSegments::rateLimitLiftedWhileRunning()
{
    // 4 MiB at 512 KiB/s would take 8 s; the limit goes away after 256 KiB.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(4 << 20, 59);
    h.server.setResource("/up.bin", resource(data));
    DownloadRequest req = h.request("/up.bin");
    req.rateLimit = 512 << 10;
    const RunResult r = h.run(req, 30000, limitAfter(256 << 10, 0));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("up.bin"))), sha256Hex(data));
    QVERIFY2(r.elapsedMs < 4000, QByteArray::number(r.elapsedMs).constData());
}

void TestHttpDownloadSegments::rateLimitSetWhileRunning()
{
    // Unlimited at first (the server sends 2 MiB/s), then 512 KiB/s: the remaining
    // 1.5 MiB or more take about 3 s instead of under one.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(2 << 20, 60);
    h.server.setResource("/down.bin", throttled(data, 2 << 20));
    DownloadRequest req = h.request("/down.bin");
    req.connections = 1;
    const RunResult r = h.run(req, 30000, limitAfter(1, 512 << 10));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("down.bin"))), sha256Hex(data));
    QVERIFY2(r.elapsedMs >= 2200, QByteArray::number(r.elapsedMs).constData());
    QVERIFY2(r.elapsedMs < 10000, QByteArray::number(r.elapsedMs).constData());
}

void TestHttpDownloadSegments::serverRefusesExtraConnections()
{
    // Only two connections allowed: the others get 503 and the download goes on with two.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(8 << 20, 55);
    h.server.setResource("/two.bin", throttled(data, 4 << 20));
    QObject::connect(&h.server, &FaultServer::requestReceived, &h.server,
                     [&](const FaultServer::Request &) {
                         if (h.server.openConnections() > 2)
                             h.server.queueFault("/two.bin", fault(Kind::Status, 0, 503));
                     });
    DownloadRequest req = h.request("/two.bin");
    req.connections = 4;
    const RunResult r = h.run(req, 60000);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("two.bin"))), sha256Hex(data));
    QVERIFY(r.messages.join(u'\n').contains(QLatin1String("refused")));
}

void TestHttpDownloadSegments::segmentCutIsRetried()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(8 << 20, 56);
    h.server.setResource("/cut.bin", throttled(data, 8 << 20));
    // Cut the second segment's first answer after 100 KB.
    bool cut = false;
    QObject::connect(&h.server, &FaultServer::requestReceived, &h.server,
                     [&](const FaultServer::Request &rq) {
                         if (!cut && rq.headers.value("range") != "bytes=0-") {
                             cut = true;
                             h.server.queueFault("/cut.bin", fault(Kind::CutAfter, 100000));
                         }
                     });
    DownloadRequest req = h.request("/cut.bin");
    req.connections = 3;
    const RunResult r = h.run(req, 60000);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QVERIFY(cut);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("cut.bin"))), sha256Hex(data));
}

void TestHttpDownloadSegments::digestOfTheFirstAnswer_data()
{
    QTest::addColumn<bool>("correct");
    QTest::newRow("correct") << true;
    QTest::newRow("wrong") << false;
}

void TestHttpDownloadSegments::digestOfTheFirstAnswer()
{
    // The first answer (a 206 to "bytes=0-") carries the whole file's Repr-Digest; the file
    // put together from four connections' segments is checked against it.
    QFETCH(bool, correct);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(4 << 20, 57);
    FaultServer::Resource res = throttled(data, 8 << 20);
    res.reprDigest =
        correct
            ? QByteArray("auto")
            : "sha-256=:" +
                  QCryptographicHash::hash("other", QCryptographicHash::Sha256).toBase64() + ':';
    h.server.setResource("/d.bin", res);
    DownloadRequest req = h.request("/d.bin");
    req.connections = 4;
    const RunResult r = h.run(req, 60000);
    QVERIFY(h.server.requests().size() >= 4); // several segments
    if (correct) {
        QCOMPARE(r.result.error.code, ErrorCode::None);
        QCOMPARE(fileSha256Hex(h.path(QStringLiteral("d.bin"))), sha256Hex(data));
    } else {
        QCOMPARE(r.result.error.code, ErrorCode::Integrity);
        QVERIFY(h.files().isEmpty()); // not published, no .part left
    }
}

QTEST_GUILESS_MAIN(TestHttpDownloadSegments)
#include "tst_httpdownload_segments.moc"
