// The proxy setting of a running queue (the GUI's Settings > Network): a changed setting is
// used by the next transfer without a restart, while the queue keeps running. Two TestProxy
// instances in front of a FaultServer; the URLs name origin.invalid, which only the proxies
// reach (they send it to 127.0.0.1).
#include "FaultServer.h"
#include "QueueWait.h"
#include "TestProxy.h"
#include "queue/QueueManager.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::test;

class TestQueueProxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void changedProxyAppliesWithoutRestart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("out"));
        QVERIFY(QDir().mkpath(out));
        FaultServer server;
        QVERIFY(server.listenInThread());
        TestProxy first;
        TestProxy second;
        QVERIFY(first.listen());
        QVERIFY(second.listen());
        QHash<QByteArray, QByteArray> bodies;
        for (const QByteArray name : {"a", "b"}) {
            FaultServer::Resource res;
            res.body = makeTestData(300 << 10, quint32(name.at(0)));
            server.setResource("/" + name, res);
            bodies.insert(name, res.body);
        }
        const auto url = [&](const QByteArray &name) {
            return QUrl(QStringLiteral("http://origin.invalid:%1/%2")
                            .arg(server.port())
                            .arg(QString::fromLatin1(name)));
        };

        QueueManager queue;
        queue.setProxy(QString::fromLatin1(first.url()));
        Error error;
        QVERIFY2(openQueue(queue, dir.filePath(QStringLiteral("data")), &error),
                 qPrintable(error.message));
        QSignalSpy finished(&queue, &QueueManager::transferFinished);
        const auto download = [&](const QByteArray &name) {
            DownloadRequest r;
            r.url = url(name);
            r.directory = out;
            r.retries = 0;
            const int before = int(finished.size());
            if (queue.enqueue(r) <= 0)
                return false;
            if (!QTest::qWaitFor([&] { return finished.size() > before; }, 20000))
                return false;
            const auto result = finished.last().first().value<TransferResult>();
            QFile f(QDir(out).filePath(QString::fromLatin1(name)));
            return result.error.code == ErrorCode::None && f.open(QIODevice::ReadOnly) &&
                   f.readAll() == bodies.value(name);
        };

        QVERIFY(download("a"));
        QVERIFY(!first.requestLines().isEmpty());
        QVERIFY(second.requestLines().isEmpty());

        // Changed while the queue runs: the next transfer goes through the second proxy.
        queue.setProxy(QString::fromLatin1(second.url()));
        const qsizetype firstSeen = first.requestLines().size();
        QVERIFY(download("b"));
        QCOMPARE(first.requestLines().size(), firstSeen);
        QVERIFY(!second.requestLines().isEmpty());
        for (const QByteArray &line : second.requestLines())
            QVERIFY2(line.startsWith("GET http://origin.invalid:"), line.constData());
        QCOMPARE(queue.proxy(), QString::fromLatin1(second.url()));
    }
};

QTEST_GUILESS_MAIN(TestQueueProxy)
#include "tst_queueproxy.moc"
