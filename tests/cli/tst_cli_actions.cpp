// btstream get --extract and --on-complete end to end: the extracted files byte-exact beside the
// download, the command getting the saved path as one argument (never through a shell), its
// output passed through, and exit code 9 with the file kept when an action fails.
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "TestArchive.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;
namespace at = bt::archivetest;

class TestCliActions : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_big;

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString url(const QByteArray &path) const { return QString::fromLatin1(m_server.url(path)); }

    // btstream get --data-dir DATA -d OUT extra... run in the temporary folder.
    RunResult get(const QStringList &extra, int timeoutMs = 30000)
    {
        Btstream p(m_tmp->path());
        return p.run(getArguments(extra), timeoutMs);
    }
    QStringList getArguments(const QStringList &extra) const
    {
        return QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                           QStringLiteral("-d"), out()} +
               extra;
    }

    // An archive made with libarchive, served at `path`; its bytes.
    QByteArray serveArchive(const QByteArray &path, at::Format format, const QList<at::Item> &items)
    {
        const QString file = m_tmp->filePath(QStringLiteral("archive.tmp"));
        QString why;
        if (!at::writeArchive(file, format, items, &why)) {
            qWarning("%s", qPrintable(why));
            return {};
        }
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        const QByteArray bytes = f.readAll();
        f.remove();
        FaultServer::Resource res;
        res.body = bytes;
        m_server.setResource(path, res);
        return bytes;
    }

    // A script that appends its argument count and arguments (a line each) to `log`, says
    // "hook out" on stdout and "hook err" on stderr, and exits with `status`.
    QString script(const QString &log, int status = 0)
    {
        const QString path = m_tmp->filePath(QStringLiteral("hook dir/hook.sh"));
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write("#!/bin/sh\nlog='" + QFile::encodeName(log) +
                "'\nprintf '%s\\n' \"$#\" >> \"$log\"\n"
                "for a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$log\"; done\n"
                "echo 'hook out'\necho 'hook err' >&2\nexit " +
                QByteArray::number(status) + "\n");
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }
    // The command line for script(): its path quoted (it has a space).
    static QString quoted(const QString &path)
    {
        return QLatin1Char('"') + path + QLatin1Char('"');
    }

    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_big = makeTestData(2 * 1024 * 1024 + 77, 11);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
    }

    void extractLeavesFilesByteExact()
    {
        const QByteArray archive =
            serveArchive("/release-2.1.tar.gz", at::Format::TarGz,
                         {at::dir("bin/"), at::file("bin/run", "#!/bin/sh\necho run\n", 0755),
                          at::file("data/big.bin", m_big), at::file("README", "read me")});
        QVERIFY(!archive.isEmpty());
        const RunResult r = get({QStringLiteral("--extract"), url("/release-2.1.tar.gz")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // The download stays, byte-exact, and the folder beside it holds the entries.
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/release-2.1.tar.gz")), sha256Hex(archive));
        QCOMPARE(entries(out()), QStringList({QStringLiteral("release-2.1"),
                                              QStringLiteral("release-2.1.tar.gz")}));
        const QString folder = out() + QStringLiteral("/release-2.1");
        QCOMPARE(fileSha256Hex(folder + QStringLiteral("/data/big.bin")), sha256Hex(m_big));
        QCOMPARE(readAll(folder + QStringLiteral("/README")), QByteArray("read me"));
        QVERIFY(QFileInfo(folder + QStringLiteral("/bin/run")).isExecutable());
        QVERIFY2(r.err.contains("Extracted out/release-2.1.tar.gz into out/release-2.1 (3 files)"),
                 qPrintable(r.describe()));

        // A file that is not an archive is saved and left alone: no failure.
        FaultServer::Resource plain;
        plain.body = "just text";
        m_server.setResource("/notes.txt", plain);
        const RunResult t = get({QStringLiteral("--extract"), url("/notes.txt")});
        QVERIFY2(t.exitCode == 0, qPrintable(t.describe()));
        QVERIFY2(t.err.contains("not an archive"), qPrintable(t.describe()));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/notes")));
    }

    void extractRefusingEntriesExits9()
    {
        const QByteArray archive =
            serveArchive("/slip.zip", at::Format::Zip,
                         {at::file("good.txt", "good"), at::file("../../evil.txt", "evil"),
                          at::symlinkItem("etc", "/etc")});
        QVERIFY(!archive.isEmpty());
        const QString log = m_tmp->filePath(QStringLiteral("hook.log"));
        const RunResult r = get({QStringLiteral("--extract"), QStringLiteral("--on-complete"),
                                 quoted(script(log)), url("/slip.zip")});
        QCOMPARE(r.exitCode, 9);
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/slip.zip")),
                 sha256Hex(archive)); // the file stays
        QCOMPARE(readAll(out() + QStringLiteral("/slip/good.txt")), QByteArray("good"));
        QVERIFY(!QFileInfo::exists(m_tmp->filePath(QStringLiteral("evil.txt"))));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/evil.txt")));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/slip/etc")));
        QVERIFY2(r.err.contains("../../evil.txt"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("the download is saved"), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(log)); // a failed extraction ends the actions
    }

    void onCompleteGetsThePathAsOneArgument()
    {
        FaultServer::Resource res;
        res.body = m_big;
        m_server.setResource("/big.bin", res);
        const QString log = m_tmp->filePath(QStringLiteral("hook.log"));
        // A name a shell would run: it must arrive as one argument, never be run.
        const QString name = QStringLiteral("a \"b\" $(touch pwned) `touch pwned2`;'c'.bin");
        const RunResult r = get({QStringLiteral("-o"), name, QStringLiteral("--on-complete"),
                                 quoted(script(log)) + QStringLiteral(" --flag"), url("/big.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString saved = out() + QLatin1Char('/') + name;
        QCOMPARE(fileSha256Hex(saved), sha256Hex(m_big));
        QCOMPARE(readAll(log), "2\n--flag\n" + QFile::encodeName(saved) + "\n");
        for (const QString &dir : {m_tmp->path(), out()}) {
            QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/pwned")));
            QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/pwned2")));
        }
        // The command's output is passed through, not swallowed.
        QVERIFY2(r.out.contains("hook out"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("hook err"), qPrintable(r.describe()));
    }

    // btstream sets QT_NO_GLIB for itself (Qt's own event dispatcher): the command gets the
    // person's environment, so without it, unless the person had set it.
    void onCompleteGetsThePersonsEnvironment()
    {
        FaultServer::Resource res;
        res.body = "e";
        m_server.setResource("/e.bin", res);
        const QString log = m_tmp->filePath(QStringLiteral("env.log"));
        const QString hook = m_tmp->filePath(QStringLiteral("env.sh"));
        QFile f(hook);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "#!/bin/sh\nprintf '%s %s\\n' \"${QT_NO_GLIB-unset}\" \"${BT_TEST_MARK-unset}\" >> '" +
            QFile::encodeName(log) + "'\n");
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        for (const QString &glib : {QString(), QStringLiteral("1")}) {
            Btstream p(m_tmp->path());
            QProcessEnvironment env = p.processEnvironment();
            env.remove(QStringLiteral("QT_NO_GLIB"));
            if (!glib.isEmpty())
                env.insert(QStringLiteral("QT_NO_GLIB"), glib);
            env.insert(QStringLiteral("BT_TEST_MARK"), QStringLiteral("kept"));
            p.setProcessEnvironment(env);
            const RunResult r =
                p.run(getArguments({QStringLiteral("-o"), QStringLiteral("e%1.bin").arg(glib),
                                    QStringLiteral("--on-complete"), hook, url("/e.bin")}));
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        }
        QCOMPARE(readAll(log), QByteArray("unset kept\n1 kept\n"));
    }

    void failingCommandExits9AndKeepsTheFile()
    {
        FaultServer::Resource res;
        res.body = m_big.left(5000);
        m_server.setResource("/f.bin", res);
        const QString log = m_tmp->filePath(QStringLiteral("hook.log"));
        const RunResult r =
            get({QStringLiteral("--on-complete"), quoted(script(log, 4)), url("/f.bin")});
        QCOMPARE(r.exitCode, 9);
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/f.bin")), sha256Hex(m_big.left(5000)));
        QCOMPARE(readAll(log), "1\n" + QFile::encodeName(out() + QStringLiteral("/f.bin")) + "\n");
        QVERIFY2(r.err.contains("exited with code 4"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("the download is saved: out/f.bin"), qPrintable(r.describe()));

        // --quiet still says it; a program that vanished after the check is the same failure.
        const RunResult q =
            get({QStringLiteral("-q"), QStringLiteral("--on-complete"), quoted(script(log, 1)),
                 QStringLiteral("--no-resume"), url("/f.bin")});
        QCOMPARE(q.exitCode, 9);
        QVERIFY2(q.err.contains("exited with code 1"), qPrintable(q.describe()));
    }

    void badCommandIsAUsageError()
    {
        FaultServer::Resource res;
        res.body = "x";
        m_server.setResource("/u.bin", res);
        const int before = m_server.requestCount("/u.bin");
        for (const QString &command : {QStringLiteral("\"unclosed"), QStringLiteral("   "),
                                       m_tmp->filePath(QStringLiteral("no-such-program")),
                                       QStringLiteral("no-such-program-in-path-bt")}) {
            const RunResult r = get({QStringLiteral("--on-complete"), command, url("/u.bin")});
            QVERIFY2(r.exitCode == 2, qPrintable(command + r.describe()));
            QVERIFY2(r.err.contains("--on-complete"), qPrintable(r.describe()));
        }
        QCOMPARE(m_server.requestCount("/u.bin"), before); // nothing was downloaded
        QVERIFY(entries(out()).isEmpty());
    }

    void jsonKeepsStdoutForJson()
    {
        FaultServer::Resource res;
        res.body = m_big.left(1000);
        m_server.setResource("/j.bin", res);
        const QString log = m_tmp->filePath(QStringLiteral("hook.log"));
        const RunResult r = get({QStringLiteral("--json"), QStringLiteral("--on-complete"),
                                 quoted(script(log)), url("/j.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QJsonObject after;
        for (const QJsonObject &line : r.jsonLines()) {
            QVERIFY2(!line.isEmpty(), qPrintable(r.describe())); // every stdout line is JSON
            if (line.value(QStringLiteral("event")).toString() == QLatin1String("afterDownload"))
                after = line;
        }
        QVERIFY2(!after.isEmpty(), qPrintable(r.describe()));
        QCOMPARE(after.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(after.value(QStringLiteral("commandExit")).toInt(), 0);
        QCOMPARE(after.value(QStringLiteral("file")).toString(), out() + QStringLiteral("/j.bin"));
        QVERIFY2(r.err.contains("hook out"), qPrintable(r.describe())); // moved to stderr
    }

    void resumedDownloadRunsItOnceAlreadyCompleteNot()
    {
        FaultServer::Resource res;
        res.body = m_big;
        m_server.setResource("/r.bin", res);
        FaultServer::Fault cut;
        cut.kind = FaultServer::Fault::Kind::CutAfter;
        cut.bytes = 700000;
        m_server.queueFault("/r.bin", cut);
        const QString log = m_tmp->filePath(QStringLiteral("hook.log"));
        const QStringList args{QStringLiteral("--connections"),
                               QStringLiteral("1"),
                               QStringLiteral("--retries"),
                               QStringLiteral("0"),
                               QStringLiteral("--on-complete"),
                               quoted(script(log)),
                               url("/r.bin")};
        const RunResult first = get(args);
        QCOMPARE(first.exitCode, 3); // cut, no retries: saved for a resume
        QVERIFY(!QFileInfo::exists(log));
        const RunResult second = get(args);
        QVERIFY2(second.exitCode == 0, qPrintable(second.describe()));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/r.bin")), sha256Hex(m_big));
        QCOMPARE(readAll(log), "1\n" + QFile::encodeName(out() + QStringLiteral("/r.bin")) + "\n");
        // Run again: already complete, nothing downloaded, nothing run again.
        const RunResult third = get(args);
        QVERIFY2(third.exitCode == 0, qPrintable(third.describe()));
        QVERIFY2(third.err.contains("already complete"), qPrintable(third.describe()));
        QCOMPARE(readAll(log), "1\n" + QFile::encodeName(out() + QStringLiteral("/r.bin")) + "\n");
    }
};

QTEST_GUILESS_MAIN(TestCliActions)
#include "tst_cli_actions.moc"
