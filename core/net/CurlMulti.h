#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QSocketNotifier;

namespace bt {

class CurlReply;

// One libcurl multi handle on the event loop of the thread that owns it (the integration
// libcurl documents: curl_multi_socket_action driven by QSocketNotifier and a QTimer). Every
// request of that thread shares it, so idle connections are reused across transfers, and no
// thread is created per request. A connection carries one request at a time (no HTTP/2
// multiplexing: CurlMulti.cpp says why).
//
// Replies never emit a signal from inside curl: their callbacks only record what happened
// (markPending()), and the multi lets them speak once curl has returned. Use from one thread.
class CurlMulti : public QObject
{
    Q_OBJECT
public:
    explicit CurlMulti(QObject *parent = nullptr);
    ~CurlMulti() override; // the replies still running are ended first

    // Starts `easy` (its CURLINFO_PRIVATE is `reply`) from the next event-loop turn.
    bool add(CurlReply *reply, void *easy);
    void remove(CurlReply *reply, void *easy); // not from inside curl (see isInside())

    // Whether the current call stack is inside curl (a callback): curl handles must not be
    // removed or freed from there.
    bool isInside() const { return m_depth > 0; }
    // `reply` has signals to emit: they go out after curl returns, or on the next turn.
    void markPending(CurlReply *reply);
    // curl_easy_pause on `easy` with `bitmask`, curl's callbacks counted as inside.
    void pause(void *easy, int bitmask);

    int runningCount() const { return int(m_replies.size()); }

private:
    struct Notifiers
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
    };
    friend struct CurlMultiCallbacks;

    void watchSocket(int fd, int what);
    void drive(int fd, int events);
    void collectDone();
    void flushPending();

    void *m_multi = nullptr; // CURLM
    QTimer m_timer;
    QHash<int, Notifiers> m_sockets;
    QList<CurlReply *> m_replies;
    QList<QPointer<CurlReply>> m_pending;
    int m_depth = 0;
    bool m_flushQueued = false;
};

} // namespace bt
