// The .part file of btstream get under hostile folders and concurrent runs: never written
// through a planted link, never shared by two processes, never too long a name.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

class TestCliPartFile : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_body;
    const QByteArray m_secret = "the person's own file, not to be overwritten\n";

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString outside() const { return m_tmp->filePath(QStringLiteral("outside.txt")); }
    QString url(const QByteArray &path) const { return QString::fromLatin1(m_server.url(path)); }

    RunResult get(const QStringList &extra, int timeoutMs = 30000)
    {
        Btstream p(m_tmp->path());
        return p.run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                 QStringLiteral("-d"), out()} +
                         extra,
                     timeoutMs);
    }

    QByteArray outsideBytes() const
    {
        QFile f(outside());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_body = makeTestData(200 * 1024 + 17, 41);
        FaultServer::Resource res;
        res.body = m_body;
        m_server.setResource("/file.bin", res);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
        QFile f(outside());
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(m_secret), m_secret.size());
    }

    void cleanup() { m_tmp.reset(); }

    void symlinkPartRefused()
    {
        QVERIFY(QFile::link(outside(), out() + QStringLiteral("/file.bin.part")));
        const RunResult r =
            get({QStringLiteral("-o"), QStringLiteral("file.bin"), url("/file.bin")});
        QVERIFY2(r.finished && r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("Refusing to write") && r.err.contains("file.bin.part") &&
                     r.err.contains("remove it to download again"),
                 qPrintable(r.describe()));
        QCOMPARE(outsideBytes(), m_secret);
        QVERIFY(QFileInfo(out() + QStringLiteral("/file.bin.part")).isSymLink());
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/file.bin")));
    }

    void danglingSymlinkPartOfServerName()
    {
        // The name comes from the URL; its .part points at a file that does not exist yet.
        const QString target = m_tmp->filePath(QStringLiteral("planted.bin"));
        QVERIFY(QFile::link(target, out() + QStringLiteral("/file.bin.part")));
        const RunResult r = get({url("/file.bin")});
        QVERIFY2(r.finished && r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("Refusing to write"), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(QFileInfo(out() + QStringLiteral("/file.bin.part")).isSymLink());
    }
};

QTEST_GUILESS_MAIN(TestCliPartFile)
#include "tst_cli_partfile.moc"
