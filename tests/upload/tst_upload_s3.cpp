// S3Upload against a real S3 server (s3rver 3.7.1, tests/servers/s3, with SigV4 signatures
// and Content-MD5 checked by the AWS SDK's signer in front) on 127.0.0.1: the stored object
// must be byte-exact, and a resumed upload must send only the parts the server lacks.
#include "UploadHarness.h"
#include "UploadServers.h"
#include "upload/S3Upload.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace bt;

namespace {
constexpr qint64 MiB = 1024 * 1024;

// The part numbers of the UploadPart requests in a request log.
QList<int> partsSent(const QStringList &requests, const QString &uploadId = {})
{
    static const QRegularExpression re(
        QStringLiteral("^PUT \\S+\\?partNumber=(\\d+)&uploadId=(\\S+) "));
    QList<int> parts;
    for (const QString &line : requests) {
        const auto m = re.match(line);
        if (m.hasMatch() && (uploadId.isEmpty() || m.captured(2) == uploadId))
            parts.append(m.captured(1).toInt());
    }
    return parts;
}

int countMatching(const QStringList &requests, const QString &prefix)
{
    int n = 0;
    for (const QString &line : requests)
        n += line.startsWith(prefix) ? 1 : 0;
    return n;
}

// The part numbers the row says are confirmed.
QSet<int> storedParts(const TransferRecord &record)
{
    QSet<int> parts;
    for (const QVariant &p : record.options.value(QStringLiteral("s3Parts")).toList())
        parts.insert(p.toList().value(0).toInt());
    return parts;
}

// Runs `request` until the store holds `parts` confirmed parts, then `action` (stop, cancel).
UploadRun runUntilStored(UploadHarness &h, const UploadRequest &request, int parts,
                         void (Transfer::*action)())
{
    return h.run(request, [&h, parts, action](Upload *u, const TransferProgress &p) {
        const auto row = h.store().load(p.id);
        if (row && storedParts(*row).size() >= parts)
            (u->*action)();
    });
}
} // namespace

class TstUploadS3 : public QObject
{
    Q_OBJECT
private:
    S3TestServer m_server;

    UploadRequest request(const QString &path, const QString &target)
    {
        UploadRequest r;
        r.sourcePath = path;
        r.url = QUrl(target);
        r.method = UploadRequest::Method::S3;
        r.s3Endpoint = m_server.endpoint().toString();
        r.retryDelayMs = 50;
        r.stallTimeoutSec = 5;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the S3 server (s3rver) cannot run");
        QString why;
        QVERIFY2(m_server.start(&why, {QStringLiteral("bucket")}), qPrintable(why));
        // The server's keys, and nothing of this machine's AWS setup.
        clearAwsSetup();
        qputenv("AWS_ACCESS_KEY_ID", "S3RVER");
        qputenv("AWS_SECRET_ACCESS_KEY", "S3RVER");
    }

    void init() { m_server.clearRequests(); }

    void smallFileInOnePut()
    {
        UploadHarness h;
        const QByteArray data = randomBytes(3 * MiB + 7, 1);
        const QString path = h.tempPath(QStringLiteral("small file.bin"));
        QVERIFY(writeFile(path, data));
        const UploadRun run = h.run(request(path, QStringLiteral("s3://bucket/docs/")));
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QCOMPARE(sha256(m_server.object(QStringLiteral("bucket"),
                                        QStringLiteral("docs/small file.bin"))),
                 sha256(data));
        const QStringList requests = m_server.requests();
        QCOMPARE(requests.size(), 1);
        QVERIFY2(requests.first().startsWith(QLatin1String("PUT /bucket/docs/small%20file.bin ")),
                 qPrintable(requests.join(QLatin1Char('\n'))));
        QCOMPARE(h.store().load(run.result.id)->state, TransferState::Completed);
    }

    void multipartInParallel()
    {
        UploadHarness h;
        const QByteArray data = randomBytes(23 * MiB + 11, 2);
        const QString path = h.tempPath(QStringLiteral("big.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, QStringLiteral("s3://bucket/big/a b+c!(1).bin"));
        r.partSize = 5 * MiB;
        r.parallelParts = 4;
        // About 2 s: the progress snapshots (4 a second) see the parts run side by side.
        r.rateLimit = 12 * MiB;
        int mostAtOnce = 0;
        const UploadRun run = h.run(r, [&mostAtOnce](Upload *, const TransferProgress &p) {
            mostAtOnce = qMax(mostAtOnce, p.connections);
        });
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QCOMPARE(
            sha256(m_server.object(QStringLiteral("bucket"), QStringLiteral("big/a b+c!(1).bin"))),
            sha256(data));
        const QStringList requests = m_server.requests();
        QList<int> parts = partsSent(requests);
        std::sort(parts.begin(), parts.end());
        QCOMPARE(parts, (QList<int>{1, 2, 3, 4, 5}));
        QCOMPARE(countMatching(requests, QStringLiteral(
                                             "POST /bucket/big/a%20b%2Bc%21%281%29.bin?uploads= ")),
                 1);
        QVERIFY2(mostAtOnce >= 2, qPrintable(QString::number(mostAtOnce)));
        QVERIFY(mostAtOnce <= 4);
    }

    void resumesWithTheMissingPartsOnly()
    {
        UploadHarness h;
        const QByteArray data = randomBytes(30 * MiB, 3);
        const QString path = h.tempPath(QStringLiteral("resume.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, QStringLiteral("s3://bucket/resume.bin"));
        r.partSize = 5 * MiB;
        r.parallelParts = 2;
        r.rateLimit = 12 * MiB;
        const UploadRun first = runUntilStored(h, r, 2, &Transfer::stop);
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        const auto stopped = h.store().load(first.result.id);
        const QSet<int> confirmed = storedParts(*stopped);
        QVERIFY(confirmed.size() >= 2 && confirmed.size() < 6);
        const QString uploadId = stopped->options.value(QStringLiteral("s3UploadId")).toString();
        QVERIFY(!uploadId.isEmpty());
        QVERIFY(stopped->uploadUrl.contains(uploadId));

        m_server.clearRequests();
        r.rateLimit = 0;
        const UploadRun second = h.run(r);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        QCOMPARE(second.result.id, first.result.id);
        const QStringList requests = m_server.requests();
        QCOMPARE(countMatching(requests, QStringLiteral("POST /bucket/resume.bin?uploads=")), 0);
        QList<int> sent = partsSent(requests, uploadId);
        for (int n : sent)
            QVERIFY2(!confirmed.contains(n),
                     qPrintable(QStringLiteral("part %1 sent again").arg(n)));
        QCOMPARE(sent.size() + confirmed.size(), 6);
        QCOMPARE(sha256(m_server.object(QStringLiteral("bucket"), QStringLiteral("resume.bin"))),
                 sha256(data));
        QVERIFY2(second.log().contains(QLatin1String("does not list the parts")),
                 qPrintable(second.log()));
    }

    void changedFileStartsANewUpload()
    {
        UploadHarness h;
        const QByteArray before = randomBytes(12 * MiB, 4);
        const QString path = h.tempPath(QStringLiteral("changed.bin"));
        QVERIFY(writeFile(path, before));
        UploadRequest r = request(path, QStringLiteral("s3://bucket/changed.bin"));
        r.partSize = 5 * MiB;
        r.parallelParts = 1;
        r.rateLimit = 8 * MiB;
        const UploadRun first = runUntilStored(h, r, 1, &Transfer::stop);
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        const QString oldId =
            h.store().load(first.result.id)->options.value(QStringLiteral("s3UploadId")).toString();
        QVERIFY(!oldId.isEmpty());

        const QByteArray after = randomBytes(12 * MiB, 5); // same size, new content and mtime
        QTest::qWait(20);
        QVERIFY(writeFile(path, after));
        m_server.clearRequests();
        r.rateLimit = 0;
        const UploadRun second = h.run(r);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        const QStringList requests = m_server.requests();
        QCOMPARE(
            countMatching(requests, QStringLiteral("DELETE /bucket/changed.bin?uploadId=") + oldId),
            1);
        QCOMPARE(countMatching(requests, QStringLiteral("POST /bucket/changed.bin?uploads=")), 1);
        QVERIFY(partsSent(requests, oldId).isEmpty());
        QCOMPARE(partsSent(requests).size(), 3);
        QCOMPARE(sha256(m_server.object(QStringLiteral("bucket"), QStringLiteral("changed.bin"))),
                 sha256(after));
    }

    void cancelAbortsTheUpload()
    {
        UploadHarness h;
        const QByteArray data = randomBytes(15 * MiB, 6);
        const QString path = h.tempPath(QStringLiteral("cancel.bin"));
        QVERIFY(writeFile(path, data));
        UploadRequest r = request(path, QStringLiteral("s3://bucket/cancel.bin"));
        r.partSize = 5 * MiB;
        r.parallelParts = 1;
        r.rateLimit = 8 * MiB;
        const UploadRun run = runUntilStored(h, r, 1, &Transfer::cancel);
        QCOMPARE(run.result.error.code, ErrorCode::Cancelled);
        const QStringList requests = m_server.requests();
        QCOMPARE(countMatching(requests, QStringLiteral("DELETE /bucket/cancel.bin?uploadId=")), 1);
        const auto row = h.store().load(run.result.id);
        QVERIFY(row->uploadUrl.isEmpty());
        QVERIFY(!row->options.contains(QStringLiteral("s3UploadId")));
        QVERIFY(m_server.object(QStringLiteral("bucket"), QStringLiteral("cancel.bin")).isEmpty());
    }

    void wrongSecretIsRefused()
    {
        qputenv("AWS_SECRET_ACCESS_KEY", "not-the-secret");
        UploadHarness h;
        const QString path = h.tempPath(QStringLiteral("secret.bin"));
        QVERIFY(writeFile(path, randomBytes(12 * MiB, 7)));
        const UploadRun run = h.run(request(path, QStringLiteral("s3://bucket/secret.bin")));
        qputenv("AWS_SECRET_ACCESS_KEY", "S3RVER");
        QCOMPARE(run.result.error.code, ErrorCode::HttpPermanent);
        QCOMPARE(run.result.error.httpStatus, 403);
        QVERIFY2(run.result.error.message.contains(QLatin1String("SignatureDoesNotMatch")) &&
                     run.result.error.message.contains(QLatin1String("secret access key")),
                 qPrintable(run.result.error.message));
        QVERIFY(!run.result.error.message.contains(QLatin1String("not-the-secret")));
        QCOMPARE(countMatching(m_server.requests(), QStringLiteral("POST")), 1); // no retries
        QVERIFY(m_server.objectKeys(QStringLiteral("bucket"))
                    .filter(QStringLiteral("secret"))
                    .isEmpty());
    }

    void missingBucketIsNamed()
    {
        UploadHarness h;
        const QString path = h.tempPath(QStringLiteral("nobucket.bin"));
        QVERIFY(writeFile(path, randomBytes(1000, 8)));
        const UploadRun run = h.run(request(path, QStringLiteral("s3://no-such-bucket/x.bin")));
        QCOMPARE(run.result.error.code, ErrorCode::HttpPermanent);
        QCOMPARE(run.result.error.httpStatus, 404);
        QVERIFY2(run.result.error.message.contains(
                     QLatin1String("the bucket no-such-bucket does not exist")),
                 qPrintable(run.result.error.message));
    }

    void secretNeverStored()
    {
        UploadHarness h;
        const QString path = h.tempPath(QStringLiteral("stored.bin"));
        QVERIFY(writeFile(path, randomBytes(11 * MiB, 9)));
        UploadRequest r = request(path, QStringLiteral("s3://bucket/stored.bin"));
        r.partSize = 5 * MiB;
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message));
        const TransferRecord row = *h.store().load(run.result.id);
        const QString all = row.uploadUrl + row.url.toString() + row.destination +
                            QString::fromUtf8(QJsonDocument::fromVariant(row.options).toJson());
        QVERIFY2(!all.contains(QLatin1String("S3RVER")), qPrintable(all)); // key id nor secret
        QVERIFY(!run.log().contains(QLatin1String("S3RVER")));
    }
};

QTEST_GUILESS_MAIN(TstUploadS3)
#include "tst_upload_s3.moc"
