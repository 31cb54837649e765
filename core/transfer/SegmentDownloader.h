#pragma once

#include "Error.h"
#include "net/CurlReply.h"
#include "transfer/ResponseInfo.h"

#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <utility>

#include <QNetworkCookieJar>
class QNetworkReply;

namespace bt {

class BTFileStream;
class HttpClient;
struct DownloadRequest;
class RateLimiter;
class SegmentPlanner;

// One connection slot: one GET at a time (ranged or not) through the thread's HttpClient. It
// reports the answer's headers so the download can judge them, then - once accepted - copies the
// body into the stream at its segment's offset, only as fast as the stream (backpressure) and the
// rate limiters allow, and stops at the segment's end even if that end moved.
class SegmentDownloader : public QObject
{
    Q_OBJECT
public:
    SegmentDownloader(int slot, HttpClient *client, QObject *parent = nullptr);
    ~SegmentDownloader() override;

    int slot() const { return m_slot; }
    void setStallTimeout(int seconds);
    void setLimiters(const QList<RateLimiter *> &limiters) { m_limiters = limiters; }
    void setCookieJar(QNetworkCookieJar *jar) { m_cookies = jar; } // shared, may be null
    // Redirects are followed here, hop by hop, with the credentials `request` allows for each
    // hop's origin (NetworkSetup::nextHop); it must outlive this connection.
    void setDownloadRequest(const DownloadRequest *request) { m_request = request; }
    void setReadBufferSize(qint64 size); // also for the running request

    // Sends `request` for the planner's segment `segment` (-1 for the probe, not yet planned).
    // headersReceived() comes for the answer at the end of any redirects.
    void get(const QNetworkRequest &request, int segment);
    // After headersReceived(): write this answer's body from the segment's position on.
    // `expectedLength` = the body bytes the answer announced, -1 unknown.
    void accept(BTFileStream *stream, SegmentPlanner *planner, int segment, qint64 expectedLength);
    void abort(); // drop the connection without any signal
    void pump();  // read what the budget and the stream allow

    bool isBusy() const { return !m_reply.isNull(); }
    bool isFlowing() const { return isBusy() && m_accepted && m_received > 0; }
    // Whether a rate limiter granted less than asked since the last call: the limit, not the
    // server, held this connection back.
    bool takeDenied() { return std::exchange(m_denied, false); }
    int segmentIndex() const { return m_segment; }
    const ResponseInfo &response() const { return m_response; }
    qint64 received() const { return m_received; }

Q_SIGNALS:
    void headersReceived(bt::SegmentDownloader *self); // call accept() or abort() from here
    void bytesWritten(qint64 bytes);
    void blockedByDisk(); // stopped reading: the stream is full (drained() resumes)
    void segmentFinished(bt::SegmentDownloader *self); // the segment (or unknown-size body) is done
    void failed(bt::SegmentDownloader *self, const bt::Error &error); // bytes so far are kept

private:
    void send(const QNetworkRequest &request);
    bool isRedirect() const; // a 3xx with a Location, to be followed
    void followRedirect();
    void onReadyRead();
    void onFinished();
    void onStall();
    bool ensureHeaders(); // false when the reply went away meanwhile
    bool judgeAnswer();   // the status and headers are in: tell the download (same return)
    void checkEnd();
    void finishSegment();
    void fail(const Error &error);
    void dropReply();
    qint64 takeBudget(qint64 wanted);
    quintptr clientKey(int limiter) const;
    void giveBack(qint64 bytes);

    int m_slot;
    HttpClient *m_client;
    QPointer<QNetworkCookieJar> m_cookies;
    QPointer<CurlReply> m_reply;
    QTimer m_stall;
    QList<RateLimiter *> m_limiters;
    const DownloadRequest *m_request = nullptr;
    int m_redirects = 0; // hops followed for this get()
    BTFileStream *m_stream = nullptr;
    SegmentPlanner *m_planner = nullptr;
    ResponseInfo m_response;
    int m_segment = -1;
    qint64 m_expectedLength = -1;
    qint64 m_received = 0;
    qint64 m_errorBody = 0; // body bytes of an error answer dropped while waiting for its end
    qint64 m_readBufferSize = 1 << 20;
    bool m_headersSeen = false;
    bool m_accepted = false;
    bool m_replyDone = false;
    bool m_denied = false;
};

} // namespace bt
