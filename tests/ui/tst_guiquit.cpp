// The desktop program ends on SIGTERM as on Quit: the running download stops, its resume
// state and the window's state are saved, and the process exits 0 once the queue's
// shutdownFinished() came (no nested event loop waits for it). The next start continues.
#include "FaultServer.h"
#include "UiTestEnv.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSettings>
#include <QTest>

#include <csignal>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::test;

class TestGuiQuit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { bt::uitest::isolateSettings(); }
    void sigtermSavesAndExits();
};

void TestGuiQuit::sigtermSavesAndExits()
{
    const QString program = QStringLiteral(BT_BINARY_DIR "/app/gui/btfilestream");
    QVERIFY2(QFile::exists(program), qPrintable(program));
    FaultServer server;
    QVERIFY(server.listenInThread());
    FaultServer::Resource res;
    res.body = makeTestData(8 << 20, 77);
    res.bytesPerSecond = 512 << 10; // 16 s: it runs when the signal comes
    server.setResource("/big.bin", res);

    // A download left running by an earlier session (the program continues it at start).
    QueueEnv env;
    QVERIFY(env.open());
    DownloadRequest request;
    request.url = QUrl(QString::fromLatin1(server.url("/big.bin")));
    request.directory = env.dir.filePath(QStringLiteral("out"));
    request.connections = 1;
    QVERIFY(QDir().mkpath(request.directory));
    const qint64 id = env.queue->enqueue(request);
    QVERIFY(id > 0);
    QTRY_VERIFY(env.jobs.job(id) && env.jobs.job(id)->started);
    QVERIFY(shutDownQueue(*env.queue));
    env.queue.reset();

    const QString conf = QSettings(QSettings::NativeFormat, QSettings::UserScope,
                                   QStringLiteral("BTFileStream"), QStringLiteral("btfilestream"))
                             .fileName();
    QFile::remove(conf);
    QProcessEnvironment penv = QProcessEnvironment::systemEnvironment();
    penv.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess gui;
    gui.setProcessEnvironment(penv);
    gui.setProcessChannelMode(QProcess::ForwardedChannels);
    gui.start(program, {QStringLiteral("--data-dir"), env.dataDir()});
    QVERIFY(gui.waitForStarted());
    // Running, with a checkpoint in the store (read by a connection of our own).
    const auto storedDone = [&] {
        TransferStore reader;
        const auto row = reader.open(env.dataDir()) ? reader.load(id) : std::nullopt;
        return row ? row->doneSize : qint64(0);
    };
    qint64 seen = 0;
    QTRY_VERIFY_WITH_TIMEOUT((seen = storedDone()) >= (256 << 10), 20000);
    QCOMPARE(gui.state(), QProcess::Running);
    QVERIFY(::kill(pid_t(gui.processId()), SIGTERM) == 0);
    QVERIFY(gui.waitForFinished(15000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gui.exitCode(), 0);

    // Saved: still running in the store (the next start resumes it), its offset on disk.
    TransferStore store;
    QVERIFY(store.open(env.dataDir()));
    const auto row = store.load(id);
    QVERIFY(row);
    QCOMPARE(row->state, TransferState::Active);
    QVERIFY2(row->doneSize >= seen, QByteArray::number(row->doneSize).constData());
    QVERIFY(row->doneSize < res.body.size());
    const QString part = QDir(request.directory).filePath(QStringLiteral("big.bin.part"));
    QVERIFY(QFileInfo(part).size() >= row->doneSize);
    QFile partFile(part);
    QVERIFY(partFile.open(QIODevice::ReadOnly));
    QCOMPARE(partFile.read(row->doneSize), res.body.left(row->doneSize));
    // The window's state too.
    QVERIFY(QSettings(conf, QSettings::IniFormat).contains(QStringLiteral("windowState/geometry")));
}

QTEST_MAIN(TestGuiQuit)
#include "tst_guiquit.moc"
