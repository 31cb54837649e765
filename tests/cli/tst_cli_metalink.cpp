// btstream get of Metalink files (local and by URL) against three mirrors served by
// FaultServers, one of which corrupts bytes: the file is byte-exact, the bad mirror reported
// and dropped; a wrong file hash is exit 5 with nothing published; kill -9 resumes.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace bt::test;

namespace {
constexpr qint64 kPiece = 256 * 1024;
} // namespace

class TestCliMetalink : public QObject
{
    Q_OBJECT
private:
    FaultServer m_good1;
    FaultServer m_bad;
    FaultServer m_good2;
    QByteArray m_body;
    QByteArray m_corrupt; // m_body with one byte in every 64 KiB flipped

    void serve(qint64 bytesPerSecond)
    {
        FaultServer::Resource good;
        good.body = m_body;
        good.bytesPerSecond = bytesPerSecond;
        m_good1.setResource("/pub/file.bin", good);
        m_good2.setResource("/mirror/file.bin", good);
        FaultServer::Resource bad = good;
        bad.body = m_corrupt;
        bad.etag = "\"other\"";
        m_bad.setResource("/file.bin", bad);
    }

    // A Metalink 4 document for m_body (its SHA-256 `fileHash`, pieces of 256 KiB).
    QByteArray meta4(const QList<QByteArray> &urls, const QByteArray &fileHash,
                     bool pieces = true) const
    {
        QByteArray xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">\n"
                         " <file name=\"file.bin\">\n  <size>" +
                         QByteArray::number(m_body.size()) + "</size>\n  <hash type=\"sha-256\">" +
                         fileHash + "</hash>\n";
        if (pieces) {
            xml += "  <pieces length=\"" + QByteArray::number(kPiece) + "\" type=\"sha-256\">\n";
            for (qint64 at = 0; at < m_body.size(); at += kPiece)
                xml += "   <hash>" +
                       QCryptographicHash::hash(m_body.mid(at, kPiece), QCryptographicHash::Sha256)
                           .toHex() +
                       "</hash>\n";
            xml += "  </pieces>\n";
        }
        int priority = 1;
        for (const QByteArray &url : urls)
            xml += "  <url priority=\"" + QByteArray::number(priority++) + "\">" + url + "</url>\n";
        return xml + " </file>\n</metalink>\n";
    }

    static FaultServer::Resource document(const QByteArray &xml)
    {
        FaultServer::Resource resource;
        resource.body = xml;
        resource.contentType = "application/metalink4+xml";
        return resource;
    }

    QList<QByteArray> mirrors() const
    {
        return {m_good1.url("/pub/file.bin"), m_bad.url("/file.bin"),
                m_good2.url("/mirror/file.bin")};
    }

    static QString writeFile(const QString &path, const QByteArray &data)
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
            return {};
        return path;
    }

    static QStringList getArguments(const QTemporaryDir &tmp, const QString &what)
    {
        return {QStringLiteral("get"),
                QStringLiteral("--data-dir"),
                tmp.filePath(QStringLiteral("data")),
                QStringLiteral("-d"),
                tmp.filePath(QStringLiteral("out")),
                QStringLiteral("--connections"),
                QStringLiteral("3"),
                QStringLiteral("--json"),
                what};
    }

    static QStringList droppedMirrors(const RunResult &r)
    {
        QStringList dropped;
        for (const QJsonObject &line : r.jsonLines()) {
            if (line.value(QStringLiteral("event")).toString() == QLatin1String("result")) {
                for (const QJsonValue &v : line.value(QStringLiteral("droppedMirrors")).toArray())
                    dropped.append(v.toString());
            }
        }
        return dropped;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_good1.listen());
        QVERIFY(m_bad.listen());
        QVERIFY(m_good2.listen());
        m_body = makeTestData(3 * 1024 * 1024 + 4321, 15);
        m_corrupt = m_body;
        for (qint64 at = 100; at < m_corrupt.size(); at += 64 * 1024)
            m_corrupt[at] = char(~m_corrupt.at(at));
    }

    void init() { serve(1024 * 1024); }

    void threeMirrorsOneCorrupt()
    {
        QTemporaryDir tmp;
        const QString list = writeFile(tmp.filePath(QStringLiteral("file.meta4")),
                                       meta4(mirrors(), sha256Hex(m_body)));
        QVERIFY(!list.isEmpty());
        const int badBefore = m_bad.requestCount("/file.bin");
        Btstream p(tmp.path());
        const RunResult r = p.run(getArguments(tmp, list), 60000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString out = tmp.filePath(QStringLiteral("out"));
        QCOMPARE(fileSha256Hex(out + QStringLiteral("/file.bin")), sha256Hex(m_body));
        QCOMPARE(entries(out), QStringList{QStringLiteral("file.bin")});
        // All three were asked at once; the corrupt one was caught and dropped, by name.
        QVERIFY(m_good1.requestCount("/pub/file.bin") > 0);
        QVERIFY(m_good2.requestCount("/mirror/file.bin") > 0);
        QVERIFY(m_bad.requestCount("/file.bin") > badBefore);
        const QStringList dropped = droppedMirrors(r);
        QVERIFY2(dropped.size() == 1, qPrintable(r.describe()));
        QVERIFY2(dropped.first().startsWith(QString::fromLatin1(m_bad.url("/file.bin"))),
                 qPrintable(dropped.first()));
        QVERIFY2(dropped.first().contains(QLatin1String("sha-256")), qPrintable(dropped.first()));
        QVERIFY2(r.out.contains("failed its sha-256 check"), qPrintable(r.describe()));
    }

    void fileHashMismatchPublishesNothing()
    {
        QTemporaryDir tmp;
        // Without pieces, only the file hash can tell: it names other bytes.
        const QString list =
            writeFile(tmp.filePath(QStringLiteral("file.meta4")),
                      meta4({m_good1.url("/pub/file.bin"), m_good2.url("/mirror/file.bin")},
                            sha256Hex("something else"), false));
        Btstream p(tmp.path());
        const RunResult r = p.run(getArguments(tmp, list), 60000);
        QVERIFY2(r.finished && r.exitCode == 5, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("\"error\":\"integrity\""), qPrintable(r.describe()));
        QCOMPARE(entries(tmp.filePath(QStringLiteral("out"))), QStringList{});
    }

    void metalinkByUrl()
    {
        QTemporaryDir tmp;
        // Relative URLs resolve against the metalink's own address (behind a redirect).
        m_good1.setResource("/lists/file.meta4",
                            document(meta4({"../pub/file.bin", m_good2.url("/mirror/file.bin")},
                                           sha256Hex(m_body))));
        m_good1.addRedirect("/file.meta4", "/lists/file.meta4");
        Btstream p(tmp.path());
        const RunResult r =
            p.run(getArguments(tmp, QString::fromLatin1(m_good1.url("/file.meta4"))), 60000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(tmp.filePath(QStringLiteral("out/file.bin"))), sha256Hex(m_body));
        QVERIFY(droppedMirrors(r).isEmpty());

        // A metalink URL that is not there: exit 4, nothing downloaded.
        QTemporaryDir tmp2;
        Btstream p2(tmp2.path());
        const RunResult missing =
            p2.run(getArguments(tmp2, QString::fromLatin1(m_good1.url("/none.meta4"))), 30000);
        QVERIFY2(missing.exitCode == 4, qPrintable(missing.describe()));
        // A malformed one: exit 2, a clear message.
        m_good1.setResource("/broken.meta4", document("<metalink><file"));
        QTemporaryDir tmp3;
        Btstream p3(tmp3.path());
        const RunResult broken =
            p3.run(getArguments(tmp3, QString::fromLatin1(m_good1.url("/broken.meta4"))), 30000);
        QVERIFY2(broken.exitCode == 2 && broken.out.contains("not a metalink"),
                 qPrintable(broken.describe()));
    }

    void credentialsStayWithTheMetalinksServer()
    {
        QTemporaryDir tmp;
        m_bad.setResource("/list.meta4", document(meta4({m_good1.url("/pub/file.bin"),
                                                         m_good2.url("/mirror/file.bin")},
                                                        sha256Hex(m_body))));
        const int before1 = int(m_good1.requests().size());
        const int before2 = int(m_good2.requests().size());
        QStringList arguments = getArguments(tmp, QString::fromLatin1(m_bad.url("/list.meta4")));
        arguments.insert(1, QStringLiteral("--header"));
        arguments.insert(2, QStringLiteral("Authorization: Bearer secret"));
        Btstream p(tmp.path());
        const RunResult r = p.run(arguments, 60000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(tmp.filePath(QStringLiteral("out/file.bin"))), sha256Hex(m_body));
        const FaultServer::Request list = m_bad.requests().constLast();
        QCOMPARE(list.headers.value("authorization"), QByteArray("Bearer secret"));
        const QList<FaultServer::Request> files =
            m_good1.requests().mid(before1) + m_good2.requests().mid(before2);
        QVERIFY(!files.isEmpty());
        for (const FaultServer::Request &request : files)
            QVERIFY2(!request.headers.contains("authorization"),
                     request.path + " " + request.headers.value("authorization"));
    }

    void killAndResume()
    {
        QTemporaryDir tmp;
        const QString list = writeFile(tmp.filePath(QStringLiteral("file.meta4")),
                                       meta4(mirrors(), sha256Hex(m_body)));
        const QStringList arguments = getArguments(tmp, list);
        // About 1.5 s in all at 256 KiB/s a connection: a kill at a third is mid-download.
        serve(256 * 1024);
        Btstream p(tmp.path());
        ProgressWatch watch;
        watch.follow(&p);
        p.setArguments(arguments);
        p.start();
        QTRY_VERIFY_WITH_TIMEOUT(watch.done >= m_body.size() / 3 || watch.ended, 30000);
        QVERIFY2(!watch.ended, "the download finished before its kill point");
        QVERIFY(::kill(pid_t(p.processId()), SIGKILL) == 0);
        const RunResult killed = p.wait(5000);
        QVERIFY2(killed.status == QProcess::CrashExit, qPrintable(killed.describe()));
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("out/file.bin"))));

        serve(0);
        const int requestsBefore = m_good1.requests().size() + m_good2.requests().size();
        Btstream again(tmp.path());
        const RunResult r = again.run(arguments, 60000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty() || !r.err.contains("error"), qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(tmp.filePath(QStringLiteral("out/file.bin"))), sha256Hex(m_body));
        QCOMPARE(entries(tmp.filePath(QStringLiteral("out"))),
                 QStringList{QStringLiteral("file.bin")});
        // It resumed: the run said so and asked the good mirrors for ranges after byte 0 only.
        QVERIFY2(r.out.contains("Resuming"), qPrintable(r.describe()));
        QList<FaultServer::Request> after = m_good1.requests() + m_good2.requests();
        after = after.mid(requestsBefore);
        for (const FaultServer::Request &request : std::as_const(after))
            QVERIFY2(!request.headers.value("range").startsWith("bytes=0-"),
                     request.headers.value("range").constData());
    }
};

QTEST_GUILESS_MAIN(TestCliMetalink)
#include "tst_cli_metalink.moc"
