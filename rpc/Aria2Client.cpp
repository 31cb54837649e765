#include "Aria2Client.h"

#include "JsonRpc.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

namespace bt::rpc {

namespace {
// ws:// for http://, wss:// for https://: aria2 serves both on one port.
QUrl socketUrl(QUrl url)
{
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http"))
        url.setScheme(QStringLiteral("ws"));
    else if (scheme == QLatin1String("https"))
        url.setScheme(QStringLiteral("wss"));
    return url;
}
} // namespace

Aria2Client::Aria2Client(const QUrl &url, const QString &secret, QObject *parent)
    : QObject(parent), m_url(socketUrl(url)), m_secret(secret)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Aria2Client::connectNow);
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        if (m_socket && !m_pending.empty()) {
            m_lastWhy = tr("no answer for %1 s").arg(m_callTimeoutMs / 1000);
            m_socket->abort(); // -> onDisconnected
        }
    });
}

Aria2Client::~Aria2Client()
{
    m_pending.clear(); // nobody to tell any more
    if (m_socket)
        m_socket->disconnect(this);
}

void Aria2Client::setBackoff(int firstMs, int maxMs)
{
    m_firstBackoffMs = firstMs;
    m_maxBackoffMs = maxMs;
    m_backoffMs = firstMs;
}

void Aria2Client::open()
{
    if (m_phase != Phase::Closed)
        return;
    m_backoffMs = m_firstBackoffMs;
    connectNow();
}

void Aria2Client::close()
{
    m_phase = Phase::Closed;
    m_retry.stop();
    m_watchdog.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    failPending(tr("disconnected"));
}

void Aria2Client::connectNow()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_phase = Phase::Connecting;
    m_lastWhy.clear();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(64 << 20); // a long tellStopped
    connect(m_socket, &QWebSocket::connected, this, &Aria2Client::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &Aria2Client::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &Aria2Client::onMessage);
    // Qt 6.4 (Debian 12) names the signal error(); errorOccurred() came with 6.5.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
                if (m_socket && m_lastWhy.isEmpty())
                    m_lastWhy = m_socket->errorString();
            });
    m_socket->open(m_url);
}

void Aria2Client::onConnected()
{
    m_phase = Phase::Open;
    m_backoffMs = m_firstBackoffMs;
    Q_EMIT opened();
}

void Aria2Client::onDisconnected()
{
    if (m_phase == Phase::Closed)
        return;
    m_watchdog.stop();
    const QString why = m_lastWhy.isEmpty() && m_socket ? m_socket->errorString() : m_lastWhy;
    m_phase = Phase::Waiting; // before the callbacks: a call they make waits for no socket
    failPending(why);
    m_retry.start(m_backoffMs);
    Q_EMIT lost(why);
    m_backoffMs = qMin(m_backoffMs * 2, m_maxBackoffMs);
}

void Aria2Client::failPending(const QString &why)
{
    std::map<qint64, Callback> pending;
    pending.swap(m_pending);
    Reply reply;
    reply.errorCode = -1;
    reply.errorMessage = why;
    for (auto &[id, done] : pending)
        done(reply);
}

QJsonArray Aria2Client::withSecret(const QJsonArray &params) const
{
    if (m_secret.isEmpty())
        return params;
    QJsonArray all = params;
    all.prepend(QStringLiteral("token:") + m_secret);
    return all;
}

void Aria2Client::call(const QString &method, const QJsonArray &params, Callback done)
{
    if (m_phase != Phase::Open) {
        // The answer still comes on a later turn, as every answer does.
        QMetaObject::invokeMethod(
            this,
            [done = std::move(done)] {
                Reply reply;
                reply.errorCode = -1;
                reply.errorMessage = tr("not connected");
                done(reply);
            },
            Qt::QueuedConnection);
        return;
    }
    const qint64 id = m_nextId++;
    m_pending.emplace(id, std::move(done));
    const QJsonObject request{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), QString::number(id)},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), withSecret(params)}};
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(request).toJson(QJsonDocument::Compact)));
    if (!m_watchdog.isActive())
        m_watchdog.start(m_callTimeoutMs);
}

void Aria2Client::multicall(const QList<QPair<QString, QJsonArray>> &calls,
                            std::function<void(const QList<Reply> &replies)> done)
{
    QJsonArray list;
    for (const auto &[method, params] : calls)
        list.append(QJsonObject{{QStringLiteral("methodName"), method},
                                {QStringLiteral("params"), withSecret(params)}});
    const qsizetype count = calls.size();
    call(QStringLiteral("system.multicall"), QJsonArray{QJsonValue(list)},
         [count, done = std::move(done)](const Reply &reply) {
             // One entry a call: [result] or an error object; the whole call's error for all.
             QList<Reply> replies;
             const QJsonArray results = reply.result.toArray();
             for (qsizetype i = 0; i < count; ++i) {
                 Reply one;
                 if (reply.isError()) {
                     one = reply;
                 } else if (results.at(i).isArray()) {
                     one.result = results.at(i).toArray().first();
                 } else {
                     const QJsonObject error = results.at(i).toObject();
                     one.errorCode = error.value(QLatin1String("code")).toInt(1);
                     one.errorMessage = error.value(QLatin1String("message")).toString();
                 }
                 replies.append(one);
             }
             done(replies);
         });
}

void Aria2Client::onMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    const QJsonValue id = message.value(QLatin1String("id"));
    if (id.isUndefined() || id.isNull()) {
        const QString method = message.value(QLatin1String("method")).toString();
        if (!method.isEmpty())
            Q_EMIT notification(method, message.value(QLatin1String("params")).toArray());
        return;
    }
    const auto it = m_pending.find(id.toString().toLongLong());
    if (it == m_pending.end())
        return;
    const Callback done = std::move(it->second);
    m_pending.erase(it);
    if (m_pending.empty())
        m_watchdog.stop();
    else
        m_watchdog.start(m_callTimeoutMs);
    Reply reply;
    if (message.contains(QLatin1String("error"))) {
        const QJsonObject error = message.value(QLatin1String("error")).toObject();
        reply.errorCode = error.value(QLatin1String("code")).toInt(InternalError);
        reply.errorMessage = error.value(QLatin1String("message")).toString();
    } else {
        reply.result = message.value(QLatin1String("result"));
    }
    done(reply);
}

} // namespace bt::rpc
