#pragma once

#include "FaultServer.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

class QTcpSocket;

namespace bt::test {

// What FaultServer decided to answer to one request; FaultConnection streams it.
struct FaultResponse
{
    enum class Action
    {
        Send,     // write head (+ body slice), then keep alive or close
        Handled,  // a hook answered; carry on with the next request
        CloseNow, // close without answering
    };
    enum class End
    {
        Normal, // whole slice sent (chunked: with the terminating chunk)
        Cut,    // stop after `limit` body bytes and close (chunked: mid-chunk)
        Stall,  // stop after `limit` body bytes and stay silent, socket open
    };
    Action action = Action::Send;
    QByteArray head;   // status line and headers, ending with an empty line
    QByteArray body;   // the shared representation; never copied
    qint64 offset = 0; // first byte of `body` to send
    qint64 length = 0; // bytes of `body` to send (0 for HEAD)
    bool chunked = false;
    End end = End::Normal;
    qint64 limit = -1; // body bytes sent before Cut/Stall
    qint64 bytesPerSecond = 0;
    bool close = false; // Connection: close after a normal end
};

// One accepted socket: parses requests (keep-alive, pipelined ones wait their turn) and
// streams the answers with backpressure and an optional throttle.
class FaultConnection : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<FaultResponse(const FaultServer::Request &, FaultConnection *)>;

    FaultConnection(QTcpSocket *socket, Handler handler, QObject *parent = nullptr);
    ~FaultConnection() override;

    QTcpSocket *socket() const { return m_socket; }

Q_SIGNALS:
    void closed(bt::test::FaultConnection *connection);

private:
    enum class State
    {
        Idle,
        Sending,
        Closing,
        Stalled,
        Closed
    };

    void onReadyRead();
    void onDisconnected();
    void processInput();
    bool takeRequest(FaultServer::Request &request);
    void start(const FaultResponse &response);
    void pump();
    void endBody();
    void writeChunkHeader(qint64 size);
    qint64 nextChunkSize();

    QTcpSocket *m_socket;
    Handler m_handler;
    State m_state = State::Idle;
    QByteArray m_in;

    // the response being sent
    FaultResponse m_response;
    qint64 m_pos = 0;    // absolute position in m_response.body
    qint64 m_stopAt = 0; // absolute position where sending stops (end or cut)
    qint64 m_end = 0;    // absolute end of the slice
    qint64 m_chunkLeft = 0;
    qint64 m_sent = 0;     // body bytes of this response, for the throttle
    QElapsedTimer m_clock; // throttle clock
    QTimer m_throttleTimer;
    quint32 m_rng = 0x9e3779b9u;
};

} // namespace bt::test
