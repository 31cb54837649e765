#include "ipc/SingleInstance.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>

namespace bt {

namespace {
// A browser request of 1 MiB of JSON is 2 MiB as a QString in the stream.
constexpr qint32 kMaxMessageSize = 4 << 20;
} // namespace

SingleInstance::SingleInstance(const QString &key, QObject *parent) : QObject(parent), m_key(key) {}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::keyFor(const QString &dataDir)
{
    const QByteArray user = qgetenv("USER");
    const QByteArray hash = QCryptographicHash::hash(
        QDir(dataDir).absolutePath().toUtf8() + '\0' + user, QCryptographicHash::Sha256);
    return QStringLiteral("btfilestream-") + QString::fromLatin1(hash.toHex().left(16));
}

bool SingleInstance::sendToRunning(const QStringList &arguments, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(m_key);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    QByteArray data;
    QDataStream out(&data, QIODevice::WriteOnly);
    out << arguments;
    QDataStream header(&socket);
    header << qint32(data.size());
    socket.write(data);
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    // The running instance answers one byte once it has the arguments; a refusal (too large)
    // closes without it. The browser host counts on it: it drops the browser's own download.
    return socket.waitForReadyRead(timeoutMs) && socket.read(1) == QByteArrayLiteral("\x01");
}

bool SingleInstance::isRunning(int timeoutMs) const
{
    QLocalSocket socket;
    socket.connectToServer(m_key);
    return socket.waitForConnected(timeoutMs);
}

bool SingleInstance::listen()
{
    m_server = new QLocalServer(this);
    // No socket options: with them Qt renames its socket over an existing one, and a second
    // instance would steal the name instead of failing to listen.
    if (!m_server->listen(m_key)) {
        // A name left behind by a crashed instance: nobody answers on it.
        QLocalSocket probe;
        probe.connectToServer(m_key);
        if (probe.waitForConnected(500))
            return false;
        QLocalServer::removeServer(m_key);
        if (!m_server->listen(m_key))
            return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::onConnection);
    return true;
}

void SingleInstance::onConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (socket->bytesAvailable() < 4)
                return;
            qint32 size = 0;
            QDataStream head(socket->peek(4));
            head >> size;
            if (size < 0 || size > kMaxMessageSize) {
                socket->abort();
                return;
            }
            if (socket->bytesAvailable() < 4 + size)
                return;
            socket->read(4);
            QStringList arguments;
            QDataStream body(socket->read(size));
            body >> arguments;
            socket->write("\x01", 1);
            socket->flush(); // now: the sender may be waiting for it already
            socket->disconnectFromServer();
            Q_EMIT argumentsReceived(arguments);
        });
    }
}

} // namespace bt
