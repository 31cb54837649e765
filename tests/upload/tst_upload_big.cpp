// 1 GiB uploads to real servers (tus and nginx PUT): byte-exact, and the whole process's
// peak RSS stays within 32 MB - the file is streamed, never held in memory.
#include "UploadHarness.h"
#include "UploadServers.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace bt;

namespace {
constexpr qint64 kSize = qint64(1) << 30;

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

// A 1 GiB file that is not all zeroes, written in 1 MiB blocks (pattern varies per block).
bool writeBigFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray block = randomBytes(1 << 20, 41);
    for (qint64 i = 0; i < kSize / block.size(); ++i) {
        std::memcpy(block.data(), &i, sizeof i);
        if (f.write(block) != block.size())
            return false;
    }
    return true;
}
} // namespace

class TstUploadBig : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_sha;

private Q_SLOTS:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("big.bin"));
        QVERIFY(writeBigFile(m_path));
        m_sha = sha256OfFile(m_path);
    }

    void putOneGiB()
    {
        if (NginxTestServer::nginxPath().isEmpty())
            QSKIP("nginx is not installed");
        NginxTestServer nginx;
        QString why;
        QVERIFY2(nginx.start(&why), qPrintable(why));
        UploadHarness h;
        UploadRequest r;
        r.sourcePath = m_path;
        r.url = nginx.url(QStringLiteral("/dav/big.bin"));
        r.method = UploadRequest::Method::Put;
        QElapsedTimer t;
        t.start();
        const UploadRun run = h.run(r, {}, 120000);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        qInfo("PUT 1 GiB: %lld ms, peak RSS %lld KiB", t.elapsed(), peakRssKb());
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/big.bin")), m_sha);
        QVERIFY2(peakRssKb() <= 32 * 1024, qPrintable(QString::number(peakRssKb())));
    }

    void tusOneGiB()
    {
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the tus server cannot run");
        TusTestServer server;
        QString why;
        QVERIFY2(server.start(&why), qPrintable(why));
        UploadHarness h;
        UploadRequest r;
        r.sourcePath = m_path;
        r.url = server.endpoint();
        QElapsedTimer t;
        t.start();
        const UploadRun run = h.run(r, {}, 120000);
        QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message + run.log()));
        qInfo("tus 1 GiB: %lld ms, peak RSS %lld KiB", t.elapsed(), peakRssKb());
        const auto record = h.store().load(run.result.id);
        QCOMPARE(sha256OfFile(server.storedFile(QUrl(record->uploadUrl))), m_sha);
        QVERIFY2(peakRssKb() <= 32 * 1024, qPrintable(QString::number(peakRssKb())));
    }
};

QTEST_GUILESS_MAIN(TstUploadBig)
#include "tst_upload_big.moc"
