// ArchiveStream (a folder as tar.gz / tar.zst / zip built on the fly) and folder uploads to
// real servers: the archive read back with libarchive holds exactly the folder's content.
#include "UploadHarness.h"
#include "UploadServers.h"
#include "upload/ArchiveStream.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>

using namespace bt;

namespace {

// path -> content ("->target" for a symlink, "/" for a folder)
using Tree = QMap<QString, QByteArray>;

Tree makeTree(const QString &root)
{
    Tree tree;
    QDir(root).mkpath(QStringLiteral("photos/2024/empty dir"));
    QDir(root).mkpath(QStringLiteral("docs"));
    const auto put = [&](const QString &rel, const QByteArray &data) {
        writeFile(root + QLatin1Char('/') + rel, data);
        tree.insert(rel, data);
    };
    put(QStringLiteral("photos/2024/beach.jpg"), randomBytes(700 * 1024 + 3, 51));
    put(QStringLiteral("photos/readme.txt"), QByteArray("hello\n").repeated(1000));
    put(QStringLiteral("docs/empty.txt"), {});
    put(QStringLiteral("docs/ünïcode name.bin"), randomBytes(5000, 52));
    put(QStringLiteral("big.bin"), randomBytes(2 * 1024 * 1024 + 11, 53));
    QFile::link(QStringLiteral("photos/readme.txt"), root + QStringLiteral("/link"));
    tree.insert(QStringLiteral("link"), "->photos/readme.txt");
    tree.insert(QStringLiteral("photos/2024/empty dir"), "/");
    return tree;
}

// Reads an archive back; names are relative to the top folder `top`.
Tree readArchive(const QByteArray &bytes, const QString &top, QString *problem)
{
    Tree tree;
    struct archive *a = archive_read_new();
    archive_read_support_format_all(a);
    archive_read_support_filter_all(a);
    if (archive_read_open_memory(a, bytes.constData(), size_t(bytes.size())) != ARCHIVE_OK) {
        *problem = QString::fromLocal8Bit(archive_error_string(a));
        archive_read_free(a);
        return tree;
    }
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        QString name = QString::fromUtf8(archive_entry_pathname_utf8(e));
        if (name.endsWith(QLatin1Char('/')))
            name.chop(1);
        if (!name.startsWith(top)) {
            *problem = QStringLiteral("entry outside the top folder: ") + name;
            break;
        }
        name = name.mid(top.size() + 1);
        const mode_t type = archive_entry_filetype(e);
        if (type == AE_IFLNK) {
            tree.insert(name, "->" + QByteArray(archive_entry_symlink(e)));
        } else if (type == AE_IFDIR) {
            if (!name.isEmpty())
                tree.insert(name, "/");
        } else {
            QByteArray data;
            char buffer[65536];
            la_ssize_t n;
            while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0)
                data.append(buffer, n);
            tree.insert(name, data);
        }
    }
    if (r != ARCHIVE_EOF && problem->isEmpty())
        *problem = QString::fromLocal8Bit(archive_error_string(a));
    archive_read_free(a);
    return tree;
}

// Non-empty folders appear in the archive too; compare files, links and empty folders.
Tree withoutParents(Tree tree, const Tree &expected)
{
    for (auto it = tree.begin(); it != tree.end();) {
        if (it.value() == "/" && !expected.contains(it.key()))
            it = tree.erase(it);
        else
            ++it;
    }
    return tree;
}

QByteArray readAllOf(ArchiveStream &stream)
{
    QByteArray out;
    int size = 1000;
    while (!stream.atEnd()) {
        const QByteArray chunk = stream.read(size);
        if (chunk.isEmpty()) {
            if (stream.sourceError().isError())
                break;
            QTest::qWait(1); // the stream yields to the event loop while skipping
            continue;
        }
        out += chunk;
        size = size * 3 % 70000 + 1; // vary the read sizes
    }
    return out;
}

} // namespace

class TstUploadArchive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("tar.gz") << QStringLiteral("tar.gz");
        QTest::newRow("tar.zst") << QStringLiteral("tar.zst");
        QTest::newRow("zip") << QStringLiteral("zip");
    }
    void roundTrip()
    {
        QFETCH(QString, format);
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("My Folder"));
        const Tree tree = makeTree(root);
        ArchiveStream::Format f;
        QVERIFY(ArchiveStream::parseFormat(format, &f));
        ArchiveStream::Listing listing;
        Error error;
        QVERIFY2(ArchiveStream::list(root, &listing, &error), qPrintable(error.message));
        const qint64 size = ArchiveStream::measure(listing, f, &error);
        QVERIFY2(size > 0, qPrintable(error.message));

        ArchiveStream stream(listing, f, 0, size, size);
        QVERIFY(stream.open(QIODevice::ReadOnly));
        QCOMPARE(stream.size(), size);
        const QByteArray bytes = readAllOf(stream);
        QVERIFY2(!stream.sourceError().isError(), qPrintable(stream.sourceError().message));
        QCOMPARE(qint64(bytes.size()), size);
        QString problem;
        const Tree back = readArchive(bytes, QStringLiteral("My Folder"), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(withoutParents(back, tree).keys(), tree.keys());
        QVERIFY(withoutParents(back, tree) == tree);

        // Deterministic: a range of a second build is the same slice (a tus resume).
        const qint64 offset = size / 3, length = size / 2;
        ArchiveStream part(listing, f, offset, length, size);
        QVERIFY(part.open(QIODevice::ReadOnly));
        QCOMPARE(readAllOf(part), bytes.mid(offset, length));
        // A rewind (QNAM resending) builds it again: the same bytes.
        QVERIFY(part.seek(100));
        QCOMPARE(readAllOf(part), bytes.mid(offset + 100, length - 100));
        QVERIFY(part.reset());
        QCOMPARE(part.read(5000), bytes.mid(offset, 5000));
    }

    void detectsChanges()
    {
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("f"));
        makeTree(root);
        ArchiveStream::Listing listing;
        QVERIFY(ArchiveStream::list(root, &listing, nullptr));
        const qint64 size = ArchiveStream::measure(listing, ArchiveStream::Format::TarGz, nullptr);
        QFile f(root + QStringLiteral("/photos/readme.txt"));
        QVERIFY(f.open(QIODevice::Append));
        f.write("one more line\n");
        f.close();
        ArchiveStream stream(listing, ArchiveStream::Format::TarGz, 0, size, size);
        QVERIFY(stream.open(QIODevice::ReadOnly));
        readAllOf(stream);
        QCOMPARE(stream.sourceError().code, ErrorCode::Io);
        QVERIFY2(stream.sourceError().message.contains(QLatin1String("changed during the upload")),
                 qPrintable(stream.sourceError().message));
    }

    void putFolderToWebDav()
    {
        if (NginxTestServer::nginxPath().isEmpty())
            QSKIP("nginx is not installed");
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("album"));
        const Tree tree = makeTree(root);
        UploadHarness h;
        UploadRequest r;
        r.sourcePath = root;
        r.archiveFormat = QStringLiteral("tar.zst");
        r.method = UploadRequest::Method::Put;
        r.url = nginx.url(QStringLiteral("/dav/backups/")); // the archive's name is appended
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QFile stored(nginx.root() + QStringLiteral("/dav/backups/album.tar.zst"));
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QString problem;
        const Tree back = readArchive(stored.readAll(), QStringLiteral("album"), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(withoutParents(back, tree) == tree);
    }

    void putTreeToWebDavAndResume()
    {
        if (NginxTestServer::nginxPath().isEmpty())
            QSKIP("nginx is not installed");
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("site"));
        const Tree tree = makeTree(root);
        UploadHarness h;
        UploadRequest r;
        r.sourcePath = root;
        r.method = UploadRequest::Method::Put;
        // /strict/ has no create_full_put_path: the missing "deploy" is made with MKCOL.
        r.url = nginx.url(QStringLiteral("/strict/deploy/"));
        // Slow enough that a snapshot (every 250 ms) falls between big.bin and the end.
        r.rateLimit = 1024 * 1024;
        r.retryDelayMs = 50;
        // Stop once the first file (big.bin, 2 MiB) is on the server.
        const UploadRun first = h.run(r, [](Upload *upload, const TransferProgress &p) {
            if (p.done > 2 * 1024 * 1024 + 11)
                upload->stop();
        });
        QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
        r.rateLimit = 0;
        const UploadRun second = h.run(r);
        QVERIFY2(!second.result.error.isError(),
                 qPrintable(second.result.error.message + second.log()));
        QVERIFY2(second.log().contains(QLatin1String("already on the server")),
                 qPrintable(second.log()));
        QCOMPARE(second.result.id, first.result.id);
        const QString out = nginx.root() + QStringLiteral("/strict/deploy/site/");
        for (auto it = tree.cbegin(); it != tree.cend(); ++it) {
            if (it.value() == "/") {
                QVERIFY2(QFileInfo(out + it.key()).isDir(), qPrintable(it.key()));
            } else if (it.value().startsWith("->")) {
                QVERIFY(!QFileInfo::exists(out + it.key())); // links are skipped
            } else {
                QFile f(out + it.key());
                QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(it.key()));
                QVERIFY2(f.readAll() == it.value(), qPrintable(it.key()));
            }
        }
        // big.bin went over the wire once: the second run sent only the other files.
        QFile log(QFileInfo(nginx.errorLog()).absolutePath() + QStringLiteral("/access.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QCOMPARE(log.readAll().count("PUT /strict/deploy/site/big.bin"), 1);

        // Once complete, the same upload again is complete at once.
        const UploadRun third = h.run(r);
        QVERIFY(third.result.alreadyComplete);
    }

    void postFolderAsZip()
    {
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the form receiver runs on Node.js");
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("report"));
        const Tree tree = makeTree(root);
        UploadHarness h;
        UploadRequest r;
        r.sourcePath = root;
        r.archiveFormat = QStringLiteral("zip");
        r.method = UploadRequest::Method::Post;
        r.url = server.formUrl();
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QFile raw(server.directory() + QStringLiteral("/form-1.raw"));
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray body = raw.readAll();
        const qsizetype start = body.indexOf("\r\n\r\n") + 4;
        const qsizetype end = body.lastIndexOf("\r\n--");
        QVERIFY(body.left(start).contains("filename=\"report.zip\""));
        QVERIFY(body.left(start).contains("Content-Type: application/zip"));
        QString problem;
        const Tree back =
            readArchive(body.mid(start, end - start), QStringLiteral("report"), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(withoutParents(back, tree) == tree);
    }

    void tusFolderResumesAfterCut()
    {
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the tus server cannot run");
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        CutProxy proxy(server.port());
        proxy.cutAfter(1024 * 1024);
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("project"));
        const Tree tree = makeTree(root);
        UploadHarness h;
        UploadRequest r;
        r.sourcePath = root;
        r.archiveFormat = QStringLiteral("zip");
        r.url = proxy.map(server.endpoint());
        r.retryDelayMs = 50;
        const UploadRun run = h.run(r);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        QVERIFY(proxy.triggered());
        const auto record = h.store().load(run.result.id);
        QFile stored(server.storedFile(QUrl(record->uploadUrl)));
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QString problem;
        const Tree back = readArchive(stored.readAll(), QStringLiteral("project"), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(withoutParents(back, tree) == tree);
        QFile meta(stored.fileName() + QStringLiteral(".json"));
        QVERIFY(meta.open(QIODevice::ReadOnly));
        QVERIFY(meta.readAll().contains("project.zip"));
    }
};

QTEST_GUILESS_MAIN(TstUploadArchive)
#include "tst_upload_archive.moc"
