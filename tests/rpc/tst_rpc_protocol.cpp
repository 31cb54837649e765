// The pure parts of the RPC: the JSON-RPC parser, the secret, aria2's GIDs, rates and
// checksums, status objects and addUri options read back by a client, and the download folders
// a client may name.
#include "Aria2Format.h"
#include "DownloadFolders.h"
#include "JsonRpc.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::rpc;

namespace {
// JSON written with single quotes (moc cannot read raw string literals with "//" in them).
QByteArray json(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}
} // namespace

class TestRpcProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void singleCall()
    {
        const RpcRequest r = parseRequest(json(
            "{'jsonrpc':'2.0','id':'qwer','method':'aria2.addUri','params':[['http://a/b']]}"));
        QCOMPARE(r.errorCode, 0);
        QVERIFY(!r.batch);
        QCOMPARE(r.calls.size(), 1);
        QVERIFY(r.calls.first().isValid());
        QCOMPARE(r.calls.first().id.toString(), QStringLiteral("qwer"));
        QCOMPARE(r.calls.first().method, QStringLiteral("aria2.addUri"));
        QCOMPARE(r.calls.first().params.size(), 1);
    }

    void npmClientShape()
    {
        // aria2@4 (npm) sends "json-rpc" instead of "jsonrpc", and numeric ids.
        const RpcRequest r =
            parseRequest(json("{'method':'aria2.getVersion','json-rpc':'2.0','id':0,'params':[]}"));
        QVERIFY(r.calls.first().isValid());
        QCOMPARE(r.calls.first().id.toInt(), 0);
    }

    void batch()
    {
        const RpcRequest r = parseRequest(json("[{'id':1,'method':'a'},5,{'id':2,'method':3}]"));
        QVERIFY(r.batch);
        QCOMPARE(r.calls.size(), 3);
        QVERIFY(r.calls.at(0).isValid());
        QCOMPARE(r.calls.at(1).errorCode, int(InvalidRequest));
        QCOMPARE(r.calls.at(2).errorCode, int(InvalidRequest));
        QCOMPARE(r.calls.at(2).id.toInt(), 2);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::newRow("not json") << QByteArray("{nope") << int(ParseError);
        QTest::newRow("empty") << QByteArray() << int(ParseError);
        QTest::newRow("scalar") << QByteArray("42") << int(ParseError);
        QTest::newRow("empty batch") << QByteArray("[]") << int(InvalidRequest);
        QTest::newRow("huge") << QByteArray(MaxRequestBytes + 1, ' ') << int(InvalidRequest);
    }
    void malformed()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        QCOMPARE(parseRequest(body).errorCode, code);
    }

    void badCalls_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::newRow("params object")
            << QByteArray(json("{'id':1,'method':'m','params':{}}")) << int(InvalidParams);
        QTest::newRow("no method") << QByteArray(json("{'id':1}")) << int(InvalidRequest);
        QTest::newRow("id object")
            << QByteArray(json("{'id':{},'method':'m'}")) << int(InvalidRequest);
    }
    void badCalls()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        const RpcRequest r = parseRequest(body);
        QCOMPARE(r.errorCode, 0);
        QCOMPARE(r.calls.first().errorCode, code);
    }

    void queryForm()
    {
        const QByteArray params = QByteArray(json("['token:x',['http://h/f']]")).toBase64();
        RpcRequest r =
            parseQueryRequest(QStringLiteral("aria2.addUri"), QStringLiteral("7"), params);
        QVERIFY(r.calls.first().isValid());
        QCOMPARE(r.calls.first().params.size(), 2);
        QCOMPARE(parseQueryRequest(QStringLiteral("m"), {}, "***").errorCode, int(ParseError));
        QCOMPARE(parseQueryRequest({}, {}, {}).errorCode, int(InvalidRequest));
    }

    void token()
    {
        QJsonArray params{QStringLiteral("token:abc"), 1};
        QString secret;
        QVERIFY(takeToken(&params, &secret));
        QCOMPARE(secret, QStringLiteral("abc"));
        QCOMPARE(params.size(), 1);
        QVERIFY(!takeToken(&params, &secret));
        QVERIFY(constantTimeEquals("abc", "abc"));
        QVERIFY(!constantTimeEquals("abc", "abd"));
        QVERIFY(!constantTimeEquals("abc", "abcd"));
        QVERIFY(!constantTimeEquals("", "a"));
        QVERIFY(constantTimeEquals("", ""));
    }

    void gids()
    {
        QCOMPARE(aria2::gidOf(42), QStringLiteral("000000000000002a"));
        QCOMPARE(aria2::idOfGid(QStringLiteral("000000000000002a")), 42);
        QCOMPARE(aria2::idOfGid(QStringLiteral("2a")), 0);
        QCOMPARE(aria2::idOfGid(QStringLiteral("zzzzzzzzzzzzzzzz")), 0);
        QCOMPARE(aria2::idOfGid(QStringLiteral("ffffffffffffffff")), 0);
        QCOMPARE(aria2::idOfGid(QStringLiteral("0000000000000000")), 0);
    }

    // What a client reads back (RemoteQueue) is what the server wrote: state, sizes, speed,
    // file, URL and the reason of a failure.
    void statusRoundTrip_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<int>("code");
        QTest::newRow("active") << int(TransferState::Active) << int(ErrorCode::None);
        QTest::newRow("verifying") << int(TransferState::Verifying) << int(ErrorCode::None);
        QTest::newRow("waiting") << int(TransferState::Queued) << int(ErrorCode::None);
        QTest::newRow("paused") << int(TransferState::Paused) << int(ErrorCode::None);
        QTest::newRow("complete") << int(TransferState::Completed) << int(ErrorCode::None);
        QTest::newRow("error") << int(TransferState::Failed) << int(ErrorCode::HttpPermanent);
        QTest::newRow("removed") << int(TransferState::Failed) << int(ErrorCode::Cancelled);
    }
    void statusRoundTrip()
    {
        QFETCH(int, state);
        QFETCH(int, code);
        TransferSnapshot s;
        s.id = 0x2a;
        s.state = TransferState(state);
        s.lastError = {ErrorCode(code), QStringLiteral("HTTP 404 Not Found"), 404};
        s.progress.total = 1000;
        s.progress.done = 250;
        s.progress.speed = s.state == TransferState::Active ? 100 : 0;
        s.progress.connections = 2;
        s.progress.fileName = QStringLiteral("/srv/dl/f.bin");
        TransferRecord r;
        r.url = QUrl(QStringLiteral("https://example.org/f.bin"));
        r.directory = QStringLiteral("/srv/dl");
        TransferSnapshot back;
        TransferRecord record;
        QVERIFY(aria2::parseStatusObject(aria2::statusObject(s, r), TransferDirection::Download, 7,
                                         &back, &record));
        QCOMPARE(back.id, s.id);
        QCOMPARE(back.position, 7);
        // Verifying is "active" to aria2.
        QCOMPARE(back.state, s.state == TransferState::Verifying ? TransferState::Active : s.state);
        QCOMPARE(back.progress.total, 1000);
        QCOMPARE(back.progress.done, 250);
        QCOMPARE(back.progress.speed, s.progress.speed);
        QCOMPARE(back.progress.etaSeconds, s.progress.speed > 0 ? 7 : -1);
        QCOMPARE(back.progress.fileName, s.progress.fileName);
        QCOMPARE(back.url, r.url);
        QCOMPARE(record.directory, r.directory);
        if (s.state == TransferState::Failed) {
            QCOMPARE(back.lastError.code, ErrorCode(code));
            if (ErrorCode(code) != ErrorCode::Cancelled)
                QCOMPARE(back.lastError.message, s.lastError.message);
        } else {
            QCOMPARE(back.lastError.code, ErrorCode::None);
        }
        QVERIFY(!aria2::parseStatusObject(QJsonObject{{QStringLiteral("gid"), QStringLiteral("x")}},
                                          TransferDirection::Download, 0, &back, &record));
    }

    void addUriOptions()
    {
        DownloadRequest request;
        request.directory = QStringLiteral("/srv/dl/sub");
        request.fileName = QStringLiteral("out.iso");
        request.connections = 4;
        request.rateLimit = 2048;
        request.headers = {{"X-Token", "7"}};
        request.checksums = {{QCryptographicHash::Sha256, QByteArray(32, '\xab')}};
        const QJsonObject o = aria2::addUriOptions(request, true);
        QCOMPARE(o.value(QLatin1String("dir")).toString(), request.directory);
        QCOMPARE(o.value(QLatin1String("out")).toString(), request.fileName);
        QCOMPARE(o.value(QLatin1String("split")).toString(), QStringLiteral("4"));
        QCOMPARE(o.value(QLatin1String("max-connection-per-server")).toString(),
                 QStringLiteral("4"));
        QCOMPARE(o.value(QLatin1String("max-download-limit")).toString(), QStringLiteral("2048"));
        QCOMPARE(o.value(QLatin1String("header")).toArray(),
                 QJsonArray{QStringLiteral("X-Token: 7")});
        QCOMPARE(o.value(QLatin1String("checksum")).toString(),
                 QStringLiteral("sha-256=") + QString::fromLatin1(QByteArray(32, '\xab').toHex()));
        QCOMPARE(o.value(QLatin1String("pause")).toString(), QStringLiteral("true"));
        QVERIFY(aria2::addUriOptions(DownloadRequest{}, false).isEmpty());
    }

    void rates()
    {
        qint64 rate = -1;
        QVERIFY(aria2::parseRate(QStringLiteral("0"), &rate));
        QCOMPARE(rate, 0);
        QVERIFY(aria2::parseRate(QStringLiteral("500K"), &rate));
        QCOMPARE(rate, 500 * 1024);
        QVERIFY(aria2::parseRate(QStringLiteral("2M"), &rate));
        QCOMPARE(rate, 2 * 1024 * 1024);
        QVERIFY(!aria2::parseRate(QStringLiteral("-1"), &rate));
        QVERIFY(!aria2::parseRate(QStringLiteral("1G"), &rate));
        QCOMPARE(aria2::checksumOption(QStringLiteral("sha-256=ab")), QStringLiteral("sha256=ab"));
        QCOMPARE(aria2::checksumOption(QStringLiteral("adler32=ab")), QString());
    }

    void folders()
    {
        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("dl"));
        const QString extra = dir.filePath(QStringLiteral("more"));
        QVERIFY(QDir().mkpath(root) && QDir().mkpath(extra));
        QVERIFY(QFile::link(QStringLiteral("/etc"), root + QStringLiteral("/out")));
        const DownloadFolders folders(root, {extra});
        QString folder, name, why;

        QVERIFY(folders.resolve({}, {}, &folder, &name, &why));
        QCOMPARE(folder, root);
        QVERIFY(name.isEmpty());
        QVERIFY(folders.resolve(QStringLiteral("sub"), QStringLiteral("a/b.iso"), &folder, &name,
                                &why));
        QCOMPARE(folder, root + QStringLiteral("/sub/a"));
        QCOMPARE(name, QStringLiteral("b.iso"));
        QVERIFY(folders.resolve(extra, QStringLiteral("x"), &folder, &name, &why));
        QCOMPARE(folder, extra);

        QVERIFY(!folders.resolve(QStringLiteral("/etc"), {}, &folder, &name, &why));
        QVERIFY(why.contains(QStringLiteral("outside")));
        QVERIFY(!folders.resolve(QStringLiteral("../x"), {}, &folder, &name, &why));
        QVERIFY(!folders.resolve({}, QStringLiteral("../x"), &folder, &name, &why));
        QVERIFY(!folders.resolve({}, QStringLiteral("/tmp/x"), &folder, &name, &why));
        QVERIFY(!folders.resolve(root + QStringLiteral("/../more2"), {}, &folder, &name, &why));
        // A link inside the folder that points outside it.
        QVERIFY(!folders.resolve(QStringLiteral("out"), QStringLiteral("passwd2"), &folder, &name,
                                 &why));
        QVERIFY(!folders.resolve(QStringLiteral("out/deeper"), {}, &folder, &name, &why));
        QVERIFY(!folders.resolve({}, QStringLiteral("a\nb"), &folder, &name, &why));
        // A prefix of the folder's name is not the folder.
        QVERIFY(!folders.resolve(root + QStringLiteral("2"), {}, &folder, &name, &why));
    }
};

QTEST_GUILESS_MAIN(TestRpcProtocol)
#include "tst_rpc_protocol.moc"
