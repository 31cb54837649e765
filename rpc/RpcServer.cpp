#include "RpcServer.h"

#include "Aria2Service.h"
#include "JsonRpc.h"
#include "RpcListener.h"

#include "RpcHttpServer.h"
#include <QFile>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>

namespace bt::rpc {

namespace {

const QByteArray JsonType = QByteArrayLiteral("application/json-rpc");

QByteArray compact(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

bool loadKey(const QString &path, QSslKey *key)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray pem = file.readAll();
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        QSslKey candidate(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!candidate.isNull()) {
            *key = candidate;
            return true;
        }
    }
    return false;
}

} // namespace

RpcServer::RpcServer(Aria2Service *service, QObject *parent) : QObject(parent), m_service(service)
{
    connect(m_service, &Aria2Service::notify, this, &RpcServer::onNotify);
}

RpcServer::~RpcServer()
{
    close();
}

bool RpcServer::originAllowed(const QByteArray &origin) const
{
    if (origin.isEmpty())
        return true; // not a browser page: curl, scripts, aria2 clients
    const QString text = QString::fromUtf8(origin);
    return m_config.allowOrigins.contains(QStringLiteral("*")) ||
           m_config.allowOrigins.contains(text);
}

bool RpcServer::listen(const RpcServerConfig &config, QString *error)
{
    m_config = config;
    std::optional<QSslConfiguration> tls;
    if (!config.certificateFile.isEmpty() || !config.privateKeyFile.isEmpty()) {
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(config.certificateFile);
        QSslKey key;
        if (chain.isEmpty()) {
            *error = tr("no certificate can be read from %1").arg(config.certificateFile);
            return false;
        }
        if (!loadKey(config.privateKeyFile, &key)) {
            *error = tr("no private key can be read from %1").arg(config.privateKeyFile);
            return false;
        }
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        tls = ssl;
    }
    m_http =
        new RpcHttpServer([this](const QHttpServerRequest &request,
                                 QHttpServerResponder &responder) { respond(request, responder); },
                          this);
    m_tcp = makeListener(tls, this);
    const QHostAddress address = config.listenAll ? QHostAddress::Any : QHostAddress::LocalHost;
    if (!m_tcp->listen(address, config.port)) {
        *error = tr("cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(config.port)
                     .arg(m_tcp->errorString());
        return false;
    }
    m_port = m_tcp->serverPort();
    m_http->bind(m_tcp);

    connect(m_http, &RpcHttpServer::newWebSocketConnection, this, &RpcServer::onWebSocket);
    return true;
}

void RpcServer::stopAccepting()
{
    m_accepting = false;
    if (!m_tcp)
        return;
    m_tcp->close();
    // The answers written so far (aria2.shutdown's own) leave now, not at the next event loop
    // turn, which a stopping daemon may not have.
    for (QTcpSocket *socket : m_tcp->findChildren<QTcpSocket *>())
        socket->flush();
    for (QWebSocket *socket : std::as_const(m_sockets))
        socket->flush();
}

void RpcServer::close()
{
    for (QWebSocket *socket : std::as_const(m_sockets)) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway);
        socket->deleteLater();
    }
    m_sockets.clear();
    if (m_tcp)
        m_tcp->close();
    delete m_http; // and the listener, its child
    m_http = nullptr;
    m_tcp = nullptr;
}

void RpcServer::respond(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QByteArray origin = request.value(QByteArrayLiteral("Origin"));
    QByteArray body;
    int status = 200;
    if (!m_accepting) {
        body = compact(errorResponse(QJsonValue::Null, MethodError,
                                     QStringLiteral("The daemon is shutting down")));
        status = 503;
    } else if (!originAllowed(origin)) {
        body = compact(errorResponse(QJsonValue::Null, MethodError,
                                     QStringLiteral("Origin not allowed (--rpc-allow-origin)")));
        status = 403;
    } else if (request.method() == QHttpServerRequest::Method::Options) {
        status = 204; // a CORS preflight: the headers below answer it
    } else if (request.body().size() > MaxRequestBytes) {
        body = compact(errorResponse(QJsonValue::Null, InvalidRequest,
                                     QStringLiteral("Request larger than 1 MiB")));
        status = 413;
    } else if (request.method() == QHttpServerRequest::Method::Post) {
        body = answer(request.body(), &status);
    } else if (request.method() == QHttpServerRequest::Method::Get) {
        const QUrlQuery query(request.url());
        const RpcRequest parsed = parseQueryRequest(
            query.queryItemValue(QStringLiteral("method"), QUrl::FullyDecoded),
            query.queryItemValue(QStringLiteral("id"), QUrl::FullyDecoded),
            query.queryItemValue(QStringLiteral("params"), QUrl::FullyDecoded).toLatin1());
        body = answerRequest(parsed, &status);
    } else {
        status = 405;
    }
    responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    responder.writeHeader(QByteArrayLiteral("Content-Type"), JsonType);
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()));
    if (!origin.isEmpty() && originAllowed(origin)) {
        responder.writeHeader(QByteArrayLiteral("Access-Control-Allow-Origin"), origin);
        responder.writeHeader(QByteArrayLiteral("Access-Control-Allow-Methods"),
                              QByteArrayLiteral("POST, GET, OPTIONS"));
        responder.writeHeader(QByteArrayLiteral("Access-Control-Allow-Headers"),
                              QByteArrayLiteral("Content-Type"));
        responder.writeHeader(QByteArrayLiteral("Access-Control-Max-Age"),
                              QByteArrayLiteral("1728000"));
        responder.writeHeader(QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin"));
    }
    responder.writeBody(body);
}

QByteArray RpcServer::answer(const QByteArray &body, int *httpStatus)
{
    return answerRequest(parseRequest(body), httpStatus);
}

QByteArray RpcServer::answerRequest(const RpcRequest &request, int *httpStatus)
{
    *httpStatus = 200;
    if (request.errorCode != 0) {
        *httpStatus = 400;
        return compact(errorResponse(QJsonValue::Null, request.errorCode, request.errorMessage));
    }
    QJsonArray answers;
    for (const RpcCall &call : request.calls) {
        const Aria2Service::Reply reply = m_service->call(call);
        if (call.isValid() && call.id.isUndefined())
            continue; // a notification: no answer
        if (reply.isError()) {
            answers.append(errorResponse(call.id, reply.errorCode, reply.errorMessage));
            if (!request.batch)
                *httpStatus = 400;
        } else {
            answers.append(resultResponse(call.id, reply.result));
        }
    }
    if (answers.isEmpty())
        return {};
    return request.batch ? compact(answers) : compact(answers.first());
}

void RpcServer::onWebSocket()
{
    while (m_http && m_http->hasPendingWebSocketConnections()) {
        QWebSocket *socket = m_http->nextPendingWebSocketConnection().release();
        socket->setParent(this);
        if (socket->requestUrl().path() != QLatin1String("/jsonrpc") ||
            !originAllowed(socket->origin().toUtf8())) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated);
            socket->deleteLater();
            continue;
        }
        socket->setMaxAllowedIncomingMessageSize(quint64(MaxRequestBytes));
        m_sockets.append(socket);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &text) {
                    if (!m_accepting)
                        return;
                    int status = 0;
                    const QByteArray reply = answer(text.toUtf8(), &status);
                    if (!reply.isEmpty())
                        socket->sendTextMessage(QString::fromUtf8(reply));
                });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            m_sockets.removeOne(socket);
            socket->deleteLater();
        });
    }
}

void RpcServer::onNotify(const QString &method, const QString &gid)
{
    if (m_sockets.isEmpty())
        return;
    const QString message = QString::fromUtf8(
        compact(notification(method, QJsonArray{QJsonObject{{QStringLiteral("gid"), gid}}})));
    for (QWebSocket *socket : std::as_const(m_sockets))
        socket->sendTextMessage(message);
}

} // namespace bt::rpc
