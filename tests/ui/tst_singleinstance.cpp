// Single instance: a second start hands its URLs to the running one and exits.
#include "UiTestEnv.h"
#include "ipc/SingleInstance.h"

#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <thread>

using bt::SingleInstance;

class TestSingleInstance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { bt::uitest::isolateSettings(); }
    void handsArgumentsOver();
    void staleNameIsTakenOver();
    void refusedArgumentsAreNotTaken();
    void secondProgramExits();
};

void TestSingleInstance::handsArgumentsOver()
{
    QTemporaryDir data;
    const QString key = SingleInstance::keyFor(data.path());
    QCOMPARE(key, SingleInstance::keyFor(data.path() + QStringLiteral("/")));
    SingleInstance running(key);
    QVERIFY(running.listen());
    SingleInstance second(key);
    QVERIFY(!second.listen()); // the name is taken
    QSignalSpy spy(&running, &SingleInstance::argumentsReceived);
    const QStringList urls{QStringLiteral("https://example.org/a"),
                           QStringLiteral("https://example.org/b")};
    bool sent = false;
    // The client blocks (as the second program does): run it off this event loop.
    std::thread client([&] {
        SingleInstance other(key);
        sent = other.sendToRunning(urls, 5000);
    });
    QTRY_COMPARE(spy.size(), 1);
    client.join();
    QVERIFY(sent);
    QCOMPARE(spy[0][0].toStringList(), urls);
}

void TestSingleInstance::staleNameIsTakenOver()
{
    QTemporaryDir data;
    SingleInstance nobody(SingleInstance::keyFor(data.path()));
    QVERIFY(!nobody.sendToRunning({QStringLiteral("x")}, 200));
    QVERIFY(nobody.listen());
}

// Too large for the channel: the running instance closes without its confirmation, and the
// sender knows (the browser host then leaves the download to the browser).
void TestSingleInstance::refusedArgumentsAreNotTaken()
{
    QTemporaryDir data;
    const QString key = SingleInstance::keyFor(data.path());
    SingleInstance running(key);
    QVERIFY(running.listen());
    QSignalSpy spy(&running, &SingleInstance::argumentsReceived);
    bool sent = true;
    std::atomic<bool> done = false;
    std::thread client([&] {
        SingleInstance other(key);
        sent = other.sendToRunning({QString(3 << 20, u'a')}, 5000); // 6 MiB in the stream
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000); // the running side reads on this event loop
    client.join();
    QVERIFY(!sent);
    QCOMPARE(spy.size(), 0);
}

void TestSingleInstance::secondProgramExits()
{
    const QString program = QStringLiteral(BT_BINARY_DIR "/app/gui/btfilestream");
    if (!QFile::exists(program))
        QSKIP("btfilestream is not built");
    QTemporaryDir data;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("BTSTREAM_DATA_DIR"), data.path());
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess first;
    first.setProcessEnvironment(env);
    first.start(program, {});
    QVERIFY(first.waitForStarted());
    const QString key = SingleInstance::keyFor(data.path());
    QTRY_VERIFY_WITH_TIMEOUT(([&key] {
                                 QLocalSocket probe;
                                 probe.connectToServer(key);
                                 return probe.waitForConnected(100);
                             }()),
                             10000);

    QProcess second;
    second.setProcessEnvironment(env);
    second.start(program, {QStringLiteral("https://example.org/file.iso")});
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 0);
    QCOMPARE(first.state(), QProcess::Running);
    first.terminate();
    QVERIFY(first.waitForFinished(10000));
}

QTEST_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
