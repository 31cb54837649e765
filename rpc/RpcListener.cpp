#include "RpcListener.h"

#include "JsonRpc.h"

#include <QLoggingCategory>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

// bt.rpc: connections and TLS handshakes of the RPC server.
Q_LOGGING_CATEGORY(lcRpc, "bt.rpc", QtWarningMsg)

namespace bt::rpc {

namespace {

// The request line and headers a client may send besides the body.
constexpr qint64 HeaderAllowance = 64 * 1024;

// Connected before the HTTP server's own readyRead handler, so it sees each arrival before
// that handler reads it (Qt 6.4 keeps a partial request in a read transaction, whatever its
// size). The count starts again with each answer (no client pipelines JSON-RPC calls).
//
// A refused request is answered, then the rest the client still sends is read and dropped
// until it closes (at most LingerMs): closing at once with unread bytes would make the kernel
// reset the connection, and the client would lose the answer.
constexpr int LingerMs = 2000;

void guard(QTcpSocket *socket)
{
    auto received = std::make_shared<qint64>(0);
    auto refused = std::make_shared<bool>(false);
    QObject::connect(socket, &QTcpSocket::bytesWritten, socket, [received] { *received = 0; });
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, received, refused] {
        if (*refused) {
            socket->readAll();
            return;
        }
        *received += socket->bytesAvailable();
        if (*received <= MaxRequestBytes + HeaderAllowance)
            return;
        *refused = true;
        socket->readAll();
        socket->write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n"
                      "Connection: close\r\n\r\n");
        QTimer::singleShot(LingerMs, socket, [socket] { socket->disconnectFromHost(); });
    });
}

class PlainListener : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        guard(socket);
        addPendingConnection(socket);
    }
};

} // namespace

QTcpServer *makeListener(const std::optional<QSslConfiguration> &tls, QObject *parent)
{
    if (!tls)
        return new PlainListener(parent);
    auto *server = new QSslServer(parent);
    server->setSslConfiguration(*tls);
    QObject::connect(server, &QSslServer::startedEncryptionHandshake, server,
                     [](QSslSocket *socket) { guard(socket); });
    QObject::connect(server, &QSslServer::errorOccurred, server,
                     [](QSslSocket *socket, QAbstractSocket::SocketError) {
                         qCWarning(lcRpc) << "TLS connection from" << socket->peerAddress()
                                          << "failed:" << socket->errorString();
                     });
    QObject::connect(server, &QSslServer::sslErrors, server,
                     [](QSslSocket *socket, const QList<QSslError> &errors) {
                         qCWarning(lcRpc) << "TLS handshake with" << socket->peerAddress()
                                          << "failed:" << errors;
                     });
    return server;
}

} // namespace bt::rpc
