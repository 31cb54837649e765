#include "RpcHttpServer.h"

#include <QHttpServerRequest>

namespace bt::rpc {

bool RpcHttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (request.url().path() != QLatin1String("/jsonrpc"))
        return false;
    // Qt 6.4 hands an upgrade to its WebSocket server when the handler takes it unanswered.
    if (request.value(QByteArrayLiteral("Upgrade")).compare("websocket", Qt::CaseInsensitive) == 0)
        return true;
    QHttpServerResponder responder = makeResponder(request, socket);
    m_handler(request, responder);
    return true;
}

void RpcHttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}

} // namespace bt::rpc
