// Uploads against a hostile server (a QTcpServer stub on the test thread, 127.0.0.1): answers
// whose headers never end, and header lines sent forever.
#include "UploadHarness.h"
#include "UploadServers.h"
#include "upload/PutUpload.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace bt;

namespace {
// Answers each request, once its headers are read, with `answer`; then closes, or with
// `endless` keeps writing header lines while the client reads them.
class RawServer : public QObject
{
public:
    RawServer(QByteArray answer, bool endless) : m_answer(std::move(answer)), m_endless(endless)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, s, [this, s] { onRead(s); });
            }
        });
    }
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    qint64 written = 0;
    QList<QByteArray> heads; // each request's head (request line and headers)

private:
    void onRead(QTcpSocket *s)
    {
        m_seen[s] += s->readAll();
        if (s->property("answered").toBool() || !m_seen[s].contains("\r\n\r\n"))
            return;
        s->setProperty("answered", true);
        heads.append(m_seen[s].left(m_seen[s].indexOf("\r\n\r\n")));
        s->write(m_answer);
        if (!m_endless) {
            s->disconnectFromHost();
            return;
        }
        const auto more = [this, s] {
            while (s->state() == QAbstractSocket::ConnectedState && s->bytesToWrite() < 65536) {
                const QByteArray line = "X-Filler-" + QByteArray::number(written) + ": " +
                                        QByteArray(200, 'f') + "\r\n";
                written += s->write(line);
            }
        };
        connect(s, &QTcpSocket::bytesWritten, s, more);
        more();
    }

    QTcpServer m_server;
    QByteArray m_answer;
    bool m_endless;
    QHash<QTcpSocket *, QByteArray> m_seen;
};
} // namespace

class TstUploadHostile : public QObject
{
    Q_OBJECT
private:
    UploadRequest put(UploadHarness &h, const QUrl &url)
    {
        const QString path = h.tempPath(QStringLiteral("file.bin"));
        writeFile(path, randomBytes(1000, 7));
        UploadRequest r;
        r.sourcePath = path;
        r.url = url;
        r.method = UploadRequest::Method::Put;
        r.retryDelayMs = 50;
        r.retries = 0;
        r.stallTimeoutSec = 10;
        return r;
    }

private Q_SLOTS:
    void answerWithoutHeaderEndIsNoSuccess_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("status line only") << QByteArray("HTTP/1.1 204 No Content\r\n");
        QTest::newRow("unfinished headers") << QByteArray("HTTP/1.1 200 OK\r\nX: y\r\n");
    }
    void answerWithoutHeaderEndIsNoSuccess()
    {
        QFETCH(QByteArray, answer);
        RawServer server(answer, false);
        UploadHarness h;
        const UploadRun run = h.run(put(h, server.url(QStringLiteral("/f.bin"))));
        QVERIFY2(run.result.error.isError(), qPrintable(run.log()));
        QVERIFY2(run.result.error.message.contains(QLatin1String("response headers")),
                 qPrintable(run.result.error.message));
    }

    // libcurl 7.88 drops custom Authorization and Cookie headers on a hop to another origin
    // (here another port); this guards that the upload path keeps it so.
    void crossOriginRedirectDropsCredentials()
    {
        RawServer target("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", false);
        RawServer first("HTTP/1.1 307 Temporary Redirect\r\nLocation: " +
                            target.url(QStringLiteral("/x.bin")).toEncoded() +
                            "\r\nContent-Length: 0\r\n\r\n",
                        false);
        for (const bool bearer : {false, true}) {
            UploadHarness h;
            UploadRequest r = put(h, first.url(QStringLiteral("/f.bin")));
            if (bearer)
                r.bearerToken = QStringLiteral("tok");
            else
                r.user = QStringLiteral("alice:secret");
            r.headers = {{"Cookie", "c=1"}, {"Authorization", "Basic eDp5"}};
            if (bearer)
                r.headers.removeLast();
            const UploadRun run = h.run(r);
            QVERIFY2(!run.result.error.isError(), qPrintable(run.result.error.message));
        }
        QCOMPARE(first.heads.size(), 2);
        QCOMPARE(target.heads.size(), 2);
        for (const QByteArray &head : first.heads)
            QVERIFY2(head.contains("Authorization:") && head.contains("Cookie:"), head);
        for (const QByteArray &head : target.heads) {
            QVERIFY2(!head.contains("Authorization") && !head.contains("Cookie"), head);
        }
    }

    void endlessHeadersFailQuickly()
    {
        RawServer server("HTTP/1.1 200 OK\r\n", true);
        UploadHarness h;
        QElapsedTimer clock;
        clock.start();
        const UploadRun run = h.run(put(h, server.url(QStringLiteral("/f.bin"))));
        QVERIFY2(run.result.error.message.contains(QLatin1String("exceed 100 KiB")),
                 qPrintable(run.result.error.message));
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(server.written < 1024 * 1024); // stopped reading, not drained forever
    }
};

QTEST_MAIN(TstUploadHostile)
#include "tst_upload_hostile.moc"
