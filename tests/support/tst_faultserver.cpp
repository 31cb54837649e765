#include "FaultServerTestBase.h"

class TestFaultServer : public FaultServerTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void testData()
    {
        const QByteArray a = bt::test::makeTestData(1000, 1);
        QCOMPARE(a.size(), 1000);
        QCOMPARE(bt::test::makeTestData(1000, 1), a);
        QVERIFY(bt::test::makeTestData(1000, 2) != a);
        QCOMPARE(bt::test::makeTestData(13, 1), a.left(13));
        QVERIFY(a.count('\0') < 50);
        QElapsedTimer t;
        t.start();
        const QByteArray big = bt::test::makeTestData(200 * 1024 * 1024);
        qInfo("makeTestData(200 MiB): %lld ms", t.elapsed());
        QCOMPARE(big.size(), 200 * 1024 * 1024);
        QVERIFY(t.elapsed() < 5000);

        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("x")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray three = bt::test::makeTestData(3 * 1024 * 1024 + 5);
        f.write(three);
        f.close();
        QCOMPARE(bt::test::fileSha256Hex(f.fileName()), bt::test::sha256Hex(three));
        QCOMPARE(bt::test::sha256Hex("abc"),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QVERIFY(bt::test::fileSha256Hex(dir.filePath(QStringLiteral("missing"))).isEmpty());
    }

    void fullGet()
    {
        const Result r = fetch("/file");
        QCOMPARE(r.error, QNetworkReply::NoError);
        QCOMPARE(r.status, 200);
        QCOMPARE(bt::test::sha256Hex(r.body), bt::test::sha256Hex(m_data));
        QCOMPARE(r.header("ETag"), QByteArray("\"v1\""));
        QCOMPARE(r.header("Accept-Ranges"), QByteArray("bytes"));
        QCOMPARE(r.header("Content-Length").toLongLong(), m_data.size());
        QCOMPARE(r.header("Last-Modified"), QByteArray("Wed, 21 Oct 2026 07:28:00 GMT"));
    }

    void head()
    {
        const Result r = fetch("/file", {}, "HEAD");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(r.header("Content-Length").toLongLong(), m_data.size());
        // The connection stays usable after a HEAD (no body was expected).
        QCOMPARE(fetch("/file").body, m_data);
        // Error answers to HEAD have no body either: the next answer follows right away.
        QTcpSocket s;
        const QByteArray in =
            raw(s, "HEAD /missing HTTP/1.1\r\n\r\n" + get("/file", "Range: bytes=0-3\r\n"),
                [](const QByteArray &in) {
                    const qsizetype second = in.indexOf("HTTP/1.1 206");
                    return second > 0 && untilBody(4)(in.mid(second));
                });
        QVERIFY(in.startsWith("HTTP/1.1 404"));
        QCOMPARE(in.indexOf("HTTP/1.1 206"), in.indexOf("\r\n\r\n") + 4);
        QVERIFY(in.endsWith("\r\n\r\n" + m_data.left(4)));
    }

    void headersAndDigests()
    {
        FaultServer::Resource res;
        res.body = "hello world";
        res.etag.clear();
        res.acceptRanges = false;
        res.contentType = "text/plain";
        res.contentDisposition = "attachment; filename=\"a b.txt\"";
        res.digest = "auto";
        res.reprDigest = "auto";
        res.extraHeaders = {{"X-Test", "1"}};
        m_server->setResource("/h", res);
        const Result r = fetch("/h", {{"Range", "bytes=0-1"}});
        QCOMPARE(r.status, 200); // no acceptRanges: Range ignored
        QCOMPARE(r.body, QByteArray("hello world"));
        QVERIFY(r.header("ETag").isEmpty());
        QVERIFY(r.header("Accept-Ranges").isEmpty());
        QCOMPARE(r.header("Content-Disposition"), res.contentDisposition);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/plain"));
        QCOMPARE(r.header("X-Test"), QByteArray("1"));
        const QByteArray b64 =
            QCryptographicHash::hash(res.body, QCryptographicHash::Sha256).toBase64();
        QCOMPARE(r.header("Digest"), "SHA-256=" + b64);
        QCOMPARE(r.header("Repr-Digest"), "sha-256=:" + b64 + ":");
    }

    void ranges_data()
    {
        QTest::addColumn<QByteArray>("range");
        QTest::addColumn<int>("status");
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("length");
        const qint64 n = 1024 * 1024 + 17;
        QTest::newRow("a-b") << QByteArray("bytes=10-19") << 206 << qint64(10) << qint64(10);
        QTest::newRow("a-") << QByteArray("bytes=1000-") << 206 << qint64(1000) << n - 1000;
        QTest::newRow("-n") << QByteArray("bytes=-50") << 206 << n - 50 << qint64(50);
        QTest::newRow("clamped") << QByteArray("bytes=5-99999999") << 206 << qint64(5) << n - 5;
        QTest::newRow("multi") << QByteArray("bytes=0-1,5-6") << 200 << qint64(0) << n;
    }

    void ranges()
    {
        QFETCH(QByteArray, range);
        QFETCH(int, status);
        QFETCH(qint64, start);
        QFETCH(qint64, length);
        const Result r = fetch("/file", {{"Range", range}});
        QCOMPARE(r.status, status);
        QCOMPARE(r.body, m_data.mid(start, length));
        if (status == 206)
            QCOMPARE(r.header("Content-Range"), "bytes " + QByteArray::number(start) + '-' +
                                                    QByteArray::number(start + length - 1) + '/' +
                                                    QByteArray::number(m_data.size()));
    }

    void unsatisfiable()
    {
        const Result r =
            fetch("/file", {{"Range", "bytes=" + QByteArray::number(m_data.size()) + "-"}});
        QCOMPARE(r.status, 416);
        QCOMPARE(r.header("Content-Range"), "bytes */" + QByteArray::number(m_data.size()));
        // The connection is still fine afterwards.
        QCOMPARE(fetch("/file", {{"Range", "bytes=0-0"}}).status, 206);
    }

    void ifRange()
    {
        Result r = fetch("/file", {{"Range", "bytes=10-19"}, {"If-Range", "\"v1\""}});
        QCOMPARE(r.status, 206);
        r = fetch("/file", {{"Range", "bytes=10-19"}, {"If-Range", "\"v0\""}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, m_data);
        r = fetch("/file",
                  {{"Range", "bytes=10-19"}, {"If-Range", "Wed, 21 Oct 2026 07:28:00 GMT"}});
        QCOMPARE(r.status, 206);
        m_server->changeContent("/file", "new content", "\"v2\"");
        r = fetch("/file", {{"Range", "bytes=0-2"}, {"If-Range", "\"v1\""}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("new content"));
        QCOMPARE(r.header("ETag"), QByteArray("\"v2\""));
    }

    void chunked()
    {
        FaultServer::Resource res = m_server->resource("/file");
        res.chunked = true;
        res.body = bt::test::makeTestData(3 * 1024 * 1024 + 3, 3);
        m_server->setResource("/c", res);
        const Result r = fetch("/c");
        QCOMPARE(r.error, QNetworkReply::NoError);
        QCOMPARE(bt::test::sha256Hex(r.body), bt::test::sha256Hex(res.body));

        QTcpSocket s;
        Raw resp;
        bool complete = false;
        QVERIFY(parseRaw(raw(s, get("/c"),
                             [&](const QByteArray &in) {
                                 Raw p;
                                 return parseRaw(in, p) && (dechunk(p.body, &complete), complete);
                             }),
                         resp));
        QCOMPARE(resp.headers.value("transfer-encoding"), QByteArray("chunked"));
        QVERIFY(!resp.headers.contains("content-length"));
        QCOMPARE(dechunk(resp.body, &complete), res.body);
        QVERIFY(complete);
        QVERIFY(resp.body.count("\r\n") > 20); // many chunks
    }

    void keepAlive()
    {
        QTcpSocket s;
        Raw a, b;
        QVERIFY(parseRaw(raw(s, get("/file", "Range: bytes=0-9\r\n"), untilBody(10)), a));
        QCOMPARE(a.body, m_data.left(10));
        QVERIFY(parseRaw(raw(s, get("/file", "Range: bytes=10-19\r\n"), untilBody(10)), b));
        QCOMPARE(b.body, m_data.mid(10, 10));
        QCOMPARE(s.state(), QAbstractSocket::ConnectedState);
        // Pipelined: both answers come in order on the same socket.
        const QByteArray two =
            raw(s, get("/file", "Range: bytes=0-0\r\n") +
                       get("/file", "Range: bytes=1-1\r\nConnection: close\r\n"));
        QVERIFY(two.endsWith("\r\n\r\n" + m_data.mid(1, 1)));
        QCOMPARE(two.count("HTTP/1.1 206"), 2);
        QVERIFY(s.state() != QAbstractSocket::ConnectedState); // Connection: close honoured
        const QList<FaultServer::Request> log = m_server->requests();
        QCOMPARE(log.size(), 4);
        QCOMPARE(log[0].peerPort, log[3].peerPort);
        QCOMPARE(m_server->maxConcurrentConnections(), 1);
        QTRY_COMPARE(m_server->openConnections(), 0);
    }

    void requestLogAndHook()
    {
        QSignalSpy spy(m_server.get(), &FaultServer::requestReceived);
        fetch("/file?a=1", {{"X-Custom", "yes"}});
        fetch("/file?a=2", {}, "HEAD");
        QCOMPARE(spy.count(), 2);
        const QList<FaultServer::Request> log = m_server->requests();
        QCOMPARE(log.size(), 2);
        QCOMPARE(log[0].path, QByteArray("/file?a=1"));
        QCOMPARE(log[0].method, QByteArray("GET"));
        QCOMPARE(log[0].headers.value("x-custom"), QByteArray("yes"));
        QCOMPARE(log[1].method, QByteArray("HEAD"));
        QCOMPARE(m_server->requestCount("/file"), 2);

        m_server->setHook([](const FaultServer::Request &r, QTcpSocket *socket) {
            if (r.method != "PUT")
                return false;
            socket->write("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
            return true;
        });
        QNetworkRequest put(QUrl(QString::fromLatin1(m_server->url("/up"))));
        QNetworkReply *reply = m_nam->put(put, QByteArray(5000, 'x'));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        QCOMPARE(reply->readAll(), QByteArray("ok"));
        QCOMPARE(m_server->requests().last().headers.value("content-length"), QByteArray("5000"));
        QCOMPARE(fetch("/file").body, m_data); // not hooked
        delete reply;
    }

    void requestBodies()
    {
        m_server->setHook([](const FaultServer::Request &r, QTcpSocket *socket) {
            if (r.method != "POST")
                return false;
            socket->write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
            return true;
        });
        QTcpSocket s;
        const QByteArray chunkedPost = "POST /up HTTP/1.1\r\nHost: x\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n"
                                       "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\n";
        // Sent in two pieces: the parser must wait for the rest.
        QByteArray in = raw(
            s, chunkedPost.left(30), [](const QByteArray &) { return true; }, 50);
        QVERIFY(in.isEmpty());
        in = raw(s, chunkedPost.mid(30),
                 [](const QByteArray &in) { return in.contains("\r\n\r\n"); });
        QVERIFY(in.startsWith("HTTP/1.1 201"));
        QCOMPARE(m_server->requests().last().body, QByteArray("hello world"));

        // Expect: 100-continue is answered before the body is sent.
        in = raw(s, "PUT /up HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
                 [](const QByteArray &in) { return in.contains("\r\n\r\n"); });
        QVERIFY(in.startsWith("HTTP/1.1 100 Continue"));
        in = raw(s, "abcde", [](const QByteArray &in) { return in.contains("\r\n\r\n"); });
        QVERIFY(in.startsWith("HTTP/1.1 405")); // the hook only takes POST
        QCOMPARE(m_server->requests().last().body, QByteArray("abcde"));
        QCOMPARE(m_server->requests().size(), 2);
    }

    void concurrentConnections()
    {
        QTcpSocket a, b, c;
        for (QTcpSocket *s : {&a, &b, &c})
            s->connectToHost(QHostAddress::LocalHost, m_server->port());
        QTRY_COMPARE(m_server->openConnections(), 3);
        QCOMPARE(m_server->maxConcurrentConnections(), 3);
        a.disconnectFromHost();
        QTRY_COMPARE(m_server->openConnections(), 2);
        QCOMPARE(m_server->maxConcurrentConnections(), 3);
    }

    // listenInThread(): the test thread may block; the server keeps answering.
    void threaded()
    {
        auto server = std::make_unique<FaultServer>();
        QVERIFY(server->listenInThread());
        FaultServer::Resource res;
        res.body = m_data;
        server->setResource("/t", res);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(s.waitForConnected(5000));
        s.write(get("/t", "Connection: close\r\n"));
        QByteArray in;
        while (s.waitForReadyRead(5000)) // blocking: would deadlock a same-thread server
            in += s.readAll();
        Raw resp;
        QVERIFY(parseRaw(in + s.readAll(), resp));
        QCOMPARE(resp.body, m_data);
        QCOMPARE(server->requestCount("/t"), 1);

        // Destroying it tears down a stalled connection in its thread.
        server->queueFault("/t", fault(Kind::Stall, 10));
        QTcpSocket t;
        t.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(t.waitForConnected(5000));
        t.write(get("/t"));
        in.clear();
        while (!untilBody(10)(in) && t.waitForReadyRead(5000))
            in += t.readAll();
        QVERIFY(untilBody(10)(in));
        QCOMPARE(server->openConnections(), 1);
        server.reset();
        QVERIFY(t.state() == QAbstractSocket::UnconnectedState || t.waitForDisconnected(5000));
    }

    void fastLargeBody()
    {
        FaultServer::Resource res;
        res.body = bt::test::makeTestData(200 * 1024 * 1024, 9);
        m_server->setResource("/big", res);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(spin([&] { return s.state() == QAbstractSocket::ConnectedState; }));
        QElapsedTimer t;
        t.start();
        s.write(get("/big"));
        qint64 received = 0;
        QByteArray head;
        bool inBody = false;
        QVERIFY(spin(
            [&] {
                const QByteArray chunk = s.readAll();
                if (inBody) {
                    received += chunk.size();
                } else {
                    head += chunk;
                    const qsizetype end = head.indexOf("\r\n\r\n");
                    if (end >= 0) {
                        inBody = true;
                        received = head.size() - end - 4;
                    }
                }
                return received >= res.body.size();
            },
            60000));
        qInfo("200 MiB unthrottled: %lld ms", t.elapsed());
        QCOMPARE(received, qint64(res.body.size()));
    }
};

QTEST_GUILESS_MAIN(TestFaultServer)
#include "tst_faultserver.moc"
