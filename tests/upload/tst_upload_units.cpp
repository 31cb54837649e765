// Units of the upload layer without a server: the tus helpers, the WebDAV and multipart
// helpers, and FileBodyDevice (ranges, seeking, a file changing under it, bounded memory).
#include "UploadServers.h"
#include "net/RemoteFileProtocol.h"
#include "upload/FileBodyDevice.h"
#include "upload/PostUpload.h"
#include "upload/PutUpload.h"
#include "upload/RemoteFileUpload.h"
#include "upload/TusProtocol.h"
#include "upload/UploadRequestCodec.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace bt;

namespace {
qint64 peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}
} // namespace

class TstUploadUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tusMetadata()
    {
        QCOMPARE(tus::encodeMetadata(
                     {{"filename", "world_domination_plan.pdf"}, {"is_confidential", ""}}),
                 QByteArray("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential"));
        // Bad keys (space, comma, empty) are dropped rather than breaking the header.
        QCOMPARE(tus::encodeMetadata({{"a b", "x"}, {"", "y"}, {"c,d", "z"}, {"ok", "\xc3\xa9"}}),
                 QByteArray("ok w6k="));
    }

    void tusServerInfo()
    {
        const tus::ServerInfo info = tus::parseServerInfo(
            "1.0.0,0.2.2", "creation,expiration , termination,checksum", "1073741824", "SHA1, md5");
        QVERIFY(info.known);
        QVERIFY(info.supportsVersion());
        QVERIFY(info.has("termination"));
        QVERIFY(info.has("checksum"));
        QVERIFY(!info.has("concatenation"));
        QCOMPARE(info.maxSize, qint64(1073741824));
        QCOMPARE(info.checksumAlgorithms, (QByteArrayList{"sha1", "md5"}));

        const tus::ServerInfo old = tus::parseServerInfo("0.2.2", "", "", "");
        QVERIFY(!old.supportsVersion());
        const tus::ServerInfo none = tus::parseServerInfo("", "", "x", "");
        QVERIFY(!none.known);
        QVERIFY(none.supportsVersion()); // unknown: try anyway
        QCOMPARE(none.maxSize, qint64(-1));
    }

    void tusNumbersAndDates()
    {
        QCOMPARE(tus::parseOffset("0"), qint64(0));
        QCOMPARE(tus::parseOffset("70"), qint64(70));
        QCOMPARE(tus::parseOffset("-1"), qint64(-1));
        QCOMPARE(tus::parseOffset("1e3"), qint64(-1));
        QCOMPARE(tus::parseOffset(""), qint64(-1));
        QCOMPARE(tus::parseOffset("99999999999999999999"), qint64(-1));
        const QDateTime expires = tus::parseExpires("Wed, 25 Jun 2014 16:00:00 GMT");
        QVERIFY(expires.isValid());
        QCOMPARE(expires, QDateTime(QDate(2014, 6, 25), QTime(16, 0), QTimeZone::utc()));
        QVERIFY(!tus::parseExpires("tomorrow").isValid());
        QCOMPARE(tus::checksumHeader(
                     "sha1", QByteArray::fromHex("a9993e364706816aba3e25717850c26c9cd0d89d")),
                 QByteArray("sha1 qZk+NkcGgWq6PiVxeFDCbJzQ2J0="));
    }

    void webdavParents()
    {
        const QList<QUrl> parents = PutUpload::parentCollections(
            QUrl(QStringLiteral("https://h:8443/a/b%20c/d/f.txt?x=1")));
        QCOMPARE(parents.size(), 3);
        QCOMPARE(parents.at(0).toString(), QStringLiteral("https://h:8443/a/"));
        QCOMPARE(parents.at(1).toString(QUrl::FullyEncoded),
                 QStringLiteral("https://h:8443/a/b%20c/"));
        QCOMPARE(parents.at(2).toString(QUrl::FullyEncoded),
                 QStringLiteral("https://h:8443/a/b%20c/d/"));
        QVERIFY(PutUpload::parentCollections(QUrl(QStringLiteral("http://h/f.txt"))).isEmpty());
    }

    void remoteFileNames()
    {
        // A folder URL gets the name; the bytes go to NAME.part beside it.
        const QUrl dir(QStringLiteral("sftp://ann@h:2222/srv/in box/"));
        const QUrl target = RemoteFileUpload::targetUrl(dir, QStringLiteral("a \"b\".txt"));
        QCOMPARE(target.path(), QStringLiteral("/srv/in box/a \"b\".txt"));
        QCOMPARE(RemoteFileUpload::targetUrl(QUrl(QStringLiteral("ftp://h")), QStringLiteral("f"))
                     .toString(),
                 QStringLiteral("ftp://h/f"));
        QCOMPARE(
            RemoteFileUpload::targetUrl(QUrl(QStringLiteral("ftp://h/x.bin")), QStringLiteral("f"))
                .path(),
            QStringLiteral("/x.bin"));
        const QUrl part = RemoteFileUpload::partUrl(target);
        QCOMPARE(part.fileName(), QStringLiteral("a \"b\".txt.part"));
        // SFTP: absolute, quoted, \ and " escaped; rm first (a rename does not replace).
        QCOMPARE(RemoteFileProtocol::renameCommands(part, target),
                 (QList<QByteArray>{"*rm \"/srv/in box/a \\\"b\\\".txt\"",
                                    "rename \"/srv/in box/a \\\"b\\\".txt.part\" "
                                    "\"/srv/in box/a \\\"b\\\".txt\""}));
        // FTP: in the folder curl changed into, the rest of the line is the name.
        QCOMPARE(RemoteFileProtocol::renameCommands(QUrl(QStringLiteral("ftp://h/d/a b.part")),
                                                    QUrl(QStringLiteral("ftp://h/d/a b"))),
                 (QList<QByteArray>{"RNFR a b.part", "RNTO a b"}));
        QVERIFY(RemoteFileProtocol::checkUploadUrl(QUrl(QStringLiteral("ftp://h/d/f"))).isEmpty());
        for (const char *bad : {"ftp://h/d/", "http://h/f", "ftp:///f", "ftp://h/a%0D%0ADELE%20x"})
            QVERIFY2(!RemoteFileProtocol::checkUploadUrl(QUrl(QString::fromLatin1(bad))).isEmpty(),
                     bad);
    }

    void formDisposition()
    {
        QCOMPARE(PostUpload::dispositionFor(QStringLiteral("title")),
                 QByteArray("form-data; name=\"title\""));
        QCOMPARE(
            PostUpload::dispositionFor(QStringLiteral("file"), QStringLiteral("a \"b\"\r\n\\.txt")),
            QByteArray("form-data; name=\"file\"; filename=\"a \\\"b\\\"\\\\.txt\""));
    }

    void requestCodec()
    {
        UploadRequest r;
        r.sourcePath = QStringLiteral("/data/film.mkv");
        r.url = QUrl(QStringLiteral("https://up.example/form"));
        r.method = UploadRequest::Method::Post;
        r.archiveFormat = QStringLiteral("TGZ");
        r.postField = QStringLiteral("media");
        r.postFields = {{QStringLiteral("title"), QStringLiteral("A film")}};
        r.remoteName = QStringLiteral("film.mkv");
        r.headers = {{"X-Tag", "1"}, {"authorization", "Basic c2VjcmV0"}, {"Cookie", "s=1"}};
        r.user = QStringLiteral("alice:secret");
        r.bearerToken = QStringLiteral("token");
        r.retries = 3;
        r.stallTimeoutSec = 7;
        r.createParents = false;
        r.caCertFile = QStringLiteral("/etc/my-ca.pem");
        TransferRecord row = uploadcodec::toRecord(r);
        row.id = 42;
        QCOMPARE(row.direction, TransferDirection::Upload);
        const QByteArray stored = QJsonDocument::fromVariant(row.options).toJson();
        QVERIFY2(!stored.contains("secret") && !stored.contains("token") &&
                     !stored.contains("s=1") && !stored.contains("c2VjcmV0"),
                 stored.constData());
        const UploadRequest back = uploadcodec::fromRecord(row);
        QCOMPARE(back.recordId, qint64(42));
        QCOMPARE(back.sourcePath, r.sourcePath);
        QCOMPARE(back.url, r.url);
        QCOMPARE(back.method, UploadRequest::Method::Post);
        QCOMPARE(back.archiveFormat, QStringLiteral("tar.gz"));
        QCOMPARE(back.postField, r.postField);
        QCOMPARE(back.postFields, r.postFields);
        QCOMPARE(back.remoteName, r.remoteName);
        QCOMPARE(back.headers.size(), 1);
        QCOMPARE(back.headers.first().first, QByteArray("X-Tag"));
        QVERIFY(back.user.isEmpty() && back.bearerToken.isEmpty());
        QCOMPARE(back.retries, 3);
        QCOMPARE(back.stallTimeoutSec, 7);
        QCOMPARE(back.createParents, false);
        QCOMPARE(back.caCertFile, r.caCertFile);
    }

    void bodyRangeAndSeek()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("data"));
        const QByteArray data = randomBytes(3 * 1024 * 1024 + 17, 31);
        QVERIFY(writeFile(path, data));
        qint64 size = 0, mtime = 0;
        QVERIFY(FileBodyDevice::statFile(path, &size, &mtime, nullptr));
        QCOMPARE(size, qint64(data.size()));

        FileBodyDevice whole(path, 0, size, size, mtime);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        QVERIFY(!whole.isSequential());
        QCOMPARE(whole.size(), size);
        QByteArray got;
        while (!whole.atEnd()) {
            const QByteArray chunk = whole.read(16384);
            QVERIFY(!chunk.isEmpty());
            got += chunk;
        }
        QCOMPARE(sha256(got), sha256(data));

        const qint64 offset = 1000003, length = 1500000;
        FileBodyDevice range(path, offset, length, size, mtime);
        QVERIFY(range.open(QIODevice::ReadOnly));
        QCOMPARE(range.size(), length);
        QCOMPARE(range.readAll(), data.mid(offset, length));
        QVERIFY(range.seek(10)); // QNAM rewinds to resend
        QCOMPARE(range.read(100), data.mid(offset + 10, 100));
        QVERIFY(range.reset());
        QCOMPARE(range.read(5), data.mid(offset, 5));
    }

    void bodyDetectsChanges()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("data"));
        const QByteArray data = randomBytes(512 * 1024, 32);
        QVERIFY(writeFile(path, data));
        qint64 size = 0, mtime = 0;
        QVERIFY(FileBodyDevice::statFile(path, &size, &mtime, nullptr));

        { // grows: the last byte is never handed out
            FileBodyDevice body(path, 0, size, size, mtime);
            QVERIFY(body.open(QIODevice::ReadOnly));
            QCOMPARE(body.read(1000).size(), 1000);
            QFile f(path);
            QVERIFY(f.open(QIODevice::Append));
            f.write("tail");
            f.close();
            const QByteArray rest = body.read(size);
            QCOMPARE(rest.size(), 0);
            QCOMPARE(body.fileError().code, ErrorCode::Io);
            QVERIFY(body.fileError().message.contains(QLatin1String("changed during the upload")));
        }
        QVERIFY(writeFile(path, data));
        QVERIFY(FileBodyDevice::statFile(path, &size, &mtime, nullptr));
        { // shrinks
            FileBodyDevice body(path, 0, size, size, mtime);
            QVERIFY(body.open(QIODevice::ReadOnly));
            QVERIFY(QFile::resize(path, 1000));
            QByteArray got;
            for (int i = 0; i < 100 && !body.atEnd() && !body.fileError().isError(); ++i)
                got += body.read(16384);
            QVERIFY(got.size() < size);
            QCOMPARE(body.fileError().code, ErrorCode::Io);
        }
        { // missing
            FileBodyDevice body(dir.filePath(QStringLiteral("gone")), 0, 10, 10, -1);
            QVERIFY(!body.open(QIODevice::ReadOnly));
            QCOMPARE(body.fileError().code, ErrorCode::NotFound);
        }
    }

    void bodyMemoryStaysFlat()
    {
        // 1 GiB (sparse) read the way QNAM reads it: memory does not grow with the file.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(1) << 30));
        f.close();
        qint64 size = 0, mtime = 0;
        QVERIFY(FileBodyDevice::statFile(path, &size, &mtime, nullptr));
        const qint64 before = peakRssKb();
        FileBodyDevice body(path, 0, size, size, mtime);
        QVERIFY(body.open(QIODevice::ReadOnly));
        char buffer[65536];
        qint64 total = 0;
        while (!body.atEnd()) {
            const qint64 n = body.read(buffer, sizeof buffer);
            QVERIFY(n > 0);
            total += n;
        }
        QCOMPARE(total, size);
        const qint64 after = peakRssKb();
        QVERIFY2(after - before < 8 * 1024,
                 qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(after - before)));
    }
};

QTEST_GUILESS_MAIN(TstUploadUnits)
#include "tst_upload_units.moc"
