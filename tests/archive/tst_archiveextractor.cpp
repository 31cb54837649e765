// ArchiveExtractor: byte-exact extraction of tar.gz, zip and tar.zst into a new folder beside
// the archive, and hostile entries (zip-slip) refused with nothing landing outside it.
#include "TestArchive.h"
#include "archive/ArchiveExtractor.h"
#include "archive/ArchivePaths.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::archivetest;

namespace {

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QRandomGenerator gen(seed);
    QByteArray data(size, Qt::Uninitialized);
    gen.fillRange(reinterpret_cast<quint32 *>(data.data()), size / 4);
    return data;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

// Every path under `root` (links listed, never followed), sorted.
QStringList tree(const QString &root)
{
    QStringList list;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        list.append(QDir(root).relativeFilePath(it.next()));
    list.sort();
    return list;
}

bool refusedNamed(const ArchiveExtractor::Result &r, const QString &name)
{
    for (const QString &line : r.refused)
        if (line.startsWith(name + QLatin1Char(':')))
            return true;
    return false;
}

} // namespace

class TestArchiveExtractor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void pathRules();
    void tarGzByteExactAndHostileRefused();
    void zipByteExactAndHostileRefused();
    void tarZstByteExact();
    void uniqueFolderAndWhatIsNotAnArchive();
    void nonAsciiNames();
    void folderReachedThroughALink();
    void damagedArchiveIsAnError();
    void cancelStops();
    void startRunsOffTheCallersThread();

private:
    QString path(const QString &relative) const { return m_dir->filePath(relative); }
    QString outside() const { return path(QStringLiteral("outside")); }
    QString work() const { return path(QStringLiteral("work")); }
    // The tree outside the extraction folder is exactly what the test made.
    void checkNothingOutside(const QString &archiveName, const QStringList &folders);

    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_big;
};

void TestArchiveExtractor::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir().mkpath(outside()));
    QVERIFY(QDir().mkpath(work()));
    QFile secret(outside() + QStringLiteral("/secret.txt"));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("secret");
    secret.close();
    if (m_big.isEmpty())
        m_big = randomBytes(3 * 1024 * 1024 + 123, 42);
}

void TestArchiveExtractor::checkNothingOutside(const QString &archiveName,
                                               const QStringList &folders)
{
    QCOMPARE(tree(outside()), QStringList({QStringLiteral("secret.txt")}));
    QCOMPARE(readAll(outside() + QStringLiteral("/secret.txt")), QByteArray("secret"));
    QStringList top = QDir(work()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot |
                                             QDir::Hidden | QDir::System);
    top.sort();
    QStringList expected = folders;
    expected.append(archiveName);
    expected.sort();
    QCOMPARE(top, expected);
    QStringList root =
        QDir(m_dir->path())
            .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    root.sort();
    QCOMPARE(root, QStringList({QStringLiteral("outside"), QStringLiteral("work")}));
}

void TestArchiveExtractor::pathRules()
{
    using namespace archivepath;
    QString rel, why;
    QVERIFY(safeRelativePath(QStringLiteral("./a//b/./c"), &rel, &why));
    QCOMPARE(rel, QStringLiteral("a/b/c"));
    QVERIFY(safeRelativePath(QStringLiteral("./"), &rel, &why));
    QVERIFY(rel.isEmpty());
    QVERIFY(!safeRelativePath(QStringLiteral("../x"), &rel, &why));
    QVERIFY(!why.isEmpty());
    QVERIFY(!safeRelativePath(QStringLiteral("a/../../x"), &rel, &why));
    QVERIFY(!safeRelativePath(QStringLiteral("/etc/passwd"), &rel, &why));
    QVERIFY(safeRelativePath(QStringLiteral("a..b/..c"), &rel, &why)); // names, not ".."

    QVERIFY(symlinkStaysInside(QStringLiteral("docs/up"), QStringLiteral("../big.bin")));
    QVERIFY(symlinkStaysInside(QStringLiteral("a/b/c"), QStringLiteral("../../x/y")));
    QVERIFY(symlinkStaysInside(QStringLiteral("s"), QStringLiteral(".")));
    QVERIFY(!symlinkStaysInside(QStringLiteral("up"), QStringLiteral("..")));
    QVERIFY(!symlinkStaysInside(QStringLiteral("docs/up"), QStringLiteral("../../x")));
    QVERIFY(!symlinkStaysInside(QStringLiteral("l"), QStringLiteral("/etc")));
    QVERIFY(!symlinkStaysInside(QStringLiteral("l"), QString()));
    QVERIFY(!symlinkStaysInside(QStringLiteral("t"), QStringLiteral("d/s/s/../..")));

    QCOMPARE(stripArchiveExtension(QStringLiteral("linux-6.1.tar.XZ")),
             QStringLiteral("linux-6.1"));
    QCOMPARE(stripArchiveExtension(QStringLiteral("a.zip")), QStringLiteral("a"));
    QCOMPARE(stripArchiveExtension(QStringLiteral("b.tgz")), QStringLiteral("b"));
    QCOMPARE(stripArchiveExtension(QStringLiteral(".tar.gz")), QStringLiteral("archive"));
    QVERIFY(hasArchiveExtension(QStringLiteral("x.tar.zst")));
    QVERIFY(hasArchiveExtension(QStringLiteral("x.7z")));
    QVERIFY(!hasArchiveExtension(QStringLiteral("x.iso")));
    QVERIFY(!hasArchiveExtension(QStringLiteral(".zip")));
    QVERIFY(isContainerDocument(QStringLiteral("report.DOCX")));
    QVERIFY(isContainerDocument(QStringLiteral("app.jar")));
    QVERIFY(!isContainerDocument(QStringLiteral("x.zip")));
    QVERIFY(hasArchiveMagic(QByteArray("PK\x03\x04rest", 8)));
    QVERIFY(hasArchiveMagic(QByteArray("\x1f\x8b\x08", 3)));
    QVERIFY(!hasArchiveMagic(QByteArray("hello world")));
    QByteArray tarHead(512, '\0');
    tarHead.replace(257, 5, "ustar");
    QVERIFY(hasArchiveMagic(tarHead));
}

void TestArchiveExtractor::tarGzByteExactAndHostileRefused()
{
    const QByteArray abs = QFile::encodeName(outside());
    const QList<Item> items = {
        dir("docs/"),
        file("docs/readme.txt", "hello readme\n"),
        file("big.bin", m_big),
        file("exec.sh", "#!/bin/sh\necho hi\n", 04755),
        file("./dot/ok.txt", "ok"),
        file("../evil-dotdot.txt", "evil"),
        file("a/../../evil-nested.txt", "evil"),
        file(abs + "/evil-abs.txt", "evil"),
        symlinkItem("escape", "../outside"),
        symlinkItem("abs-link", abs),
        symlinkItem("in-link", "docs"),
        file("in-link/through.txt", "evil"),
        symlinkItem("d/s", "."),
        symlinkItem("t", "d/s/s/../.."),
        symlinkItem("docs/up", "../big.bin"),
        symlinkItem("docs/up2", "../../outside"),
        hardlinkItem("hard-ok", "docs/readme.txt"),
        hardlinkItem("hard-out", "../outside/secret.txt"),
        hardlinkItem("hard-abs", abs + "/secret.txt"),
        hardlinkItem("hard-via-link", "in-link/readme.txt"),
        {Item::Fifo, "pipe", {}, {}, 0644},
        {Item::CharDevice, "null", {}, {}, 0666},
    };
    const QString archivePath = work() + QStringLiteral("/bundle.tar.gz");
    QString why;
    QVERIFY2(writeArchive(archivePath, Format::TarGz, items, &why), qPrintable(why));

    QList<std::pair<qint64, qint64>> progress;
    const ArchiveExtractor::Result r =
        ArchiveExtractor::extract(archivePath, nullptr, [&](qint64 done, qint64 total) {
            progress.append({done, total});
        });
    QVERIFY2(!r.error.isError(), qPrintable(r.error.message));
    QVERIFY(r.isArchive);
    QVERIFY(!r.ok()); // entries were refused
    const QString folder = work() + QStringLiteral("/bundle");
    QCOMPARE(QFileInfo(r.folder).canonicalFilePath(), QFileInfo(folder).canonicalFilePath());

    // Byte-exact, and exactly these entries.
    QCOMPARE(readAll(folder + QStringLiteral("/docs/readme.txt")), QByteArray("hello readme\n"));
    QCOMPARE(readAll(folder + QStringLiteral("/big.bin")), m_big);
    QCOMPARE(readAll(folder + QStringLiteral("/dot/ok.txt")), QByteArray("ok"));
    QCOMPARE(readAll(folder + QStringLiteral("/hard-ok")), QByteArray("hello readme\n"));
    QCOMPARE(readAll(folder + QStringLiteral("/docs/up")), m_big); // link inside, followed
    QCOMPARE(QFileInfo(folder + QStringLiteral("/in-link")).symLinkTarget(),
             QFileInfo(folder + QStringLiteral("/docs")).canonicalFilePath());
    QVERIFY(QFileInfo(folder + QStringLiteral("/d/s")).isSymLink());
    QCOMPARE(tree(folder),
             QStringList({QStringLiteral("big.bin"), QStringLiteral("d"), QStringLiteral("d/s"),
                          QStringLiteral("docs"), QStringLiteral("docs/readme.txt"),
                          QStringLiteral("docs/up"), QStringLiteral("dot"),
                          QStringLiteral("dot/ok.txt"), QStringLiteral("exec.sh"),
                          QStringLiteral("hard-ok"), QStringLiteral("in-link")}));
    // A hard link is the same file; set-id bits are dropped, the execute bit kept.
    struct stat a, b;
    QCOMPARE(::stat(QFile::encodeName(folder + QStringLiteral("/hard-ok")).constData(), &a), 0);
    QCOMPARE(::stat(QFile::encodeName(folder + QStringLiteral("/docs/readme.txt")), &b), 0);
    QCOMPARE(a.st_ino, b.st_ino);
    QCOMPARE(::stat(QFile::encodeName(folder + QStringLiteral("/exec.sh")).constData(), &a), 0);
    QVERIFY(a.st_mode & S_IXUSR);
    QVERIFY(!(a.st_mode & (S_ISUID | S_ISGID)));

    // Each hostile entry refused, by name; devices and fifos skipped.
    const QStringList hostile = {QStringLiteral("../evil-dotdot.txt"),
                                 QStringLiteral("a/../../evil-nested.txt"),
                                 outside() + QStringLiteral("/evil-abs.txt"),
                                 QStringLiteral("escape"),
                                 QStringLiteral("abs-link"),
                                 QStringLiteral("in-link/through.txt"),
                                 QStringLiteral("t"),
                                 QStringLiteral("docs/up2"),
                                 QStringLiteral("hard-out"),
                                 QStringLiteral("hard-abs"),
                                 QStringLiteral("hard-via-link")};
    for (const QString &name : hostile)
        QVERIFY2(refusedNamed(r, name), qPrintable(name + QStringLiteral(" not refused: ") +
                                                   r.refused.join(QStringLiteral(" | "))));
    QCOMPARE(r.refused.size(), hostile.size());
    QVERIFY(r.refused.join(QLatin1Char('\n')).contains(QStringLiteral("outside the folder")));
    QCOMPARE(r.skipped, QStringList({QStringLiteral("pipe"), QStringLiteral("null")}));
    QCOMPARE(r.files, 5); // readme, big, exec, ok, hard-ok
    QCOMPARE(r.symlinks, 3);
    QCOMPARE(r.bytes, qint64(m_big.size()) + 13 + 18 + 2);
    checkNothingOutside(QStringLiteral("bundle.tar.gz"), {QStringLiteral("bundle")});

    QVERIFY(!progress.isEmpty());
    const qint64 size = QFileInfo(archivePath).size();
    QCOMPARE(progress.last(), std::make_pair(size, size));
}

void TestArchiveExtractor::zipByteExactAndHostileRefused()
{
    const QByteArray abs = QFile::encodeName(outside());
    const QList<Item> items = {
        file("docs/readme.txt", "zip readme"), file("big.bin", m_big),
        file("../evil-dotdot.txt", "evil"),    file(abs + "/evil-abs.txt", "evil"),
        symlinkItem("escape", "../outside"),   symlinkItem("in-link", "docs"),
        file("in-link/through.txt", "evil"),   symlinkItem("docs/up", "../big.bin"),
    };
    const QString archivePath = work() + QStringLiteral("/pack.zip");
    QString why;
    QVERIFY2(writeArchive(archivePath, Format::Zip, items, &why), qPrintable(why));
    const ArchiveExtractor::Result r = ArchiveExtractor::extract(archivePath);
    QVERIFY2(!r.error.isError(), qPrintable(r.error.message));
    const QString folder = work() + QStringLiteral("/pack");
    QCOMPARE(readAll(folder + QStringLiteral("/docs/readme.txt")), QByteArray("zip readme"));
    QCOMPARE(readAll(folder + QStringLiteral("/big.bin")), m_big);
    QCOMPARE(readAll(folder + QStringLiteral("/docs/up")), m_big);
    QCOMPARE(tree(folder), QStringList({QStringLiteral("big.bin"), QStringLiteral("docs"),
                                        QStringLiteral("docs/readme.txt"),
                                        QStringLiteral("docs/up"), QStringLiteral("in-link")}));
    for (const QString &name :
         {QStringLiteral("../evil-dotdot.txt"), outside() + QStringLiteral("/evil-abs.txt"),
          QStringLiteral("escape"), QStringLiteral("in-link/through.txt")})
        QVERIFY2(refusedNamed(r, name), qPrintable(name));
    QCOMPARE(r.refused.size(), 4);
    checkNothingOutside(QStringLiteral("pack.zip"), {QStringLiteral("pack")});
}

void TestArchiveExtractor::tarZstByteExact()
{
    const QString archivePath = work() + QStringLiteral("/z.tar.zst");
    QString why;
    if (!writeArchive(
            archivePath, Format::TarZst,
            {file("a/b.txt", "zstd"), file("big.bin", m_big), file("../evil.txt", "evil")}, &why))
        QSKIP(qPrintable(QStringLiteral("no zstd filter: ") + why));
    const ArchiveExtractor::Result r = ArchiveExtractor::extract(archivePath);
    QVERIFY2(!r.error.isError(), qPrintable(r.error.message));
    const QString folder = work() + QStringLiteral("/z");
    QCOMPARE(readAll(folder + QStringLiteral("/a/b.txt")), QByteArray("zstd"));
    QCOMPARE(readAll(folder + QStringLiteral("/big.bin")), m_big);
    QCOMPARE(r.refused.size(), 1);
    QVERIFY(refusedNamed(r, QStringLiteral("../evil.txt")));
    checkNothingOutside(QStringLiteral("z.tar.zst"), {QStringLiteral("z")});
}

void TestArchiveExtractor::uniqueFolderAndWhatIsNotAnArchive()
{
    const QString archivePath = work() + QStringLiteral("/site.tar.gz");
    QString why;
    QVERIFY2(writeArchive(archivePath, Format::TarGz, {file("index.html", "<html>")}, &why),
             qPrintable(why));
    QCOMPARE(ArchiveExtractor::targetFolderFor(archivePath), work() + QStringLiteral("/site"));
    const ArchiveExtractor::Result first = ArchiveExtractor::extract(archivePath);
    QVERIFY(first.ok());
    QCOMPARE(ArchiveExtractor::targetFolderFor(archivePath), work() + QStringLiteral("/site (2)"));
    const ArchiveExtractor::Result second = ArchiveExtractor::extract(archivePath);
    QVERIFY(second.ok());
    QCOMPARE(second.folder, work() + QStringLiteral("/site (2)"));
    QCOMPARE(readAll(second.folder + QStringLiteral("/index.html")), QByteArray("<html>"));

    // Not archives: nothing is created, no error.
    const QString text = work() + QStringLiteral("/notes.txt");
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("just text");
    f.close();
    QVERIFY(!ArchiveExtractor::looksLikeArchive(text));
    ArchiveExtractor::Result r = ArchiveExtractor::extract(text);
    QVERIFY(!r.isArchive);
    QVERIFY(!r.error.isError());
    const QString rawGz = work() + QStringLiteral("/data.bin"); // gzip magic, no archive inside
    QVERIFY2(writeArchive(rawGz, Format::RawGz, {file("data", "plain data")}, &why),
             qPrintable(why));
    QVERIFY(ArchiveExtractor::looksLikeArchive(rawGz));
    r = ArchiveExtractor::extract(rawGz);
    QVERIFY2(!r.isArchive, qPrintable(r.error.message));
    QVERIFY(!r.error.isError());
    // A zip container document is not extracted; a zip without an extension is (by magic).
    const QString docx = work() + QStringLiteral("/report.docx");
    QVERIFY(writeArchive(docx, Format::Zip, {file("word/document.xml", "<w/>")}, &why));
    QVERIFY(!ArchiveExtractor::looksLikeArchive(docx));
    QVERIFY(!ArchiveExtractor::extract(docx).isArchive);
    const QString noExt = work() + QStringLiteral("/download");
    QVERIFY(writeArchive(noExt, Format::Zip, {file("inner.txt", "inner")}, &why));
    QVERIFY(ArchiveExtractor::looksLikeArchive(noExt));
    r = ArchiveExtractor::extract(noExt);
    QVERIFY(r.ok());
    QCOMPARE(readAll(work() + QStringLiteral("/download (2)/inner.txt")), QByteArray("inner"));
    checkNothingOutside(QStringLiteral("site.tar.gz"),
                        {QStringLiteral("site"), QStringLiteral("site (2)"),
                         QStringLiteral("notes.txt"), QStringLiteral("data.bin"),
                         QStringLiteral("report.docx"), QStringLiteral("download"),
                         QStringLiteral("download (2)")});
}

void TestArchiveExtractor::nonAsciiNames()
{
    const QString name = QStringLiteral("Grüße/日本語 ä.txt");
    for (const Format format : {Format::TarGz, Format::Zip}) {
        const QString archivePath =
            work() + (format == Format::Zip ? QStringLiteral("/u.zip") : QStringLiteral("/u.tgz"));
        QString why;
        QVERIFY2(writeArchive(archivePath, format, {file(name.toUtf8(), "unicode")}, &why),
                 qPrintable(why));
        const ArchiveExtractor::Result r = ArchiveExtractor::extract(archivePath);
        QVERIFY2(r.ok(), qPrintable(r.error.message + r.refused.join(QLatin1Char(' '))));
        QCOMPARE(readAll(r.folder + QLatin1Char('/') + name), QByteArray("unicode"));
    }
}

void TestArchiveExtractor::folderReachedThroughALink()
{
    // ~/Downloads as a link to another disk: the links above the folder are the person's,
    // not the archive's, and do not stop the extraction.
    const QString linked = path(QStringLiteral("linked"));
    QVERIFY(QFile::link(work(), linked));
    const QString archivePath = linked + QStringLiteral("/l.tar.gz");
    QString why;
    QVERIFY(writeArchive(archivePath, Format::TarGz, {file("sub/f.txt", "via link")}, &why));
    const ArchiveExtractor::Result r = ArchiveExtractor::extract(archivePath);
    QVERIFY2(r.ok(), qPrintable(r.error.message + r.refused.join(QLatin1Char(' '))));
    QCOMPARE(r.folder, linked + QStringLiteral("/l"));
    QCOMPARE(readAll(work() + QStringLiteral("/l/sub/f.txt")), QByteArray("via link"));
    QVERIFY(QFile::remove(linked));
}

void TestArchiveExtractor::damagedArchiveIsAnError()
{
    const QString archivePath = work() + QStringLiteral("/cut.tar.gz");
    QString why;
    QVERIFY(writeArchive(archivePath, Format::TarGz,
                         {file("one.bin", m_big), file("two.txt", "two")}, &why));
    QFile f(archivePath);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() / 2));
    f.close();
    const ArchiveExtractor::Result r = ArchiveExtractor::extract(archivePath);
    QVERIFY(r.error.isError());
    QVERIFY(!r.error.message.isEmpty());
    QVERIFY(!r.ok());
}

void TestArchiveExtractor::cancelStops()
{
    const QString archivePath = work() + QStringLiteral("/c.tar.gz");
    QString why;
    QVERIFY(writeArchive(archivePath, Format::TarGz, {file("big.bin", m_big)}, &why));
    const std::atomic<bool> cancel{true};
    const ArchiveExtractor::Result r = ArchiveExtractor::extract(archivePath, &cancel);
    QCOMPARE(r.error.code, ErrorCode::Cancelled);
}

void TestArchiveExtractor::startRunsOffTheCallersThread()
{
    const QString archivePath = work() + QStringLiteral("/async.tar.gz");
    QString why;
    QVERIFY(writeArchive(archivePath, Format::TarGz, {file("big.bin", m_big)}, &why));
    ArchiveExtractor extractor;
    QSignalSpy finished(&extractor, &ArchiveExtractor::finished);
    QSignalSpy progress(&extractor, &ArchiveExtractor::progress);
    QVERIFY(extractor.start(archivePath));
    QVERIFY(extractor.isRunning());
    QVERIFY(!extractor.start(archivePath)); // one at a time
    QCOMPARE(finished.size(), 0);           // reported later, through the event loop
    QVERIFY(finished.wait(30000));
    QVERIFY(!extractor.isRunning());
    const auto r = finished[0][0].value<ArchiveExtractor::Result>();
    QVERIFY2(r.ok(), qPrintable(r.error.message));
    QCOMPARE(readAll(r.folder + QStringLiteral("/big.bin")), m_big);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last()[0].toLongLong(), QFileInfo(archivePath).size());

    // Destroyed while running: cancels and waits, no signal afterwards.
    auto *second = new ArchiveExtractor;
    QVERIFY(second->start(archivePath));
    delete second;
}

QTEST_GUILESS_MAIN(TestArchiveExtractor)
#include "tst_archiveextractor.moc"
