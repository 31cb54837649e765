#include "TestProxy.h"

#include <QHostAddress>
#include <QPointer>
#include <QTcpSocket>
#include <QUrl>

namespace bt::test {

struct TestProxy::Pipe
{
    QPointer<QTcpSocket> client;
    QPointer<QTcpSocket> upstream;
    QByteArray head;         // the client's bytes until the request head is complete
    bool forwarding = false; // past the head: bytes flow both ways unchanged
};

TestProxy::TestProxy(QObject *parent) : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TestProxy::onNewConnection);
}

TestProxy::~TestProxy()
{
    for (Pipe *pipe : std::as_const(m_pipes)) {
        if (pipe->client)
            pipe->client->abort();
        if (pipe->upstream)
            pipe->upstream->abort();
        delete pipe;
    }
}

bool TestProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QByteArray TestProxy::url() const
{
    return "http://127.0.0.1:" + QByteArray::number(port());
}

void TestProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        auto *pipe = new Pipe;
        m_pipes.append(pipe);
        pipe->client = client;
        client->setParent(this);
        connect(client, &QTcpSocket::readyRead, this, [this, pipe] { onClientData(pipe); });
        connect(client, &QTcpSocket::disconnected, this, [this, pipe] { closePipe(pipe); });
    }
}

void TestProxy::onClientData(Pipe *pipe)
{
    if (!pipe->client)
        return;
    if (pipe->forwarding) {
        // Before the origin answers, the bytes wait in the client's buffer: they must follow
        // the request head, which goes out once connected.
        if (pipe->upstream && pipe->upstream->state() == QAbstractSocket::ConnectedState)
            pipe->upstream->write(pipe->client->readAll());
        return;
    }
    pipe->head += pipe->client->readAll();
    const qsizetype end = pipe->head.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    const QByteArray head = pipe->head.left(end + 4);
    const QByteArray rest = pipe->head.mid(end + 4);
    pipe->head.clear();
    pipe->forwarding = true;
    m_requestLines.append(head.left(head.indexOf("\r\n")));
    if (!startForwarding(pipe, head, rest))
        pipe->client->disconnectFromHost();
}

bool TestProxy::startForwarding(Pipe *pipe, const QByteArray &head, const QByteArray &rest)
{
    QList<QByteArray> lines = head.trimmed().split('\n');
    for (QByteArray &line : lines)
        line = line.trimmed();
    const QList<QByteArray> requestLine = lines.takeFirst().split(' ');
    if (requestLine.size() != 3)
        return false;
    const QByteArray method = requestLine.at(0);
    const QByteArray target = requestLine.at(1);

    if (!m_credentials.isEmpty()) {
        const QByteArray expected = "basic " + m_credentials.toBase64();
        bool authorized = false;
        for (const QByteArray &line : std::as_const(lines)) {
            if (line.toLower().startsWith("proxy-authorization:"))
                authorized = line.mid(20).trimmed().toLower() == expected.toLower();
        }
        if (!authorized) {
            ++m_refused;
            pipe->client->write("HTTP/1.1 407 Proxy Authentication Required\r\n"
                                "Proxy-Authenticate: Basic realm=\"test proxy\"\r\n"
                                "Content-Length: 0\r\nConnection: close\r\n\r\n");
            return false;
        }
    }

    quint16 port = 0;
    QByteArray upstreamHead;
    const bool tunnel = method == "CONNECT";
    if (tunnel) {
        port = target.mid(target.lastIndexOf(':') + 1).toUShort();
    } else {
        const QUrl url(QString::fromLatin1(target));
        if (!url.isValid() || url.scheme() != QLatin1String("http"))
            return false;
        port = quint16(url.port(80));
        upstreamHead = method + ' ' + url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority) +
                       ' ' + requestLine.at(2) + "\r\n";
        for (const QByteArray &line : std::as_const(lines)) {
            const QByteArray name = line.left(line.indexOf(':')).trimmed().toLower();
            if (name != "connection" && name != "proxy-connection" &&
                name != "proxy-authorization" && name != "keep-alive")
                upstreamHead += line + "\r\n";
        }
        upstreamHead += "Connection: close\r\n\r\n";
    }
    if (port == 0)
        return false;

    pipe->upstream = new QTcpSocket(this);
    QTcpSocket *upstream = pipe->upstream;
    connect(upstream, &QTcpSocket::connected, this, [pipe, tunnel, upstreamHead, rest] {
        if (!pipe->client || !pipe->upstream)
            return;
        if (tunnel)
            pipe->client->write("HTTP/1.1 200 Connection established\r\n\r\n");
        else
            pipe->upstream->write(upstreamHead);
        pipe->upstream->write(rest + pipe->client->readAll());
    });
    connect(upstream, &QTcpSocket::readyRead, this, [pipe] {
        if (pipe->client && pipe->upstream)
            pipe->client->write(pipe->upstream->readAll());
    });
    connect(upstream, &QTcpSocket::disconnected, this, [pipe] {
        if (!pipe->client)
            return;
        if (pipe->upstream)
            pipe->client->write(pipe->upstream->readAll());
        pipe->client->disconnectFromHost();
    });
    connect(upstream, &QTcpSocket::errorOccurred, this, [pipe](QAbstractSocket::SocketError) {
        if (pipe->client && pipe->upstream &&
            pipe->upstream->state() != QAbstractSocket::ConnectedState)
            pipe->client->disconnectFromHost(); // the origin is not there
    });
    upstream->connectToHost(QHostAddress::LocalHost, port);
    return true;
}

void TestProxy::closePipe(Pipe *pipe)
{
    if (pipe->upstream) {
        pipe->upstream->disconnect(this);
        pipe->upstream->abort();
        pipe->upstream->deleteLater();
    }
    if (pipe->client)
        pipe->client->deleteLater();
}

} // namespace bt::test
