#include "net/CurlReply.h"

#include "net/CurlErrors.h"
#include "net/CurlMulti.h"
#include "net/RemoteFileProtocol.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>

#include <curl/curl.h>

namespace bt {

namespace {
// curl's upload buffer: how much of the body one pass of the event loop reads and sends.
// 64 KiB, curl's own default: the socket never runs dry while the next piece is read. With
// 1 MiB the sender filled the socket and then slept in poll() once per MiB (~1,000 wake-ups a
// GiB), and a loopback upload took 0.6-0.7 s where curl took 0.55 (tus 1.75 s against 1.58).
constexpr long kUploadBuffer = 64 << 10;
// The response headers of one request, all answers together.
constexpr qsizetype kMaxHeaderBytes = 100 << 10;

CURL *easyOf(void *handle)
{
    return static_cast<CURL *>(handle);
}

bool isRedirectStatus(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}
} // namespace

// The C callbacks: each passes to the reply that registered it. They only record; the
// multi lets the reply speak once curl has returned.
struct CurlReplyCallbacks
{
    static CurlReply *reply(void *self) { return static_cast<CurlReply *>(self); }

    static size_t read(char *buffer, size_t size, size_t count, void *self)
    {
        CurlReply *r = reply(self);
        if (r->m_aborted)
            return CURL_READFUNC_ABORT;
        const qint64 n = r->m_body->read(buffer, qint64(size * count));
        if (n < 0)
            return CURL_READFUNC_ABORT; // the source failed (UploadBody::sourceError() says why)
        if (n == 0 && !r->m_body->atEnd()) {
            r->m_sendPaused = true; // rate limit or archive: until the body's readyRead()
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
        CurlReply *r = reply(self);
        const qsizetype n = qsizetype(size * count);
        if (r->m_aborted)
            return 0; // ends the transfer
        if (r->m_keepAnswer >= 0) {
            const qsizetype room = qMax<qsizetype>(0, r->m_keepAnswer - r->m_kept);
            const qsizetype kept = qMin(n, room);
            if (kept > 0) {
                r->m_pieces.emplace_back(data, kept);
                r->m_kept += kept;
                r->m_unread += kept;
            }
            return size_t(n);
        }
        if (r->m_remoteFile && !r->m_final)
            r->remoteAnswer(); // FTP, SFTP: the body starts, the size and time are known
        if (r->m_readBufferSize > 0 && r->bytesAvailable() >= r->m_readBufferSize) {
            r->m_recvPaused = true; // curl keeps this piece and offers it again on resume
            return CURL_WRITEFUNC_PAUSE;
        }
        r->appendPiece(data, n);
        r->m_readyPending = true;
        if (r->m_multi)
            r->m_multi->markPending(r);
        return size_t(n);
    }

    static size_t header(char *data, size_t size, size_t count, void *self)
    {
        CurlReply *r = reply(self);
        if (r->m_remoteFile)
            return size * count; // an FTP server's reply lines: curl reads them
        r->m_headerBytes += qsizetype(size * count);
        if (r->m_headerBytes > kMaxHeaderBytes) {
            r->m_headerOverflow = true;
            return 0; // curl ends the transfer (CURLE_WRITE_ERROR)
        }
        const QByteArray line = QByteArray(data, qsizetype(size * count)).trimmed();
        // Each answer (100 Continue, a redirect, the final one) starts with its status line;
        // curl's header API has the fields but not the reason phrase ("HTTP/1.1 201 Created").
        if (line.startsWith("HTTP/")) {
            r->m_headerEnded = false;
            r->m_bodyLength = -2;
            r->m_bodyBytes = 0;
            const qsizetype code = line.indexOf(' ');
            const qsizetype reason = code < 0 ? -1 : line.indexOf(' ', code + 1);
            r->m_reason = reason < 0 ? QByteArray() : line.mid(reason + 1);
        } else if (line.isEmpty()) {
            r->m_headerEnded = true;
            r->headersEnded();
        }
        return size * count;
    }

    static int progress(void *self, curl_off_t, curl_off_t dlNow, curl_off_t, curl_off_t ulNow)
    {
        CurlReply *r = reply(self);
        if (r->m_aborted)
            return 1;
        if (ulNow != r->m_sent || dlNow != r->m_received) {
            r->m_sent = ulNow;
            r->m_received = dlNow;
            r->m_progressPending = true;
            if (r->m_multi)
                r->m_multi->markPending(r);
        }
        return 0;
    }
};

CurlReply::CurlReply(CurlMulti *multi, const QByteArray &verb, const QNetworkRequest &request,
                     QIODevice *body, const Options &options, QObject *parent)
    : QNetworkReply(parent), m_multi(multi), m_body(body), m_cookies(options.cookies),
      m_keepAnswer(options.keepAnswer)
{
    setRequest(request);
    setUrl(request.url());
    setOperation(verb == "GET"    ? QNetworkAccessManager::GetOperation
                 : verb == "HEAD" ? QNetworkAccessManager::HeadOperation
                                  : QNetworkAccessManager::CustomOperation);
    setAttribute(QNetworkRequest::CustomVerbAttribute, verb);
    QIODevice::open(ReadOnly | Unbuffered);
    if (m_body)
        connect(m_body, &QIODevice::readyRead, this, &CurlReply::resumeBody);
    if (!setUp(verb, request, options)) {
        release();
        QMetaObject::invokeMethod(
            this, [this] { finishWith(UnknownNetworkError, tr("libcurl could not be set up.")); },
            Qt::QueuedConnection);
    }
}

CurlReply::~CurlReply()
{
    release();
}

bool CurlReply::setUp(const QByteArray &verb, const QNetworkRequest &request,
                      const Options &options)
{
    if (!m_multi)
        return false;
    m_easy = curl_easy_init();
    if (!m_easy)
        return false;
    CURL *e = easyOf(m_easy);
    const QUrl url = request.url();
    curl_easy_setopt(e, CURLOPT_URL, url.toEncoded().constData());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    m_remoteFile = RemoteFileProtocol::isRemoteFile(url);
    if (m_remoteFile)
        setUpRemote(request);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m_errorText);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, long(ReceiveBuffer));
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                     options.http2 ? long(CURL_HTTP_VERSION_2TLS) : long(CURL_HTTP_VERSION_1_1));
    // Redirects by curl only where the request asks for Qt's NoLessSafeRedirectPolicy.
    const auto policy = request.attribute(QNetworkRequest::RedirectPolicyAttribute).toInt();
    m_follows = policy == QNetworkRequest::NoLessSafeRedirectPolicy;
    if (m_follows) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, long(request.maximumRedirectsAllowed()));
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
                         url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0
                             ? "https"
                             : "http,https");
    }

    if (options.form) {
        curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBuffer);
        if (!m_body || !setUpForm(*options.form))
            return false;
        if (verb != "POST")
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, verb.constData());
    } else if (m_body) {
        curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBuffer);
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        if (m_remoteFile && options.remoteUpload)
            m_quote = RemoteFileProtocol::setUpUpload(e, *options.remoteUpload);
        else if (!m_remoteFile)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, verb.constData()); // curl copies strings
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, curl_off_t(m_body->size()));
        curl_easy_setopt(e, CURLOPT_READFUNCTION, &CurlReplyCallbacks::read);
        curl_easy_setopt(e, CURLOPT_READDATA, this);
        curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, &CurlReplyCallbacks::seek);
        curl_easy_setopt(e, CURLOPT_SEEKDATA, this);
    } else if (verb == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (verb != "GET") {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, verb.constData());
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlReplyCallbacks::write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlReplyCallbacks::header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &CurlReplyCallbacks::progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);

    // The request's own headers as built for Qt (credentials included); no "Expect:
    // 100-continue", which QNetworkAccessManager never sent either. curl's "Accept: */*" stays.
    curl_slist *headers = nullptr;
    bool hasExpect = false;
    bool hasCookie = false;
    for (const QByteArray &name : request.rawHeaderList()) {
        // A form's Content-Type names curl's boundary: curl writes it.
        if (options.form && name.compare("Content-Type", Qt::CaseInsensitive) == 0)
            continue;
        const QByteArray value = request.rawHeader(name);
        hasExpect = hasExpect || name.compare("Expect", Qt::CaseInsensitive) == 0;
        hasCookie = hasCookie || name.compare("Cookie", Qt::CaseInsensitive) == 0;
        // "Name;" is curl's way of sending a header with an empty value.
        const QByteArray line = value.isEmpty() ? name + ';' : name + ": " + value;
        headers = curl_slist_append(headers, line.constData());
    }
    if (!hasExpect && options.awsSigV4.isEmpty())
        headers = curl_slist_append(headers, "Expect:");
    // The jar's cookies for this URL, unless the request names its own (as Qt does).
    if (m_cookies && !hasCookie) {
        QByteArray cookie;
        for (const QNetworkCookie &c : m_cookies->cookiesForUrl(url)) {
            if (!cookie.isEmpty())
                cookie += "; ";
            cookie += c.toRawForm(QNetworkCookie::NameAndValueOnly);
        }
        if (!cookie.isEmpty())
            headers = curl_slist_append(headers, QByteArray("Cookie: " + cookie).constData());
    }
    m_headers = headers;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);

    // The proxy was chosen once (ProxyConfig): curl must not apply its own reading of the
    // environment on top.
    curl_easy_setopt(e, CURLOPT_PROXY, options.proxy.constData());
    m_viaProxy = !options.proxy.isEmpty();
    curl_easy_setopt(e, CURLOPT_NOPROXY, "");

    if (!options.awsSigV4.isEmpty()) {
        curl_easy_setopt(e, CURLOPT_AWS_SIGV4, options.awsSigV4.constData());
        curl_easy_setopt(e, CURLOPT_USERNAME, options.user.constData());
        curl_easy_setopt(e, CURLOPT_PASSWORD, options.password.constData());
    }

    if (options.insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
        curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYHOST, 0L);
    } else if (!options.caFile.isEmpty()) {
        curl_easy_setopt(e, CURLOPT_CAINFO, QFile::encodeName(options.caFile).constData());
        curl_easy_setopt(e, CURLOPT_CAPATH, nullptr); // only these CAs, as curl --cacert
    }
    // Sets a timer of 0 ms: the transfer starts from the event loop.
    return m_multi->add(this, m_easy);
}

bool CurlReply::setUpForm(const Form &form)
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
        curl_mime_data_cb(file, curl_off_t(m_body->size()), &CurlReplyCallbacks::read,
                          &CurlReplyCallbacks::seek, nullptr, this) != CURLE_OK)
        return false;
    return curl_easy_setopt(e, CURLOPT_MIMEPOST, mime) == CURLE_OK;
}

void CurlReply::headersEnded()
{
    CURL *e = easyOf(m_easy);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    char *effective = nullptr;
    QUrl answerUrl = url();
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
        // Not redirected: keep the request's QUrl, shared with the request and the queue's
        // record, instead of a parsed copy that each finished transfer would keep (3,000
        // links: about 1 MiB).
        const QUrl effectiveUrl = QUrl::fromEncoded(QByteArray(effective));
        if (effectiveUrl != answerUrl)
            answerUrl = effectiveUrl;
    }
    curl_header *h = nullptr;
    // Every answer's cookies go into the jar, a redirect's too.
    if (m_cookies) {
        while ((h = curl_easy_nextheader(e, CURLH_HEADER, -1, h))) {
            if (qstricmp(h->name, "Set-Cookie") == 0)
                m_cookies->setCookiesFromUrl(QNetworkCookie::parseCookies(h->value), answerUrl);
        }
    }
    if (status < 200 || m_final)
        return; // 100 Continue and the like; or trailers
    // A server out of capacity (or limiting connections per client) gets its connection
    // back: kept idle for reuse, it would still count against the limit. (Read when the
    // transfer ends, so it may be set from here.)
    if (status == 429 || status == 503)
        curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    if (m_follows && isRedirectStatus(status) &&
        curl_easy_header(e, "Location", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        return; // curl follows it
    m_final = true;
    setUrl(answerUrl);
    setAttribute(QNetworkRequest::HttpStatusCodeAttribute, int(status));
    setAttribute(QNetworkRequest::HttpReasonPhraseAttribute, m_reason);
    long version = 0;
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
    m_httpVersion = version == CURL_HTTP_VERSION_2_0   ? QByteArray("2")
                    : version == CURL_HTTP_VERSION_1_0 ? QByteArray("1.0")
                                                       : QByteArray("1.1");
    setAttribute(QNetworkRequest::Http2WasUsedAttribute, version == CURL_HTTP_VERSION_2_0);
    h = nullptr;
    while ((h = curl_easy_nextheader(e, CURLH_HEADER, -1, h))) {
        const QByteArray name(h->name);
        const QByteArray seen = rawHeader(name);
        const char *separator = qstricmp(h->name, "Set-Cookie") == 0 ? "\n" : ", ";
        setRawHeader(name, seen.isEmpty() ? QByteArray(h->value) : seen + separator + h->value);
    }
    m_metaPending = true;
    if (m_multi)
        m_multi->markPending(this);
}

void CurlReply::transferDone(int curlCode)
{
    const auto code = CURLcode(curlCode);
    CURL *e = easyOf(m_easy);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    long connects = 0;
    curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects);
    m_connects = int(connects);
    long redirects = 0;
    curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
    long proxyStatus = 0; // the proxy's answer to CONNECT
    curl_easy_getinfo(e, CURLINFO_HTTP_CONNECTCODE, &proxyStatus);
    QString text = m_errorText[0] ? QString::fromUtf8(m_errorText)
                                  : QString::fromUtf8(curl_easy_strerror(code));
    if (m_remoteFile)
        remoteEnded(int(code), &status, &text);
    release();
    if (m_aborted) {
        finishWith(OperationCanceledError, tr("Operation canceled"));
    } else if (m_headerOverflow) {
        finishWith(ProtocolFailure, tr("The server's response headers exceed 100 KiB."));
    } else if (!m_final && proxyStatus == 407) {
        finishWith(ProxyAuthenticationRequiredError, text);
    } else if (!m_final && m_viaProxy &&
               (code == CURLE_COULDNT_CONNECT || code == CURLE_PROXY || proxyStatus >= 400)) {
        // CURLE_PROXY: the SOCKS handshake failed (no acceptable method, bad credentials, the
        // proxy could not reach the host).
        finishWith(code == CURLE_COULDNT_CONNECT ? ProxyConnectionRefusedError
                                                 : ProxyConnectionClosedError,
                   text);
    } else if (!m_final && code == CURLE_COULDNT_RESOLVE_HOST && !m_viaProxy) {
        finishWith(HostNotFoundError, tr("Host %1 not found").arg(url().host()));
    } else if (!m_final && m_remoteFile) {
        finishWith(remoteError(int(code)), text);
    } else if (!m_final) {
        // A status line without the end of its headers is no answer (the server closed early).
        if (status >= 200 && !m_headerEnded)
            finishWith(ProtocolFailure, tr("The server closed the connection before the end of "
                                           "its response headers."));
        else
            finishWith(code == CURLE_OK ? ProtocolFailure
                                        : curl::networkError(int(code), redirects > 0),
                       text);
    } else if (status >= 400) {
        finishWith(curl::statusError(int(status)),
                   QStringLiteral("HTTP %1 %2").arg(status).arg(QString::fromLatin1(m_reason)));
    } else if (code != CURLE_OK && !m_body) {
        // A body cut short: what arrived stays readable, the error says it is not all.
        finishWith(curl::networkError(int(code), redirects > 0), text);
    } else {
        // An upload's final answer counts even when curl failed after it (the server answered
        // before taking the whole body and closed).
        finishWith(NoError, {});
    }
}

void CurlReply::finishWith(NetworkError code, const QString &text)
{
    if (m_done)
        return;
    m_done = true;
    if (code != NoError)
        setError(code, text);
    setFinished(true);
    m_finishPending = true;
    if (m_multi)
        m_multi->markPending(this);
    else
        QMetaObject::invokeMethod(this, &CurlReply::emitPending, Qt::QueuedConnection);
}

void CurlReply::emitPending()
{
    const QPointer<CurlReply> self(this);
    if (std::exchange(m_metaPending, false))
        Q_EMIT metaDataChanged();
    if (self && std::exchange(m_progressPending, false)) {
        if (m_body)
            Q_EMIT uploadProgress(m_sent, m_body->size());
        if (self)
            Q_EMIT downloadProgress(m_received, -1);
    }
    if (self && std::exchange(m_readyPending, false) && bytesAvailable() > 0)
        Q_EMIT readyRead();
    if (self && m_finishPending && !m_metaPending && !m_readyPending) {
        m_finishPending = false;
        if (error() != NoError)
            Q_EMIT errorOccurred(error());
        if (self)
            Q_EMIT finished();
    }
}

void CurlReply::abort()
{
    if (m_done)
        return;
    m_aborted = true;
    if (m_multi && m_multi->isInside()) {
        // From inside curl (a body's signal in a callback): end it from the event loop.
        QMetaObject::invokeMethod(this, &CurlReply::abort, Qt::QueuedConnection);
        return;
    }
    release();
    m_done = true;
    m_metaPending = m_readyPending = m_progressPending = m_finishPending = false;
    setError(OperationCanceledError, tr("Operation canceled"));
    setFinished(true);
    Q_EMIT errorOccurred(OperationCanceledError);
    Q_EMIT finished();
}

void CurlReply::detach()
{
    release();
    m_multi = nullptr;
    finishWith(OperationCanceledError, tr("Operation canceled"));
}

void CurlReply::release()
{
    if (m_easy) {
        if (m_multi)
            m_multi->remove(this, m_easy);
        curl_easy_cleanup(easyOf(m_easy));
    }
    if (m_headers)
        curl_slist_free_all(static_cast<curl_slist *>(m_headers));
    if (m_mime)
        curl_mime_free(static_cast<curl_mime *>(m_mime));
    if (m_quote)
        curl_slist_free_all(static_cast<curl_slist *>(m_quote));
    m_easy = m_headers = m_mime = m_quote = nullptr;
}

} // namespace bt
