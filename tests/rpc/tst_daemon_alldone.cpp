// `btstream daemon --on-all-done`: once the transfers a client added have ended and the queue
// is idle, the daemon quits (exit 0, the file saved) or runs a command (and keeps serving).
#include "DaemonProcess.h"
#include "FaultServer.h"

#include <QFile>
#include <QTemporaryDir>

using namespace bt::test;

class TestDaemonAllDone : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FaultServer m_server;
    QByteArray m_body;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QStringList daemonArgs(const QString &data) const
    {
        return {QStringLiteral("--data-dir"), path(data), QStringLiteral("-d"),
                path(QStringLiteral("dl-") + data)};
    }
    QString addUri(DaemonProcess &daemon, const QString &out)
    {
        return daemon
            .call(QStringLiteral("aria2.addUri"),
                  {QJsonArray{QString::fromLatin1(m_server.url("/file.bin"))},
                   QJsonObject{{QStringLiteral("out"), out}}})
            .value(QLatin1String("result"))
            .toString();
    }
    bool fileIs(const QString &file, const QByteArray &expected) const
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) && f.readAll() == expected;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_server.listenInThread());
        m_body = makeTestData(512 * 1024 + 3, 11);
        FaultServer::Resource file;
        file.body = m_body;
        file.bytesPerSecond = 1024 * 1024; // half a second: the daemon is busy meanwhile
        m_server.setResource("/file.bin", file);
    }

    void quitsWhenAllIsDone()
    {
        DaemonProcess daemon(path(QStringLiteral("config")));
        QVERIFY2(
            daemon.start(daemonArgs(QStringLiteral("quit")) +
                         QStringList{QStringLiteral("--on-all-done"), QStringLiteral("quit"),
                                     QStringLiteral("--on-all-done-delay"), QStringLiteral("0")}),
            daemon.stderrText());
        QVERIFY(!addUri(daemon, QStringLiteral("a.bin")).isEmpty());
        QVERIFY2(daemon.process().waitForFinished(20000), daemon.stderrText());
        QCOMPARE(daemon.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(daemon.process().exitCode(), 0);
        QVERIFY(fileIs(path(QStringLiteral("dl-quit/a.bin")), m_body));
        QVERIFY2(daemon.stderrText().contains("all transfers are done: quitting"),
                 daemon.stderrText());
    }

    void runsCommandAndStays()
    {
        // The command writes its QT_NO_GLIB into the marker (then renames it into place):
        // btstream sets it for itself only, the command gets the person's environment.
        const QString marker = path(QStringLiteral("marker with space"));
        const QString hook = path(QStringLiteral("alldone.sh"));
        QFile f(hook);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\nprintf '%s\\n' \"${QT_NO_GLIB-unset}\" > \"$1.part\" && "
                "mv \"$1.part\" \"$1\"\n");
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        DaemonProcess daemon(path(QStringLiteral("config")));
        QProcessEnvironment env = daemon.process().processEnvironment();
        env.remove(QStringLiteral("QT_NO_GLIB"));
        daemon.process().setProcessEnvironment(env);
        QVERIFY2(
            daemon.start(daemonArgs(QStringLiteral("cmd")) +
                         QStringList{QStringLiteral("--on-all-done-command"),
                                     QStringLiteral("%1 \"%2\"").arg(hook, marker),
                                     QStringLiteral("--on-all-done-delay"), QStringLiteral("0")}),
            daemon.stderrText());
        QVERIFY(!addUri(daemon, QStringLiteral("b.bin")).isEmpty());
        QVERIFY2(QTest::qWaitFor([&] { return QFileInfo::exists(marker); }, 20000),
                 daemon.stderrText());
        QVERIFY(fileIs(marker, "unset\n"));
        QVERIFY(fileIs(path(QStringLiteral("dl-cmd/b.bin")), m_body));
        // Once: the daemon serves on.
        QVERIFY(
            daemon.call(QStringLiteral("aria2.getVersion"), {}).contains(QLatin1String("result")));
        QVERIFY(daemon.process().state() == QProcess::Running);
        QVERIFY(daemon.terminate() >= 0);
        QCOMPARE(daemon.process().exitCode(), 0);
    }

    void refusesWhatItCannotDo()
    {
        QProcess p;
        p.setProgram(QStringLiteral(BTSTREAM_PATH));
        for (const QStringList &args :
             {QStringList{QStringLiteral("--on-all-done"), QStringLiteral("suspend")},
              QStringList{QStringLiteral("--on-all-done"), QStringLiteral("command")},
              QStringList{QStringLiteral("--on-all-done"), QStringLiteral("reboot")}}) {
            p.setArguments(QStringList{QStringLiteral("daemon")} + args);
            p.start();
            QVERIFY(p.waitForFinished(10000));
            QCOMPARE(p.exitCode(), 2);
            QVERIFY(p.readAllStandardError().contains("--on-all-done"));
        }
    }
};

QTEST_GUILESS_MAIN(TestDaemonAllDone)
#include "tst_daemon_alldone.moc"
