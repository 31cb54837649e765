#pragma once

#include "JsonRpc.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

class QHttpServerRequest;
class QHttpServerResponder;
class QTcpServer;
class QWebSocket;

namespace bt::rpc {

class Aria2Service;
class RpcHttpServer;

struct RpcServerConfig
{
    quint16 port = 6800;    // 0: any free port (port() says which)
    bool listenAll = false; // false: 127.0.0.1 only
    // Origins (scheme://host[:port]) whose pages may call: CORS answers, and the check of a
    // browser's Origin on POST and WebSocket requests; "*" allows every origin. Empty: a
    // request that carries an Origin header is refused (a web page cannot drive the daemon).
    QStringList allowOrigins;
    QString certificateFile; // PEM; with privateKeyFile: HTTPS and WSS only
    QString privateKeyFile;
};

// JSON-RPC 2.0 over HTTP (POST, and aria2's GET form) and WebSocket at /jsonrpc, on one
// port: Qt HttpServer hands WebSocket upgrades to Qt WebSockets on the same connection.
// Requests larger than 1 MiB are refused (HTTP 413 / the WebSocket closed with 1009);
// notifications go to every WebSocket client.
class RpcServer : public QObject
{
    Q_OBJECT
public:
    explicit RpcServer(Aria2Service *service, QObject *parent = nullptr);
    ~RpcServer() override;

    bool listen(const RpcServerConfig &config, QString *error);
    quint16 port() const { return m_port; }
    // No new connections, and calls on open ones are answered "shutting down" (503), while
    // what was answered still reaches its client; close() then ends everything.
    void stopAccepting();
    void close();

    // One request body (POST or a WebSocket message) to its answer: empty when every call was
    // a notification; *httpStatus 200, or 400 when the answer is an error (as aria2).
    QByteArray answer(const QByteArray &body, int *httpStatus);

private:
    QByteArray answerRequest(const RpcRequest &request, int *httpStatus);
    void respond(const QHttpServerRequest &request, QHttpServerResponder &responder);
    bool originAllowed(const QByteArray &origin) const;
    void onWebSocket();
    void onNotify(const QString &method, const QString &gid);

    Aria2Service *m_service;
    RpcHttpServer *m_http = nullptr;
    QTcpServer *m_tcp = nullptr;
    RpcServerConfig m_config;
    quint16 m_port = 0;
    bool m_accepting = true;
    QList<QWebSocket *> m_sockets;
};

} // namespace bt::rpc
