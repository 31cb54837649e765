#pragma once

// `btstream daemon` for the RPC tests: started with a free port (--rpc-listen-port 0, the port
// read from its "listening on" line), called over HTTP POST, stopped by its process id.

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>

#include <csignal>

#ifndef BTSTREAM_PATH
#error "BTSTREAM_PATH must name the btstream binary"
#endif

namespace bt::test {

class DaemonProcess
{
public:
    // `configHome` isolates the desktop settings the daemon reads (XDG_CONFIG_HOME).
    explicit DaemonProcess(const QString &configHome)
    {
        m_process.setProgram(QStringLiteral(BTSTREAM_PATH));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY",
                                 "HTTPS_PROXY", "ALL_PROXY", "BTSTREAM_DATA_DIR"})
            env.remove(QString::fromLatin1(name));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
        m_process.setProcessEnvironment(env);
    }
    ~DaemonProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // Starts `btstream daemon ARGS --rpc-listen-port PORT` (0: a free one) and waits for its
    // port.
    bool start(const QStringList &arguments, quint16 port = 0)
    {
        m_err.clear();
        m_port = 0;
        m_process.setArguments(
            QStringList{QStringLiteral("daemon")} + arguments +
            QStringList{QStringLiteral("--rpc-listen-port"), QString::number(port)});
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return false;
        static const QRegularExpression listening(
            QStringLiteral("listening on https?://[0-9.]+:(\\d+)/jsonrpc"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000 && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(100);
            m_err += m_process.readAllStandardError();
            const auto match = listening.match(QString::fromLocal8Bit(m_err));
            if (match.hasMatch()) {
                m_port = quint16(match.captured(1).toUInt());
                return true;
            }
        }
        return false;
    }

    quint16 port() const { return m_port; }
    // Calls go over HTTPS, trusting the CA certificates of this PEM file.
    void useTls(const QString &caFile)
    {
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.setCaCertificates(QSslCertificate::fromPath(caFile));
        m_https = true;
    }
    QSslConfiguration tlsConfiguration() const { return m_tls; }
    QString lastError() const { return m_lastError; } // of the last call, empty if none
    QByteArray stderrText()
    {
        m_err += m_process.readAllStandardError();
        return m_err;
    }
    QProcess &process() { return m_process; }
    qint64 pid() const { return m_process.processId(); }

    void killHard()
    {
        ::kill(pid_t(m_process.processId()), SIGKILL);
        m_process.waitForFinished(5000);
    }
    // SIGTERM; the milliseconds until it exited, -1 if it did not within `timeoutMs`.
    qint64 terminate(int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(timeoutMs))
            return -1;
        return timer.elapsed();
    }

    // One JSON-RPC call over HTTP POST: the whole answer object ({} when none came).
    QJsonObject call(const QString &method, const QJsonArray &params,
                     const QString &secret = QString())
    {
        QJsonArray all = params;
        if (!secret.isEmpty())
            all.prepend(QStringLiteral("token:") + secret);
        const QJsonObject request{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                  {QStringLiteral("id"), QStringLiteral("t")},
                                  {QStringLiteral("method"), method},
                                  {QStringLiteral("params"), all}};
        const QByteArray body = post(QJsonDocument(request).toJson(QJsonDocument::Compact));
        return QJsonDocument::fromJson(body).object();
    }

    // A raw POST to /jsonrpc; the HTTP status in *status, the headers in *headers.
    QByteArray post(const QByteArray &body, int *status = nullptr,
                    const QList<QPair<QByteArray, QByteArray>> &headers = {},
                    QList<QPair<QByteArray, QByteArray>> *replyHeaders = nullptr)
    {
        QNetworkRequest request(url());
        if (m_https)
            request.setSslConfiguration(m_tls);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = m_network.post(request, body);
        return finish(reply, status, replyHeaders);
    }

    QByteArray get(const QString &query, int *status = nullptr)
    {
        QUrl target = url();
        target.setQuery(query);
        return finish(m_network.get(QNetworkRequest(target)), status, nullptr);
    }

    QUrl url() const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2/jsonrpc")
                        .arg(m_https ? QStringLiteral("https") : QStringLiteral("http"))
                        .arg(m_port));
    }

private:
    QByteArray finish(QNetworkReply *reply, int *status,
                      QList<QPair<QByteArray, QByteArray>> *replyHeaders)
    {
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(10000);
        if (status)
            *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (replyHeaders)
            *replyHeaders = reply->rawHeaderPairs();
        const QByteArray body = reply->readAll();
        m_lastError = reply->error() == QNetworkReply::NoError ? QString() : reply->errorString();
        reply->deleteLater();
        return body;
    }

    QProcess m_process;
    QByteArray m_err;
    quint16 m_port = 0;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
    bool m_https = false;
    QString m_lastError;
};

} // namespace bt::test
