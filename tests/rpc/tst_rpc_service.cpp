// Aria2Service over a real QueueManager (in-process, a FaultServer on 127.0.0.1): the dispatch,
// the secret, parameter checks, and the methods' effects on the queue and the disk.
#include "Aria2Service.h"
#include "FaultServer.h"
#include "QueueWait.h"
#include "queue/QueueManager.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::rpc;
using namespace bt::test;

class TestRpcService : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FaultServer m_server;
    QueueManager *m_queue = nullptr;
    Aria2Service *m_service = nullptr;
    QByteArray m_body;

    Aria2Service::Reply call(const QString &method, QJsonArray params = {}, bool withToken = true)
    {
        if (withToken)
            params.prepend(QStringLiteral("token:pw"));
        RpcCall c;
        c.id = 1;
        c.method = method;
        c.params = params;
        return m_service->call(c);
    }
    QString download() const { return m_dir.filePath(QStringLiteral("dl")); }
    QString statusOf(const QString &gid)
    {
        return call(QStringLiteral("aria2.tellStatus"), {gid})
            .result.toObject()
            .value(QLatin1String("status"))
            .toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_body = makeTestData(300000, 3);
        FaultServer::Resource r;
        r.body = m_body;
        m_server.setResource("/f.bin", r);
        QVERIFY(QDir().mkpath(download()));
        m_queue = new QueueManager(this);
        QVERIFY(queuetest::openQueue(*m_queue, m_dir.filePath(QStringLiteral("data"))));
        m_service = new Aria2Service(m_queue, DownloadFolders(download(), {}), this);
        m_service->setSecret(QStringLiteral("pw"));
    }
    void cleanupTestCase() { QVERIFY(queuetest::shutDownQueue(*m_queue)); }

    void secret()
    {
        QCOMPARE(call(QStringLiteral("aria2.tellActive"), {}, false).errorMessage,
                 QStringLiteral("Unauthorized"));
        QCOMPARE(
            call(QStringLiteral("aria2.tellActive"), {QStringLiteral("token:no")}, false).errorCode,
            int(MethodError));
        QVERIFY(!call(QStringLiteral("aria2.tellActive")).isError());
        // The introspection methods need none.
        const auto methods = call(QStringLiteral("system.listMethods"), {}, false);
        QVERIFY(!methods.isError());
        QVERIFY(methods.result.toArray().contains(QStringLiteral("aria2.addUri")));
        QVERIFY(!call(QStringLiteral("system.listNotifications"), {}, false).isError());
    }

    void badParams_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QJsonArray>("params");
        QTest::addColumn<int>("code");
        QTest::newRow("unknown") << QStringLiteral("aria2.nope") << QJsonArray{}
                                 << int(MethodNotFound);
        QTest::newRow("gid number")
            << QStringLiteral("aria2.tellStatus") << QJsonArray{42} << int(MethodError);
        QTest::newRow("no gid") << QStringLiteral("aria2.pause") << QJsonArray{}
                                << int(MethodError);
        QTest::newRow("unknown gid")
            << QStringLiteral("aria2.remove") << QJsonArray{QStringLiteral("00000000000fffff")}
            << int(MethodError);
        QTest::newRow("uris string") << QStringLiteral("aria2.addUri")
                                     << QJsonArray{QStringLiteral("http://x/")} << int(MethodError);
        QTest::newRow("ftp") << QStringLiteral("aria2.addUri")
                             << QJsonArray{QJsonArray{QStringLiteral("ftp://x/f")}}
                             << int(MethodError);
        QTest::newRow("ftp mirror")
            << QStringLiteral("aria2.addUri")
            << QJsonArray{QJsonArray{QStringLiteral("http://x/f"), QStringLiteral("ftp://x/f")}}
            << int(MethodError);
        QTest::newRow("mirror number")
            << QStringLiteral("aria2.addUri")
            << QJsonArray{QJsonArray{QStringLiteral("http://x/f"), 7}} << int(MethodError);
        QTest::newRow("options array")
            << QStringLiteral("aria2.addUri")
            << QJsonArray{QJsonArray{QStringLiteral("http://x/f")}, QJsonArray{}}
            << int(MethodError);
        QTest::newRow("bad split")
            << QStringLiteral("aria2.addUri")
            << QJsonArray{QJsonArray{QStringLiteral("http://x/f")},
                          QJsonObject{{QStringLiteral("split"), QStringLiteral("99")}}}
            << int(MethodError);
        QTest::newRow("dir outside")
            << QStringLiteral("aria2.addUri")
            << QJsonArray{QJsonArray{QStringLiteral("http://x/f")},
                          QJsonObject{{QStringLiteral("dir"), QStringLiteral("/tmp")}}}
            << int(MethodError);
        QTest::newRow("header") << QStringLiteral("aria2.addUri")
                                << QJsonArray{QJsonArray{QStringLiteral("http://x/f")},
                                              QJsonObject{{QStringLiteral("header"),
                                                           QStringLiteral("X\r\nY: z")}}}
                                << int(MethodError);
        QTest::newRow("tellWaiting") << QStringLiteral("aria2.tellWaiting")
                                     << QJsonArray{QStringLiteral("0"), 1} << int(MethodError);
        QTest::newRow("upload outside")
            << QStringLiteral("btfilestream.addUpload")
            << QJsonArray{QStringLiteral("/etc/passwd"), QStringLiteral("http://x/")}
            << int(MethodError);
    }
    void badParams()
    {
        QFETCH(QString, method);
        QFETCH(QJsonArray, params);
        QFETCH(int, code);
        const int before = m_queue->count();
        const auto reply = call(method, params);
        QCOMPARE(reply.errorCode, code);
        QVERIFY(!reply.errorMessage.isEmpty());
        QCOMPARE(m_queue->count(), before); // nothing added
    }

    void addAndComplete()
    {
        QSignalSpy notes(m_service, &Aria2Service::notify);
        const auto added = call(
            QStringLiteral("aria2.addUri"),
            {QJsonArray{QString::fromLatin1(m_server.url("/f.bin"))},
             QJsonObject{{QStringLiteral("out"), QStringLiteral("one.bin")},
                         {QStringLiteral("split"), QStringLiteral("2")},
                         {QStringLiteral("checksum"),
                          QStringLiteral("sha-256=") + QString::fromLatin1(sha256Hex(m_body))}}});
        QVERIFY2(!added.isError(), qPrintable(added.errorMessage));
        const QString gid = added.result.toString();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(gid), QStringLiteral("complete"), 20000);
        QCOMPARE(fileSha256Hex(download() + QStringLiteral("/one.bin")), sha256Hex(m_body));
        const QJsonObject status =
            call(QStringLiteral("aria2.tellStatus"), {gid}).result.toObject();
        QCOMPARE(status.value(QLatin1String("totalLength")).toString(),
                 QString::number(m_body.size()));
        QCOMPARE(status.value(QLatin1String("errorCode")).toString(), QStringLiteral("0"));
        QTRY_VERIFY(std::any_of(notes.begin(), notes.end(), [&](const QList<QVariant> &n) {
            return n.at(0).toString() == QLatin1String("aria2.onDownloadComplete") &&
                   n.at(1).toString() == gid;
        }));
        // A completed download cannot be paused; its result can be removed.
        QCOMPARE(call(QStringLiteral("aria2.pause"), {gid}).errorCode, int(MethodError));
        QCOMPARE(call(QStringLiteral("aria2.getOption"), {gid})
                     .result.toObject()
                     .value(QLatin1String("split"))
                     .toString(),
                 QStringLiteral("2"));
        QVERIFY(!call(QStringLiteral("aria2.removeDownloadResult"), {gid}).isError());
        QCOMPARE(call(QStringLiteral("aria2.tellStatus"), {gid}).errorCode, int(MethodError));
        QVERIFY(QFileInfo::exists(download() + QStringLiteral("/one.bin"))); // file stays
    }

    // Several URIs are one file on several servers (aria2's mirrors): one that fails (a 404
    // first, a closed port after) is dropped, the file comes byte-exact from the other, and
    // getFiles and tellStatus list every URI.
    void addUriWithMirrors_data()
    {
        QTest::addColumn<QStringList>("uris");
        QTest::addColumn<QString>("out");
        QTcpServer probe; // a port nothing listens on once it is closed
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const QString closed = QStringLiteral("http://127.0.0.1:%1/f.bin").arg(probe.serverPort());
        probe.close();
        const QString good = QString::fromLatin1(m_server.url("/f.bin"));
        QTest::newRow("404 first")
            << QStringList{QString::fromLatin1(m_server.url("/gone.bin")), good}
            << QStringLiteral("mirrored-1.bin");
        QTest::newRow("closed port after")
            << QStringList{good, closed} << QStringLiteral("mirrored-2.bin");
    }
    void addUriWithMirrors()
    {
        QFETCH(QStringList, uris);
        QFETCH(QString, out);
        const int goneBefore = m_server.requestCount("/gone.bin");
        const auto added =
            call(QStringLiteral("aria2.addUri"),
                 {QJsonArray::fromStringList(uris), QJsonObject{{QStringLiteral("out"), out}}});
        QVERIFY2(!added.isError(), qPrintable(added.errorMessage));
        const QString gid = added.result.toString();
        const QStringList ended{QStringLiteral("complete"), QStringLiteral("error")};
        QTRY_VERIFY_WITH_TIMEOUT(ended.contains(statusOf(gid)), 20000);
        QCOMPARE(statusOf(gid), QStringLiteral("complete"));
        QCOMPARE(fileSha256Hex(download() + QLatin1Char('/') + out), sha256Hex(m_body));
        if (uris.first().endsWith(QLatin1String("/gone.bin")))
            QVERIFY(m_server.requestCount("/gone.bin") > goneBefore); // asked, and it failed

        const auto uriList = [](const QJsonObject &file) {
            QStringList found;
            for (const QJsonValue &u : file.value(QLatin1String("uris")).toArray())
                found.append(u.toObject().value(QLatin1String("uri")).toString());
            return found;
        };
        const QJsonArray files = call(QStringLiteral("aria2.getFiles"), {gid}).result.toArray();
        QCOMPARE(files.size(), 1);
        QCOMPARE(uriList(files.first().toObject()), uris);
        const QJsonObject status =
            call(QStringLiteral("aria2.tellStatus"), {gid}).result.toObject();
        QCOMPARE(uriList(status.value(QLatin1String("files")).toArray().first().toObject()), uris);
    }

    void positionsAndMulticall()
    {
        QStringList gids;
        for (int i = 0; i < 3; ++i) {
            const auto r =
                call(QStringLiteral("aria2.addUri"),
                     {QJsonArray{QString::fromLatin1(m_server.url("/f.bin"))},
                      QJsonObject{{QStringLiteral("pause"), QStringLiteral("true")},
                                  {QStringLiteral("out"), QStringLiteral("p%1.bin").arg(i)}}});
            QVERIFY(!r.isError());
            gids.append(r.result.toString());
        }
        QCOMPARE(statusOf(gids.at(0)), QStringLiteral("paused"));
        const auto moved = call(QStringLiteral("aria2.changePosition"),
                                {gids.at(2), 0, QStringLiteral("POS_SET")});
        QVERIFY2(!moved.isError(), qPrintable(moved.errorMessage));
        QCOMPARE(moved.result.toInt(), 0);
        const QJsonArray waiting =
            call(QStringLiteral("aria2.tellWaiting"), {0, 10, QJsonArray{QStringLiteral("gid")}})
                .result.toArray();
        QCOMPARE(waiting.first().toObject().value(QLatin1String("gid")).toString(), gids.at(2));
        QCOMPARE(waiting.first().toObject().size(), 1);
        // Negative offset: from the end, reversed (aria2's rule).
        const QJsonArray last = call(QStringLiteral("aria2.tellWaiting"), {-1, 1}).result.toArray();
        QCOMPARE(last.first().toObject().value(QLatin1String("gid")).toString(), gids.at(1));

        // multicall: each call has its own token and its own answer or error.
        const QJsonArray calls{
            QJsonObject{
                {QStringLiteral("methodName"), QStringLiteral("aria2.remove")},
                {QStringLiteral("params"), QJsonArray{QStringLiteral("token:pw"), gids.at(0)}}},
            QJsonObject{{QStringLiteral("methodName"), QStringLiteral("aria2.getGlobalStat")},
                        {QStringLiteral("params"), QJsonArray{}}},
            QJsonObject{
                {QStringLiteral("methodName"), QStringLiteral("system.multicall")},
                {QStringLiteral("params"), QJsonArray{QStringLiteral("token:pw"), QJsonArray{}}}}};
        const auto multi = call(QStringLiteral("system.multicall"), {calls}, false);
        QVERIFY(!multi.isError());
        const QJsonArray results = multi.result.toArray();
        QCOMPARE(results.size(), 3);
        QCOMPARE(results.at(0).toArray().first().toString(), gids.at(0));
        QCOMPARE(results.at(1).toObject().value(QLatin1String("message")).toString(),
                 QStringLiteral("Unauthorized"));
        QCOMPARE(results.at(2).toObject().value(QLatin1String("code")).toInt(), int(MethodError));
        QCOMPARE(statusOf(gids.at(0)), QStringLiteral("removed"));
        QVERIFY(!call(QStringLiteral("aria2.unpause"), {gids.at(1)}).isError());
        QVERIFY(!call(QStringLiteral("aria2.pauseAll")).isError());
        QVERIFY(!call(QStringLiteral("aria2.purgeDownloadResult")).isError());
        QCOMPARE(call(QStringLiteral("aria2.tellStatus"), {gids.at(0)}).errorCode,
                 int(MethodError));
    }

    void globalOptions()
    {
        QVERIFY(!call(QStringLiteral("aria2.changeGlobalOption"),
                      {QJsonObject{
                          {QStringLiteral("max-concurrent-downloads"), QStringLiteral("5")},
                          {QStringLiteral("max-overall-download-limit"), QStringLiteral("2M")}}})
                     .isError());
        QCOMPARE(m_queue->maxActive(), 5);
        QCOMPARE(m_queue->maxPerHost(), 5); // it was equal to "at once": it follows
        QCOMPARE(m_queue->speedLimits().normal().download, 2 * 1024 * 1024);
        const QJsonObject options = call(QStringLiteral("aria2.getGlobalOption")).result.toObject();
        QCOMPARE(options.value(QLatin1String("max-concurrent-downloads")).toString(),
                 QStringLiteral("5"));
        QCOMPARE(options.value(QLatin1String("dir")).toString(), download());
        QCOMPARE(call(QStringLiteral("aria2.changeGlobalOption"),
                      {QJsonObject{{QStringLiteral("dir"), QStringLiteral("/etc")}}})
                     .errorCode,
                 int(MethodError));
        QVERIFY(!call(QStringLiteral("aria2.changeGlobalOption"),
                      {QJsonObject{
                          {QStringLiteral("max-overall-download-limit"), QStringLiteral("0")}}})
                     .isError());
    }
};

QTEST_GUILESS_MAIN(TestRpcService)
#include "tst_rpc_service.moc"
