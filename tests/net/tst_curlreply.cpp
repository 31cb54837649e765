// CurlReply and HttpClient, the engine's one HTTP stack, on their own: reading backpressure
// over HTTP/1.1 and HTTP/2 against nginx (the body never runs more than readBufferSize ahead
// of the reader), the cap on response headers against a server that sends header lines
// forever, and connection reuse.
#include "FaultServer.h"
#include "RawServer.h"
#include "TlsServers.h"
#include "net/CurlReply.h"
#include "net/HttpClient.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace bt;
using namespace bt::test;

namespace {
// Until the reply has more to read or has finished (readyRead does not come for the end).
bool waitForMore(QNetworkReply *reply)
{
    if (reply->bytesAvailable() > 0 || reply->isFinished())
        return true;
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    return reply->bytesAvailable() > 0 || reply->isFinished();
}

// One piece curl hands over at a time can come on top of the reader's buffer (CURLOPT_BUFFERSIZE).
constexpr qint64 kPiece = 128 * 1024;
} // namespace

class TestCurlReply : public QObject
{
    Q_OBJECT
private:
    TlsServers m_servers;
    QByteArray m_large;
    QByteArray m_mid;

    CurlReply *get(HttpClient &client, const QString &url, const CurlReply::Options &extra = {})
    {
        CurlReply::Options options = extra;
        options.caFile = m_servers.caFile();
        return client.send("GET", QNetworkRequest(QUrl(url)), nullptr, options, &client);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString whyNot;
        QVERIFY2(m_servers.start(&whyNot), qPrintable(whyNot));
        m_large = makeTestData(24 * 1024 * 1024 + 7, 41);
        QVERIFY(m_servers.writeFile(QStringLiteral("large.bin"), m_large));
        QVERIFY(m_servers.writeFile(QStringLiteral("small.bin"), makeTestData(4096, 42)));
        m_mid = makeTestData(40 * 1024 + 3, 43);
        QVERIFY(m_servers.writeFile(QStringLiteral("mid.bin"), m_mid));
    }

    void backpressure_data()
    {
        QTest::addColumn<bool>("https");
        QTest::addColumn<QByteArray>("version");
        QTest::newRow("HTTP/1.1") << false << QByteArray("1.1");
        QTest::newRow("HTTP/2") << true << QByteArray("2");
    }

    // A reader that stops reading holds the transfer: curl pauses it (over HTTP/2 this stream)
    // instead of buffering the rest of the file.
    void backpressure()
    {
        QFETCH(bool, https);
        QFETCH(QByteArray, version);
        HttpClient client;
        CurlReply *reply = get(client, TlsServers::url(https ? m_servers.good : m_servers.plain,
                                                       QStringLiteral("/large.bin"), https));
        constexpr qint64 kBuffer = 256 * 1024;
        reply->setReadBufferSize(kBuffer);
        QSignalSpy progress(reply, &QNetworkReply::downloadProgress);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(QSignalSpy(reply, &QNetworkReply::readyRead).wait(10000));
        // Nobody reads: the progress goes quiet once the buffer is full.
        while (progress.wait(500)) {
        }
        QVERIFY(finished.isEmpty());
        QVERIFY2(reply->bytesAvailable() <= kBuffer + kPiece,
                 qPrintable(QString::number(reply->bytesAvailable())));
        QCOMPARE(reply->httpVersion(), version);

        // Reading again resumes it, to the last byte.
        QCryptographicHash hash(QCryptographicHash::Sha256);
        qint64 total = 0;
        qint64 mostBuffered = 0;
        const auto drain = [&] {
            mostBuffered = qMax(mostBuffered, reply->bytesAvailable());
            const QByteArray piece = reply->readAll();
            hash.addData(piece);
            total += piece.size();
        };
        connect(reply, &QNetworkReply::readyRead, this, drain);
        drain();
        QVERIFY(finished.wait(60000));
        drain();
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(total, qint64(m_large.size()));
        QCOMPARE(hash.result().toHex(), sha256Hex(m_large));
        QVERIFY2(mostBuffered <= kBuffer + kPiece, qPrintable(QString::number(mostBuffered)));
    }

    // HTTP/2 hands DATA frames of 16 KiB: the reader gets them grown into pieces of up to
    // curl's receive buffer, and a small body's piece is no larger than the body.
    void http2FramesGrowIntoPieces()
    {
        HttpClient client;
        CurlReply *reply =
            get(client, TlsServers::url(m_servers.good, QStringLiteral("/large.bin"), true));
        constexpr qint64 kBuffer = 1024 * 1024;
        reply->setReadBufferSize(kBuffer);
        QSignalSpy progress(reply, &QNetworkReply::downloadProgress);
        QVERIFY(QSignalSpy(reply, &QNetworkReply::readyRead).wait(10000));
        while (progress.wait(500)) {
        }
        QCOMPARE(reply->httpVersion(), QByteArray("2"));
        const qint64 buffered = reply->bytesAvailable();
        QVERIFY2(buffered >= kBuffer, qPrintable(QString::number(buffered)));
        qint64 taken = 0;
        int pieces = 0;
        while (taken < buffered) {
            const QByteArray piece = reply->takePiece(kPiece);
            QVERIFY(!piece.isEmpty());
            QCOMPARE(piece, m_large.mid(taken, piece.size()));
            taken += piece.size();
            ++pieces;
        }
        // 16 KiB frames would be 64 pieces and more.
        QVERIFY2(pieces <= buffered / kPiece + 2,
                 qPrintable(QStringLiteral("%1 pieces for %2 bytes").arg(pieces).arg(buffered)));
        reply->abort();

        CurlReply *mid =
            get(client, TlsServers::url(m_servers.good, QStringLiteral("/mid.bin"), true));
        QVERIFY(QSignalSpy(mid, &QNetworkReply::finished).wait(10000));
        const QByteArray whole = mid->takePiece(kPiece);
        QCOMPARE(whole, m_mid);
        QVERIFY2(whole.capacity() < 48 * 1024, qPrintable(QString::number(whole.capacity())));
    }

    void endlessHeaders_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::newRow("GET") << QByteArray("GET");
        QTest::newRow("HEAD") << QByteArray("HEAD");
    }

    // curl caps each header line, not their number: CurlReply caps the block at 100 KiB.
    void endlessHeaders()
    {
        QFETCH(QByteArray, verb);
        RawServer server("HTTP/1.1 200 OK\r\n", true);
        HttpClient client;
        CurlReply *reply = client.send(verb, QNetworkRequest(server.url(QStringLiteral("/f"))),
                                       nullptr, {}, &client);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->error(), QNetworkReply::ProtocolFailure);
        QVERIFY2(reply->errorString().contains(QLatin1String("exceed 100 KiB")),
                 qPrintable(reply->errorString()));
        QVERIFY2(server.written < 1024 * 1024, qPrintable(QString::number(server.written)));
    }

    void headersWithoutEnd()
    {
        // A status line and a header, then the connection closes: no answer at all.
        RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", false);
        HttpClient client;
        CurlReply *reply = get(client, server.url(QStringLiteral("/f")).toString());
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->error(), QNetworkReply::ProtocolFailure);
    }

    void connectionReuse_data()
    {
        QTest::addColumn<bool>("https");
        QTest::newRow("HTTP/1.1") << false;
        QTest::newRow("HTTP/2") << true;
    }

    // One after another, requests to one server share a connection; at the same time, each
    // has one of its own, HTTP/2 included (no streams multiplexed on one connection).
    void connectionReuse()
    {
        QFETCH(bool, https);
        HttpClient client;
        const auto url = [&](const QString &path) {
            return TlsServers::url(https ? m_servers.good : m_servers.plain, path, https);
        };
        // Starts `count` requests and holds each (nobody reads) until all of them answered,
        // so that none can hand its connection to another; then reads them to the end.
        const auto fetch = [&](const QString &path, int count) {
            QList<CurlReply *> replies;
            for (int i = 0; i < count; ++i) {
                replies.append(get(client, url(path)));
                replies.last()->setReadBufferSize(64 * 1024);
            }
            for (CurlReply *reply : replies)
                waitForMore(reply);
            int opened = 0;
            for (CurlReply *reply : replies) {
                qint64 size = reply->readAll().size();
                while ((!reply->isFinished() || reply->bytesAvailable() > 0) && waitForMore(reply))
                    size += reply->readAll().size();
                if (reply->error() != QNetworkReply::NoError)
                    return -1;
                if (size != (path.contains(QLatin1String("small")) ? 4096 : m_large.size()))
                    return -2;
                opened += reply->connectionsOpened();
                delete reply;
            }
            return opened;
        };
        QCOMPARE(fetch(QStringLiteral("/small.bin"), 1), 1);
        QCOMPARE(fetch(QStringLiteral("/small.bin"), 1), 0); // the idle one again
        QCOMPARE(fetch(QStringLiteral("/large.bin"), 3), 2); // the idle one and two new ones
    }
};

QTEST_GUILESS_MAIN(TestCurlReply)
#include "tst_curlreply.moc"
