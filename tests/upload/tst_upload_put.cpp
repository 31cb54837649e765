// PutUpload against nginx's dav module and PostUpload against a Node.js form receiver, both
// real servers on 127.0.0.1; a fault-injecting proxy for cuts. Byte-exact results (sha256).
#include "UploadHarness.h"
#include "UploadServers.h"
#include "upload/PostUpload.h"
#include "upload/PutUpload.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace bt;

class TstUploadPut : public QObject
{
    Q_OBJECT
private:
    UploadRequest request(const QString &path, const QUrl &url,
                          UploadRequest::Method method = UploadRequest::Method::Put)
    {
        UploadRequest r;
        r.sourcePath = path;
        r.url = url;
        r.method = method;
        r.retryDelayMs = 50;
        r.stallTimeoutSec = 5;
        return r;
    }

    // The parts of a multipart/form-data body: name -> (headers, body).
    static QMap<QByteArray, QPair<QByteArray, QByteArray>> parseMultipart(const QByteArray &body,
                                                                          const QByteArray &type)
    {
        QMap<QByteArray, QPair<QByteArray, QByteArray>> parts;
        const int b = type.indexOf("boundary=");
        if (b < 0)
            return parts;
        QByteArray boundary = type.mid(b + 9);
        if (boundary.startsWith('"'))
            boundary = boundary.mid(1, boundary.indexOf('"', 1) - 1);
        const QByteArray delimiter = "--" + boundary;
        qsizetype pos = body.indexOf(delimiter);
        while (pos >= 0) {
            pos += delimiter.size();
            if (body.mid(pos, 2) == "--")
                break;
            pos += 2; // CRLF
            const qsizetype headerEnd = body.indexOf("\r\n\r\n", pos);
            const qsizetype next = body.indexOf("\r\n" + delimiter, headerEnd);
            if (headerEnd < 0 || next < 0)
                break;
            const QByteArray headers = body.mid(pos, headerEnd - pos);
            const QByteArray content = body.mid(headerEnd + 4, next - headerEnd - 4);
            const int n = headers.indexOf("name=\"");
            const QByteArray name = headers.mid(n + 6, headers.indexOf('"', n + 6) - n - 6);
            parts.insert(name, {headers, content});
            pos = next + 2;
        }
        return parts;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (NginxTestServer::nginxPath().isEmpty())
            QSKIP("nginx is not installed: the PUT/WebDAV tests need it");
    }

    void putByteExact()
    {
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(5 * 1024 * 1024 + 7, 21);
        const QString path = h.tempPath(QStringLiteral("report.pdf"));
        QVERIFY(writeFile(path, data));
        // create_full_put_path: nginx makes the parents itself.
        const UploadRun run =
            h.run(request(path, nginx.url(QStringLiteral("/dav/a/b/report.pdf"))));
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/a/b/report.pdf")), sha256(data));
        const auto record = h.store().load(run.result.id);
        QCOMPARE(record->state, TransferState::Completed);
        QCOMPARE(record->options.value(QStringLiteral("method")).toString(), QStringLiteral("put"));
    }

    void putCreatesParentsWithMkcol()
    {
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(300000, 22);
        const QString path = h.tempPath(QStringLiteral("notes.txt"));
        QVERIFY(writeFile(path, data));
        const UploadRun run =
            h.run(request(path, nginx.url(QStringLiteral("/strict/x/y%20z/notes.txt"))));
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QVERIFY2(run.log().contains(QLatin1String("MKCOL")), qPrintable(run.log()));
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/strict/x/y z/notes.txt")),
                 sha256(data));

        // Without createParents: nginx's answer (500) is the error, nothing is published.
        UploadRequest r = request(path, nginx.url(QStringLiteral("/strict/other/notes.txt")));
        r.createParents = false;
        r.retries = 0;
        const UploadRun refused = h.run(r);
        QCOMPARE(refused.result.error.httpStatus, 500);
        QVERIFY(!QFile::exists(nginx.root() + QStringLiteral("/strict/other")));
    }

    void putRetriesFromZeroAfterCut()
    {
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(6 * 1024 * 1024, 23);
        const QString path = h.tempPath(QStringLiteral("cut.bin"));
        QVERIFY(writeFile(path, data));
        {
            // A cut connection: Qt itself may resend the body once, from its start.
            CutProxy proxy(nginx.port());
            proxy.cutAfter(2 * 1024 * 1024);
            const UploadRun run =
                h.run(request(path, proxy.map(nginx.url(QStringLiteral("/dav/cut.bin")))));
            QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
            QVERIFY(proxy.triggered());
            QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/cut.bin")), sha256(data));
        }
        {
            // A stalled connection: our retry, from zero, and the log says so.
            CutProxy proxy(nginx.port());
            proxy.stallAfter(2 * 1024 * 1024, 10000);
            UploadRequest r = request(path, proxy.map(nginx.url(QStringLiteral("/dav/stall.bin"))));
            r.stallTimeoutSec = 1;
            const UploadRun run = h.run(r);
            QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
            QVERIFY(proxy.triggered());
            QVERIFY2(run.log().contains(QLatin1String("cannot resume")), qPrintable(run.log()));
            QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/stall.bin")), sha256(data));
        }
    }

    void rateLimitChangesWhileRunning()
    {
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(4 * 1024 * 1024, 28);
        const QString path = h.tempPath(QStringLiteral("limited.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, nginx.url(QStringLiteral("/dav/limited.bin")));
        r.rateLimit = 512 * 1024; // 8 s at this rate
        QElapsedTimer clock;
        clock.start();
        qint64 liftedAt = -1;
        const UploadRun run = h.run(r, [&](Upload *upload, const TransferProgress &p) {
            if (liftedAt < 0 && p.done >= 256 * 1024) {
                QVERIFY(p.done < 2 * 1024 * 1024); // the limit held so far
                liftedAt = clock.elapsed();
                upload->setRateLimit(0);
            }
        });
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message));
        QVERIFY(liftedAt >= 0);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/limited.bin")), sha256(data));
    }

    void rateLimitHoldsWithLargeReads()
    {
        // curl asks the body for up to 1 MiB at a time; the limiter still decides what goes out.
        // Its bucket starts empty, so by any moment at most rate x time can have been sent, and
        // the whole file takes at least size / rate: bounds that hold on any machine.
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const qint64 rate = 1024 * 1024;
        const QByteArray data = randomBytes(2 * rate, 30);
        const QString path = h.tempPath(QStringLiteral("paced.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, nginx.url(QStringLiteral("/dav/paced.bin")));
        r.rateLimit = rate;
        QElapsedTimer clock;
        clock.start();
        qint64 worst = LLONG_MIN; // the largest excess of sent bytes over the budget so far
        int samples = 0;
        const UploadRun run = h.run(r, [&](Upload *, const TransferProgress &p) {
            worst = qMax(worst, p.done - rate * (clock.elapsed() + 1) / 1000);
            ++samples;
        });
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message));
        QVERIFY2(worst <= 0, qPrintable(QString::number(worst)));
        QVERIFY(samples >= 4);
        QVERIFY2(elapsed >= data.size() * 1000 / rate, qPrintable(QString::number(elapsed)));
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/paced.bin")), sha256(data));
    }

    void putFollowsARedirectWithTheWholeBody()
    {
        // A 307 answered before the body was read: the body starts again (rewound) at the
        // new address, and what lands there is the whole file.
        const quint16 from = NginxTestServer::freePort();
        const quint16 to = NginxTestServer::freePort();
        QVERIFY(from != to);
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why, QStringLiteral(R"(
    server {
        listen 127.0.0.1:%1;
        client_max_body_size 0;
        location /go/ { return 307 http://127.0.0.1:%2/dav/moved.bin; }
    }
    server {
        listen 127.0.0.1:%2;
        root %DIR%/root;
        client_max_body_size 0;
        location /dav/ { dav_methods PUT; create_full_put_path on; }
    }
)")
                                       .arg(from)
                                       .arg(to)),
                 qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(5 * 1024 * 1024 + 11, 33);
        const QString path = h.tempPath(QStringLiteral("moved.bin"));
        QVERIFY(writeFile(path, data));
        const UploadRun run =
            h.run(request(path, QUrl(QStringLiteral("http://127.0.0.1:%1/go/x.bin").arg(from))));
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/moved.bin")), sha256(data));
    }

    void putTooLarge()
    {
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const QString path = h.tempPath(QStringLiteral("big.bin"));
        // Large enough that nginx answers 413 long before the body is sent.
        QVERIFY(writeFile(path, randomBytes(64 * 1024 * 1024, 24)));
        const UploadRun run = h.run(request(path, nginx.url(QStringLiteral("/small/big.bin"))));
        QCOMPARE(run.result.error.code, ErrorCode::HttpPermanent);
        QCOMPARE(run.result.error.httpStatus, 413);
        QVERIFY2(run.result.error.message.contains(QLatin1String("too large")),
                 qPrintable(run.result.error.message));
        QVERIFY(!QFile::exists(nginx.root() + QStringLiteral("/small/big.bin")));
    }

    void putCredentials()
    {
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(200000, 25);
        const QString path = h.tempPath(QStringLiteral("secret.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, nginx.url(QStringLiteral("/auth/secret.bin")));
        r.user = QStringLiteral("alice:wrong");
        const UploadRun bad = h.run(r);
        QCOMPARE(bad.result.error.code, ErrorCode::HttpPermanent);
        QCOMPARE(bad.result.error.httpStatus, 401);
        QVERIFY2(bad.result.error.message.contains(QLatin1String("credentials")),
                 qPrintable(bad.result.error.message));
        QVERIFY(!QFile::exists(nginx.root() + QStringLiteral("/auth/secret.bin")));

        r.user = QStringLiteral("alice:secret");
        const UploadRun good = h.run(r);
        QVERIFY2(!good.result.error.isError(), qPrintable(good.result.error.message));
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/auth/secret.bin")), sha256(data));
        // Credentials never reach the store.
        const auto record = h.store().load(good.result.id);
        QVERIFY(!QVariant(record->options).toString().contains(QLatin1String("secret")));
    }

    void putFileShrinkingDuringUpload()
    {
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(3 * 1024 * 1024, 26);
        const QString path = h.tempPath(QStringLiteral("shrinking.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, nginx.url(QStringLiteral("/dav/shrinking.bin")));
        r.rateLimit = 2 * 1024 * 1024;
        bool cut = false;
        const UploadRun run = h.run(r, [&](Upload *, const TransferProgress &p) {
            if (!cut && p.done >= 256 * 1024) {
                QVERIFY(QFile::resize(path, 1024 * 1024));
                cut = true;
            }
        });
        QCOMPARE(run.result.error.code, ErrorCode::Io);
        QVERIFY2(run.result.error.message.contains(QLatin1String("changed")),
                 qPrintable(run.result.error.message));
        // nginx publishes a PUT only once the whole body arrived.
        QVERIFY(!QFile::exists(nginx.root() + QStringLiteral("/dav/shrinking.bin")));
    }

    void postMultipart()
    {
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the form receiver runs on Node.js");
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        const QByteArray data = randomBytes(3 * 1024 * 1024 + 5, 27);
        const QString path = h.tempPath(QStringLiteral("photo \"1\".jpg"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, server.formUrl(), UploadRequest::Method::Post);
        r.postField = QStringLiteral("upload");
        r.postFields = {{QStringLiteral("title"), QStringLiteral("Holiday")},
                        {QStringLiteral("album"), QStringLiteral("2024")}};
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QFile raw(server.directory() + QStringLiteral("/form-1.raw"));
        QFile type(server.directory() + QStringLiteral("/form-1.type"));
        QVERIFY(raw.open(QIODevice::ReadOnly) && type.open(QIODevice::ReadOnly));
        const auto parts = parseMultipart(raw.readAll(), type.readAll());
        QCOMPARE(parts.value("title").second, QByteArray("Holiday"));
        QCOMPARE(parts.value("album").second, QByteArray("2024"));
        QVERIFY(parts.contains("upload"));
        QVERIFY2(parts.value("upload").first.contains("filename=\"photo \\\"1\\\".jpg\""),
                 parts.value("upload").first.constData());
        QVERIFY(parts.value("upload").first.contains("Content-Type: image/jpeg"));
        QCOMPARE(parts.value("upload").first.count("Content-Disposition"), 1);
        QCOMPARE(parts.value("upload").first.count("Content-Type"), 1);
        QVERIFY(!parts.value("title").first.contains("Content-Type"));
        QCOMPARE(sha256(parts.value("upload").second), sha256(data));

        // Rate limited: the file part pauses whenever the limit is reached, and resumes.
        r.rateLimit = 4 * 1024 * 1024;
        const UploadRun limited = h.run(r);
        QVERIFY2(!limited.result.error.isError(),
                 qPrintable(limited.result.error.message + limited.log()));
        QFile raw2(server.directory() + QStringLiteral("/form-2.raw"));
        QFile type2(server.directory() + QStringLiteral("/form-2.type"));
        QVERIFY(raw2.open(QIODevice::ReadOnly) && type2.open(QIODevice::ReadOnly));
        QCOMPARE(sha256(parseMultipart(raw2.readAll(), type2.readAll()).value("upload").second),
                 sha256(data));
    }

    void badSources()
    {
        UploadHarness h;
        const QUrl url(QStringLiteral("http://127.0.0.1:9/dav/x"));
        const UploadRun missing = h.run(request(h.tempPath(QStringLiteral("nope")), url));
        QCOMPARE(missing.result.error.code, ErrorCode::NotFound);

        // A folder: tus and POST need an archive format; an unknown format is refused.
        QTemporaryDir folderDir;
        const UploadRun folder = h.run(request(folderDir.path(), url, UploadRequest::Method::Tus));
        QCOMPARE(folder.result.error.code, ErrorCode::InvalidArgument);
        QVERIFY(folder.result.error.message.contains(QLatin1String("folder")));
        UploadRequest rar = request(folderDir.path(), url, UploadRequest::Method::Post);
        rar.archiveFormat = QStringLiteral("rar");
        const UploadRun badFormat = h.run(rar);
        QCOMPARE(badFormat.result.error.code, ErrorCode::InvalidArgument);
        QVERIFY(badFormat.result.error.message.contains(QLatin1String("rar")));

        const QString fifo = h.tempPath(QStringLiteral("fifo"));
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        const UploadRun pipe = h.run(request(fifo, url));
        QCOMPARE(pipe.result.error.code, ErrorCode::InvalidArgument);
        QVERIFY(pipe.result.error.message.contains(QLatin1String("not a regular file")));

        const UploadRun notHttp = h.run(request(fifo, QUrl(QStringLiteral("ftp://127.0.0.1/x"))));
        QCOMPARE(notHttp.result.error.code, ErrorCode::InvalidArgument);

        if (::geteuid() != 0) { // root reads anything: only checkable as a normal user
            const QString locked = h.tempPath(QStringLiteral("locked"));
            QVERIFY(writeFile(locked, "x"));
            QFile::setPermissions(locked, QFileDevice::WriteOwner);
            const UploadRun denied = h.run(request(locked, url));
            QCOMPARE(denied.result.error.code, ErrorCode::PermissionDenied);
        }
    }
};

QTEST_GUILESS_MAIN(TstUploadPut)
#include "tst_upload_put.moc"
