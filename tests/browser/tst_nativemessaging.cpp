// The native messaging protocol: frames (good, oversized, truncated, malformed), the request
// schema (unknown fields and types, hostile values), and the real host program over pipes.
#include "FaultServer.h"
#include "ipc/BrowserRequest.h"
#include "ipc/NativeMessaging.h"
#include "ipc/SingleInstance.h"
#include "model/DownloadRequest.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <signal.h>

namespace nm = bt::nativemessaging;
using bt::BrowserRequest;
using bt::test::FaultServer;

namespace {

QByteArray frame(const QByteArray &body, quint32 length)
{
    QByteArray f(4, Qt::Uninitialized);
    std::memcpy(f.data(), &length, 4);
    return f + body;
}

QByteArray frame(const QByteArray &body)
{
    return frame(body, quint32(body.size()));
}

QByteArray frame(const QJsonObject &o)
{
    return frame(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QList<nm::ReadResult> readAll(const QByteArray &bytes)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QList<nm::ReadResult> results;
    for (;;) {
        nm::ReadResult r = nm::readMessage(&buffer);
        results.append(r);
        if (r.status == nm::ReadStatus::End || r.status == nm::ReadStatus::Broken)
            return results;
    }
}

QJsonObject download()
{
    return QJsonObject{
        {QStringLiteral("type"), QStringLiteral("download")},
        {QStringLiteral("url"), QStringLiteral("https://example.org/get?id=1")},
        {QStringLiteral("finalUrl"), QStringLiteral("https://cdn.example.org/a.iso")},
        {QStringLiteral("referrer"), QStringLiteral("https://example.org/page")},
        {QStringLiteral("userAgent"), QStringLiteral("Mozilla/5.0 Test")},
        {QStringLiteral("fileName"), QStringLiteral("../../.bashrc")},
        {QStringLiteral("size"), 1234},
        {QStringLiteral("cookies"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("session")},
                                {QStringLiteral("value"), QStringLiteral("s3cr3t")}},
                    QJsonObject{{QStringLiteral("name"), QStringLiteral("b")},
                                {QStringLiteral("value"), QString()}}}}};
}

QString refusal(const QJsonObject &o)
{
    QString error;
    const auto r = BrowserRequest::fromJson(o, &error);
    return r ? QString() : error;
}

QByteArray hostPath()
{
    return QByteArrayLiteral(BT_BINARY_DIR "/app/gui/btfilestream-browser-host");
}

} // namespace

class TestNativeMessaging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void goodFramesInARow();
    void oversizedIsRefused();
    void truncatedIsRefused_data();
    void truncatedIsRefused();
    void malformedIsAnsweredAndSkipped();
    void writesNativeEndianFrames();
    void downloadRequestIsValidated();
    void unknownAndHostileFieldsAreRefused_data();
    void unknownAndHostileFieldsAreRefused();
    void linksRoundTrip();
    void hostAnswersOverPipes();
    void hostHandsRequestToRunningProgram();
    void hostStartsTheProgramInTheTray();
};

void TestNativeMessaging::goodFramesInARow()
{
    const QByteArray bytes =
        frame(QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}}) + frame(download());
    const auto results = readAll(bytes);
    QCOMPARE(results.size(), 3);
    QCOMPARE(results[0].status, nm::ReadStatus::Message);
    QCOMPARE(results[0].message.value(QStringLiteral("type")).toString(), QStringLiteral("ping"));
    QCOMPARE(results[1].status, nm::ReadStatus::Message);
    QCOMPARE(results[1].message, download());
    QCOMPARE(results[2].status, nm::ReadStatus::End);
}

void TestNativeMessaging::oversizedIsRefused()
{
    // The length alone decides: nothing of a 1 MiB + 1 body is read or buffered.
    const auto results = readAll(frame(QByteArray(16, 'x'), quint32(nm::kMaxMessageSize + 1)));
    QCOMPARE(results.size(), 1);
    QCOMPARE(results[0].status, nm::ReadStatus::Broken);
    QVERIFY2(results[0].error.contains(QStringLiteral("too large: 1048577 bytes, at most 1048576")),
             qPrintable(results[0].error));
    // Exactly 1 MiB is fine.
    QByteArray big = "{\"type\":\"ping\",\"pad\":\"";
    big += QByteArray(nm::kMaxMessageSize - big.size() - 2, 'a') + "\"}";
    QCOMPARE(big.size(), nm::kMaxMessageSize);
    QCOMPARE(readAll(frame(big)).first().status, nm::ReadStatus::Message);
}

void TestNativeMessaging::truncatedIsRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    QTest::newRow("length") << QByteArray("\x10\x00", 2) << QStringLiteral("2 of 4 length bytes");
    QTest::newRow("body") << frame(QByteArray("{\"type\":"), 20)
                          << QStringLiteral("cut short: 8 of 20 bytes");
}

void TestNativeMessaging::truncatedIsRefused()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    const auto results = readAll(bytes);
    QCOMPARE(results.last().status, nm::ReadStatus::Broken);
    QVERIFY2(results.last().error.contains(error), qPrintable(results.last().error));
}

void TestNativeMessaging::malformedIsAnsweredAndSkipped()
{
    const QByteArray bytes = frame(QByteArray("{\"type\": pin")) + frame(QByteArray("[1,2]")) +
                             frame(QByteArray()) + frame(QByteArray("\xff\xfe\x00", 3)) +
                             frame(QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}});
    const auto results = readAll(bytes);
    QCOMPARE(results.size(), 6);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(results[i].status, nm::ReadStatus::Malformed);
        QVERIFY(!results[i].error.isEmpty());
    }
    QVERIFY(results[0].error.contains(QStringLiteral("not valid JSON")));
    QVERIFY(results[1].error.contains(QStringLiteral("not a JSON object")));
    QCOMPARE(results[4].status, nm::ReadStatus::Message); // still in step
    QCOMPARE(results[5].status, nm::ReadStatus::End);
}

void TestNativeMessaging::writesNativeEndianFrames()
{
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    QVERIFY(nm::writeMessage(&out, nm::errorReply(QStringLiteral("nope"))));
    const QByteArray body = "{\"error\":\"nope\",\"ok\":false}";
    QCOMPARE(out.data(), frame(body));
    // Chromium reads at most 1 MiB from a host: a larger answer is never written.
    QBuffer big;
    big.open(QIODevice::WriteOnly);
    QVERIFY(!nm::writeMessage(
        &big, QJsonObject{{QStringLiteral("x"), QString(nm::kMaxMessageSize, u'a')}}));
    QCOMPARE(big.size(), 0);
}

void TestNativeMessaging::downloadRequestIsValidated()
{
    QString error;
    const auto r = BrowserRequest::fromJson(download(), &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->kind, BrowserRequest::Kind::Download);
    QCOMPARE(r->links.size(), 1);
    const bt::BrowserLink &link = r->links.first();
    QCOMPARE(link.url, QUrl(QStringLiteral("https://example.org/get?id=1")));
    QCOMPARE(link.finalUrl, QUrl(QStringLiteral("https://cdn.example.org/a.iso")));
    QCOMPARE(link.fileName, QStringLiteral("bashrc")); // a name, never a path
    QCOMPARE(link.size, 1234);
    QCOMPARE(link.cookies.size(), 2);

    bt::DownloadRequest request;
    r->applyTo(link, &request);
    QCOMPARE(request.url, link.url);
    QVERIFY(request.fileName.isEmpty()); // the server names the file, as for the browser
    const QList<QPair<QByteArray, QByteArray>> headers{{"User-Agent", "Mozilla/5.0 Test"},
                                                       {"Referer", "https://example.org/page"},
                                                       {"Cookie", "session=s3cr3t; b="}};
    QCOMPARE(request.headers, headers);
    // What the host forwards decodes to the same request.
    const auto again = BrowserRequest::fromJson(r->toJson(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->toJson(), r->toJson());
}

void TestNativeMessaging::unknownAndHostileFieldsAreRefused_data()
{
    QTest::addColumn<QJsonObject>("message");
    QTest::addColumn<QString>("error");
    auto with = [](const QString &key, const QJsonValue &v) {
        QJsonObject o = download();
        o.insert(key, v);
        return o;
    };
    QJsonObject noUrl = download();
    noUrl.remove(QStringLiteral("url"));
    const QJsonObject cookie{{QStringLiteral("name"), QStringLiteral("a")},
                             {QStringLiteral("value"), QStringLiteral("1\r\nX-Evil: 1")}};
    QTest::newRow("no type") << QJsonObject{{QStringLiteral("url"), QStringLiteral("x")}}
                             << QStringLiteral("no \"type\"");
    QTest::newRow("unknown type") << QJsonObject{{QStringLiteral("type"), QStringLiteral("rm")}}
                                  << QStringLiteral("Unknown message type \"rm\"");
    QTest::newRow("unknown field")
        << with(QStringLiteral("password"), 1) << QStringLiteral("unknown field \"password\"");
    QTest::newRow("ping with extra")
        << QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")},
                       {QStringLiteral("url"), QStringLiteral("https://a/")}}
        << QStringLiteral("unknown field \"url\"");
    QTest::newRow("no url") << noUrl << QStringLiteral("\"url\" is missing");
    QTest::newRow("url not a string")
        << with(QStringLiteral("url"), 5) << QStringLiteral("\"url\" must be a string");
    QTest::newRow("javascript") << with(QStringLiteral("url"),
                                        QStringLiteral("javascript:alert(1)"))
                                << QStringLiteral("\"url\" is not a valid URL");
    QTest::newRow("file") << with(QStringLiteral("url"), QStringLiteral("file://host/etc/passwd"))
                          << QStringLiteral("only http, https and ftp");
    QTest::newRow("size") << with(QStringLiteral("size"), 1.5)
                          << QStringLiteral("\"size\" must be a whole number");
    QTest::newRow("ua line break")
        << with(QStringLiteral("userAgent"), QStringLiteral("a\r\nCookie: x=1"))
        << QStringLiteral("\"userAgent\" holds a line break");
    QTest::newRow("cookie injection")
        << with(QStringLiteral("cookies"), QJsonArray{cookie}) << QStringLiteral("cannot be sent");
    QTest::newRow("cookie field") << with(QStringLiteral("cookies"),
                                          QJsonArray{QJsonObject{
                                              {QStringLiteral("name"), QStringLiteral("a")},
                                              {QStringLiteral("value"), QStringLiteral("1")},
                                              {QStringLiteral("domain"), QStringLiteral("x")}}})
                                  << QStringLiteral("a cookie: unknown field \"domain\"");
    QTest::newRow("empty links") << QJsonObject{{QStringLiteral("type"), QStringLiteral("links")},
                                                {QStringLiteral("links"), QJsonArray()}}
                                 << QStringLiteral("at least one link");
    QTest::newRow("link not object")
        << QJsonObject{{QStringLiteral("type"), QStringLiteral("links")},
                       {QStringLiteral("links"), QJsonArray{QStringLiteral("https://a/")}}}
        << QStringLiteral("each link must be an object");
}

void TestNativeMessaging::unknownAndHostileFieldsAreRefused()
{
    QFETCH(QJsonObject, message);
    QFETCH(QString, error);
    const QString seen = refusal(message);
    QVERIFY2(seen.contains(error), qPrintable(seen));
}

void TestNativeMessaging::linksRoundTrip()
{
    QJsonArray links;
    for (int i = 0; i < 3; ++i)
        links.append(QJsonObject{
            {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:1/f%1.bin").arg(i)}});
    const QJsonObject message{{QStringLiteral("type"), QStringLiteral("links")},
                              {QStringLiteral("links"), links},
                              {QStringLiteral("referrer"), QStringLiteral("about:blank")}};
    QString error;
    const auto r = BrowserRequest::fromJson(message, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->kind, BrowserRequest::Kind::Links);
    QCOMPARE(r->links.size(), 3);
    QVERIFY(r->referrer.isEmpty()); // not an http page: no Referer
    QCOMPARE(r->toJson().value(QStringLiteral("links")).toArray(), links);
}

// The real host over pipes, as the browser starts it: answers in order, stops on a broken
// stream with an error, never crashes.
void TestNativeMessaging::hostAnswersOverPipes()
{
    if (!QFile::exists(QString::fromUtf8(hostPath())))
        QSKIP("btfilestream-browser-host is not built (BT_BUILD_GUI=OFF)");
    QTemporaryDir data;
    QProcess host;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("BTSTREAM_DATA_DIR"), data.path());
    host.setProcessEnvironment(env);
    host.start(QString::fromUtf8(hostPath()), {QStringLiteral("chrome-extension://abc/")});
    QVERIFY(host.waitForStarted());
    // Each answer comes while the pipe stays open (the browser waits for it before it closes).
    host.write(frame(QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}}));
    QVERIFY(host.waitForReadyRead(10000));
    const QByteArray pinged = host.readAllStandardOutput();
    host.write(frame(QByteArray("not json")));
    host.write(frame(QJsonObject{{QStringLiteral("type"), QStringLiteral("download")},
                                 {QStringLiteral("url"), QStringLiteral("gopher://x/")}}));
    host.write(frame(QByteArray(8, 'x'), quint32(nm::kMaxMessageSize * 4)));
    QVERIFY(host.waitForFinished(10000));
    QCOMPARE(host.exitStatus(), QProcess::NormalExit);
    QCOMPARE(host.exitCode(), 1);
    const auto replies = readAll(pinged + host.readAllStandardOutput());
    QCOMPARE(replies.size(), 5);
    QCOMPARE(replies[0].message.value(QStringLiteral("ok")), QJsonValue(true));
    QCOMPARE(replies[0].message.value(QStringLiteral("running")), QJsonValue(false));
    QCOMPARE(replies[0].message.value(QStringLiteral("version")).toString(),
             QStringLiteral(BT_VERSION));
    QVERIFY(replies[1]
                .message.value(QStringLiteral("error"))
                .toString()
                .contains(QStringLiteral("not valid JSON")));
    QVERIFY(replies[2]
                .message.value(QStringLiteral("error"))
                .toString()
                .contains(QStringLiteral("only http, https and ftp")));
    QVERIFY(replies[3]
                .message.value(QStringLiteral("error"))
                .toString()
                .contains(QStringLiteral("too large")));
    QCOMPARE(replies[4].status, nm::ReadStatus::End);

    // Closing the pipe between messages is the normal end.
    QProcess quiet;
    quiet.setProcessEnvironment(env);
    quiet.start(QString::fromUtf8(hostPath()), {});
    QVERIFY(quiet.waitForStarted());
    quiet.closeWriteChannel();
    QVERIFY(quiet.waitForFinished(10000));
    QCOMPARE(quiet.exitCode(), 0);
    QVERIFY(quiet.readAllStandardOutput().isEmpty());
}

// A request reaches the running program over the single-instance channel, cookies included;
// the host never writes them to its log. One near the 1 MiB limit still fits the channel
// (twice as large there, as UTF-16); the host says ok only once the program confirmed each.
void TestNativeMessaging::hostHandsRequestToRunningProgram()
{
    if (!QFile::exists(QString::fromUtf8(hostPath())))
        QSKIP("btfilestream-browser-host is not built (BT_BUILD_GUI=OFF)");
    QTemporaryDir data;
    qputenv("BTSTREAM_DATA_DIR", data.path().toUtf8());
    bt::SingleInstance running(bt::SingleInstance::keyFor(data.path()));
    QVERIFY(running.listen());
    QSignalSpy spy(&running, &bt::SingleInstance::argumentsReceived);
    QJsonObject large = download();
    large.insert(QStringLiteral("cookies"),
                 QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("big")},
                                        {QStringLiteral("value"), QString(1000000, u'v')}}});
    const QByteArray largeFrame = frame(large);
    QVERIFY(largeFrame.size() > 1000000 && largeFrame.size() <= nm::kMaxMessageSize + 4);
    QProcess host;
    host.start(QString::fromUtf8(hostPath()), {});
    QVERIFY(host.waitForStarted());
    host.write(frame(QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")}}));
    host.write(frame(download()));
    host.write(largeFrame);
    host.closeWriteChannel();
    // The receiving side is an event loop (the program's): keep it running while the host
    // sends and waits for each confirmation.
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(host.state(), QProcess::NotRunning, 10000);
    QCOMPARE(host.exitCode(), 0);
    const auto replies = readAll(host.readAllStandardOutput());
    QCOMPARE(replies.size(), 4);
    QCOMPARE(replies[0].message.value(QStringLiteral("running")), QJsonValue(true));
    QCOMPARE(replies[1].message, (QJsonObject{{QStringLiteral("ok"), true}}));
    QCOMPARE(replies[2].message, (QJsonObject{{QStringLiteral("ok"), true}}));
    QList<std::optional<BrowserRequest>> received;
    for (const auto &signal : std::as_const(spy)) {
        const QStringList args = signal[0].toStringList();
        QCOMPARE(args.size(), 2);
        QCOMPARE(args[0], QStringLiteral("--browser-request"));
        QString error;
        received.append(
            BrowserRequest::fromJson(QJsonDocument::fromJson(args[1].toUtf8()).object(), &error));
        QVERIFY2(received.last(), qPrintable(error));
    }
    QCOMPARE(received[0]->links.first().cookies.first().second, QByteArray("s3cr3t"));
    QCOMPARE(received[1]->links.first().cookies.first().second.size(), 1000000);
    QVERIFY(!host.readAllStandardError().contains("s3cr3t"));
}

// Nothing runs: the host starts `btfilestream --hidden` and hands the request over once it
// listens; with [browser] startAtOnce the file is then downloaded.
void TestNativeMessaging::hostStartsTheProgramInTheTray()
{
    const QString program = QStringLiteral(BT_BINARY_DIR "/app/gui/btfilestream");
    if (!QFile::exists(QString::fromUtf8(hostPath())) || !QFile::exists(program))
        QSKIP("btfilestream is not built (BT_BUILD_GUI=OFF)");
    FaultServer server;
    QVERIFY(server.listenInThread());
    FaultServer::Resource file;
    for (int i = 0; i < 4096; ++i)
        file.body += QCryptographicHash::hash(QByteArray::number(i), QCryptographicHash::Sha256);
    server.setResource("/started.bin", file);
    QTemporaryDir work;
    const QString downloads = work.filePath(QStringLiteral("downloads"));
    {
        QSettings conf(work.filePath(QStringLiteral("config/BTFileStream/btfilestream.conf")),
                       QSettings::IniFormat);
        conf.setValue(QStringLiteral("downloads/folder"), downloads);
        conf.setValue(QStringLiteral("browser/startAtOnce"), true);
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("BTSTREAM_DATA_DIR"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), work.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), work.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcess host;
    host.setProcessEnvironment(env);
    host.start(QString::fromUtf8(hostPath()), {});
    QVERIFY(host.waitForStarted());
    host.write(frame(
        QJsonObject{{QStringLiteral("type"), QStringLiteral("download")},
                    {QStringLiteral("url"), QString::fromLatin1(server.url("/started.bin"))}}));
    QVERIFY(host.waitForReadyRead(40000));
    host.closeWriteChannel();
    QVERIFY(host.waitForFinished(10000));
    const QByteArray log = host.readAllStandardError();
    const QRegularExpressionMatch started =
        QRegularExpression(QStringLiteral("started btfilestream \\(pid (\\d+)\\)"))
            .match(QString::fromUtf8(log));
    QVERIFY2(started.hasMatch(), log.constData());
    const pid_t pid = started.captured(1).toInt();
    auto stop = qScopeGuard([pid] { ::kill(pid, SIGTERM); });
    const auto replies = readAll(host.readAllStandardOutput());
    QCOMPARE(replies[0].message,
             (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("started"), true}}));
    const QString saved = downloads + QStringLiteral("/started.bin");
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(saved), 20000);
    QFile f(saved);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), file.body);
}

QTEST_GUILESS_MAIN(TestNativeMessaging)
#include "tst_nativemessaging.moc"
