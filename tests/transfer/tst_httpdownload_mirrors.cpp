// HttpDownload from several mirrors: a server's Link: rel=duplicate (RFC 6249), mirrors that
// fail or serve another size (dropped, their segments fetched elsewhere), and piece hashes
// whose checkpoints count only checked pieces (a stop resumes without trusting the rest).
#include "DownloadHarness.h"

#include <QCryptographicHash>

using namespace bt;
using namespace bt::test;

namespace {
constexpr qint64 kPiece = 256 * 1024;

FaultServer::Resource throttledBody(const QByteArray &body, qint64 bytesPerSecond)
{
    FaultServer::Resource r = resource(body);
    r.bytesPerSecond = bytesPerSecond;
    return r;
}

PieceHashes piecesOf(const QByteArray &body)
{
    PieceHashes p;
    p.length = kPiece;
    for (qint64 at = 0; at < body.size(); at += kPiece)
        p.hashes.append(QCryptographicHash::hash(body.mid(at, kPiece), QCryptographicHash::Sha256));
    return p;
}
} // namespace

class TestHttpDownloadMirrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void linkDuplicatesAreUsedAndABrokenOneDropped()
    {
        Harness h;
        QVERIFY(h.ok());
        FaultServer mirror;
        FaultServer missing;
        QVERIFY(mirror.listen());
        QVERIFY(missing.listen());
        const QByteArray data = makeTestData(3 * 1024 * 1024 + 77, 61);
        FaultServer::Resource origin = throttledBody(data, 1 << 20);
        origin.extraHeaders.append(
            {"Link", "<" + mirror.url("/copy.bin") + ">; rel=duplicate; pri=1, <" +
                         missing.url("/gone.bin") + ">; rel=\"duplicate\"; pri=2, " +
                         "<http://127.0.0.1:1/x>; rel=describedby"});
        origin.digest = "auto"; // the whole file is checked at the end
        h.server.setResource("/f.bin", origin);
        mirror.setResource("/copy.bin", throttledBody(data, 1 << 20));

        DownloadRequest req = h.request("/f.bin");
        req.connections = 3;
        req.minSegmentSize = 256 * 1024;
        const RunResult r = h.run(req, 60000);
        QVERIFY2(!r.result.error.isError(), qPrintable(r.result.error.message));
        QCOMPARE(fileSha256Hex(h.path(QStringLiteral("f.bin"))), sha256Hex(data));
        QCOMPARE(h.files(), QStringList{QStringLiteral("f.bin")});
        // The duplicate served ranges beside the origin; the missing one was dropped by name.
        QVERIFY(mirror.requestCount("/copy.bin") > 0);
        for (const FaultServer::Request &rq : mirror.requests())
            QVERIFY(rq.headers.value("range").startsWith("bytes="));
        QCOMPARE(missing.requestCount("/gone.bin"), 1);
        QCOMPARE(r.result.droppedMirrors.size(), 1);
        QVERIFY2(r.result.droppedMirrors.first().contains(QLatin1String("404")),
                 qPrintable(r.result.droppedMirrors.first()));
        QVERIFY(r.messages.join(QLatin1Char('\n')).contains(QLatin1String("names a mirror")));
    }

    void mirrorOfAnotherSizeIsDropped()
    {
        Harness h;
        QVERIFY(h.ok());
        FaultServer other;
        QVERIFY(other.listen());
        const QByteArray data = makeTestData(2 * 1024 * 1024 + 5, 62);
        h.server.setResource("/f.bin", throttledBody(data, 1 << 20));
        other.setResource("/f.bin", throttledBody(data.left(data.size() - 1000), 1 << 20));
        DownloadRequest req = h.request("/f.bin");
        req.mirrors = {QUrl(QString::fromLatin1(other.url("/f.bin")))};
        req.connections = 2;
        req.expectedSize = data.size();
        req.pieces = piecesOf(data);
        const RunResult r = h.run(req, 60000);
        QVERIFY2(!r.result.error.isError(), qPrintable(r.result.error.message));
        QCOMPARE(fileSha256Hex(h.path(QStringLiteral("f.bin"))), sha256Hex(data));
        QVERIFY(other.requestCount("/f.bin") > 0);
        QCOMPARE(r.result.droppedMirrors.size(), 1);
        QVERIFY(
            r.result.droppedMirrors.first().startsWith(QString::fromLatin1(other.url("/f.bin"))));
    }

    void firstMirrorDownTheNextAnswers()
    {
        Harness h;
        QVERIFY(h.ok());
        FaultServer gone;
        QVERIFY(gone.listen());
        const QByteArray data = makeTestData(300000, 65);
        h.server.setResource("/f.bin", resource(data));
        FaultServer::Fault unavailable;
        unavailable.kind = FaultServer::Fault::Kind::Status;
        unavailable.status = 503;
        gone.setPersistentFault("/f.bin", unavailable);
        DownloadRequest req = h.request("/f.bin");
        req.url = QUrl(QString::fromLatin1(gone.url("/f.bin")));
        req.fileName = QStringLiteral("f.bin");
        req.mirrors = {QUrl(QString::fromLatin1(h.server.url("/f.bin")))};
        req.retryDelayMs = 5000; // a backoff would show in the time taken
        const RunResult r = h.run(req, 30000);
        QVERIFY2(!r.result.error.isError(), qPrintable(r.result.error.message));
        QCOMPARE(fileSha256Hex(h.path(QStringLiteral("f.bin"))), sha256Hex(data));
        QCOMPARE(gone.requestCount("/f.bin"), 1);
        QVERIFY2(r.elapsedMs < 4000, qPrintable(QString::number(r.elapsedMs)));
    }

    void everyMirrorOfTheWrongSizeFails()
    {
        Harness h;
        QVERIFY(h.ok());
        const QByteArray data = makeTestData(100000, 63);
        h.server.setResource("/f.bin", resource(data));
        DownloadRequest req = h.request("/f.bin");
        req.expectedSize = data.size() + 1;
        const RunResult r = h.run(req);
        QCOMPARE(r.result.error.code, ErrorCode::Integrity);
        QVERIFY(h.files().isEmpty());
    }

    void stopKeepsOnlyCheckedPieces()
    {
        Harness h;
        QVERIFY(h.ok());
        FaultServer second;
        QVERIFY(second.listen());
        const QByteArray data = makeTestData(4 * 1024 * 1024 + 999, 64);
        h.server.setResource("/f.bin", throttledBody(data, 512 * 1024));
        second.setResource("/f.bin", throttledBody(data, 512 * 1024));
        DownloadRequest req = h.request("/f.bin");
        req.mirrors = {QUrl(QString::fromLatin1(second.url("/f.bin")))};
        req.connections = 2;
        req.expectedSize = data.size();
        req.pieces = piecesOf(data);
        req.checksums = {
            http::DigestValue{QCryptographicHash::Sha256,
                              QCryptographicHash::hash(data, QCryptographicHash::Sha256)}};
        // Stopped once about a megabyte arrived (a checkpoint mid-download).
        const RunResult stopped = h.run(req, 30000, [](HttpDownload *d) {
            QObject::connect(d, &HttpDownload::progress, d, [d](const TransferProgress &p) {
                if (p.done >= (1 << 20))
                    d->stop();
            });
        });
        QCOMPARE(stopped.result.error.code, ErrorCode::Cancelled);
        const auto row = h.store().load(h.store().rowFor(req));
        QVERIFY(row.has_value());
        qint64 kept = 0;
        for (const SegmentState &s : row->segments) {
            kept += s.done;
            // A done run is whole pieces (or ends at the file's end): nothing unchecked.
            QCOMPARE(s.start % kPiece, 0);
            QVERIFY((s.start + s.done) % kPiece == 0 || s.start + s.done == data.size());
        }
        QVERIFY(kept > 0);
        QVERIFY(kept < data.size());

        h.server.setResource("/f.bin", resource(data));
        second.setResource("/f.bin", resource(data));
        const RunResult resumed = h.run(req, 30000);
        QVERIFY2(!resumed.result.error.isError(), qPrintable(resumed.result.error.message));
        QCOMPARE(fileSha256Hex(h.path(QStringLiteral("f.bin"))), sha256Hex(data));
        QVERIFY(resumed.messages.join(QLatin1Char('\n')).contains(QLatin1String("Resuming")));
    }
};

QTEST_GUILESS_MAIN(TestHttpDownloadMirrors)
#include "tst_httpdownload_mirrors.moc"
