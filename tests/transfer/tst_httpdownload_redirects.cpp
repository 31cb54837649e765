// Redirects and credentials: --user, an Authorization header and a Cookie header go only to
// the origin (scheme, host, port) the person gave, never to where a redirect or a stored
// address points - on the first answer, on every segment, and on a resume.

#include "DownloadHarness.h"

using namespace bt;
using namespace bt::test;

namespace {

struct Credentials
{
    QString user;
    QList<QPair<QByteArray, QByteArray>> headers;
};

DownloadRequest withCredentials(DownloadRequest r, const Credentials &c)
{
    r.user = c.user;
    r.headers = c.headers;
    r.headers.append(
        qMakePair(QByteArray("X-Trace"),
                  QByteArray("t1"))); // not a credential: goes everywhere, as with curl
    return r;
}

bool carriesCredentials(const FaultServer::Request &r)
{
    return r.headers.contains("authorization") || r.headers.contains("cookie");
}

// Four connections over 4 MiB: several segment requests at the final address.
DownloadRequest segmented(DownloadRequest r)
{
    r.connections = 4;
    r.minSegmentSize = 256 << 10;
    return r;
}

} // namespace

class TestHttpDownloadRedirects : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void credentialsStayOnTheirOrigin_data();
    void credentialsStayOnTheirOrigin();
    void sameOriginKeepsCredentials();
    void backOnTheOriginGetsThemAgain();
    void resumeAtStoredAddressSendsNone();
    void redirectLimit();
};

void TestHttpDownloadRedirects::credentialsStayOnTheirOrigin_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");
    QTest::newRow("--user, 302") << QStringLiteral("alice:secret") << QByteArray() << QByteArray()
                                 << 302;
    QTest::newRow("Authorization header, 307")
        << QString() << QByteArray("Authorization") << QByteArray("Bearer tok") << 307;
    QTest::newRow("authorization in lower case, 301")
        << QString() << QByteArray("authorization") << QByteArray("Bearer tok") << 301;
    QTest::newRow("Cookie header, 308")
        << QString() << QByteArray("Cookie") << QByteArray("sid=s3cr3t") << 308;
}

void TestHttpDownloadRedirects::credentialsStayOnTheirOrigin()
{
    QFETCH(QString, user);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QFETCH(int, status);
    Harness h;
    QVERIFY(h.ok());
    FaultServer other; // same host, another port: another origin
    QVERIFY(other.listen());
    const QByteArray data = makeTestData(4 << 20, 61);
    other.setResource("/file.bin", resource(data));
    h.server.addRedirect("/start", other.url("/file.bin"), status);
    Credentials c{user, {}};
    if (!header.isEmpty())
        c.headers.append(qMakePair(header, value));
    const RunResult r = h.run(segmented(withCredentials(h.request("/start"), c)));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("file.bin"))), sha256Hex(data));
    const QList<FaultServer::Request> first = h.server.requests();
    QVERIFY(!first.isEmpty());
    for (const auto &rq : first)
        QVERIFY2(carriesCredentials(rq), rq.path.constData()); // the origin gets them
    const QList<FaultServer::Request> elsewhere = other.requests();
    QVERIFY2(elsewhere.size() >= 3, "expected the probe and several segments");
    for (const auto &rq : elsewhere) {
        QVERIFY2(!carriesCredentials(rq), rq.headers.value("range").constData());
        QCOMPARE(rq.headers.value("x-trace"), QByteArray("t1"));
    }
}

void TestHttpDownloadRedirects::sameOriginKeepsCredentials()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(4 << 20, 62);
    h.server.setResource("/real/file.bin", resource(data));
    h.server.addRedirect("/start", "/real/file.bin", 302);
    const Credentials c{QStringLiteral("alice:secret"), {{"Cookie", "sid=1"}}};
    const RunResult r = h.run(segmented(withCredentials(h.request("/start"), c)));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("file.bin"))), sha256Hex(data));
    const QList<FaultServer::Request> all = h.server.requests();
    QVERIFY(all.size() >= 4);
    for (const auto &rq : all) {
        QCOMPARE(rq.headers.value("authorization"),
                 "Basic " + QByteArray("alice:secret").toBase64());
        QCOMPARE(rq.headers.value("cookie"), QByteArray("sid=1"));
    }
}

void TestHttpDownloadRedirects::backOnTheOriginGetsThemAgain()
{
    Harness h;
    QVERIFY(h.ok());
    FaultServer other;
    QVERIFY(other.listen());
    const QByteArray data = makeTestData(200 << 10, 63);
    h.server.setResource("/file.bin", resource(data));
    h.server.addRedirect("/start", other.url("/hop"), 302);
    other.addRedirect("/hop", h.server.url("/file.bin"), 302);
    const Credentials c{QStringLiteral("alice:secret"), {}};
    const RunResult r = h.run(withCredentials(h.request("/start"), c));
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("file.bin"))), sha256Hex(data));
    QCOMPARE(other.requests().size(), 1);
    QVERIFY(!carriesCredentials(other.requests().first()));
    QCOMPARE(h.server.requestCount("/file.bin"), 1);
    for (const auto &rq : h.server.requests())
        QVERIFY2(carriesCredentials(rq), rq.path.constData());
}

void TestHttpDownloadRedirects::resumeAtStoredAddressSendsNone()
{
    Harness h;
    QVERIFY(h.ok());
    FaultServer other;
    QVERIFY(other.listen());
    const QByteArray data = makeTestData(4 << 20, 64);
    FaultServer::Resource slow = resource(data);
    slow.bytesPerSecond = 2 << 20;
    other.setResource("/file.bin", slow);
    h.server.addRedirect("/start", other.url("/file.bin"), 302);
    DownloadRequest req = withCredentials(h.request("/start"),
                                          {QStringLiteral("alice:secret"), {{"Cookie", "sid=1"}}});
    req.connections = 1;
    const RunResult first = h.run(req, 30000, [](HttpDownload *d) {
        QObject::connect(d, &HttpDownload::progress, d, [d](const TransferProgress &p) {
            if (p.done >= (1 << 20))
                d->stop();
        });
    });
    QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
    QCOMPARE(h.store().load(first.result.id)->finalUrl,
             QUrl(QString::fromLatin1(other.url("/file.bin"))));
    other.setResource("/file.bin", resource(data));
    const int originBefore = h.server.requests().size();
    const int otherBefore = other.requests().size();
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QCOMPARE(second.result.id, first.result.id);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("file.bin"))), sha256Hex(data));
    QCOMPARE(h.server.requests().size(), originBefore); // straight to the stored address
    const QList<FaultServer::Request> all = other.requests();
    QVERIFY(all.size() > otherBefore);
    for (const auto &rq : all)
        QVERIFY2(!carriesCredentials(rq), rq.headers.value("range").constData());
}

void TestHttpDownloadRedirects::redirectLimit()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(10 << 10, 65);
    h.server.setResource("/end.bin", resource(data));
    h.server.addRedirect("/r1", "/r2", 302);
    h.server.addRedirect("/r2", "/r3", 303);
    h.server.addRedirect("/r3", "/end.bin", 307);
    DownloadRequest req = h.request("/r1");
    req.maxRedirects = 2;
    const RunResult refused = h.run(req);
    QCOMPARE(refused.result.error.code, ErrorCode::TooManyRedirects);
    QVERIFY(h.files().isEmpty());
    QCOMPARE(h.server.requestCount("/end.bin"), 0);
    req.maxRedirects = 3;
    const RunResult ok = h.run(req);
    QCOMPARE(ok.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("end.bin"))), sha256Hex(data));
}

QTEST_MAIN(TestHttpDownloadRedirects)
#include "tst_httpdownload_redirects.moc"
