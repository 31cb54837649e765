#pragma once

#include "FaultResponse.h"
#include "FaultServer.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

class QTcpSocket;

namespace bt::test {

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
    bool readBody(FaultServer::Request &request, qint64 from, qint64 *consumed) const;
    void start(const FaultResponse &response);
    void pump();
    void endBody();
    void resetWhenDelivered();
    void writeChunkHeader(qint64 size);
    qint64 nextChunkSize();

    QTcpSocket *m_socket;
    Handler m_handler;
    State m_state = State::Idle;
    QByteArray m_in;
    bool m_continueSent = false; // "100 Continue" answered for the pending request

    // the response being sent
    FaultResponse m_response;
    qint64 m_pos = 0;    // absolute position in m_response.body
    qint64 m_stopAt = 0; // absolute position where sending stops (end or cut)
    qint64 m_end = 0;    // absolute end of the slice
    qint64 m_chunkLeft = 0;
    qint64 m_sent = 0;            // body bytes of this response, for the throttle
    QElapsedTimer m_clock;        // throttle clock
    QTimer m_throttleTimer{this}; // a child: moves with us between threads
    quint32 m_rng = 0x9e3779b9u;
};

} // namespace bt::test
