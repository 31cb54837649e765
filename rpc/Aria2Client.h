#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <map>

class QWebSocket;

namespace bt::rpc {

// A client of aria2's JSON-RPC over one WebSocket (ws:// or wss://; http:// and https:// are
// taken as the same host's WebSocket): calls with the secret as the first parameter, their
// answers matched by id, and the server's notifications. A connection that breaks (or never
// comes) is tried again after 0.5 s, doubled up to `maxBackoffMs`; calls that were waiting get
// an error. A call not answered within `callTimeoutMs` counts as a broken connection (a peer
// that vanished without closing).
class Aria2Client : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        QJsonValue result;
        int errorCode = 0; // JSON-RPC's or aria2's (1); -1: no answer (the connection broke)
        QString errorMessage;
        bool isError() const { return errorCode != 0; }
    };
    using Callback = std::function<void(const Reply &reply)>;

    // The connection's life: Closed -(open)-> Connecting -> Open -(a break)-> Waiting (for the
    // next attempt) -> Connecting ... -(close)-> Closed.
    enum class Phase
    {
        Closed,
        Connecting,
        Open,
        Waiting,
    };

    Aria2Client(const QUrl &url, const QString &secret, QObject *parent = nullptr);
    ~Aria2Client() override;

    void setBackoff(int firstMs, int maxMs);
    void setCallTimeout(int ms) { m_callTimeoutMs = ms; }
    QUrl url() const { return m_url; }
    Phase phase() const { return m_phase; }
    int nextAttemptMs() const { return m_backoffMs; } // while Waiting

    void open();
    void close(); // no more attempts (a refused secret); waiting calls get an error
    // `params` without the secret: it is put first. Answered once, on a later turn.
    void call(const QString &method, const QJsonArray &params, Callback done);
    // system.multicall of several calls (each with the secret); one answer a call, in order.
    void multicall(const QList<QPair<QString, QJsonArray>> &calls,
                   std::function<void(const QList<Reply> &replies)> done);

Q_SIGNALS:
    void opened();
    void lost(const QString &why); // then the next attempt after nextAttemptMs()
    void notification(const QString &method, const QJsonArray &params);

private:
    void connectNow();
    void onConnected();
    void onDisconnected();
    void onMessage(const QString &text);
    void failPending(const QString &why);
    QJsonArray withSecret(const QJsonArray &params) const;

    QUrl m_url;
    QString m_secret;
    QWebSocket *m_socket = nullptr;
    Phase m_phase = Phase::Closed;
    int m_firstBackoffMs = 500;
    int m_maxBackoffMs = 10000;
    int m_backoffMs = 500;
    int m_callTimeoutMs = 15000;
    qint64 m_nextId = 1;
    std::map<qint64, Callback> m_pending;
    QTimer m_retry;
    QTimer m_watchdog; // the oldest pending call's deadline
    QString m_lastWhy;
};

} // namespace bt::rpc
