#pragma once

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <functional>

namespace bt::rpc {

// Qt HttpServer at its lowest level: every request to /jsonrpc goes to one handler, except a
// WebSocket upgrade, which Qt 6.4 hands to its WebSocket server when handleRequest() took it
// without answering (QHttpServer::route would answer it as a plain GET); other paths get 404.
class RpcHttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using Handler = std::function<void(const QHttpServerRequest &, QHttpServerResponder &)>;
    explicit RpcHttpServer(Handler handler, QObject *parent = nullptr)
        : QAbstractHttpServer(parent), m_handler(std::move(handler))
    {
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
};

} // namespace bt::rpc
