#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

namespace bt::test {

// A hostile server stub on the test thread (127.0.0.1): answers each request, once its headers
// are read, with `answer` as given (no framing added); then closes, or with `endless` keeps
// writing header lines while the client reads them.
class RawServer : public QObject
{
public:
    RawServer(QByteArray answer, bool endless) : m_answer(std::move(answer)), m_endless(endless)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, s, [this, s] { onRead(s); });
            }
        });
    }
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    qint64 written = 0;
    QList<QByteArray> heads; // each request's head (request line and headers)

private:
    void onRead(QTcpSocket *s)
    {
        m_seen[s] += s->readAll();
        if (s->property("answered").toBool() || !m_seen[s].contains("\r\n\r\n"))
            return;
        s->setProperty("answered", true);
        heads.append(m_seen[s].left(m_seen[s].indexOf("\r\n\r\n")));
        s->write(m_answer);
        if (!m_endless) {
            s->disconnectFromHost();
            return;
        }
        const auto more = [this, s] {
            while (s->state() == QAbstractSocket::ConnectedState && s->bytesToWrite() < 65536) {
                const QByteArray line = "X-Filler-" + QByteArray::number(written) + ": " +
                                        QByteArray(200, 'f') + "\r\n";
                written += s->write(line);
            }
        };
        connect(s, &QTcpSocket::bytesWritten, s, more);
        more();
    }

    QTcpServer m_server;
    QByteArray m_answer;
    bool m_endless;
    QHash<QTcpSocket *, QByteArray> m_seen;
};

} // namespace bt::test
