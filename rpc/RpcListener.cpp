#include "RpcListener.h"

#include "JsonRpc.h"

#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

namespace bt::rpc {

namespace {

// The request line and headers a client may send besides the body.
constexpr qint64 HeaderAllowance = 64 * 1024;

// Connected before the HTTP server's own readyRead handler, so it sees what has piled up
// before that handler takes it.
void guard(QTcpSocket *socket)
{
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] {
        if (socket->bytesAvailable() <= MaxRequestBytes + HeaderAllowance)
            return;
        socket->readAll();
        socket->write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n"
                      "Connection: close\r\n\r\n");
        socket->disconnectFromHost();
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
    return server;
}

} // namespace bt::rpc
