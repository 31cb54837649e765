#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPair>
#include <QPointer>

#include <deque>
#include <optional>

#include <QNetworkCookieJar>

namespace bt {

class CurlMulti;

// One HTTP request sent by libcurl on its thread's CurlMulti, presented as a QNetworkReply, so
// that downloads and uploads read every answer the way they read Qt's: the status and reason
// as attributes, the raw headers (repeated ones joined by ", "), the body through read().
//
// Downloads: the body streams, at most readBufferSize() bytes ahead of the reader; beyond that
// the transfer pauses (CURL_WRITEFUNC_PAUSE, over HTTP/2 just this stream) until read() makes
// room, so memory stays bounded whatever the disk does. Uploads: the request body is read on
// this thread straight into curl's upload buffer; a body with nothing to give right now (rate
// limit, an archive still being built) pauses the send until its readyRead().
//
// What Qt did is kept: the request's raw headers, as set (no "Expect: 100-continue"); redirects
// only when the request's policy asks for them (downloads and most uploads follow them
// themselves, hop by hop, NetworkSetup::nextHop); the cookies of `Options::cookies` for each
// URL and the Set-Cookie of each answer back into it. The response headers of one request may
// not exceed 100 KiB (curl caps only each line): a server sending header lines forever gets a
// ProtocolFailure. metaDataChanged() comes once, when the final answer's headers are complete;
// no signal is ever emitted from inside curl. abort() ends the request at once.
class CurlReply : public QNetworkReply
{
    Q_OBJECT
public:
    // A multipart/form-data body (curl -F): the fields, then one part whose content is the
    // body. Dispositions are whole header values ("form-data; name=\"file\"; ...").
    struct Form
    {
        QList<QPair<QByteArray, QByteArray>> fields; // disposition, value
        QByteArray fileDisposition;
        QByteArray fileType; // the file part's Content-Type
    };

    // An FTP or SFTP upload (RemoteFileProtocol::setUpUpload).
    struct RemoteUpload
    {
        bool append = false; // the remote file holds the first bytes: add the body to it
        bool createMissingDirs = true;
        QList<QByteArray> postQuote; // commands after the upload (the rename into place)
    };

    struct Options
    {
        bool insecure = false;
        QString caFile;           // --cacert: verify with these CAs (PEM) instead of the system's
        QByteArray proxy;         // curl's proxy URL (http://, socks5h://, ...); empty: direct
                                  // (HttpClient::send() sets it)
        std::optional<Form> form; // set: the body is the file part of this form
        std::optional<RemoteUpload> remoteUpload; // set: the body goes to an ftp/sftp URL
        // >= 0: keep only the first keepAnswer bytes of the answer (an upload's answer is read
        // whole once finished); < 0: stream it to the reader (readBufferSize()).
        qint64 keepAnswer = -1;
        QPointer<QNetworkCookieJar> cookies;
        bool http2 = true; // when the server offers it (ALPN on https)
        // Set: libcurl signs the request with AWS Signature Version 4 (CURLOPT_AWS_SIGV4,
        // e.g. "aws:amz:eu-west-1:s3") as `user` (the access key id) with `password` (the
        // secret). Every header of the request is signed; curl's own "Expect: 100-continue"
        // is left to it (unsigned, as the AWS SDKs send it), so a refused signature is
        // answered before the body is sent.
        QByteArray awsSigV4;
        QByteArray user;
        QByteArray password;
    };

    // `body` (may be null: no request body) is open for reading and stays owned by the
    // caller. The request starts from the event loop, so connections made right after
    // construction see every signal.
    CurlReply(CurlMulti *multi, const QByteArray &verb, const QNetworkRequest &request,
              QIODevice *body, const Options &options, QObject *parent = nullptr);
    ~CurlReply() override;

    void abort() override;
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    void setReadBufferSize(qint64 size) override;

    // Up to maxSize bytes of the body, as read() would return them, but without a copy when
    // they are one piece as curl delivered it (the download's path to the disk).
    QByteArray takePiece(qint64 maxSize);

    // New connections this request opened (0: it reused one); valid once finished.
    int connectionsOpened() const { return m_connects; }
    // The HTTP version of the final answer: "1.1", "2", empty before it.
    QByteArray httpVersion() const { return m_httpVersion; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    friend class CurlMulti;
    friend struct CurlReplyCallbacks; // the C callbacks (CurlReply.cpp)

    bool setUp(const QByteArray &verb, const QNetworkRequest &request, const Options &options);
    bool setUpForm(const Form &form);
    void headersEnded(); // the blank line of an answer's headers
    // FTP, FTPS, SFTP (CurlReplyRemote.cpp)
    void setUpRemote(const QNetworkRequest &request);
    void nudgeUntilMoving(); // FTPS under libcurl 7.88
    void remoteAnswer();     // an HTTP-shaped answer (RemoteFileProtocol)
    void remoteEnded(int curlCode, long *status, QString *text);
    static NetworkError remoteError(int curlCode);
    void transferDone(int curlCode); // from CurlMulti: record, speak in emitPending()
    void emitPending();              // from CurlMulti, outside curl
    void detach();                   // the multi goes away first
    // The pauses that bound the answer and wait for the body (CurlReplyBackpressure.cpp).
    void resumeBody();
    static constexpr qint64 ReceiveBuffer = 128 << 10;  // curl's, and the largest piece
    void appendPiece(const char *data, qsizetype size); // from curl's write callback
    void takeRoom();                                    // read() made room: continue receiving
    void roomMade();         // after a read: takeRoom() once below half the read buffer
    void unpause(bool send); // the send or the receive direction, from the event loop
    void finishWith(NetworkError code, const QString &text);
    void release(); // the easy handle out of the multi and freed

    QPointer<CurlMulti> m_multi;
    void *m_easy = nullptr;    // CURL
    void *m_headers = nullptr; // curl_slist
    void *m_mime = nullptr;    // curl_mime (a form)
    void *m_quote = nullptr;   // curl_slist (RemoteUpload::postQuote)
    QIODevice *m_body;
    QPointer<QNetworkCookieJar> m_cookies;
    std::deque<QByteArray> m_pieces; // the answer's body as curl delivered it, not yet read
    qsizetype m_readPos = 0;         // in the first piece
    qint64 m_unread = 0;             // bytes in m_pieces from m_readPos on
    qint64 m_bodyLength = -2;        // the latest answer's Content-Length, -1 none, -2 not asked
    qint64 m_bodyBytes = 0;          // of the latest answer's body, so far
    qint64 m_kept = 0;               // keepAnswer: bytes kept so far
    qint64 m_keepAnswer = -1;
    qint64 m_readBufferSize = 0;
    QByteArray m_reason;
    QByteArray m_httpVersion;
    char m_errorText[256] = {};
    qsizetype m_headerBytes = 0; // every answer's header lines so far (kMaxHeaderBytes)
    qint64 m_sent = -1;
    qint64 m_received = -1;
    int m_connects = 0;
    bool m_follows = false;    // curl follows redirects for this request
    bool m_remoteFile = false; // ftp, ftps, sftp (RemoteFileProtocol)
    qint64 m_remoteFirst = -1; // the offset asked for
    bool m_viaProxy = false;
    bool m_sendPaused = false; // the body had nothing to give
    bool m_recvPaused = false; // the reader is readBufferSize behind
    bool m_aborted = false;
    bool m_done = false;
    bool m_headerEnded = false; // the latest answer's headers ended with their blank line
    bool m_headerOverflow = false;
    bool m_final = false; // the final answer's headers are in (attributes set)
    // What emitPending() has to say.
    bool m_metaPending = false;
    bool m_readyPending = false;
    bool m_progressPending = false;
    bool m_finishPending = false;
};

} // namespace bt
