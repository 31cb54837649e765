// HttpDownload against a hostile or broken server: cuts, stalls, changed content, ignored or
// inconsistent ranges, transient statuses with Retry-After, retries running out.

#include "DownloadHarness.h"

#include <QTcpSocket>

using namespace bt;
using namespace bt::test;
using Kind = FaultServer::Fault::Kind;

namespace {
// Single-connection size (below 2 * the minimum segment size).
constexpr qint64 kSize = 600 * 1024;

QList<FaultServer::Request> requestsFor(const FaultServer &server, const QByteArray &path)
{
    QList<FaultServer::Request> out;
    for (const FaultServer::Request &r : server.requests()) {
        if (r.path == path)
            out.append(r);
    }
    return out;
}
// Applies `f` to the first request for `path` whose Range starts with `rangePrefix`
// ("" = no Range header). Qt 6.4 sometimes resends a cut request by itself, so FIFO faults
// could land on that resend instead of on the request the test is about.
void faultOn(FaultServer &server, const QByteArray &path, const QByteArray &rangePrefix,
             const FaultServer::Fault &f)
{
    auto used = std::make_shared<bool>(false);
    QObject::connect(&server, &FaultServer::requestReceived, &server,
                     [&server, path, rangePrefix, f, used](const FaultServer::Request &r) {
                         const QByteArray range = r.headers.value("range");
                         const bool match = rangePrefix.isEmpty() ? range.isEmpty()
                                                                  : range.startsWith(rangePrefix);
                         if (*used || r.path != path || !match)
                             return;
                         *used = true;
                         server.queueFault(path, f); // taken by this very request
                     });
}

// Answers `path` with these bytes, then says nothing more on an open connection.
void answerThenSilence(FaultServer &server, const QByteArray &path, const QByteArray &answer)
{
    server.setHook([path, answer](const FaultServer::Request &r, QTcpSocket *socket) {
        if (r.path != path)
            return false;
        socket->write(answer);
        return true;
    });
}
} // namespace

class TestHttpDownloadFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cutThenResumedWithRange();
    void chunkCutRetried();
    void chunkCutWithoutLength();
    void chunkedCompleteVerifiedByRange();
    void chunkCutWithoutRanges();
    void closeBeforeHeaders();
    void stallReconnects();
    void etagChangedRestartsFromZero();
    void ignoredRangeRestartsFromZero();
    void wrongContentRangeDiscards();
    void wrongTotalFallsBackToPlain();
    void alwaysInconsistentFails();
    void retryAfter_data();
    void retryAfter();
    void retriesExhausted();
    void repeatedBytesAreNoProgress_data();
    void repeatedBytesAreNoProgress();
    void permanentAfterData();
    void longErrorBodyNotWaitedFor();
    void stalledErrorBodyReportsTheStatus();
    void badContentLength_data();
    void badContentLength();
    void chunkedOverridesContentLength_data();
    void chunkedOverridesContentLength();
};

void TestHttpDownloadFaults::cutThenResumedWithRange()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 21);
    h.server.setResource("/cut.bin", resource(data));
    faultOn(h.server, "/cut.bin", "bytes=0-", fault(Kind::CutAfter, 200000));
    const RunResult r = h.run(h.request("/cut.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("cut.bin"))), sha256Hex(data));
    const auto reqs = requestsFor(h.server, "/cut.bin");
    QCOMPARE(reqs.last().headers.value("range"), "bytes=200000-" + QByteArray::number(kSize - 1));
    QCOMPARE(reqs.last().headers.value("if-range"), QByteArray("\"v1\""));
    QVERIFY(!r.messages.isEmpty()); // the retry was told
}

void TestHttpDownloadFaults::chunkCutRetried()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 22);
    FaultServer::Resource res = resource(data);
    res.chunked = true;
    h.server.setResource("/chunk.bin", res);
    faultOn(h.server, "/chunk.bin", "bytes=0-", fault(Kind::ChunkCut, 150000));
    const RunResult r = h.run(h.request("/chunk.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("chunk.bin"))), sha256Hex(data));
    const auto reqs = requestsFor(h.server, "/chunk.bin");
    QVERIFY(reqs.last().headers.value("range").startsWith("bytes=150000-"));
}

// A resource served as "200, chunked, Accept-Ranges: bytes" to the probe, whose ranges work
// from the second request on.
void rangesOnlyAfterProbe(FaultServer &server, const QByteArray &path, const QByteArray &data)
{
    FaultServer::Resource res = resource(data);
    res.chunked = true;
    res.acceptRanges = false;
    res.extraHeaders = {{"Accept-Ranges", "bytes"}};
    server.setResource(path, res);
    QObject::connect(&server, &FaultServer::requestReceived, &server,
                     [&server, path](const FaultServer::Request &r) {
                         if (r.path != path || r.headers.value("range") == "bytes=0-")
                             return;
                         FaultServer::Resource now = server.resource(path);
                         now.acceptRanges = true;
                         now.extraHeaders.clear();
                         server.setResource(path, now);
                     });
}

void TestHttpDownloadFaults::chunkCutWithoutLength()
{
    // A 200 chunked answer (no length at all) cut mid-chunk. Qt 6.4 may report such a cut
    // as a complete body, so the engine asks for what follows its last byte: the server
    // has ranges, so the rest arrives as a 206.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 23);
    rangesOnlyAfterProbe(h.server, "/chunk.bin", data);
    faultOn(h.server, "/chunk.bin", "bytes=0-", fault(Kind::ChunkCut, 150000));
    const RunResult r = h.run(h.request("/chunk.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(r.result.size, kSize); // never a truncated file
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("chunk.bin"))), sha256Hex(data));
    const auto reqs = requestsFor(h.server, "/chunk.bin");
    QVERIFY(reqs.last().headers.value("range").startsWith("bytes=150000-"));
}

void TestHttpDownloadFaults::chunkedCompleteVerifiedByRange()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 35);
    rangesOnlyAfterProbe(h.server, "/c2.bin", data);
    const RunResult r = h.run(h.request("/c2.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("c2.bin"))), sha256Hex(data));
    const auto reqs = requestsFor(h.server, "/c2.bin");
    QCOMPARE(reqs.last().headers.value("range"), "bytes=" + QByteArray::number(kSize) + '-');
}

void TestHttpDownloadFaults::chunkCutWithoutRanges()
{
    // Chunked, no length, no ranges, always cut mid-chunk: Qt 6.4 ends some of these cuts
    // with NoError. The connection's fate tells them apart, so no attempt ever counts as the
    // whole file: the retries run out and nothing is published.
    Harness h;
    QVERIFY(h.ok());
    FaultServer::Resource res = resource(makeTestData(kSize, 37));
    res.chunked = true;
    res.acceptRanges = false;
    h.server.setResource("/cc.bin", res);
    h.server.setPersistentFault("/cc.bin", fault(Kind::ChunkCut, 150000));
    DownloadRequest req = h.request("/cc.bin");
    req.retries = 6;
    req.retryDelayMs = 10;
    const RunResult r = h.run(req, 20000);
    QVERIFY(r.finishedOnce);
    QVERIFY2(r.result.error.isError(), qPrintable(r.messages.join(u'\n')));
    QVERIFY(!QFileInfo::exists(h.path(QStringLiteral("cc.bin"))));
}

void TestHttpDownloadFaults::closeBeforeHeaders()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 24);
    h.server.setResource("/c.bin", resource(data));
    h.server.queueFault("/c.bin", fault(Kind::CloseBeforeHeaders));
    const RunResult r = h.run(h.request("/c.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("c.bin"))), sha256Hex(data));
}

void TestHttpDownloadFaults::stallReconnects()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 25);
    h.server.setResource("/stall.bin", resource(data));
    faultOn(h.server, "/stall.bin", "bytes=0-", fault(Kind::Stall, 100000));
    DownloadRequest req = h.request("/stall.bin");
    req.stallTimeoutSec = 1;
    const RunResult r = h.run(req);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("stall.bin"))), sha256Hex(data));
    QVERIFY(r.elapsedMs >= 900);
    const auto reqs = requestsFor(h.server, "/stall.bin");
    QVERIFY(reqs.last().headers.value("range").startsWith("bytes=100000-"));
}

void TestHttpDownloadFaults::etagChangedRestartsFromZero()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray oldData = makeTestData(kSize, 26);
    const QByteArray newData = makeTestData(kSize + 1000, 27);
    h.server.setResource("/e.bin", resource(oldData));
    faultOn(h.server, "/e.bin", "bytes=0-", fault(Kind::CutAfter, 300000));
    // The content changes on the server before the resume request is answered.
    QObject::connect(&h.server, &FaultServer::requestReceived, &h.server,
                     [&](const FaultServer::Request &r) {
                         if (r.headers.value("range").startsWith("bytes=300000-"))
                             h.server.changeContent("/e.bin", newData, "\"v2\"");
                     });
    const RunResult r = h.run(h.request("/e.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("e.bin"))), sha256Hex(newData));
    QCOMPARE(r.result.size, qint64(newData.size()));
    QVERIFY(r.messages.join(u'\n').contains(QLatin1String("changed")));
    QCOMPARE(h.store().load(r.result.id)->etag, QByteArray("\"v2\""));
}

void TestHttpDownloadFaults::ignoredRangeRestartsFromZero()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 28);
    h.server.setResource("/i.bin", resource(data));
    faultOn(h.server, "/i.bin", "bytes=0-", fault(Kind::CutAfter, 250000));
    faultOn(h.server, "/i.bin", "bytes=250000-", fault(Kind::IgnoreRange));
    const RunResult r = h.run(h.request("/i.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("i.bin"))), sha256Hex(data));
    QVERIFY(r.messages.join(u'\n').contains(QLatin1String("ignored")));
}

void TestHttpDownloadFaults::wrongContentRangeDiscards()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 29);
    h.server.setResource("/w.bin", resource(data));
    faultOn(h.server, "/w.bin", "bytes=0-", fault(Kind::CutAfter, 200000));
    faultOn(h.server, "/w.bin", "bytes=200000-", fault(Kind::WrongContentRange, 1000));
    const RunResult r = h.run(h.request("/w.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("w.bin"))), sha256Hex(data));
    const auto reqs = requestsFor(h.server, "/w.bin");
    QCOMPARE(reqs.last().headers.value("range"), QByteArray("bytes=0-")); // from zero again
    QVERIFY(r.messages.join(u'\n').contains(QLatin1String("inconsistent")));
}

void TestHttpDownloadFaults::wrongTotalFallsBackToPlain()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(kSize, 30);
    h.server.setResource("/t.bin", resource(data));
    h.server.queueFault("/t.bin", fault(Kind::WrongTotal, 5));
    h.server.queueFault("/t.bin", fault(Kind::WrongTotal, 5));
    const RunResult r = h.run(h.request("/t.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("t.bin"))), sha256Hex(data));
    const auto reqs = requestsFor(h.server, "/t.bin");
    QCOMPARE(reqs.size(), 3);
    QVERIFY(!reqs[2].headers.contains("range")); // the plain fallback
    QVERIFY(r.messages.join(u'\n').contains(QLatin1String("one connection")));
}

void TestHttpDownloadFaults::alwaysInconsistentFails()
{
    Harness h;
    QVERIFY(h.ok());
    h.server.setResource("/bad.bin", resource(makeTestData(kSize, 31)));
    h.server.setPersistentFault("/bad.bin", fault(Kind::WrongContentRange, 7));
    const RunResult r = h.run(h.request("/bad.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::Protocol);
    QVERIFY(h.files().isEmpty());
    QVERIFY(h.server.requestCount("/bad.bin") <= 4);
}

void TestHttpDownloadFaults::retryAfter_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("503") << 503;
    QTest::newRow("429") << 429;
}

void TestHttpDownloadFaults::retryAfter()
{
    QFETCH(int, status);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(100 * 1024, 32);
    h.server.setResource("/ra.bin", resource(data));
    h.server.queueFault("/ra.bin", fault(Kind::Status, 0, status, "1"));
    QList<qint64> times;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&h.server, &FaultServer::requestReceived, &h.server,
                     [&](const FaultServer::Request &) { times.append(clock.elapsed()); });
    const RunResult r = h.run(h.request("/ra.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(times.size(), 2);
    QVERIFY2(times[1] - times[0] >= 950, QByteArray::number(times[1] - times[0]).constData());
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("ra.bin"))), sha256Hex(data));
}

void TestHttpDownloadFaults::retriesExhausted()
{
    Harness h;
    QVERIFY(h.ok());
    h.server.setResource("/busy.bin", resource(makeTestData(1000, 33)));
    h.server.setPersistentFault("/busy.bin", fault(Kind::Status, 0, 503));
    DownloadRequest req = h.request("/busy.bin");
    req.retries = 2;
    const RunResult r = h.run(req);
    QCOMPARE(r.result.error.code, ErrorCode::HttpTransient);
    QCOMPARE(r.result.error.httpStatus, 503);
    QCOMPARE(h.server.requestCount("/busy.bin"), 3);
    QVERIFY(h.files().isEmpty());
}

void TestHttpDownloadFaults::repeatedBytesAreNoProgress_data()
{
    QTest::addColumn<bool>("ranges");
    QTest::newRow("no-ranges") << false;
    QTest::newRow("ranges-ignored") << true;
}

void TestHttpDownloadFaults::repeatedBytesAreNoProgress()
{
    // A server that ignores Range and always cuts after the same bytes: each retry gets the
    // same first bytes again, which is no progress, so the retries run out (no endless loop)
    // and the last error is reported.
    QFETCH(bool, ranges);
    Harness h;
    QVERIFY(h.ok());
    FaultServer::Resource res = resource(makeTestData(kSize, 36));
    res.acceptRanges = false;
    if (ranges) // announced, yet every answer is a 200 from byte 0
        res.extraHeaders = {{"Accept-Ranges", "bytes"}};
    h.server.setResource("/loop.bin", res);
    h.server.setPersistentFault("/loop.bin", fault(Kind::CutAfter, 100000));
    DownloadRequest req = h.request("/loop.bin");
    req.retries = 3;
    req.retryDelayMs = 10;
    const RunResult r = h.run(req, 20000);
    QVERIFY(r.finishedOnce);
    QVERIFY2(r.result.error.isError(), qPrintable(r.messages.join(u'\n')));
    QVERIFY(r.result.error.isTransient()); // the last cut, not some other verdict
    // Qt resends a cut request by itself at most twice: a few requests per attempt.
    QVERIFY2(h.server.requestCount("/loop.bin") <= 3 * (req.retries + 1),
             QByteArray::number(h.server.requestCount("/loop.bin")).constData());
    QVERIFY(!QFileInfo::exists(h.path(QStringLiteral("loop.bin"))));
}

void TestHttpDownloadFaults::permanentAfterData()
{
    // A cut, then the file is gone (404): the partial stays for a later resume, the final
    // name is untouched.
    Harness h;
    QVERIFY(h.ok());
    h.server.setResource("/gone.bin", resource(makeTestData(kSize, 34)));
    faultOn(h.server, "/gone.bin", "bytes=0-", fault(Kind::CutAfter, 100000));
    faultOn(h.server, "/gone.bin", "bytes=100000-", fault(Kind::Status, 0, 404));
    const RunResult r = h.run(h.request("/gone.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::HttpPermanent);
    QCOMPARE(h.files(), QStringList{QStringLiteral("gone.bin.part")});
    QCOMPARE(r.result.path, h.path(QStringLiteral("gone.bin.part")));
}

void TestHttpDownloadFaults::longErrorBodyNotWaitedFor()
{
    // An error answer is judged at the end of its body (short ones keep their connection),
    // but a long body that then stalls is not waited for: the 404 is reported, not a stall.
    Harness h;
    QVERIFY(h.ok());
    answerThenSilence(h.server, "/long404.bin",
                      "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"
                      "Content-Length: 4194304\r\n\r\n" +
                          QByteArray(512 * 1024, 'x')); // 512 KiB of 4 MiB
    const RunResult r = h.run(h.request("/long404.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::HttpPermanent);
    QCOMPARE(r.result.error.httpStatus, 404);
    QCOMPARE(requestsFor(h.server, "/long404.bin").size(), 1);
}

void TestHttpDownloadFaults::stalledErrorBodyReportsTheStatus()
{
    // A short error body that stalls half-way: after the stall timeout the 403 is reported
    // (final, asked once), not a stall that would be retried.
    Harness h;
    QVERIFY(h.ok());
    answerThenSilence(h.server, "/stalled403.bin",
                      "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                      "Content-Length: 100\r\n\r\nForbidden"); // 9 of 100
    DownloadRequest req = h.request("/stalled403.bin");
    req.stallTimeoutSec = 1;
    const RunResult r = h.run(req);
    QCOMPARE(r.result.error.code, ErrorCode::HttpPermanent);
    QCOMPARE(r.result.error.httpStatus, 403);
    QCOMPARE(requestsFor(h.server, "/stalled403.bin").size(), 1);
}

// RFC 9112 6.3: Content-Length headers that disagree (or are no number) make the message
// invalid: where the body ends is unknown, so nothing of it is written. Identical repeated
// values are one length.
void TestHttpDownloadFaults::badContentLength_data()
{
    QTest::addColumn<QByteArray>("extra"); // a second Content-Length beside the right one
    QTest::addColumn<bool>("ranges");
    QTest::newRow("two values, 200") << QByteArray("5") << false;
    QTest::newRow("two values, 206") << QByteArray("5") << true;
    QTest::newRow("not a number") << QByteArray("12abc") << true;
    QTest::newRow("the same value twice") << QByteArray() << true;
}

void TestHttpDownloadFaults::badContentLength()
{
    QFETCH(QByteArray, extra);
    QFETCH(bool, ranges);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(100 * 1024, 29);
    FaultServer::Resource res = resource(data);
    res.acceptRanges = ranges;
    const bool same = extra.isEmpty();
    res.extraHeaders.append(
        qMakePair(QByteArray("Content-Length"), same ? QByteArray::number(data.size()) : extra));
    h.server.setResource("/len.bin", res);
    DownloadRequest req = h.request("/len.bin");
    req.retries = 1;
    const RunResult r = h.run(req);
    if (same) {
        QCOMPARE(r.result.error.code, ErrorCode::None);
        QCOMPARE(fileSha256Hex(h.path(QStringLiteral("len.bin"))), sha256Hex(data));
        return;
    }
    QCOMPARE(r.result.error.code, ErrorCode::Protocol);
    QVERIFY2(
        r.messages.join(u' ').contains(QStringLiteral("conflicting or invalid Content-Length")),
        qPrintable(r.messages.join(u'\n')));
    QVERIFY2(h.files().isEmpty(), qPrintable(h.files().join(u' ')));
}

// Transfer-Encoding: chunked together with a Content-Length: the body is read as chunked and
// the length ignored (RFC 9112 6.3), whether it is too small or too large.
void TestHttpDownloadFaults::chunkedOverridesContentLength_data()
{
    QTest::addColumn<QByteArray>("length");
    QTest::newRow("too small") << QByteArray("10");
    QTest::newRow("too large") << QByteArray("99999999");
}

void TestHttpDownloadFaults::chunkedOverridesContentLength()
{
    QFETCH(QByteArray, length);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(300 * 1024, 31);
    FaultServer::Resource res = resource(data);
    res.chunked = true;
    res.acceptRanges = false;
    res.extraHeaders.append(qMakePair(QByteArray("Content-Length"), length));
    h.server.setResource("/te.bin", res);
    const RunResult r = h.run(h.request("/te.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(r.result.size, qint64(data.size()));
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("te.bin"))), sha256Hex(data));
}

QTEST_GUILESS_MAIN(TestHttpDownloadFaults)
#include "tst_httpdownload_faults.moc"
