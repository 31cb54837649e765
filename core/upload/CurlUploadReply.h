#pragma once

#include <QByteArray>
#include <QHash>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPair>

#include <optional>

class QSocketNotifier;
class QTimer;

namespace bt {

class UploadBody;

// One request that carries an upload body (tus PATCH, PUT, a form's POST), sent by libcurl on the
// calling thread's event loop (curl_multi driven by QSocketNotifier and a QTimer) and presented as
// a finished QNetworkReply, so that the Upload classes read every answer the same way.
//
// Why not QNetworkAccessManager: Qt 6.4 runs HTTP in its own thread and pulls a streamed body
// 16 KiB at a time, each piece a queued-signal round trip between the threads, and writes the
// socket 16 KiB at a time; that caps an upload at about a third of what curl sends on one
// connection. Here the body is read on this thread straight into curl's upload buffer
// (kUploadBuffer at a time) and sent with large writes.
//
// What the Qt path did is kept: the request's raw headers (credentials, Content-Type, the
// person's --header), redirects that are no less safe (at most maximumRedirectsAllowed()),
// the proxy Qt would use for the URL, no TLS verification when `insecure`. A body that has
// nothing to give right now (rate limit, an archive still being built) returns 0 from read();
// the transfer pauses until the body's readyRead(). abort() ends the request at once.
// Signals: uploadProgress/downloadProgress as bytes move, errorOccurred and finished once.
class CurlUploadReply : public QNetworkReply
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

    struct Options
    {
        bool insecure = false;
        QString caFile; // --cacert: verify with these CAs (PEM) instead of the system's
        QNetworkProxy proxy = QNetworkProxy(QNetworkProxy::NoProxy);
        std::optional<Form> form; // set: the body is the file part of this form
    };

    // `body` is open for reading and stays owned by the caller; the request starts from the
    // event loop, so connections made right after construction see every signal.
    CurlUploadReply(const QByteArray &verb, const QNetworkRequest &request, UploadBody *body,
                    const Options &options, QObject *parent = nullptr);
    ~CurlUploadReply() override;

    // The proxy QNetworkAccessManager `manager` would use for `url` (its own, its factory's,
    // else the application's: the environment's, none for loopback).
    static QNetworkProxy proxyFor(const QNetworkAccessManager *manager, const QUrl &url);

    void abort() override;
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    struct Notifiers
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
    };

    friend struct CurlCallbacks; // the C callbacks (CurlUploadReply.cpp)

    bool setUp(const QByteArray &verb, const QNetworkRequest &request, const Options &options);
    bool setUpForm(const Form &form);
    void watchSocket(int fd, int what);
    void drive(int fd, int events); // curl_multi_socket_action, then collect a finished result
    void resumeBody();
    void complete(int curlCode);
    void fail(NetworkError code, const QString &text);
    void release(); // the easy handle out of the multi handle, sockets unwatched

    void *m_multi = nullptr;   // CURLM
    void *m_easy = nullptr;    // CURL
    void *m_headers = nullptr; // curl_slist
    void *m_mime = nullptr;    // curl_mime (a form)
    UploadBody *m_body;
    QTimer *m_timer;
    QHash<int, Notifiers> m_sockets;
    QByteArray m_answer; // the response body (first kMaxAnswer bytes: error texts)
    qint64 m_answerRead = 0;
    QByteArray m_reason;
    char m_errorText[256] = {};
    qsizetype m_headerBytes = 0; // every answer's header lines so far (kMaxHeaderBytes)
    qint64 m_sent = -1;
    qint64 m_received = -1;
    int m_depth = 0; // inside curl: abort() only flags, the callbacks end the transfer
    bool m_paused = false;
    bool m_aborted = false;
    bool m_done = false;
    bool m_headerEnded = false; // the latest answer's headers ended with their blank line
    bool m_headerOverflow = false;
};

} // namespace bt
