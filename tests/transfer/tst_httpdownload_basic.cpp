// HttpDownload, the everyday paths: plain, no ranges, chunked, names, checksums, digests,
// already complete, 404, redirects, and a run on a worker thread as the product does it.

#include "DownloadHarness.h"
#include "net/HttpClient.h"

#include "http/DigestHeader.h"

#include <QCryptographicHash>

using namespace bt;
using namespace bt::test;
using Kind = FaultServer::Fault::Kind;

class TestHttpDownloadBasic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void plain();
    void noRangeServer();
    void chunked();
    void notFound();
    void redirectChain();
    void redirectLoop();
    void hostileContentDisposition_data();
    void hostileContentDisposition();
    void existingFileGetsUniqueName();
    void explicitFileName();
    void alreadyComplete();
    void userChecksum_data();
    void userChecksum();
    void wrongServerDigest_data();
    void wrongServerDigest();
    void correctReprDigest_data();
    void correctReprDigest();
    void workerThread();
    void headersUserAndCookies();
};

void TestHttpDownloadBasic::plain()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(300 * 1024, 7);
    h.server.setResource("/files/plain.bin", resource(data));
    DownloadRequest req = h.request("/files/plain.bin");
    req.sha256 = true;
    const RunResult r = h.run(req);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QVERIFY(r.finishedOnce);
    QCOMPARE(r.result.path, h.path(QStringLiteral("plain.bin")));
    QCOMPARE(r.result.size, qint64(data.size()));
    QCOMPARE(r.result.sha256Hex, sha256Hex(data));
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("plain.bin"))), sha256Hex(data));
    QCOMPARE(h.files(), QStringList{QStringLiteral("plain.bin")});
    const auto rec = h.store().load(r.result.id);
    QVERIFY(rec);
    QCOMPARE(rec->state, TransferState::Completed);
    QCOMPARE(rec->sha256.toLatin1(), sha256Hex(data));
    QCOMPARE(rec->destination, h.path(QStringLiteral("plain.bin")));
    QCOMPARE(rec->totalSize, qint64(data.size()));
    const auto requests = h.server.requests();
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests[0].headers.value("range"), QByteArray("bytes=0-"));
    QVERIFY(requests[0].headers.value("want-repr-digest").contains("sha-256"));
    QCOMPARE(requests[0].headers.value("accept-encoding"), QByteArray("identity"));
    // Not asked and nothing to verify: no hash computed, none reported or stored.
    h.server.setResource("/files/other.bin", resource(data));
    const RunResult other = h.run(h.request("/files/other.bin"));
    QCOMPARE(other.result.error.code, ErrorCode::None);
    QVERIFY(other.result.sha256Hex.isEmpty());
    QVERIFY(h.store().load(other.result.id)->sha256.isEmpty());
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("other.bin"))), sha256Hex(data));
}

void TestHttpDownloadBasic::noRangeServer()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(3 << 20, 8);
    FaultServer::Resource res = resource(data);
    res.acceptRanges = false;
    h.server.setResource("/norange.bin", res);
    const RunResult r = h.run(h.request("/norange.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("norange.bin"))), sha256Hex(data));
    QCOMPARE(h.server.requestCount("/norange.bin"), 1); // no segments without ranges
}

void TestHttpDownloadBasic::chunked()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(700 * 1024, 9);
    FaultServer::Resource res = resource(data);
    res.chunked = true;
    res.acceptRanges = false;
    h.server.setResource("/chunked.bin", res);
    const RunResult r = h.run(h.request("/chunked.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(r.result.size, qint64(data.size()));
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("chunked.bin"))), sha256Hex(data));
    QCOMPARE(h.store().load(r.result.id)->totalSize, qint64(data.size()));
}

void TestHttpDownloadBasic::notFound()
{
    Harness h;
    QVERIFY(h.ok());
    const RunResult r = h.run(h.request("/missing.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::HttpPermanent);
    QCOMPARE(r.result.error.httpStatus, 404);
    QVERIFY2(r.result.error.message.contains(QLatin1String("404 Not Found")),
             qPrintable(r.result.error.message));
    QVERIFY(r.elapsedMs < 2000);
    QVERIFY(h.files().isEmpty());
    QCOMPARE(h.server.requestCount("/missing.bin"), 1); // permanent: no retry
    QCOMPARE(h.store().load(r.result.id)->state, TransferState::Failed);
}

void TestHttpDownloadBasic::redirectChain()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(100 * 1024, 10);
    h.server.setResource("/real/target.bin", resource(data));
    h.server.addRedirect("/a", "/b", 301);
    h.server.addRedirect("/b", h.server.url("/c"), 307);
    h.server.addRedirect("/c", "/real/target.bin", 302);
    const RunResult r = h.run(h.request("/a"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(r.result.path, h.path(QStringLiteral("target.bin"))); // the name of the final URL
    QCOMPARE(fileSha256Hex(r.result.path), sha256Hex(data));
    QCOMPARE(h.store().load(r.result.id)->finalUrl,
             QUrl(QString::fromLatin1(h.server.url("/real/target.bin"))));
}

void TestHttpDownloadBasic::redirectLoop()
{
    Harness h;
    QVERIFY(h.ok());
    h.server.addRedirect("/x", "/y");
    h.server.addRedirect("/y", "/x");
    const RunResult r = h.run(h.request("/x"));
    QCOMPARE(r.result.error.code, ErrorCode::TooManyRedirects);
    QVERIFY(!r.result.error.message.isEmpty());
    QVERIFY(r.elapsedMs < 5000);
    QVERIFY(h.files().isEmpty());
}

void TestHttpDownloadBasic::hostileContentDisposition_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("expected");
    QTest::newRow("traversal") << QByteArray("attachment; filename=\"../../evil\"") << "evil";
    QTest::newRow("hidden") << QByteArray("attachment; filename=\".hidden\"") << "hidden";
    QTest::newRow("absolute") << QByteArray("attachment; filename=\"/etc/passwd\"") << "passwd";
}

void TestHttpDownloadBasic::hostileContentDisposition()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(10 * 1024, 11);
    FaultServer::Resource res = resource(data);
    res.contentDisposition = header;
    h.server.setResource("/dl", res);
    const RunResult r = h.run(h.request("/dl"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(QFileInfo(r.result.path).absolutePath(), QFileInfo(h.dir()).absoluteFilePath());
    QCOMPARE(QFileInfo(r.result.path).fileName(), expected);
    QCOMPARE(fileSha256Hex(r.result.path), sha256Hex(data));
    QCOMPARE(QDir(h.tmpRoot()).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void TestHttpDownloadBasic::existingFileGetsUniqueName()
{
    Harness h;
    QVERIFY(h.ok());
    QFile other(h.path(QStringLiteral("report.pdf")));
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("someone else's file");
    other.close();
    const QByteArray data = makeTestData(20 * 1024, 12);
    h.server.setResource("/report.pdf", resource(data));
    const RunResult r = h.run(h.request("/report.pdf"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(r.result.path, h.path(QStringLiteral("report (1).pdf")));
    QCOMPARE(fileBytes(h.path(QStringLiteral("report.pdf"))), QByteArray("someone else's file"));
    QCOMPARE(fileSha256Hex(r.result.path), sha256Hex(data));
}

void TestHttpDownloadBasic::explicitFileName()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(20 * 1024, 13);
    FaultServer::Resource res = resource(data);
    res.contentDisposition = "attachment; filename=\"server.bin\"";
    h.server.setResource("/x.bin", res);
    DownloadRequest req = h.request("/x.bin");
    req.fileName = QStringLiteral("mine.dat");
    const RunResult r = h.run(req);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(r.result.path, h.path(QStringLiteral("mine.dat")));
    QCOMPARE(h.files(), QStringList{QStringLiteral("mine.dat")});
}

void TestHttpDownloadBasic::alreadyComplete()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(50 * 1024, 14);
    h.server.setResource("/done.bin", resource(data));
    DownloadRequest req = h.request("/done.bin");
    req.sha256 = true;
    const RunResult first = h.run(req);
    QCOMPARE(first.result.error.code, ErrorCode::None);
    const QDateTime mtime = QFileInfo(first.result.path).lastModified();
    const int requests = h.server.requests().size();
    const RunResult second = h.run(h.request("/done.bin"));
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QVERIFY(second.result.alreadyComplete);
    QVERIFY(second.finishedOnce);
    QVERIFY(second.messages.isEmpty()); // the caller prints its own line from the result
    QCOMPARE(second.result.path, first.result.path);
    QCOMPARE(second.result.sha256Hex, sha256Hex(data));
    QCOMPARE(h.server.requests().size(), requests); // nothing downloaded
    QCOMPARE(QFileInfo(first.result.path).lastModified(), mtime);
    QCOMPARE(h.files(), QStringList{QStringLiteral("done.bin")});
}

void TestHttpDownloadBasic::userChecksum_data()
{
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<bool>("correct");
    for (const char *alg : {"sha256", "sha512", "sha1", "md5"}) {
        QTest::newRow(QByteArray(alg) + "-ok") << QString::fromLatin1(alg) << true;
        QTest::newRow(QByteArray(alg) + "-wrong") << QString::fromLatin1(alg) << false;
    }
}

void TestHttpDownloadBasic::userChecksum()
{
    QFETCH(QString, algorithm);
    QFETCH(bool, correct);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(2500 * 1024, 15); // segmented: verified from the file
    h.server.setResource("/sum.bin", resource(data));
    const QHash<QString, QCryptographicHash::Algorithm> algs{
        {QStringLiteral("sha256"), QCryptographicHash::Sha256},
        {QStringLiteral("sha512"), QCryptographicHash::Sha512},
        {QStringLiteral("sha1"), QCryptographicHash::Sha1},
        {QStringLiteral("md5"), QCryptographicHash::Md5}};
    QByteArray expected = QCryptographicHash::hash(data, algs.value(algorithm));
    if (!correct)
        expected[0] = char(expected[0] ^ 0x55);
    http::DigestValue value;
    QVERIFY(http::parseChecksumOption(algorithm + u'=' + QString::fromLatin1(expected.toHex()),
                                      &value));
    DownloadRequest req = h.request("/sum.bin");
    req.checksums = {value};
    const RunResult r = h.run(req);
    if (correct) {
        QCOMPARE(r.result.error.code, ErrorCode::None);
        QCOMPARE(fileSha256Hex(h.path(QStringLiteral("sum.bin"))), sha256Hex(data));
    } else {
        QCOMPARE(r.result.error.code, ErrorCode::Integrity);
        QVERIFY(h.files().isEmpty()); // no final name, no .part (the bytes are wrong)
        QCOMPARE(h.store().load(r.result.id)->state, TransferState::Failed);
    }
}

void TestHttpDownloadBasic::wrongServerDigest_data()
{
    QTest::addColumn<bool>("repr");
    QTest::addColumn<bool>("ranges");
    QTest::newRow("Digest, 200") << false << false;
    QTest::newRow("Repr-Digest, 200") << true << false;
    // Repr-Digest and Digest describe the whole representation, on a 206 too.
    QTest::newRow("Digest, 206") << false << true;
    QTest::newRow("Repr-Digest, 206") << true << true;
}

void TestHttpDownloadBasic::wrongServerDigest()
{
    QFETCH(bool, repr);
    QFETCH(bool, ranges);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(100 * 1024, 16);
    const QByteArray wrong =
        QCryptographicHash::hash("other", QCryptographicHash::Sha256).toBase64();
    FaultServer::Resource res = resource(data);
    if (repr)
        res.reprDigest = "sha-256=:" + wrong + ':';
    else
        res.digest = "SHA-256=" + wrong;
    res.acceptRanges = ranges; // with ranges the first answer is a 206 to "bytes=0-"
    h.server.setResource("/dig.bin", res);
    const RunResult r = h.run(h.request("/dig.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::Integrity);
    QVERIFY(r.result.error.message.contains(QStringLiteral("digest")));
    QVERIFY(h.files().isEmpty());
}

void TestHttpDownloadBasic::correctReprDigest_data()
{
    QTest::addColumn<bool>("ranges");
    QTest::newRow("200") << false;
    QTest::newRow("206") << true;
}

void TestHttpDownloadBasic::correctReprDigest()
{
    QFETCH(bool, ranges);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(100 * 1024, 17);
    FaultServer::Resource res = resource(data);
    res.reprDigest = "auto";
    res.digest = "auto";
    res.acceptRanges = ranges;
    h.server.setResource("/ok.bin", res);
    const RunResult r = h.run(h.request("/ok.bin"));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("ok.bin"))), sha256Hex(data));
}

void TestHttpDownloadBasic::workerThread()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(3 << 20, 18);
    h.server.setResource("/thread.bin", resource(data));
    DownloadRequest req = h.request("/thread.bin");
    req.storeId = h.store().rowFor(req);

    // As the product: the download and its HTTP client live on a worker thread; its store's
    // answers come to it there.
    QThread worker;
    worker.start();
    TransferResult result;
    int finishedCount = 0;
    QObject context;
    QObject *holder = new QObject;
    holder->moveToThread(&worker);
    QMetaObject::invokeMethod(holder, [&, holder] {
        auto *network = new bt::HttpClient(holder);
        auto *download = new HttpDownload(req, network, &h.store(), holder);
        QObject::connect(download, &HttpDownload::finished, &context, [&](const TransferResult &r) {
            result = r;
            ++finishedCount;
        });
        download->start();
    });
    QTRY_COMPARE_WITH_TIMEOUT(finishedCount, 1, 30000);
    QMetaObject::invokeMethod(
        holder, [holder] { delete holder; }, Qt::BlockingQueuedConnection);
    worker.quit();
    worker.wait();
    QCOMPARE(result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("thread.bin"))), sha256Hex(data));
    QCOMPARE(h.store().load(req.storeId)->state, TransferState::Completed);
}

void TestHttpDownloadBasic::headersUserAndCookies()
{
    Harness h;
    QVERIFY(h.ok());
    h.server.setResource("/auth.bin", resource(makeTestData(1000, 19)));
    QFile cookies(h.tmpRoot() + QStringLiteral("/cookies.txt"));
    QVERIFY(cookies.open(QIODevice::WriteOnly));
    cookies.write("# Netscape HTTP Cookie File\n"
                  "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc123\n");
    cookies.close();
    DownloadRequest req = h.request("/auth.bin");
    req.headers = {{"X-Test", "yes"}};
    req.user = QStringLiteral("me:secret");
    req.cookieFile = cookies.fileName();
    const RunResult r = h.run(req);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    const FaultServer::Request first = h.server.requests().first();
    QCOMPARE(first.headers.value("x-test"), QByteArray("yes"));
    QCOMPARE(first.headers.value("authorization"), "Basic " + QByteArray("me:secret").toBase64());
    QVERIFY2(first.headers.value("cookie").contains("session=abc123"),
             first.headers.value("cookie").constData());
}

QTEST_GUILESS_MAIN(TestHttpDownloadBasic)
#include "tst_httpdownload_basic.moc"
