// `btstream put` end to end: the real binary against the real tus server (Node.js) and nginx
// dav on 127.0.0.1. Byte-exact copies on the servers (sha256), exit codes, SIGINT and kill -9
// then the same command again: one tus upload, byte-exact. BT_CLI_SEED replays the kill points.
#include "BtstreamProcess.h"
#include "UploadServers.h"

#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace bt::test;

namespace {

// The last "progress" object's done bytes on a --json stdout.
qint64 lastDone(const QByteArray &out)
{
    qint64 done = 0;
    for (const QByteArray &line : out.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("progress"))
            done = o.value(QStringLiteral("done")).toInteger();
    }
    return done;
}

QJsonObject resultObject(const RunResult &r)
{
    for (const QJsonObject &o : r.jsonLines())
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("result"))
            return o;
    return {};
}

bool writeTree(const QString &root)
{
    QDir dir(root);
    return dir.mkpath(QStringLiteral("sub/deeper")) &&
           writeFile(root + QStringLiteral("/a.txt"), "alpha\n") &&
           writeFile(root + QStringLiteral("/sub/b.bin"), randomBytes(300000, 5)) &&
           writeFile(root + QStringLiteral("/sub/deeper/c.bin"), randomBytes(70000, 6));
}

} // namespace

class TestCliPut : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QRandomGenerator m_random;
    qint64 m_signalToExitMs = -1; // of the last runAndSignal()

    QStringList base(const QString &dataDir) const
    {
        return {QStringLiteral("put"), QStringLiteral("--json"), QStringLiteral("--data-dir"),
                dataDir};
    }

    // Runs until the upload reported `threshold` bytes, then sends `signal`; returns the run.
    RunResult runAndSignal(const QStringList &arguments, qint64 threshold, int signal)
    {
        Btstream p(m_tmp.path());
        p.setArguments(arguments);
        QElapsedTimer timer;
        timer.start();
        p.start();
        QDeadlineTimer deadline(30000);
        QElapsedTimer sinceSignal;
        while (p.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            p.waitForReadyRead(20);
            if (lastDone(p.takeStdout()) >= threshold) {
                ::kill(pid_t(p.processId()), signal);
                sinceSignal.start();
                break;
            }
        }
        const RunResult result = p.wait(10000, timer);
        m_signalToExitMs = sinceSignal.isValid() ? sinceSignal.elapsed() : -1;
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        bool ok = false;
        quint32 seed = qEnvironmentVariable("BT_CLI_SEED").toUInt(&ok);
        if (!ok)
            seed = QRandomGenerator::global()->generate();
        m_random.seed(seed);
        qInfo("random seed: %u (replay with BT_CLI_SEED=%u)", seed, seed);
    }

    void tusByteExact()
    {
        TusTestServer tus;
        QString why;
        if (!tus.start(&why))
            QSKIP(qPrintable(why));
        const QByteArray data = randomBytes(3 * 1024 * 1024 + 11, 1);
        const QString file = m_tmp.filePath(QStringLiteral("tus.bin"));
        QVERIFY(writeFile(file, data));
        const RunResult r = Btstream(m_tmp.path())
                                .run(base(m_tmp.filePath(QStringLiteral("d1")))
                                     << file << tus.endpoint().toString());
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject result = resultObject(r);
        QVERIFY(result.value(QStringLiteral("ok")).toBool());
        const QUrl uploadUrl(result.value(QStringLiteral("uploadUrl")).toString());
        QVERIFY2(uploadUrl.path().startsWith(QLatin1String("/files/")), qPrintable(r.describe()));
        QCOMPARE(sha256OfFile(tus.storedFile(uploadUrl)), sha256(data));
        QCOMPARE(tus.uploadCount(), 1);

        // Without --json a person reads where it went.
        const RunResult again =
            Btstream(m_tmp.path())
                .run({QStringLiteral("put"), QStringLiteral("--data-dir"),
                      m_tmp.filePath(QStringLiteral("d1")), file, tus.endpoint().toString()});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.err.contains(uploadUrl.toString().toUtf8()), qPrintable(again.describe()));
        QCOMPARE(tus.uploadCount(), 1);
    }

    void putToDavByteExact()
    {
        NginxTestServer nginx;
        QString why;
        if (!nginx.start(&why))
            QSKIP(qPrintable(why));
        const QByteArray data = randomBytes(2 * 1024 * 1024 + 3, 2);
        const QString file = m_tmp.filePath(QStringLiteral("dav.bin"));
        QVERIFY(writeFile(file, data));
        const RunResult r = Btstream(m_tmp.path())
                                .run(base(m_tmp.filePath(QStringLiteral("d2")))
                                     << QStringLiteral("--put") << file
                                     << nginx.url(QStringLiteral("/dav/x/")).toString());
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/x/dav.bin")), sha256(data));
        QCOMPARE(resultObject(r).value(QStringLiteral("uploadUrl")).toString(),
                 nginx.url(QStringLiteral("/dav/x/dav.bin")).toString());
    }

    void postWithFields()
    {
        TusTestServer server; // its /form stores the raw body
        QString why;
        if (!server.start(&why))
            QSKIP(qPrintable(why));
        const QByteArray data = randomBytes(400000, 3);
        const QString file = m_tmp.filePath(QStringLiteral("post.bin"));
        QVERIFY(writeFile(file, data));
        const RunResult r =
            Btstream(m_tmp.path())
                .run(base(m_tmp.filePath(QStringLiteral("d3")))
                     << QStringLiteral("--post") << QStringLiteral("upload") << QStringLiteral("-F")
                     << QStringLiteral("title=Holiday") << file << server.formUrl().toString());
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QFile raw(server.directory() + QStringLiteral("/form-1.raw"));
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray body = raw.readAll();
        QVERIFY(body.contains("name=\"upload\"; filename=\"post.bin\""));
        QVERIFY(body.contains("name=\"title\"\r\n\r\nHoliday\r\n"));
        QVERIFY(body.contains(data));
    }

    void folderAsArchiveOverPut()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("tar")).isEmpty())
            QSKIP("tar is not installed");
        NginxTestServer nginx;
        QString why;
        if (!nginx.start(&why))
            QSKIP(qPrintable(why));
        const QString folder = m_tmp.filePath(QStringLiteral("photos"));
        QVERIFY(writeTree(folder));
        const RunResult r = Btstream(m_tmp.path())
                                .run(base(m_tmp.filePath(QStringLiteral("d4")))
                                     << QStringLiteral("--put") << QStringLiteral("--archive")
                                     << QStringLiteral("tar.gz") << folder
                                     << nginx.url(QStringLiteral("/dav/")).toString());
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString stored = nginx.root() + QStringLiteral("/dav/photos.tar.gz");
        QVERIFY(QFile::exists(stored));
        QTemporaryDir out;
        QProcess tar;
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("xzf"), stored, QStringLiteral("-C"), out.path()});
        QVERIFY(tar.waitForFinished(20000));
        QCOMPARE(tar.exitCode(), 0);
        for (const QString &rel : {QStringLiteral("a.txt"), QStringLiteral("sub/b.bin"),
                                   QStringLiteral("sub/deeper/c.bin")})
            QCOMPARE(sha256OfFile(out.filePath(QStringLiteral("photos/") + rel)),
                     sha256OfFile(folder + QLatin1Char('/') + rel));
    }

    void folderTreeOverPut()
    {
        NginxTestServer nginx;
        QString why;
        if (!nginx.start(&why))
            QSKIP(qPrintable(why));
        const QString folder = m_tmp.filePath(QStringLiteral("tree"));
        QVERIFY(writeTree(folder));
        const RunResult r = Btstream(m_tmp.path())
                                .run(base(m_tmp.filePath(QStringLiteral("d5")))
                                     << QStringLiteral("--put") << folder
                                     << nginx.url(QStringLiteral("/dav/up/")).toString());
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        for (const QString &rel : {QStringLiteral("a.txt"), QStringLiteral("sub/b.bin"),
                                   QStringLiteral("sub/deeper/c.bin")})
            QCOMPARE(sha256OfFile(nginx.root() + QStringLiteral("/dav/up/tree/") + rel),
                     sha256OfFile(folder + QLatin1Char('/') + rel));
    }

    void sigintThenResume()
    {
        TusTestServer tus;
        QString why;
        if (!tus.start(&why))
            QSKIP(qPrintable(why));
        const QByteArray data = randomBytes(4 * 1024 * 1024 + 5, 7);
        const QString file = m_tmp.filePath(QStringLiteral("int.bin"));
        QVERIFY(writeFile(file, data));
        const QString dataDir = m_tmp.filePath(QStringLiteral("d6"));
        const RunResult cut =
            runAndSignal(base(dataDir) << QStringLiteral("--limit-rate") << QStringLiteral("1M")
                                       << file << tus.endpoint().toString(),
                         1024 * 1024, SIGINT);
        QVERIFY2(cut.finished && cut.exitCode == 130, qPrintable(cut.describe()));
        QVERIFY2(m_signalToExitMs >= 0 && m_signalToExitMs < 2000,
                 qPrintable(QString::number(m_signalToExitMs)));
        QVERIFY2(cut.err.isEmpty(), qPrintable(cut.describe())); // --json: nothing on stderr
        QCOMPARE(tus.uploadCount(), 1);

        Btstream again(m_tmp.path());
        const RunResult r = again.run({QStringLiteral("put"), QStringLiteral("--data-dir"), dataDir,
                                       file, tus.endpoint().toString()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(tus.uploadCount(), 1);
        const QStringList names = QDir(tus.directory()).entryList({QStringLiteral("*.json")});
        QCOMPARE(names.size(), 1);
        QCOMPARE(sha256OfFile(tus.directory() + QLatin1Char('/') + names.first().chopped(5)),
                 sha256(data));
    }

    void sigkillThenResume()
    {
        TusTestServer tus;
        QString why;
        if (!tus.start(&why))
            QSKIP(qPrintable(why));
        const qint64 size = 6 * 1024 * 1024 + 13;
        const QByteArray data = randomBytes(size, 8);
        const QString file = m_tmp.filePath(QStringLiteral("kill.bin"));
        QVERIFY(writeFile(file, data));
        const QString dataDir = m_tmp.filePath(QStringLiteral("d7"));
        const QStringList arguments = base(dataDir)
                                      << QStringLiteral("--limit-rate") << QStringLiteral("3M")
                                      << file << tus.endpoint().toString();
        for (int k = 0; k < 3; ++k) {
            const qint64 threshold = qint64(m_random.bounded(double(size) * 0.9));
            const RunResult r = runAndSignal(arguments, threshold, SIGKILL);
            QVERIFY2(r.finished, qPrintable(r.describe()));
            // A run that finished before the kill landed is fine; a crash otherwise.
            QVERIFY2(r.status == QProcess::CrashExit || r.exitCode == 0, qPrintable(r.describe()));
            QVERIFY(tus.uploadCount() <= 1);
        }
        const RunResult r = Btstream(m_tmp.path()).run(arguments);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(tus.uploadCount(), 1);
        const QUrl uploadUrl(resultObject(r).value(QStringLiteral("uploadUrl")).toString());
        QCOMPARE(sha256OfFile(tus.storedFile(uploadUrl)), sha256(data));
    }

    // Through the queue (as the program's uploads): the secrets reach the server but never the
    // store's files, and the same command again finds the row (already uploaded, no second
    // upload); --no-resume starts a new one.
    void credentialsNeverStoredAndRowFoundAgain()
    {
        TusTestServer tus;
        QString why;
        if (!tus.start(&why))
            QSKIP(qPrintable(why));
        const QByteArray data = randomBytes(700000, 12);
        const QString file = m_tmp.filePath(QStringLiteral("secret.bin"));
        QVERIFY(writeFile(file, data));
        const QString dataDir = m_tmp.filePath(QStringLiteral("d10"));
        const QStringList arguments =
            base(dataDir) << QStringLiteral("--user") << QStringLiteral("bob:hunter2-pw")
                          << QStringLiteral("--header")
                          << QStringLiteral("Authorization: Bearer tok-sekrit") << file
                          << tus.endpoint().toString();
        const RunResult r = Btstream(m_tmp.path()).run(arguments);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QUrl uploadUrl(resultObject(r).value(QStringLiteral("uploadUrl")).toString());
        QCOMPARE(sha256OfFile(tus.storedFile(uploadUrl)), sha256(data));
        QCOMPARE(tus.uploadCount(), 1);
        const RunResult again = Btstream(m_tmp.path()).run(arguments);
        QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
        const QJsonObject result = resultObject(again);
        QVERIFY2(result.value(QStringLiteral("alreadyComplete")).toBool(),
                 qPrintable(again.describe()));
        QCOMPARE(result.value(QStringLiteral("uploadUrl")).toString(), uploadUrl.toString());
        QCOMPARE(tus.uploadCount(), 1);
        QDirIterator it(dataDir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(!bytes.contains("hunter2-pw") && !bytes.contains("tok-sekrit"),
                     qPrintable(f.fileName()));
            ++files;
        }
        QVERIFY(files > 0);
        QVERIFY(!r.out.contains("hunter2-pw") && !r.err.contains("hunter2-pw"));

        QStringList noResume = arguments;
        noResume.insert(base(dataDir).size(), QStringLiteral("--no-resume"));
        const RunResult fresh = Btstream(m_tmp.path()).run(noResume);
        QVERIFY2(fresh.exitCode == 0, qPrintable(fresh.describe()));
        QVERIFY(!resultObject(fresh).value(QStringLiteral("alreadyComplete")).toBool());
        QCOMPARE(tus.uploadCount(), 2);
    }

    void missingFile()
    {
        const RunResult r =
            Btstream(m_tmp.path())
                .run({QStringLiteral("put"), QStringLiteral("--data-dir"),
                      m_tmp.filePath(QStringLiteral("d8")), QStringLiteral("no-such-file.bin"),
                      QStringLiteral("http://127.0.0.1:9/files")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("No such file") && r.err.contains("no-such-file.bin"),
                 qPrintable(r.describe()));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        const QString dir = m_tmp.filePath(QStringLiteral("usage-dir"));
        QDir().mkpath(dir);
        const QString url = QStringLiteral("http://127.0.0.1:9/files");
        QTest::newRow("folder over tus") << QStringList{dir, url} << QByteArray("--archive");
        QTest::newRow("folder over post")
            << QStringList{QStringLiteral("--post"), QStringLiteral("f"), dir, url}
            << QByteArray("--archive");
        QTest::newRow("bad archive")
            << QStringList{QStringLiteral("--archive"), QStringLiteral("rar"), dir, url}
            << QByteArray("--archive");
        QTest::newRow("two methods")
            << QStringList{QStringLiteral("--put"), QStringLiteral("--tus"), dir, url}
            << QByteArray("one of");
        QTest::newRow("no url") << QStringList{dir} << QByteArray("URL");
        QTest::newRow("form without post")
            << QStringList{QStringLiteral("-F"), QStringLiteral("a=b"), dir, url}
            << QByteArray("--post");
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const RunResult r =
            Btstream(m_tmp.path()).run(QStringList{QStringLiteral("put")} + arguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.describe()));
    }

    void refusedByServer()
    {
        NginxTestServer nginx;
        QString why;
        if (!nginx.start(&why))
            QSKIP(qPrintable(why));
        const QString file = m_tmp.filePath(QStringLiteral("big.bin"));
        QVERIFY(writeFile(file, randomBytes(64 * 1024, 9)));
        const RunResult tooLarge =
            Btstream(m_tmp.path())
                .run({QStringLiteral("put"), QStringLiteral("--put"), QStringLiteral("--data-dir"),
                      m_tmp.filePath(QStringLiteral("d9")), file,
                      nginx.url(QStringLiteral("/small/big.bin")).toString()});
        QVERIFY2(tooLarge.exitCode == 4 && tooLarge.err.contains("413"),
                 qPrintable(tooLarge.describe()));
        QVERIFY(!QFile::exists(nginx.root() + QStringLiteral("/small/big.bin")));

        const RunResult unauthorized =
            Btstream(m_tmp.path())
                .run({QStringLiteral("put"), QStringLiteral("--put"), QStringLiteral("--data-dir"),
                      m_tmp.filePath(QStringLiteral("d9")), QStringLiteral("--user"),
                      QStringLiteral("alice:wrong"), file,
                      nginx.url(QStringLiteral("/auth/big.bin")).toString()});
        QVERIFY2(unauthorized.exitCode == 4 && unauthorized.err.contains("401"),
                 qPrintable(unauthorized.describe()));
        // Credentials never reach the output.
        QVERIFY(!unauthorized.err.contains("wrong"));
    }
};

QTEST_GUILESS_MAIN(TestCliPut)
#include "tst_cli_put.moc"
