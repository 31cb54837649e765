// `btstream daemon` end to end: the real aria2 client from npm drives it (tests/rpc/drive.js),
// files are checked byte for byte, and the daemon is stopped with SIGTERM and killed with
// SIGKILL mid-transfer: the same GIDs come back and the downloads resume to the same bytes.
#include "DaemonProcess.h"
#include "FaultServer.h"
#include "TestCerts.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QWebSocket>

using namespace bt::test;

namespace {
const QString Secret = QStringLiteral("s3cret-token");
}

class TestRpcDaemon : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FaultServer m_server;
    QByteArray m_fast;
    QByteArray m_slow;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QStringList daemonArgs(const QString &data) const
    {
        return {QStringLiteral("--data-dir"),   path(data),
                QStringLiteral("-d"),           path(QStringLiteral("dl")),
                QStringLiteral("--rpc-secret"), Secret};
    }
    // tellStatus until `done` says so or `ms` passed; the last status.
    QJsonObject pollStatus(DaemonProcess &daemon, const QString &gid,
                           const std::function<bool(const QJsonObject &)> &done, int ms = 20000)
    {
        QElapsedTimer timer;
        timer.start();
        QJsonObject status;
        while (timer.elapsed() < ms) {
            status = daemon.call(QStringLiteral("aria2.tellStatus"), {gid}, Secret)
                         .value(QLatin1String("result"))
                         .toObject();
            if (done(status))
                break;
            QTest::qWait(50);
        }
        return status;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_server.listenInThread());
        m_fast = makeTestData(3 * 1024 * 1024 + 17, 7);
        m_slow = makeTestData(8 * 1024 * 1024, 8);
        FaultServer::Resource fast;
        fast.body = m_fast;
        m_server.setResource("/fast.bin", fast);
        FaultServer::Resource slow;
        slow.body = m_slow;
        slow.bytesPerSecond = 1024 * 1024; // each connection: a transfer of several seconds
        m_server.setResource("/slow.bin", slow);
    }

    void aria2Client()
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        const QString client = QStringLiteral(BT_SOURCE_DIR "/tests/rpc/node_modules/aria2");
        if (node.isEmpty() || !QFileInfo(client).isDir())
            QSKIP("node or tests/rpc/node_modules missing (tests/rpc/ensure-deps.sh)");
        DaemonProcess daemon(path(QStringLiteral("config")));
        QVERIFY2(daemon.start(daemonArgs(QStringLiteral("data1"))), daemon.stderrText());

        QProcess driver;
        driver.start(node,
                     {QStringLiteral(BT_SOURCE_DIR "/tests/rpc/drive.js"),
                      QString::number(daemon.port()), Secret,
                      QString::fromLatin1(m_server.url("/fast.bin")),
                      QString::fromLatin1(m_server.url("/slow.bin")), path(QStringLiteral("dl"))});
        QVERIFY(driver.waitForFinished(90000));
        const QByteArray out = driver.readAllStandardOutput();
        QVERIFY2(driver.exitStatus() == QProcess::NormalExit && driver.exitCode() == 0,
                 driver.readAllStandardError() + "\ndaemon: " + daemon.stderrText());
        const QJsonObject result = QJsonDocument::fromJson(out).object();
        QVERIFY2(!result.isEmpty(), out);

        // What the client saw complete is on disk, byte for byte.
        QCOMPARE(fileSha256Hex(path(QStringLiteral("dl/fast.bin"))), sha256Hex(m_fast));
        // The removed one never got its final name.
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("dl/slow.bin"))));
        // Bad dir/out never wrote anything outside.
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("escape.bin"))));

        const qint64 stopMs = daemon.terminate();
        QVERIFY2(stopMs >= 0 && stopMs < 2000, QByteArray::number(stopMs));
        QCOMPARE(daemon.process().exitCode(), 0);
    }

    void killNineResumesSameGid()
    {
        DaemonProcess daemon(path(QStringLiteral("config")));
        const QStringList args = daemonArgs(QStringLiteral("data2"));
        QVERIFY2(daemon.start(args), daemon.stderrText());
        const QJsonObject added =
            daemon.call(QStringLiteral("aria2.addUri"),
                        {QJsonArray{QString::fromLatin1(m_server.url("/slow.bin"))},
                         QJsonObject{{QStringLiteral("out"), QStringLiteral("killed.bin")},
                                     {QStringLiteral("split"), QStringLiteral("1")}}},
                        Secret);
        const QString gid = added.value(QLatin1String("result")).toString();
        QVERIFY2(gid.size() == 16, QJsonDocument(added).toJson());
        // Some bytes in, far from the end: one connection at 1 MiB/s, so 2.5 MiB in means two
        // of the download's checkpoints (one a second) have been stored.
        const QJsonObject running = pollStatus(daemon, gid, [](const QJsonObject &s) {
            return s.value(QLatin1String("completedLength")).toString().toLongLong() >=
                   (5 << 20) / 2;
        });
        const qint64 before =
            running.value(QLatin1String("completedLength")).toString().toLongLong();
        QVERIFY2(before >= 1 << 20 && before < m_slow.size(), QJsonDocument(running).toJson());
        daemon.killHard();
        QCOMPARE(daemon.process().exitStatus(), QProcess::CrashExit);

        DaemonProcess again(path(QStringLiteral("config")));
        QVERIFY2(again.start(args), again.stderrText());
        const QJsonObject restored = again.call(QStringLiteral("aria2.tellStatus"), {gid}, Secret)
                                         .value(QLatin1String("result"))
                                         .toObject();
        QCOMPARE(restored.value(QLatin1String("gid")).toString(), gid);
        QVERIFY2(restored.value(QLatin1String("completedLength")).toString().toLongLong() >=
                     1 << 20,
                 QJsonDocument(restored).toJson());
        const int requestsBefore = m_server.requestCount("/slow.bin");
        const QJsonObject done = pollStatus(again, gid, [](const QJsonObject &s) {
            const QString status = s.value(QLatin1String("status")).toString();
            return status == QLatin1String("complete") || status == QLatin1String("error");
        });
        QCOMPARE(done.value(QLatin1String("status")).toString(), QStringLiteral("complete"));
        QCOMPARE(fileSha256Hex(path(QStringLiteral("dl/killed.bin"))), sha256Hex(m_slow));
        // It resumed: after the restart a request asked for a range past byte 0.
        bool ranged = false;
        const QList<FaultServer::Request> requests = m_server.requests();
        for (qsizetype i = requestsBefore; i < requests.size(); ++i) {
            const QByteArray range = requests.at(i).headers.value("range");
            ranged = ranged || (range.startsWith("bytes=") && !range.startsWith("bytes=0-"));
        }
        QVERIFY(ranged);
        QVERIFY(again.terminate() >= 0);
    }

    void sigtermSavesState()
    {
        DaemonProcess daemon(path(QStringLiteral("config")));
        const QStringList args = daemonArgs(QStringLiteral("data3"));
        QVERIFY2(daemon.start(args), daemon.stderrText());
        const QString gid =
            daemon
                .call(QStringLiteral("aria2.addUri"),
                      {QJsonArray{QString::fromLatin1(m_server.url("/slow.bin"))},
                       QJsonObject{{QStringLiteral("out"), QStringLiteral("term.bin")}}},
                      Secret)
                .value(QLatin1String("result"))
                .toString();
        QVERIFY(!gid.isEmpty());
        pollStatus(daemon, gid, [](const QJsonObject &s) {
            return s.value(QLatin1String("completedLength")).toString().toLongLong() >= 1 << 20;
        });
        const qint64 stopMs = daemon.terminate();
        QVERIFY2(stopMs >= 0 && stopMs < 2000, QByteArray::number(stopMs));
        QCOMPARE(daemon.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(daemon.process().exitCode(), 0);

        DaemonProcess again(path(QStringLiteral("config")));
        QVERIFY2(again.start(args), again.stderrText());
        const QJsonObject status = again.call(QStringLiteral("aria2.tellStatus"), {gid}, Secret)
                                       .value(QLatin1String("result"))
                                       .toObject();
        // Everything that was synced before the stop is still counted, and it runs again.
        QVERIFY2(status.value(QLatin1String("completedLength")).toString().toLongLong() >= 1 << 20,
                 QJsonDocument(status).toJson());
        const QString state = status.value(QLatin1String("status")).toString();
        QVERIFY2(state == QLatin1String("active") || state == QLatin1String("waiting"),
                 qPrintable(state));
        QVERIFY(again.terminate() >= 0);
    }

    void httpTransport()
    {
        DaemonProcess daemon(path(QStringLiteral("config")));
        QVERIFY2(daemon.start(daemonArgs(QStringLiteral("data4")) +
                              QStringList{QStringLiteral("--rpc-allow-origin"),
                                          QStringLiteral("https://ui.example")}),
                 daemon.stderrText());
        int status = 0;
        // Not JSON: a parse error, and the daemon answers the next call.
        const QJsonObject parse = QJsonDocument::fromJson(daemon.post("{nope", &status)).object();
        QCOMPARE(status, 400);
        QCOMPARE(
            parse.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(),
            -32700);
        // Larger than 1 MiB: refused without being parsed.
        const QByteArray huge = "[\"" + QByteArray(2 * 1024 * 1024, 'a') + "\"]";
        daemon.post(huge, &status);
        QCOMPARE(status, 413);
        // A wrong token, a missing one.
        const QJsonObject wrong =
            daemon.call(QStringLiteral("aria2.getVersion"), {}, QStringLiteral("nope"));
        QCOMPARE(wrong.value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("message"))
                     .toString(),
                 QStringLiteral("Unauthorized"));
        const QJsonObject missing = daemon.call(QStringLiteral("aria2.getVersion"), {});
        QCOMPARE(
            missing.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(),
            1);
        // aria2's GET form: params as base64 of a JSON array.
        const QByteArray params = QJsonDocument(QJsonArray{QStringLiteral("token:") + Secret})
                                      .toJson(QJsonDocument::Compact)
                                      .toBase64();
        const QJsonObject viaGet =
            QJsonDocument::fromJson(
                daemon.get(
                    QStringLiteral("method=aria2.getVersion&id=g&params=") +
                        QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(params))),
                    &status))
                .object();
        QCOMPARE(status, 200);
        QVERIFY(
            viaGet.value(QLatin1String("result")).toObject().contains(QLatin1String("version")));
        // A web page of another origin may not call; the allowed one gets CORS headers.
        const QByteArray call = QJsonDocument(QJsonObject{{QStringLiteral("id"), 1},
                                                          {QStringLiteral("method"),
                                                           QStringLiteral("system.listMethods")}})
                                    .toJson(QJsonDocument::Compact);
        daemon.post(call, &status, {{"Origin", "https://evil.example"}});
        QCOMPARE(status, 403);
        QList<QPair<QByteArray, QByteArray>> headers;
        daemon.post(call, &status, {{"Origin", "https://ui.example"}}, &headers);
        QCOMPARE(status, 200);
        bool cors = false;
        for (const auto &[name, value] : headers)
            cors = cors || (name.compare("Access-Control-Allow-Origin", Qt::CaseInsensitive) == 0 &&
                            value == "https://ui.example");
        QVERIFY(cors);

        // aria2.shutdown: answered, then the daemon ends by itself, exit 0.
        const QJsonObject shutdown = daemon.call(QStringLiteral("aria2.shutdown"), {}, Secret);
        QCOMPARE(shutdown.value(QLatin1String("result")).toString(), QStringLiteral("OK"));
        QVERIFY(daemon.process().waitForFinished(2000));
        QCOMPARE(daemon.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(daemon.process().exitCode(), 0);
    }

    void tlsAndWebSocket()
    {
        TestCerts certs;
        QString why;
        QVERIFY2(certs.create(&why) &&
                     certs.issue(QStringLiteral("rpc"), {QStringLiteral("IP:127.0.0.1")}, &why),
                 qPrintable(why));
        DaemonProcess daemon(path(QStringLiteral("config")));
        QVERIFY2(daemon.start(daemonArgs(QStringLiteral("data5")) +
                              QStringList{QStringLiteral("--rpc-certificate"),
                                          certs.certFile(QStringLiteral("rpc")),
                                          QStringLiteral("--rpc-private-key"),
                                          certs.keyFile(QStringLiteral("rpc"))}),
                 daemon.stderrText());
        daemon.useTls(certs.caFile());
        const QJsonObject version = daemon.call(QStringLiteral("aria2.getVersion"), {}, Secret);
        QVERIFY2(
            version.value(QLatin1String("result")).toObject().contains(QLatin1String("version")),
            qPrintable(daemon.lastError()));

        // WSS on the same port: a call and its answer; then a message over 1 MiB closes it.
        QWebSocket socket;
        socket.setSslConfiguration(daemon.tlsConfiguration());
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy messages(&socket, &QWebSocket::textMessageReceived);
        QSignalSpy closed(&socket, &QWebSocket::disconnected);
        QUrl url = daemon.url();
        url.setScheme(QStringLiteral("wss"));
        socket.open(url);
        QVERIFY(connected.wait(10000));
        socket.sendTextMessage(
            QStringLiteral(
                "{\"id\":5,\"method\":\"aria2.getGlobalStat\",\"params\":[\"token:%1\"]}")
                .arg(Secret));
        QVERIFY(messages.wait(10000));
        const QJsonObject answer =
            QJsonDocument::fromJson(messages.first().first().toString().toUtf8()).object();
        QCOMPARE(answer.value(QLatin1String("id")).toInt(), 5);
        QVERIFY(
            answer.value(QLatin1String("result")).toObject().contains(QLatin1String("numActive")));
        socket.sendTextMessage(QString(2 * 1024 * 1024, QLatin1Char('x')));
        QVERIFY(closed.wait(10000));
        QCOMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        QVERIFY(daemon.terminate() >= 0);
    }
};

QTEST_GUILESS_MAIN(TestRpcDaemon)
#include "tst_rpc_daemon.moc"
