#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTcpServer>

namespace bt::test {

// An HTTP proxy for the tests, on 127.0.0.1. An absolute-form request ("GET
// http://host:port/path") goes to 127.0.0.1:port in origin form, with "Connection: close" so
// that every request comes on its own connection; "CONNECT host:port" is tunnelled to
// 127.0.0.1:port. The host name is not resolved: Qt never uses a proxy for loopback addresses,
// so the tests name their servers with hosts under .invalid, which never resolve elsewhere.
class TestProxy : public QObject
{
    Q_OBJECT
public:
    explicit TestProxy(QObject *parent = nullptr);
    ~TestProxy() override;

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QByteArray url() const; // http://127.0.0.1:PORT

    // Answer 407 to every request without "Proxy-Authorization: Basic" for these credentials
    // ("name:password"); empty (the default): no authentication.
    void setCredentials(const QByteArray &userColonPassword) { m_credentials = userColonPassword; }

    // The request line of every request, in order ("CONNECT origin.invalid:443 HTTP/1.1").
    QList<QByteArray> requestLines() const { return m_requestLines; }
    int refusedCount() const { return m_refused; } // requests answered with 407

private:
    struct Pipe;
    void onNewConnection();
    void onClientData(Pipe *pipe);
    bool startForwarding(Pipe *pipe, const QByteArray &head, const QByteArray &rest);
    void closePipe(Pipe *pipe);

    QTcpServer m_server;
    QByteArray m_credentials;
    QList<QByteArray> m_requestLines;
    int m_refused = 0;
    QList<Pipe *> m_pipes;
};

} // namespace bt::test
