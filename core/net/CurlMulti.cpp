#include "net/CurlMulti.h"

#include "net/CurlReply.h"

#include <QSocketNotifier>

#include <curl/curl.h>
#include <mutex>

namespace bt {

namespace {
CURLM *multiOf(void *handle)
{
    return static_cast<CURLM *>(handle);
}

// Connections kept open for reuse, across every request of this thread: more than a queue
// runs at once to one host (20 transfers of 16 connections would not reuse beyond that).
constexpr long kMaxCachedConnections = 64;
} // namespace

struct CurlMultiCallbacks
{
    static int socket(CURL *, curl_socket_t fd, int what, void *self, void *)
    {
        static_cast<CurlMulti *>(self)->watchSocket(int(fd), what);
        return 0;
    }

    static int timer(CURLM *, long timeoutMs, void *self)
    {
        QTimer &t = static_cast<CurlMulti *>(self)->m_timer;
        if (timeoutMs < 0)
            t.stop();
        else
            t.start(int(qMin<long>(timeoutMs, INT_MAX)));
        return 0;
    }
};

CurlMulti::CurlMulti(QObject *parent) : QObject(parent)
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_multi = curl_multi_init();
    CURLM *m = multiOf(m_multi);
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &CurlMultiCallbacks::socket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &CurlMultiCallbacks::timer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, kMaxCachedConnections);
    // One request at a time on a connection, HTTP/2 included: a download's segments are
    // there to get past what holds one connection back (a server's per-connection throttle,
    // a congestion window), which streams of one connection would all share. Idle
    // connections are still reused, so a queue of small files pays one handshake.
    curl_multi_setopt(m, CURLMOPT_PIPELINING, long(CURLPIPE_NOTHING));
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { drive(CURL_SOCKET_TIMEOUT, 0); });
}

CurlMulti::~CurlMulti()
{
    // A reply outliving its multi would hold a dangling handle: end them first.
    while (!m_replies.isEmpty())
        m_replies.first()->detach();
    for (const Notifiers &n : std::as_const(m_sockets)) {
        delete n.read;
        delete n.write;
    }
    m_sockets.clear();
    curl_multi_cleanup(multiOf(m_multi));
}

bool CurlMulti::add(CurlReply *reply, void *easy)
{
    curl_easy_setopt(static_cast<CURL *>(easy), CURLOPT_PRIVATE, reply);
    if (curl_multi_add_handle(multiOf(m_multi), static_cast<CURL *>(easy)) != CURLM_OK)
        return false;
    m_replies.append(reply);
    return true;
}

void CurlMulti::remove(CurlReply *reply, void *easy)
{
    Q_ASSERT(!isInside());
    m_replies.removeOne(reply);
    m_pending.removeAll(reply);
    ++m_depth; // removing a handle may call the socket callback
    curl_multi_remove_handle(multiOf(m_multi), static_cast<CURL *>(easy));
    --m_depth;
}

void CurlMulti::markPending(CurlReply *reply)
{
    if (!m_pending.contains(reply))
        m_pending.append(reply);
    if (!isInside() && !m_flushQueued) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &CurlMulti::flushPending, Qt::QueuedConnection);
    }
}

void CurlMulti::pause(void *easy, int bitmask)
{
    ++m_depth;
    curl_easy_pause(static_cast<CURL *>(easy), bitmask); // may deliver held data right here
    --m_depth;
    if (!m_pending.isEmpty() && !isInside() && !m_flushQueued) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &CurlMulti::flushPending, Qt::QueuedConnection);
    }
}

void CurlMulti::watchSocket(int fd, int what)
{
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

void CurlMulti::drive(int fd, int events)
{
    int running = 0;
    ++m_depth;
    curl_multi_socket_action(multiOf(m_multi), curl_socket_t(fd), events, &running);
    --m_depth;
    collectDone();
    flushPending();
}

void CurlMulti::collectDone()
{
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(multiOf(m_multi), &left)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        char *owner = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
        auto *reply = reinterpret_cast<CurlReply *>(owner);
        if (reply && m_replies.contains(reply))
            reply->transferDone(int(message->data.result)); // records; speaks in flush
    }
}

void CurlMulti::flushPending()
{
    m_flushQueued = false;
    // A reply's signals may start, end or delete others: take the list as it is now.
    const QList<QPointer<CurlReply>> pending = std::exchange(m_pending, {});
    for (const QPointer<CurlReply> &reply : pending) {
        if (reply)
            reply->emitPending();
    }
}

} // namespace bt
