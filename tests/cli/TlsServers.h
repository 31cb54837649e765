#pragma once

// nginx (tests/upload's NginxTestServer) with TLS servers on 127.0.0.1, their certificates
// made at test time (TestCerts). Every server serves files from root() and logs each request
// to accessLog() as "<server_port> <connection serial> <protocol> <status> <bytes> <range>
// <request line>", so a test can tell HTTP/2 from HTTP/1.1 and count connections.
//   good:       signed by the test CA for 127.0.0.1, localhost and origin.invalid; HTTP/2 and
//               HTTP/1.1 (ALPN); /dav/ takes PUT; /to-plain.bin redirects to plain's file.bin
//   wrongHost:  signed by the test CA, but for wrong.invalid only
//   selfSigned: a self-signed certificate for 127.0.0.1
//   plain:      HTTP/1.1 without TLS; /dav/ takes PUT

#include "TestCerts.h"
#include "UploadServers.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QString>

namespace bt::test {

struct AccessLogLine
{
    quint16 port = 0;
    qint64 connection = 0; // nginx's connection serial number
    QByteArray protocol;   // "HTTP/2.0", "HTTP/1.1"
    int status = 0;
    qint64 bytes = 0;
    QByteArray range; // the Range header, "-" when none
    QByteArray request;
};

class TlsServers
{
public:
    quint16 good = 0;
    quint16 wrongHost = 0;
    quint16 selfSigned = 0;
    quint16 plain = 0;

    bool start(QString *whyNot)
    {
        if (!m_certs.create(whyNot) ||
            !m_certs.issue(QStringLiteral("good"),
                           {QStringLiteral("IP:127.0.0.1"), QStringLiteral("DNS:localhost"),
                            QStringLiteral("DNS:origin.invalid")},
                           whyNot) ||
            !m_certs.issue(QStringLiteral("wronghost"), {QStringLiteral("DNS:wrong.invalid")},
                           whyNot) ||
            !m_certs.selfSigned(QStringLiteral("self"), whyNot))
            return false;
        good = NginxTestServer::freePort();
        wrongHost = NginxTestServer::freePort();
        selfSigned = NginxTestServer::freePort();
        plain = NginxTestServer::freePort();
        const QString server = QStringLiteral(R"(
    server {
        listen 127.0.0.1:%1 %2;
        root %DIR%/root;
        access_log %DIR%/tls_access.log tests;
        ssl_certificate %3;
        ssl_certificate_key %4;
        %5
    }
)");
        const QString dav =
            QStringLiteral("location /dav/ { dav_methods PUT; create_full_put_path on; "
                           "client_max_body_size 0; }");
        // A redirect from https to plain http, which a client must refuse.
        const QString toPlain = QStringLiteral(
            " location = /to-plain.bin { return 302 http://127.0.0.1:%1/file.bin; }");
        const QString config =
            QStringLiteral("    log_format tests '$server_port $connection $server_protocol "
                           "$status $body_bytes_sent \"$http_range\" \"$request\"';\n") +
            server.arg(good).arg(
                QStringLiteral("ssl http2"), m_certs.certFile(QStringLiteral("good")),
                m_certs.keyFile(QStringLiteral("good")), dav + toPlain.arg(plain)) +
            server.arg(wrongHost).arg(QStringLiteral("ssl"),
                                      m_certs.certFile(QStringLiteral("wronghost")),
                                      m_certs.keyFile(QStringLiteral("wronghost")), QString()) +
            server.arg(selfSigned)
                .arg(QStringLiteral("ssl"), m_certs.certFile(QStringLiteral("self")),
                     m_certs.keyFile(QStringLiteral("self")), QString()) +
            server.arg(plain).arg(QString(), m_certs.certFile(QStringLiteral("good")),
                                  m_certs.keyFile(QStringLiteral("good")), dav);
        if (!m_nginx.start(whyNot, config))
            return false;
        QDir(root()).mkpath(QStringLiteral("dav"));
        return true;
    }

    QString caFile() const { return m_certs.caFile(); }
    QString otherCaFile() const { return m_certs.otherCaFile(); }
    QString root() const { return m_nginx.root(); }
    QString accessLog() const { return m_nginx.directory() + QStringLiteral("/tls_access.log"); }

    static QString url(quint16 port, const QString &path, bool tls = true,
                       const QString &host = QStringLiteral("127.0.0.1"))
    {
        return QStringLiteral("%1://%2:%3%4")
            .arg(tls ? QStringLiteral("https") : QStringLiteral("http"), host)
            .arg(port)
            .arg(path);
    }

    bool writeFile(const QString &name, const QByteArray &data) const
    {
        QFile file(root() + QLatin1Char('/') + name);
        return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
    }

    // Every line of the access log so far. nginx writes a line when its request ends, which
    // may be a moment after the client saw the last byte: wait with QTRY_*.
    QList<AccessLogLine> log() const
    {
        static const QRegularExpression re(
            QStringLiteral(R"re(^(\d+) (\d+) (\S+) (\d+) (\d+) "([^"]*)" "([^"]*)"$)re"));
        QList<AccessLogLine> lines;
        QFile file(accessLog());
        if (!file.open(QIODevice::ReadOnly))
            return lines;
        for (const QByteArray &raw : file.readAll().split('\n')) {
            const QRegularExpressionMatch m = re.match(QString::fromLatin1(raw));
            if (!m.hasMatch())
                continue;
            AccessLogLine line;
            line.port = quint16(m.captured(1).toUInt());
            line.connection = m.captured(2).toLongLong();
            line.protocol = m.captured(3).toLatin1();
            line.status = m.captured(4).toInt();
            line.bytes = m.captured(5).toLongLong();
            line.range = m.captured(6).toLatin1();
            line.request = m.captured(7).toLatin1();
            lines.append(line);
        }
        return lines;
    }

private:
    TestCerts m_certs;
    NginxTestServer m_nginx;
};

} // namespace bt::test
