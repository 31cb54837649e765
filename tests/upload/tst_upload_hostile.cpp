// Uploads against a hostile server (a QTcpServer stub on the test thread, 127.0.0.1): answers
// whose headers never end, header lines sent forever, redirects and tus upload addresses on
// another origin (which never get the credentials).
#include "FaultServer.h"
#include "RawServer.h"
#include "UploadHarness.h"
#include "UploadServers.h"
#include "upload/PutUpload.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace bt;

using bt::test::RawServer;

namespace {
// A minimal tus 1.0 server on a FaultServer: OPTIONS, creation (201 + `location`, or the
// `redirect` status to `redirectTo`), HEAD and PATCH of /files/1.
void serveTus(bt::test::FaultServer &server, QByteArray *stored, const QByteArray &location,
              int redirect = 0, const QByteArray &redirectTo = {})
{
    server.setHook([=](const bt::test::FaultServer::Request &r, QTcpSocket *s) {
        QByteArray head;
        if (r.method == "OPTIONS") {
            head = "HTTP/1.1 204 No Content\r\nTus-Resumable: 1.0.0\r\nTus-Version: 1.0.0\r\n"
                   "Tus-Extension: creation,termination\r\n";
        } else if (r.method == "POST" && redirect) {
            head = "HTTP/1.1 " + QByteArray::number(redirect) +
                   " Elsewhere\r\nLocation: " + redirectTo + "\r\n";
        } else if (r.method == "POST") {
            head = "HTTP/1.1 201 Created\r\nTus-Resumable: 1.0.0\r\nLocation: " + location + "\r\n";
        } else if (r.method == "PATCH") {
            stored->append(r.body);
            head = "HTTP/1.1 204 No Content\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: " +
                   QByteArray::number(stored->size()) + "\r\n";
        } else if (r.method == "HEAD") {
            head = "HTTP/1.1 200 OK\r\nTus-Resumable: 1.0.0\r\nCache-Control: no-store\r\n"
                   "Upload-Offset: " +
                   QByteArray::number(stored->size()) + "\r\n";
        } else {
            head = "HTTP/1.1 405 Method Not Allowed\r\n";
        }
        s->write(head + "Content-Length: 0\r\n\r\n");
        return true;
    });
}

bool carriesCredentials(const bt::test::FaultServer::Request &r)
{
    return r.headers.contains("authorization") || r.headers.contains("cookie");
}

QByteArray describe(const QList<bt::test::FaultServer::Request> &requests)
{
    QByteArray out;
    for (const auto &r : requests)
        out += r.method + ' ' + r.path + (carriesCredentials(r) ? " (credentials)\n" : "\n");
    return out;
}
} // namespace

class TstUploadHostile : public QObject
{
    Q_OBJECT
private:
    UploadRequest put(UploadHarness &h, const QUrl &url)
    {
        const QString path = h.tempPath(QStringLiteral("file.bin"));
        writeFile(path, randomBytes(1000, 7));
        UploadRequest r;
        r.sourcePath = path;
        r.url = url;
        r.method = UploadRequest::Method::Put;
        r.retryDelayMs = 50;
        r.retries = 0;
        r.stallTimeoutSec = 10;
        return r;
    }

private Q_SLOTS:
    void answerWithoutHeaderEndIsNoSuccess_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("status line only") << QByteArray("HTTP/1.1 204 No Content\r\n");
        QTest::newRow("unfinished headers") << QByteArray("HTTP/1.1 200 OK\r\nX: y\r\n");
    }
    void answerWithoutHeaderEndIsNoSuccess()
    {
        QFETCH(QByteArray, answer);
        RawServer server(answer, false);
        UploadHarness h;
        const UploadRun run = h.run(put(h, server.url(QStringLiteral("/f.bin"))));
        QVERIFY2(run.result.error.isError(), qPrintable(run.log()));
        QVERIFY2(run.result.error.message.contains(QLatin1String("response headers")),
                 qPrintable(run.result.error.message));
    }

    // libcurl 7.88 drops custom Authorization and Cookie headers on a hop to another origin
    // (here another port); this guards that the upload path keeps it so.
    void crossOriginRedirectDropsCredentials()
    {
        RawServer target("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", false);
        RawServer first("HTTP/1.1 307 Temporary Redirect\r\nLocation: " +
                            target.url(QStringLiteral("/x.bin")).toEncoded() +
                            "\r\nContent-Length: 0\r\n\r\n",
                        false);
        for (const bool bearer : {false, true}) {
            UploadHarness h;
            UploadRequest r = put(h, first.url(QStringLiteral("/f.bin")));
            if (bearer)
                r.bearerToken = QStringLiteral("tok");
            else
                r.user = QStringLiteral("alice:secret");
            r.headers = {{"Cookie", "c=1"}, {"Authorization", "Basic eDp5"}};
            if (bearer)
                r.headers.removeLast();
            const UploadRun run = h.run(r);
            QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message));
        }
        QCOMPARE(first.heads.size(), 2);
        QCOMPARE(target.heads.size(), 2);
        for (const QByteArray &head : first.heads)
            QVERIFY2(head.contains("Authorization:") && head.contains("Cookie:"), head);
        for (const QByteArray &head : target.heads) {
            QVERIFY2(!head.contains("Authorization") && !head.contains("Cookie"), head);
        }
    }

    // A tus upload whose address (the creation's Location, or where a 307 on the creation
    // POST points) is on another origin: followed, but without --user, Authorization or
    // Cookie; the same origin keeps them.
    void tusElsewhereGetsNoCredentials_data()
    {
        QTest::addColumn<int>("redirect");
        QTest::addColumn<bool>("elsewhere");
        QTest::newRow("Location on another origin") << 0 << true;
        QTest::newRow("307 on the creation POST") << 307 << true;
        QTest::newRow("308 on the creation POST") << 308 << true;
        QTest::newRow("Location on the same origin") << 0 << false;
    }

    void tusElsewhereGetsNoCredentials()
    {
        QFETCH(int, redirect);
        QFETCH(bool, elsewhere);
        bt::test::FaultServer origin;
        bt::test::FaultServer other;
        QVERIFY(origin.listen() && other.listen());
        QByteArray atOrigin;
        QByteArray atOther;
        bt::test::FaultServer &target = elsewhere ? other : origin;
        const QByteArray location = target.url("/files/1");
        if (redirect) {
            serveTus(origin, &atOrigin, {}, redirect, other.url("/create"));
            serveTus(other, &atOther, "/files/1"); // relative: resolved against `other`
        } else {
            serveTus(origin, &atOrigin, location);
            serveTus(other, &atOther, location);
        }
        UploadHarness h;
        QVERIFY(h.storeOk());
        const QString path = h.tempPath(QStringLiteral("file.bin"));
        const QByteArray data = randomBytes(1000, 9);
        QVERIFY(writeFile(path, data));
        UploadRequest r;
        r.sourcePath = path;
        r.url = QUrl(QString::fromLatin1(origin.url("/create")));
        r.retries = 0;
        r.user = QStringLiteral("alice:secret");
        r.headers = {{"Cookie", "sid=1"}, {"X-Trace", "t1"}};
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message));
        QCOMPARE(elsewhere ? atOther : atOrigin, data);
        QVERIFY2(!origin.requests().isEmpty(), describe(origin.requests()));
        for (const auto &rq : origin.requests()) {
            QVERIFY2(carriesCredentials(rq), describe(origin.requests()));
            QCOMPARE(rq.headers.value("x-trace"), QByteArray("t1"));
        }
        if (!elsewhere) {
            QVERIFY(other.requests().isEmpty());
            QVERIFY2(!run.log().contains(QStringLiteral("another origin")), qPrintable(run.log()));
            return;
        }
        QVERIFY2(other.requests().size() >= (redirect ? 2 : 1), describe(other.requests()));
        for (const auto &rq : other.requests()) {
            QVERIFY2(!carriesCredentials(rq), describe(other.requests()));
            QCOMPARE(rq.headers.value("x-trace"), QByteArray("t1"));
        }
        QVERIFY2(run.log().contains(QStringLiteral("another origin")), qPrintable(run.log()));
    }

    void endlessHeadersFailQuickly()
    {
        RawServer server("HTTP/1.1 200 OK\r\n", true);
        UploadHarness h;
        QElapsedTimer clock;
        clock.start();
        const UploadRun run = h.run(put(h, server.url(QStringLiteral("/f.bin"))));
        QVERIFY2(run.result.error.message.contains(QLatin1String("exceed 100 KiB")),
                 qPrintable(run.result.error.message));
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(server.written < 1024 * 1024); // stopped reading, not drained forever
    }
};

QTEST_MAIN(TstUploadHostile)
#include "tst_upload_hostile.moc"
