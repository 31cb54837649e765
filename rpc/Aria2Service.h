#pragma once

#include "DownloadFolders.h"
#include "JsonRpc.h"
#include "model/DownloadRequest.h"
#include "queue/TransferSnapshot.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonValue>
#include <QObject>
#include <QStringList>
#include <functional>
#include <optional>

namespace bt {
class QueueManager;
}

namespace bt::rpc {

// aria2's JSON-RPC methods over the queue (https://aria2.github.io/manual/en/html/aria2c.html
// #methods), plus btfilestream.addUpload and btfilestream.tellUploads. It sees what the UI
// sees: snapshots, records, and the queue's commands. The transport (RpcServer) hands it
// parsed calls; the secret is checked here because system.multicall carries one per call.
class Aria2Service : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        Reply() = default;
        Reply(const QJsonValue &value) : result(value) {} // NOLINT: {value} reads as aria2's
        Reply(int code, const QString &message) : errorCode(code), errorMessage(message) {}
        QJsonValue result;
        int errorCode = 0; // RpcErrorCode; 0: result holds the answer
        QString errorMessage;
        bool isError() const { return errorCode != 0; }
    };

    Aria2Service(QueueManager *queue, const DownloadFolders &folders, QObject *parent = nullptr);

    // Empty: no secret (every call allowed). Otherwise every call but system.listMethods and
    // system.listNotifications must start with "token:SECRET".
    void setSecret(const QString &secret) { m_secret = secret.toUtf8(); }
    // What a download added without options gets (the daemon's settings).
    void setRequestDefaults(const DownloadRequest &defaults) { m_defaults = defaults; }

    Reply call(const RpcCall &call);

    // The request a stored download runs with: its row, with the options changed since by
    // aria2.changeOption (the daemon's job factory asks).
    DownloadRequest requestFor(const TransferRecord &record) const;

    static QStringList methodNames();
    static QStringList notificationNames();

Q_SIGNALS:
    // aria2.onDownloadStart, ...Pause, ...Stop, ...Complete, ...Error for one GID.
    void notify(const QString &method, const QString &gid);
    // aria2.shutdown / aria2.forceShutdown (after the answer is sent).
    void shutdownRequested(bool force);

private:
    using Handler = Reply (Aria2Service::*)(const QJsonArray &params);
    static const QHash<QString, Handler> &handlers();
    Reply dispatch(const QString &method, QJsonArray params, bool nested);
    Reply multicall(const QJsonArray &params);
    void onSnapshots(const QList<TransferSnapshot> &changed);

    // Aria2Service.cpp: commands
    Reply remove(const QJsonArray &params);
    Reply pause(const QJsonArray &params);
    Reply pauseAll(const QJsonArray &params);
    Reply unpause(const QJsonArray &params);
    Reply unpauseAll(const QJsonArray &params);
    Reply purgeDownloadResult(const QJsonArray &params);
    Reply removeDownloadResult(const QJsonArray &params);
    Reply changePosition(const QJsonArray &params);
    Reply getVersion(const QJsonArray &params);
    Reply getSessionInfo(const QJsonArray &params);
    Reply saveSession(const QJsonArray &params);
    Reply shutdown(const QJsonArray &params);
    Reply forceShutdown(const QJsonArray &params);
    Reply listMethods(const QJsonArray &params);
    Reply listNotifications(const QJsonArray &params);
    // Aria2Reads.cpp
    Reply tellStatus(const QJsonArray &params);
    Reply tellActive(const QJsonArray &params);
    Reply tellWaiting(const QJsonArray &params);
    Reply tellStopped(const QJsonArray &params);
    Reply tellUploads(const QJsonArray &params);
    Reply getFiles(const QJsonArray &params);
    Reply getUris(const QJsonArray &params);
    Reply getServers(const QJsonArray &params);
    Reply getGlobalStat(const QJsonArray &params);
    // Aria2Options.cpp
    Reply addUri(const QJsonArray &params);
    Reply addUpload(const QJsonArray &params);
    Reply changeOption(const QJsonArray &params);
    Reply getOption(const QJsonArray &params);
    Reply changeGlobalOption(const QJsonArray &params);
    Reply getGlobalOption(const QJsonArray &params);
    // Applies aria2 options to a request; false with the reason in *why.
    bool applyOptions(const QJsonObject &options, DownloadRequest *request, QString *why) const;

    // Helpers shared by the three files.
    static Reply error(const QString &message);
    static Reply invalidParams(const QString &message);
    // The stored transfer named by params[index] (a GID); nullopt and *reply set when not.
    std::optional<TransferSnapshot> transferAt(const QJsonArray &params, int index,
                                               Reply *reply) const;
    // A list of snapshots in aria2's list form, with the keys filter at params[keysIndex].
    Reply statusList(const QList<TransferSnapshot> &list, const QJsonArray &params,
                     int keysIndex) const;
    Reply tellRange(const QJsonArray &params, bool (*wanted)(TransferState));
    bool isDownload(qint64 id) const;
    bool moveTo(qint64 id, int index);

    QueueManager *m_queue;
    DownloadFolders m_folders;
    QByteArray m_secret;
    DownloadRequest m_defaults;
    QString m_sessionId;
    // aria2.changeOption: what a download's next start uses (memory, this session).
    QHash<qint64, QJsonObject> m_changedOptions;
    QHash<qint64, QString> m_lastStatus; // for the notifications
};

} // namespace bt::rpc
