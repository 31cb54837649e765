#include "upload/CurlUploadReply.h"

#include "upload/UploadBody.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QSocketNotifier>
#include <QTimer>

#include <cstring>
#include <curl/curl.h>
#include <mutex>

namespace bt {

namespace {
// curl's upload buffer: how much of the body one pass of the event loop reads and sends.
// 64 KiB, curl's own default: the socket never runs dry while the next piece is read. With
// 1 MiB the sender filled the socket and then slept in poll() once per MiB (~1,000 wake-ups a
// GiB), and a loopback upload took 0.6-0.7 s where curl took 0.55 (tus 1.75 s against 1.58).
constexpr long kUploadBuffer = 64 << 10;
constexpr qsizetype kMaxAnswer = 64 << 10; // what is kept of a response body: error texts
// The response headers of one request, all answers together: curl caps only each line (100
// KiB), so a server sending header lines forever would grow the process without end.
constexpr qsizetype kMaxHeaderBytes = 100 << 10;

CURLM *multiOf(void *handle)
{
    return static_cast<CURLM *>(handle);
}
CURL *easyOf(void *handle)
{
    return static_cast<CURL *>(handle);
}

void initCurl()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What QNetworkReply reports for an HTTP error status (as QNetworkReplyHttpImpl does).
QNetworkReply::NetworkError errorForStatus(int status)
{
    switch (status) {
    case 401:
        return QNetworkReply::AuthenticationRequiredError;
    case 403:
        return QNetworkReply::ContentAccessDenied;
    case 404:
        return QNetworkReply::ContentNotFoundError;
    case 405:
        return QNetworkReply::ContentOperationNotPermittedError;
    case 407:
        return QNetworkReply::ProxyAuthenticationRequiredError;
    case 409:
        return QNetworkReply::ContentConflictError;
    case 410:
        return QNetworkReply::ContentGoneError;
    case 500:
        return QNetworkReply::InternalServerError;
    case 501:
        return QNetworkReply::OperationNotImplementedError;
    case 503:
        return QNetworkReply::ServiceUnavailableError;
    default:
        return status >= 500 ? QNetworkReply::UnknownServerError
                             : QNetworkReply::UnknownContentError;
    }
}

// The QNetworkReply error for a failed transfer, so ResponseInfo::networkError classifies
// it as it does Qt's (a cut connection is transient, a bad certificate is not).
QNetworkReply::NetworkError errorForCurl(CURLcode code, bool redirected)
{
    switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
        return redirected ? QNetworkReply::InsecureRedirectError
                          : QNetworkReply::ProtocolUnknownError;
    case CURLE_URL_MALFORMAT:
        return QNetworkReply::ProtocolUnknownError;
    case CURLE_COULDNT_RESOLVE_PROXY:
        return QNetworkReply::ProxyNotFoundError;
    case CURLE_COULDNT_RESOLVE_HOST:
        return QNetworkReply::HostNotFoundError;
    case CURLE_COULDNT_CONNECT:
        return QNetworkReply::ConnectionRefusedError;
    case CURLE_OPERATION_TIMEDOUT:
        return QNetworkReply::TimeoutError;
    case CURLE_TOO_MANY_REDIRECTS:
        return QNetworkReply::TooManyRedirectsError;
    case CURLE_ABORTED_BY_CALLBACK:
        return QNetworkReply::OperationCanceledError;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return QNetworkReply::RemoteHostClosedError;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return QNetworkReply::SslHandshakeFailedError;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return QNetworkReply::ProtocolFailure;
    default:
        return QNetworkReply::UnknownNetworkError;
    }
}
} // namespace

// The C callbacks: each passes to the reply that registered it.
struct CurlCallbacks
{
    static CurlUploadReply *reply(void *self) { return static_cast<CurlUploadReply *>(self); }

    static int socket(CURL *, curl_socket_t fd, int what, void *self, void *)
    {
        reply(self)->watchSocket(fd, what);
        return 0;
    }

    static int timer(CURLM *, long timeoutMs, void *self)
    {
        QTimer *t = reply(self)->m_timer;
        if (timeoutMs < 0)
            t->stop();
        else
            t->start(int(qMin<long>(timeoutMs, INT_MAX)));
        return 0;
    }

    static size_t read(char *buffer, size_t size, size_t count, void *self)
    {
        CurlUploadReply *r = reply(self);
        if (r->m_aborted)
            return CURL_READFUNC_ABORT;
        const qint64 n = r->m_body->read(buffer, qint64(size * count));
        if (n < 0)
            return CURL_READFUNC_ABORT; // the source failed: UploadBody::sourceError() says why
        if (n == 0 && !r->m_body->atEnd()) {
            r->m_paused = true; // rate limit or archive: until the body's readyRead()
            return CURL_READFUNC_PAUSE;
        }
        return size_t(n);
    }

    static int seek(void *self, curl_off_t offset, int origin)
    {
        // A resend (redirect, authentication) starts the body again.
        if (origin != SEEK_SET)
            return CURL_SEEKFUNC_CANTSEEK;
        return reply(self)->m_body->seek(qint64(offset)) ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
    }

    static size_t write(char *data, size_t size, size_t count, void *self)
    {
        CurlUploadReply *r = reply(self);
        const qsizetype n = qsizetype(size * count);
        if (r->m_answer.size() < kMaxAnswer)
            r->m_answer.append(data, qMin(n, kMaxAnswer - r->m_answer.size()));
        return size_t(n);
    }

    static size_t header(char *data, size_t size, size_t count, void *self)
    {
        CurlUploadReply *r = reply(self);
        r->m_headerBytes += qsizetype(size * count);
        if (r->m_headerBytes > kMaxHeaderBytes) {
            r->m_headerOverflow = true;
            return 0; // curl ends the transfer (CURLE_WRITE_ERROR)
        }
        const QByteArray line = QByteArray(data, qsizetype(size * count)).trimmed();
        r->m_headerEnded = line.isEmpty(); // the blank line that ends an answer's headers
        // Each answer (100 Continue, a redirect, the final one) starts with its status line;
        // curl's header API has the fields but not the reason phrase ("HTTP/1.1 201 Created").
        if (line.startsWith("HTTP/")) {
            const qsizetype code = line.indexOf(' ');
            const qsizetype reason = code < 0 ? -1 : line.indexOf(' ', code + 1);
            r->m_reason = reason < 0 ? QByteArray() : line.mid(reason + 1);
        }
        return size * count;
    }

    static int progress(void *self, curl_off_t, curl_off_t dlNow, curl_off_t ulTotal,
                        curl_off_t ulNow)
    {
        CurlUploadReply *r = reply(self);
        if (r->m_aborted)
            return 1;
        if (ulNow != r->m_sent) {
            r->m_sent = ulNow;
            Q_EMIT r->uploadProgress(qint64(ulNow), qint64(ulTotal));
        }
        if (dlNow != r->m_received) {
            r->m_received = dlNow;
            Q_EMIT r->downloadProgress(qint64(dlNow), -1);
        }
        return 0;
    }
};

CurlUploadReply::CurlUploadReply(const QByteArray &verb, const QNetworkRequest &request,
                                 UploadBody *body, const Options &options, QObject *parent)
    : QNetworkReply(parent), m_body(body), m_timer(new QTimer(this))
{
    initCurl();
    setRequest(request);
    setUrl(request.url());
    setOperation(QNetworkAccessManager::CustomOperation);
    setAttribute(QNetworkRequest::CustomVerbAttribute, verb);
    QIODevice::open(ReadOnly | Unbuffered);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] { drive(CURL_SOCKET_TIMEOUT, 0); });
    connect(m_body, &QIODevice::readyRead, this, &CurlUploadReply::resumeBody);
    if (!setUp(verb, request, options)) {
        QMetaObject::invokeMethod(
            this, [this] { fail(UnknownNetworkError, tr("libcurl could not be set up.")); },
            Qt::QueuedConnection);
    }
}

CurlUploadReply::~CurlUploadReply()
{
    release();
}

QNetworkProxy CurlUploadReply::proxyFor(const QNetworkAccessManager *manager, const QUrl &url)
{
    if (manager && manager->proxy().type() != QNetworkProxy::DefaultProxy)
        return manager->proxy();
    const QNetworkProxyQuery query(url);
    const QList<QNetworkProxy> proxies = manager && manager->proxyFactory()
                                             ? manager->proxyFactory()->queryProxy(query)
                                             : QNetworkProxyFactory::proxyForQuery(query);
    for (const QNetworkProxy &proxy : proxies) {
        if (proxy.type() == QNetworkProxy::HttpProxy ||
            proxy.type() == QNetworkProxy::Socks5Proxy || proxy.type() == QNetworkProxy::NoProxy)
            return proxy;
    }
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

bool CurlUploadReply::setUp(const QByteArray &verb, const QNetworkRequest &request,
                            const Options &options)
{
    m_multi = curl_multi_init();
    m_easy = curl_easy_init();
    if (!m_multi || !m_easy)
        return false;
    CURL *e = easyOf(m_easy);
    const QUrl url = request.url();
    curl_easy_setopt(e, CURLOPT_URL, url.toEncoded().constData());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m_errorText);
    // Redirects as QNetworkRequest::NoLessSafeRedirectPolicy: never from https to http.
    const auto policy = request.attribute(QNetworkRequest::RedirectPolicyAttribute).toInt();
    if (policy != QNetworkRequest::ManualRedirectPolicy) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, long(request.maximumRedirectsAllowed()));
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
                         url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0
                             ? "https"
                             : "http,https");
    }

    curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBuffer);
    if (options.form) {
        if (!setUpForm(*options.form))
            return false;
        if (verb != "POST")
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, verb.constData());
    } else {
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, verb.constData()); // curl copies strings
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, curl_off_t(m_body->size()));
        curl_easy_setopt(e, CURLOPT_READFUNCTION, &CurlCallbacks::read);
        curl_easy_setopt(e, CURLOPT_READDATA, this);
        curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, &CurlCallbacks::seek);
        curl_easy_setopt(e, CURLOPT_SEEKDATA, this);
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlCallbacks::write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlCallbacks::header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &CurlCallbacks::progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);

    // The request's own headers as built for Qt (credentials included); no "Expect:
    // 100-continue", which QNetworkAccessManager never sent either.
    curl_slist *headers = nullptr;
    bool hasExpect = false;
    for (const QByteArray &name : request.rawHeaderList()) {
        // A form's Content-Type names curl's boundary: curl writes it.
        if (options.form && name.compare("Content-Type", Qt::CaseInsensitive) == 0)
            continue;
        const QByteArray value = request.rawHeader(name);
        hasExpect = hasExpect || name.compare("Expect", Qt::CaseInsensitive) == 0;
        // "Name;" is curl's way of sending a header with an empty value.
        const QByteArray line = value.isEmpty() ? name + ';' : name + ": " + value;
        headers = curl_slist_append(headers, line.constData());
    }
    if (!hasExpect)
        headers = curl_slist_append(headers, "Expect:");
    m_headers = headers;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);

    // The proxy Qt chose (environment, no_proxy, none for loopback): the decision is made once,
    // so curl must not apply its own reading of the environment on top.
    const QNetworkProxy &proxy = options.proxy;
    if (proxy.type() == QNetworkProxy::HttpProxy || proxy.type() == QNetworkProxy::Socks5Proxy) {
        QUrl proxyUrl;
        proxyUrl.setScheme(proxy.type() == QNetworkProxy::HttpProxy ? QStringLiteral("http")
                                                                    : QStringLiteral("socks5h"));
        proxyUrl.setHost(proxy.hostName());
        proxyUrl.setPort(proxy.port());
        curl_easy_setopt(e, CURLOPT_PROXY, proxyUrl.toEncoded().constData());
        if (!proxy.user().isEmpty()) {
            curl_easy_setopt(e, CURLOPT_PROXYUSERNAME, proxy.user().toUtf8().constData());
            curl_easy_setopt(e, CURLOPT_PROXYPASSWORD, proxy.password().toUtf8().constData());
        }
    } else {
        curl_easy_setopt(e, CURLOPT_PROXY, "");
    }
    curl_easy_setopt(e, CURLOPT_NOPROXY, "");

    if (options.insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!options.caFile.isEmpty()) {
        curl_easy_setopt(e, CURLOPT_CAINFO, QFile::encodeName(options.caFile).constData());
        curl_easy_setopt(e, CURLOPT_CAPATH, nullptr); // only these CAs, as Qt's path does
    }

    CURLM *m = multiOf(m_multi);
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &CurlCallbacks::socket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &CurlCallbacks::timer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, this);
    // Sets a timer of 0 ms: the transfer starts from the event loop.
    return curl_multi_add_handle(m, e) == CURLM_OK;
}

bool CurlUploadReply::setUpForm(const Form &form)
{
    CURL *e = easyOf(m_easy);
    curl_mime *mime = curl_mime_init(e);
    if (!mime)
        return false;
    m_mime = mime;
    // Each part's headers as given: curl then adds no Content-Disposition of its own.
    const auto headersOf = [](const QByteArray &disposition) {
        const QByteArray line = "Content-Disposition: " + disposition;
        return curl_slist_append(nullptr, line.constData());
    };
    for (const auto &field : form.fields) {
        curl_mimepart *part = curl_mime_addpart(mime);
        if (!part || curl_mime_headers(part, headersOf(field.first), 1) != CURLE_OK ||
            curl_mime_data(part, field.second.constData(), size_t(field.second.size())) != CURLE_OK)
            return false;
    }
    curl_mimepart *file = curl_mime_addpart(mime);
    if (!file || curl_mime_headers(file, headersOf(form.fileDisposition), 1) != CURLE_OK ||
        curl_mime_type(file, form.fileType.constData()) != CURLE_OK ||
        curl_mime_data_cb(file, curl_off_t(m_body->size()), &CurlCallbacks::read,
                          &CurlCallbacks::seek, nullptr, this) != CURLE_OK)
        return false;
    return curl_easy_setopt(e, CURLOPT_MIMEPOST, mime) == CURLE_OK;
}

void CurlUploadReply::watchSocket(int fd, int what)
{
    if (m_done)
        return;
    if (what == CURL_POLL_REMOVE) {
        const auto it = m_sockets.constFind(fd);
        if (it == m_sockets.constEnd())
            return;
        // Possibly inside this notifier's own activated(): delete it later.
        for (QSocketNotifier *n : {it->read, it->write}) {
            if (n) {
                n->setEnabled(false);
                n->deleteLater();
            }
        }
        m_sockets.erase(it);
        return;
    }
    Notifiers &n = m_sockets[fd];
    const bool wantRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    const bool wantWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    if (wantRead && !n.read) {
        n.read = new QSocketNotifier(fd, QSocketNotifier::Read, this);
        connect(n.read, &QSocketNotifier::activated, this,
                [this, fd] { drive(fd, CURL_CSELECT_IN); });
    }
    if (wantWrite && !n.write) {
        n.write = new QSocketNotifier(fd, QSocketNotifier::Write, this);
        connect(n.write, &QSocketNotifier::activated, this,
                [this, fd] { drive(fd, CURL_CSELECT_OUT); });
    }
    if (n.read)
        n.read->setEnabled(wantRead);
    if (n.write)
        n.write->setEnabled(wantWrite);
}

void CurlUploadReply::drive(int fd, int events)
{
    if (m_done)
        return;
    int running = 0;
    ++m_depth;
    curl_multi_socket_action(multiOf(m_multi), fd, events, &running);
    --m_depth;
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(multiOf(m_multi), &left)) {
        if (message->msg == CURLMSG_DONE) {
            complete(int(message->data.result));
            return;
        }
    }
}

void CurlUploadReply::resumeBody()
{
    if (!m_paused || m_done)
        return;
    m_paused = false;
    ++m_depth;
    curl_easy_pause(easyOf(m_easy), CURLPAUSE_CONT); // sets a 0 ms timer: continues from there
    --m_depth;
}

void CurlUploadReply::complete(int curlCode)
{
    const auto code = CURLcode(curlCode);
    CURL *e = easyOf(m_easy);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    char *effective = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective)
        setUrl(QUrl::fromEncoded(QByteArray(effective)));
    if (m_aborted) {
        fail(OperationCanceledError, tr("Operation canceled"));
        return;
    }
    if (m_headerOverflow) {
        fail(ProtocolFailure, tr("The server's response headers exceed 100 KiB."));
        return;
    }
    // A status line without the end of its headers is no answer (the server closed early).
    if (status >= 200 && !m_headerEnded) {
        fail(ProtocolFailure,
             tr("The server closed the connection before the end of its response headers."));
        return;
    }
    // A final answer counts even when curl failed after it (the server closed early).
    if (status >= 200) {
        setAttribute(QNetworkRequest::HttpStatusCodeAttribute, int(status));
        setAttribute(QNetworkRequest::HttpReasonPhraseAttribute, m_reason);
        curl_header *h = nullptr;
        while ((h = curl_easy_nextheader(e, CURLH_HEADER, -1, h))) {
            const QByteArray name(h->name);
            const QByteArray seen = rawHeader(name);
            setRawHeader(name, seen.isEmpty() ? QByteArray(h->value) : seen + ", " + h->value);
        }
        if (status < 400) {
            release();
            m_done = true;
            setFinished(true);
            Q_EMIT finished();
            return;
        }
        fail(errorForStatus(int(status)),
             QStringLiteral("HTTP %1 %2").arg(status).arg(QString::fromLatin1(m_reason)));
        return;
    }
    long redirects = 0;
    curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
    const QString text = m_errorText[0] ? QString::fromUtf8(m_errorText)
                                        : QString::fromUtf8(curl_easy_strerror(code));
    fail(code == CURLE_OK ? ProtocolFailure : errorForCurl(code, redirects > 0), text);
}

void CurlUploadReply::fail(NetworkError code, const QString &text)
{
    if (m_done)
        return;
    release();
    m_done = true;
    setError(code, text);
    setFinished(true);
    Q_EMIT errorOccurred(code);
    Q_EMIT finished();
}

void CurlUploadReply::abort()
{
    if (m_done)
        return;
    m_aborted = true;
    if (m_depth > 0) {
        // Called from inside curl (a signal of a callback): end it from the event loop.
        QMetaObject::invokeMethod(this, &CurlUploadReply::abort, Qt::QueuedConnection);
        return;
    }
    fail(OperationCanceledError, tr("Operation canceled"));
}

void CurlUploadReply::release()
{
    // Notifiers off before curl closes the sockets; deleted later (maybe inside activated()).
    for (const Notifiers &n : std::as_const(m_sockets)) {
        for (QSocketNotifier *notifier : {n.read, n.write}) {
            if (notifier) {
                notifier->setEnabled(false);
                notifier->deleteLater();
            }
        }
    }
    m_sockets.clear();
    m_timer->stop();
    const bool wasDone = m_done;
    m_done = true; // curl's clean-up calls back (sockets removed): nothing to watch any more
    if (m_multi && m_easy)
        curl_multi_remove_handle(multiOf(m_multi), easyOf(m_easy));
    if (m_multi)
        curl_multi_cleanup(multiOf(m_multi));
    if (m_easy)
        curl_easy_cleanup(easyOf(m_easy));
    if (m_headers)
        curl_slist_free_all(static_cast<curl_slist *>(m_headers));
    if (m_mime)
        curl_mime_free(static_cast<curl_mime *>(m_mime));
    m_multi = m_easy = m_headers = m_mime = nullptr;
    m_done = wasDone;
}

qint64 CurlUploadReply::bytesAvailable() const
{
    return m_answer.size() - m_answerRead + QNetworkReply::bytesAvailable();
}

qint64 CurlUploadReply::readData(char *data, qint64 maxSize)
{
    const qint64 n = qMin(maxSize, m_answer.size() - m_answerRead);
    if (n <= 0)
        return m_done ? -1 : 0;
    std::memcpy(data, m_answer.constData() + m_answerRead, size_t(n));
    m_answerRead += n;
    return n;
}

} // namespace bt
