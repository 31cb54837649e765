#pragma once

// Shared by the FaultServer self-tests: a fresh server with a 1 MiB resource at "/file" per
// test function, a QNetworkAccessManager client and a raw-socket client for wire details.

#include "FaultServer.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using bt::test::FaultServer;
using Fault = FaultServer::Fault;
using Kind = FaultServer::Fault::Kind;

namespace {

struct Result
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QNetworkReply *reply = nullptr; // owned by the QNAM, valid until cleanup()
    QByteArray header(const QByteArray &name) const { return reply->rawHeader(name); }
};

// A parsed raw HTTP response (from a QTcpSocket), for what QNAM would hide.
struct Raw
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;                       // as on the wire (chunked stays encoded)
};

inline bool parseRaw(const QByteArray &in, Raw &out)
{
    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = in.left(end).split('\n');
    out.status = lines.value(0).split(' ').value(1).toInt();
    out.headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype c = lines[i].indexOf(':');
        out.headers.insert(lines[i].left(c).trimmed().toLower(), lines[i].mid(c + 1).trimmed());
    }
    out.body = in.mid(end + 4);
    return true;
}

// Decodes a chunked body; `complete` tells whether the terminating chunk was seen.
inline QByteArray dechunk(const QByteArray &wire, bool *complete, qint64 *lastDeclared = nullptr)
{
    QByteArray out;
    qsizetype pos = 0;
    *complete = false;
    for (;;) {
        const qsizetype eol = wire.indexOf("\r\n", pos);
        if (eol < 0)
            return out;
        const qint64 size = wire.mid(pos, eol - pos).toLongLong(nullptr, 16);
        if (lastDeclared)
            *lastDeclared = size;
        if (size == 0) {
            *complete = wire.indexOf("\r\n", eol + 2) == eol + 2;
            return out;
        }
        out += wire.mid(eol + 2, size);
        if (wire.size() < eol + 2 + size + 2)
            return out;
        pos = eol + 2 + size + 2;
    }
}

// Runs the event loop until `done` or the timeout; the server lives in this thread.
inline bool spin(const std::function<bool()> &done, int timeoutMs = 10000)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

} // namespace

class FaultServerTestBase : public QObject
{
    Q_OBJECT
protected:
    std::unique_ptr<FaultServer> m_server;
    QNetworkAccessManager *m_nam = nullptr;
    QByteArray m_data;

    Result fetch(const QByteArray &path, const QList<QPair<QByteArray, QByteArray>> &headers = {},
                 const QByteArray &method = "GET",
                 QNetworkRequest::RedirectPolicy policy = QNetworkRequest::ManualRedirectPolicy)
    {
        QNetworkRequest request(QUrl(QString::fromLatin1(m_server->url(path))));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, policy);
        for (const auto &h : headers)
            request.setRawHeader(h.first, h.second);
        Result r;
        // A custom "HEAD" would make QNAM wait for a body: use the real operations.
        r.reply = method == "HEAD"  ? m_nam->head(request)
                  : method == "GET" ? m_nam->get(request)
                                    : m_nam->sendCustomRequest(request, method);
        QSignalSpy finished(r.reply, &QNetworkReply::finished);
        if (!r.reply->isFinished() && !finished.wait(20000)) {
            QTest::qFail("request timed out", __FILE__, __LINE__);
            r.status = -1;
            return r;
        }
        r.status = r.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = r.reply->error();
        r.body = r.reply->readAll();
        return r;
    }

    // Sends raw bytes and reads until `done(received)` or the peer closes.
    QByteArray raw(QTcpSocket &socket, const QByteArray &request,
                   const std::function<bool(const QByteArray &)> &done = {}, int timeoutMs = 10000)
    {
        if (socket.state() != QAbstractSocket::ConnectedState) {
            socket.connectToHost(QHostAddress::LocalHost, m_server->port());
            spin([&] { return socket.state() == QAbstractSocket::ConnectedState; });
        }
        socket.write(request);
        QByteArray in;
        spin(
            [&] {
                in += socket.readAll();
                return (done && done(in)) || socket.state() != QAbstractSocket::ConnectedState;
            },
            timeoutMs);
        return in + socket.readAll();
    }

    static QByteArray get(const QByteArray &path, const QByteArray &extra = {})
    {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
    }

    static std::function<bool(const QByteArray &)> untilBody(qint64 bodyBytes)
    {
        return [bodyBytes](const QByteArray &in) {
            const qsizetype end = in.indexOf("\r\n\r\n");
            return end >= 0 && in.size() - end - 4 >= bodyBytes;
        };
    }

    static Fault fault(Kind kind, qint64 bytes = 0, int status = 0)
    {
        Fault f;
        f.kind = kind;
        f.bytes = bytes;
        f.status = status;
        return f;
    }

protected Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<FaultServer>();
        QVERIFY(m_server->listen());
        QVERIFY(m_server->port() != 0);
        m_nam = new QNetworkAccessManager(this);
        m_data = bt::test::makeTestData(1024 * 1024 + 17, 7);
        FaultServer::Resource res;
        res.body = m_data;
        m_server->setResource("/file", res);
    }

    void cleanup()
    {
        delete m_nam;
        m_nam = nullptr;
        m_server.reset();
    }
};
