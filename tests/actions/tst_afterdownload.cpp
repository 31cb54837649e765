// AfterDownload: what runs once a download completed. Extraction of a real archive (byte-exact,
// hostile entries refused as ArchiveExtractor refuses them), a command that gets the file's
// path as one argument and never through a shell, failures with their exit code, and one
// finished() per run that never comes from inside start().
#include "TestArchive.h"
#include "actions/AfterDownload.h"
#include "queue/RequestCodec.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::archivetest;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

bool writeFile(const QString &path, const QByteArray &data,
               QFile::Permissions perms = QFile::ReadOwner | QFile::WriteOwner)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        return false;
    f.close();
    return f.setPermissions(perms);
}

// Runs `actions` on `path` and returns the one result (a failed wait is a failed QVERIFY in
// the caller through `ok`).
AfterDownload::Result run(const AfterDownloadActions &actions, const QString &path, bool *ok,
                          AfterDownload::CommandOutput mode = AfterDownload::CommandOutput::Capture)
{
    AfterDownload after(actions);
    after.setCommandOutput(mode);
    QSignalSpy finished(&after, &AfterDownload::finished);
    *ok = after.start(path) && finished.isEmpty() && finished.wait(20000);
    // Exactly one result per run.
    *ok = *ok && !QTest::qWaitFor([&] { return finished.size() > 1; }, 50);
    return *ok ? finished.at(0).at(0).value<AfterDownload::Result>() : AfterDownload::Result{};
}

} // namespace

class TestAfterDownload : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void extractsArchiveByteExact();
    void refusesHostileEntriesAndSkipsTheCommand();
    void notAnArchiveIsNoFailure();
    void commandGetsThePathAsOneArgument();
    void commandArgumentsAreSplitWithoutAShell();
    void failingCommandReportsItsExitCode();
    void missingProgramAndBadCommand();
    void capturesOutput();
    void neverFinishesInsideStart();
    void cancelKillsTheCommand();
    void storedWithTheRow();

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }
    // A /bin/sh script that writes its argument count, then each argument on a line of its
    // own, into `out`.
    QString argvScript(const QString &name, const QString &out)
    {
        const QString script = path(name);
        const QByteArray text = "#!/bin/sh\nout='" + QFile::encodeName(out) +
                                "'\nprintf '%s\\n' \"$#\" > \"$out\"\n"
                                "for a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$out\"; done\n";
        return writeFile(script, text, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)
                   ? script
                   : QString();
    }
};

void TestAfterDownload::init()
{
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    QVERIFY(QDir().mkpath(m_dir.path()));
    // A shell would run $(touch pwned) here: the test's folder is the current one.
    QVERIFY(QDir::setCurrent(m_dir.path()));
}

void TestAfterDownload::extractsArchiveByteExact()
{
    QByteArray big(300000, Qt::Uninitialized);
    for (int i = 0; i < big.size(); ++i)
        big[i] = char((i * 131) ^ (i >> 7));
    const QString archive = path(QStringLiteral("release-1.0.tar.gz"));
    QString why;
    QVERIFY2(writeArchive(archive, Format::TarGz,
                          {dir("bin/"), file("bin/tool", "#!/bin/sh\necho hi\n", 0755),
                           file("data/big.bin", big), file("README", "read me")},
                          &why),
             qPrintable(why));
    AfterDownloadActions actions;
    actions.extract = true;
    bool ok = false;
    const AfterDownload::Result r = run(actions, archive, &ok);
    QVERIFY(ok);
    QVERIFY2(r.ok(), qPrintable(r.errorText()));
    QVERIFY(r.extracted);
    QVERIFY(!r.commandRan);
    const QString folder = path(QStringLiteral("release-1.0"));
    QCOMPARE(r.extraction.folder, folder);
    QCOMPARE(r.extraction.files, 3);
    QCOMPARE(readAll(folder + QStringLiteral("/README")), QByteArray("read me"));
    QCOMPARE(readAll(folder + QStringLiteral("/data/big.bin")), big);
    QVERIFY(QFileInfo(folder + QStringLiteral("/bin/tool")).isExecutable());
    QVERIFY(QFile::exists(archive)); // the download stays
}

void TestAfterDownload::refusesHostileEntriesAndSkipsTheCommand()
{
    QVERIFY(QDir().mkpath(path(QStringLiteral("dl"))));
    const QString archive = path(QStringLiteral("dl/slip.zip"));
    QString why;
    QVERIFY2(writeArchive(archive, Format::Zip,
                          {file("good.txt", "good"), file("../../evil.txt", "evil"),
                           file("/tmp/abs-evil.txt", "evil"), symlinkItem("out", "/etc")},
                          &why),
             qPrintable(why));
    const QString marker = path(QStringLiteral("command-ran"));
    AfterDownloadActions actions;
    actions.extract = true;
    actions.command = QStringLiteral("touch \"%1\"").arg(marker);
    bool ok = false;
    const AfterDownload::Result r = run(actions, archive, &ok);
    QVERIFY(ok);
    QVERIFY(!r.ok());
    QVERIFY(r.extractionFailed());
    QVERIFY(!r.extraction.error.isError()); // extracted what was safe
    QCOMPARE(r.extraction.refused.size(), 3);
    QCOMPARE(readAll(path(QStringLiteral("dl/slip/good.txt"))), QByteArray("good"));
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("evil.txt"))));
    QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/abs-evil.txt")));
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("dl/slip/out"))));
    QVERIFY(r.errorText().contains(QStringLiteral("../../evil.txt")));
    // A failed extraction ends the set: the command did not run.
    QVERIFY(!r.commandRan);
    QVERIFY(!QFileInfo::exists(marker));
}

void TestAfterDownload::notAnArchiveIsNoFailure()
{
    const QString notes = path(QStringLiteral("notes.txt"));
    QVERIFY(writeFile(notes, "plain text"));
    const QString out = path(QStringLiteral("argv.txt"));
    AfterDownloadActions actions;
    actions.extract = true;
    actions.command = argvScript(QStringLiteral("argv.sh"), out);
    bool ok = false;
    const AfterDownload::Result r = run(actions, notes, &ok);
    QVERIFY(ok);
    QVERIFY2(r.ok(), qPrintable(r.errorText()));
    QVERIFY(!r.extraction.isArchive);
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("notes"))));
    QVERIFY(r.commandRan); // the command still runs
    QCOMPARE(readAll(out), "1\n" + QFile::encodeName(notes) + "\n");
}

void TestAfterDownload::commandGetsThePathAsOneArgument()
{
    // Spaces, quotes, a command substitution, a glob, a variable and a semicolon.
    const QString name =
        QStringLiteral("it's a \"file\" $(touch pwned) `touch pwned2` *;$HOME.bin");
    const QString file = path(name);
    QVERIFY(writeFile(file, "payload"));
    const QString out = path(QStringLiteral("argv.txt"));
    AfterDownloadActions actions;
    actions.command = argvScript(QStringLiteral("argv.sh"), out);
    bool ok = false;
    const AfterDownload::Result r = run(actions, file, &ok);
    QVERIFY(ok);
    QVERIFY2(r.ok(), qPrintable(r.errorText()));
    QCOMPARE(r.command.exitCode, 0);
    QCOMPARE(r.command.arguments, QStringList{file});
    QCOMPARE(readAll(out), "1\n" + QFile::encodeName(file) + "\n");
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("pwned"))));
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("pwned2"))));
}

void TestAfterDownload::commandArgumentsAreSplitWithoutAShell()
{
    QVERIFY(QDir().mkpath(path(QStringLiteral("a dir"))));
    const QString script = argvScript(QStringLiteral("a dir/argv.sh"), path(QStringLiteral("o")));
    const QString file = path(QStringLiteral("x.bin"));
    QVERIFY(writeFile(file, "x"));
    AfterDownloadActions actions;
    // Double quotes group words; $(...), ; and single quotes are plain characters.
    actions.command = QStringLiteral("\"%1\" \"two words\" $(touch pwned) ';'").arg(script);
    bool ok = false;
    const AfterDownload::Result r = run(actions, file, &ok);
    QVERIFY(ok);
    QVERIFY2(r.ok(), qPrintable(r.errorText()));
    QCOMPARE(r.command.program, script);
    QCOMPARE(readAll(path(QStringLiteral("o"))),
             "5\ntwo words\n$(touch\npwned)\n';'\n" + QFile::encodeName(file) + "\n");
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("pwned"))));
}

void TestAfterDownload::failingCommandReportsItsExitCode()
{
    const QString file = path(QStringLiteral("x.bin"));
    QVERIFY(writeFile(file, "x"));
    const QString script = path(QStringLiteral("fail.sh"));
    QVERIFY(writeFile(script, "#!/bin/sh\nexit 3\n",
                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    AfterDownloadActions actions;
    actions.command = script;
    bool ok = false;
    AfterDownload::Result r = run(actions, file, &ok);
    QVERIFY(ok);
    QVERIFY(!r.ok());
    QVERIFY(r.commandFailed());
    QVERIFY(r.command.started);
    QCOMPARE(r.command.exitCode, 3);
    QVERIFY(!r.command.crashed);
    QVERIFY2(r.errorText().contains(QStringLiteral("exited with code 3")),
             qPrintable(r.errorText()));
    QVERIFY(QFile::exists(file)); // the download stays

    // Killed by a signal.
    QVERIFY(writeFile(script, "#!/bin/sh\nkill -9 $$\n",
                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    r = run(actions, file, &ok);
    QVERIFY(ok);
    QVERIFY(r.commandFailed());
    QVERIFY(r.command.crashed);
    QVERIFY(r.errorText().contains(QStringLiteral("killed by a signal")));
}

void TestAfterDownload::missingProgramAndBadCommand()
{
    const QString file = path(QStringLiteral("x.bin"));
    QVERIFY(writeFile(file, "x"));
    AfterDownloadActions actions;
    actions.command = path(QStringLiteral("no-such-program"));
    bool ok = false;
    AfterDownload::Result r = run(actions, file, &ok);
    QVERIFY(ok);
    QVERIFY(r.commandFailed());
    QVERIFY(!r.command.started);
    QVERIFY2(r.errorText().contains(QStringLiteral("no-such-program")), qPrintable(r.errorText()));

    actions.command = QStringLiteral("echo \"unclosed");
    r = run(actions, file, &ok);
    QVERIFY(ok);
    QCOMPARE(r.command.error.code, ErrorCode::InvalidArgument);
    QVERIFY(r.errorText().contains(QStringLiteral("unclosed quote")));
    QStringList parts;
    QVERIFY(!AfterDownload::splitCommand(QStringLiteral("  "), &parts));
    QVERIFY(AfterDownload::splitCommand(QStringLiteral("a  \"c d\" 'e f' x\"\"\"y"), &parts));
    QCOMPARE(parts, QStringList({QStringLiteral("a"), QStringLiteral("c d"), QStringLiteral("'e"),
                                 QStringLiteral("f'"), QStringLiteral("x\"y")}));
}

void TestAfterDownload::capturesOutput()
{
    const QString file = path(QStringLiteral("x.bin"));
    QVERIFY(writeFile(file, "x"));
    const QString script = path(QStringLiteral("talk.sh"));
    QVERIFY(writeFile(script, "#!/bin/sh\necho \"out $1\"\necho err >&2\n",
                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    AfterDownloadActions actions;
    actions.command = script;
    bool ok = false;
    const AfterDownload::Result r = run(actions, file, &ok);
    QVERIFY(ok);
    QVERIFY(r.ok());
    QVERIFY(r.command.output.contains("out " + QFile::encodeName(file)));
    QVERIFY(r.command.output.contains("err"));
}

void TestAfterDownload::neverFinishesInsideStart()
{
    // Nothing to do, a program that cannot start, a command that cannot be split: the result
    // still arrives from the event loop.
    for (const QString &command :
         {QString(), path(QStringLiteral("missing")), QStringLiteral("\"open")}) {
        AfterDownloadActions actions;
        actions.command = command;
        AfterDownload after(actions);
        QSignalSpy finished(&after, &AfterDownload::finished);
        QVERIFY(after.start(path(QStringLiteral("x.bin"))));
        QVERIFY(after.isRunning());
        QVERIFY(!after.start(path(QStringLiteral("x.bin")))); // one run at a time
        QCOMPARE(finished.size(), 0);
        QVERIFY(finished.wait(10000));
        QVERIFY(!after.isRunning());
    }
}

void TestAfterDownload::cancelKillsTheCommand()
{
    const QString file = path(QStringLiteral("x.bin"));
    QVERIFY(writeFile(file, "x"));
    const QString script = path(QStringLiteral("slow.sh"));
    const QString started = path(QStringLiteral("started"));
    QVERIFY(writeFile(script,
                      "#!/bin/sh\ntouch '" + QFile::encodeName(started) + "'\nexec sleep 60\n",
                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    AfterDownloadActions actions;
    actions.command = script;
    AfterDownload after(actions);
    QSignalSpy finished(&after, &AfterDownload::finished);
    QVERIFY(after.start(file));
    QVERIFY(QTest::qWaitFor([&] { return QFileInfo::exists(started); }, 10000));
    after.cancel();
    QVERIFY(finished.wait(10000));
    const auto r = finished.at(0).at(0).value<AfterDownload::Result>();
    QVERIFY(r.cancelled);
    QVERIFY(!r.ok());
}

void TestAfterDownload::storedWithTheRow()
{
    DownloadRequest request;
    request.url = QUrl(QStringLiteral("http://127.0.0.1/a.tar.gz"));
    request.directory = m_dir.path();
    request.afterDownload.extract = true;
    request.afterDownload.command = QStringLiteral("notify 'done now'");
    const TransferRecord record = requestcodec::toRecord(request);
    QCOMPARE(requestcodec::afterDownload(record), request.afterDownload);
    QCOMPARE(requestcodec::fromRecord(record).afterDownload, request.afterDownload);
    // None asked: nothing stored (a later version's defaults apply).
    QVERIFY(!requestcodec::toRecord(DownloadRequest{}).options.contains(QStringLiteral("extract")));
    QVERIFY(requestcodec::afterDownload(requestcodec::toRecord(DownloadRequest{})).isEmpty());
    // The program's setting unites with the row's own.
    AfterDownloadActions setting;
    setting.extract = true;
    AfterDownloadActions own;
    own.command = QStringLiteral("x");
    QCOMPARE(own.united(setting).extract, true);
    QCOMPARE(own.united(setting).command, QStringLiteral("x"));
}

QTEST_GUILESS_MAIN(TestAfterDownload)
#include "tst_afterdownload.moc"
