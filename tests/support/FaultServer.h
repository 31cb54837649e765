#pragma once

#include "TestData.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>

#include <functional>

namespace bt::test {

// A fault-injecting HTTP/1.1 server for tests (QTcpServer, keep-alive, GET/HEAD, Range).
// It serves in-memory resources at paths and applies faults, either once per request
// (queued, FIFO per path) or on every request (persistent), so a test can describe exactly
// what a hostile or broken server does. Listens on 127.0.0.1, port chosen by the OS.
// Paths are matched percent-decoded and without query ("/a b" == "/a%20b?x=1").
// A queued fault is used by the next request to that path (any method, any query), before
// a persistent one. Note: Qt 6.4 QNetworkAccessManager silently resends a request (up to
// twice) when the connection closes unexpectedly, and may even finish a cut Content-Length
// body with NoError: queue a fault several times or make it persistent, and have the client
// count the bytes it received.
class FaultServer : public QObject
{
    Q_OBJECT
public:
    struct Resource
    {
        QByteArray body;
        QByteArray etag = "\"v1\"";                                // empty: no ETag header
        QByteArray lastModified = "Wed, 21 Oct 2026 07:28:00 GMT"; // empty: none
        bool acceptRanges = true; // honour Range/If-Range and send Accept-Ranges
        bool chunked = false;     // Transfer-Encoding: chunked, no Content-Length
        QByteArray contentType = "application/octet-stream";
        QByteArray contentDisposition; // sent as-is when not empty
        QByteArray digest;             // "Digest:" sent as-is; "auto" = correct sha-256
        QByteArray reprDigest;         // "Repr-Digest:" sent as-is; "auto" = correct
        qint64 bytesPerSecond = 0;     // throttle each connection, 0 = as fast as possible
        QList<QPair<QByteArray, QByteArray>> extraHeaders;
    };

    struct Fault
    {
        enum class Kind
        {
            None,
            CutAfter,          // send headers and `bytes` body bytes, then close the socket
            Stall,             // send headers and `bytes` body bytes, then keep silent, open
            IgnoreRange,       // answer a ranged GET with 200 and the full body
            WrongContentRange, // 206 whose Content-Range starts at `bytes` instead of asked
            WrongTotal,        // 206 whose Content-Range total is `bytes`
            Status,            // answer `status` (e.g. 503, 429, 404) with `retryAfter`, if set
            Redirect,          // answer `status` (301/302/303/307/308) with Location: `location`
            ChunkCut,          // chunked body cut mid-chunk after `bytes` body bytes
            CloseBeforeHeaders // accept, read the request, close without answering
        };
        Kind kind = Kind::None;
        qint64 bytes = 0;
        int status = 0;
        QByteArray retryAfter; // Retry-After value, sent as-is when not empty
        QByteArray location;
        // CutAfter/ChunkCut: once the client has every byte sent, close with a TCP reset
        // (RST, "connection reset by peer") instead of a clean FIN.
        bool reset = false;
    };

    struct Request
    {
        QByteArray method;
        QByteArray path;                       // with query
        QHash<QByteArray, QByteArray> headers; // lower-case names
        quint16 peerPort = 0;
        QByteArray body; // request body (Content-Length or chunked), e.g. for PUT/POST hooks
    };

    explicit FaultServer(QObject *parent = nullptr);
    ~FaultServer() override;

    bool listen(); // 127.0.0.1:0
    // Like listen(), but answers from a private thread, so the test thread may block (e.g.
    // QProcess::waitForFinished on the CLI). Every method stays callable from the test thread;
    // the hook then runs, and requestReceived is emitted, in the server thread.
    bool listenInThread();
    quint16 port() const;
    QByteArray url(const QByteArray &path) const; // "http://127.0.0.1:PORT" + path

    void setResource(const QByteArray &path, const Resource &resource);
    Resource resource(const QByteArray &path) const;
    // Replace the body and the ETag (content changed on the server between requests).
    void changeContent(const QByteArray &path, const QByteArray &body, const QByteArray &etag);

    void queueFault(const QByteArray &path, const Fault &fault);         // next request only
    void setPersistentFault(const QByteArray &path, const Fault &fault); // every request
    void clearFaults(const QByteArray &path);

    // Convenience: a redirect at `from` (every request) to `to`.
    void addRedirect(const QByteArray &from, const QByteArray &to, int status = 302);

    // Called for every request (after it is logged and requestReceived is emitted) before any
    // fault; return true to have handled it yourself (write to the socket), false to continue
    // normally. Methods other than GET/HEAD get 405 unless a hook answers them.
    using Hook = std::function<bool(const Request &, QTcpSocket *)>;
    void setHook(Hook hook);

    QList<Request> requests() const; // every request received, in order
    int requestCount(const QByteArray &path) const;
    int openConnections() const;
    int maxConcurrentConnections() const; // the peak number of open connections

Q_SIGNALS:
    void requestReceived(const bt::test::FaultServer::Request &request);

private:
    class Private;
    Private *d;
};

} // namespace bt::test
