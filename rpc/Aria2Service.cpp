// Aria2Service: dispatch, the secret, system.*, and the commands (pause, remove, order, ...).
// The reads are in Aria2Reads.cpp, adding and options in Aria2Options.cpp.
#include "Aria2Service.h"

#include "Aria2Format.h"
#include "queue/QueueManager.h"

#include <QRandomGenerator>

namespace bt::rpc {

using aria2::gidOf;

Aria2Service::Aria2Service(QueueManager *queue, const DownloadFolders &folders, QObject *parent)
    : QObject(parent), m_queue(queue), m_folders(folders)
{
    m_sessionId = QString::fromLatin1(
        QByteArray::number(QRandomGenerator::system()->generate64(), 16).rightJustified(16, '0') +
        QByteArray::number(QRandomGenerator::system()->generate64(), 16).rightJustified(16, '0'));
    for (const TransferSnapshot &s : m_queue->snapshots())
        m_lastStatus.insert(s.id, aria2::statusName(s.state, s.lastError.code));
    connect(m_queue, &QueueManager::snapshotsChanged, this, &Aria2Service::onSnapshots);
    connect(m_queue, &QueueManager::removed, this, [this](qint64 id) {
        m_lastStatus.remove(id);
        m_changedOptions.remove(id);
    });
}

const QHash<QString, Aria2Service::Handler> &Aria2Service::handlers()
{
    static const QHash<QString, Handler> table = {
        {QStringLiteral("aria2.addUri"), &Aria2Service::addUri},
        {QStringLiteral("aria2.remove"), &Aria2Service::remove},
        {QStringLiteral("aria2.forceRemove"), &Aria2Service::remove},
        {QStringLiteral("aria2.pause"), &Aria2Service::pause},
        {QStringLiteral("aria2.pauseAll"), &Aria2Service::pauseAll},
        {QStringLiteral("aria2.forcePause"), &Aria2Service::pause},
        {QStringLiteral("aria2.forcePauseAll"), &Aria2Service::pauseAll},
        {QStringLiteral("aria2.unpause"), &Aria2Service::unpause},
        {QStringLiteral("aria2.unpauseAll"), &Aria2Service::unpauseAll},
        {QStringLiteral("aria2.tellStatus"), &Aria2Service::tellStatus},
        {QStringLiteral("aria2.tellActive"), &Aria2Service::tellActive},
        {QStringLiteral("aria2.tellWaiting"), &Aria2Service::tellWaiting},
        {QStringLiteral("aria2.tellStopped"), &Aria2Service::tellStopped},
        {QStringLiteral("aria2.getFiles"), &Aria2Service::getFiles},
        {QStringLiteral("aria2.getUris"), &Aria2Service::getUris},
        {QStringLiteral("aria2.getServers"), &Aria2Service::getServers},
        {QStringLiteral("aria2.changeOption"), &Aria2Service::changeOption},
        {QStringLiteral("aria2.changeGlobalOption"), &Aria2Service::changeGlobalOption},
        {QStringLiteral("aria2.getOption"), &Aria2Service::getOption},
        {QStringLiteral("aria2.getGlobalOption"), &Aria2Service::getGlobalOption},
        {QStringLiteral("aria2.getGlobalStat"), &Aria2Service::getGlobalStat},
        {QStringLiteral("aria2.purgeDownloadResult"), &Aria2Service::purgeDownloadResult},
        {QStringLiteral("aria2.removeDownloadResult"), &Aria2Service::removeDownloadResult},
        {QStringLiteral("aria2.changePosition"), &Aria2Service::changePosition},
        {QStringLiteral("aria2.getVersion"), &Aria2Service::getVersion},
        {QStringLiteral("aria2.getSessionInfo"), &Aria2Service::getSessionInfo},
        {QStringLiteral("aria2.saveSession"), &Aria2Service::saveSession},
        {QStringLiteral("aria2.shutdown"), &Aria2Service::shutdown},
        {QStringLiteral("aria2.forceShutdown"), &Aria2Service::forceShutdown},
        {QStringLiteral("system.listMethods"), &Aria2Service::listMethods},
        {QStringLiteral("system.listNotifications"), &Aria2Service::listNotifications},
        {QStringLiteral("btfilestream.addUpload"), &Aria2Service::addUpload},
        {QStringLiteral("btfilestream.tellUploads"), &Aria2Service::tellUploads},
    };
    return table;
}

QStringList Aria2Service::methodNames()
{
    QStringList names = handlers().keys();
    names.append(QStringLiteral("system.multicall"));
    names.sort();
    return names;
}

QStringList Aria2Service::notificationNames()
{
    return {QStringLiteral("aria2.onDownloadStart"), QStringLiteral("aria2.onDownloadPause"),
            QStringLiteral("aria2.onDownloadStop"),  QStringLiteral("aria2.onDownloadComplete"),
            QStringLiteral("aria2.onDownloadError"), QStringLiteral("aria2.onBtDownloadComplete")};
}

Aria2Service::Reply Aria2Service::call(const RpcCall &call)
{
    if (!call.isValid())
        return {call.errorCode, call.errorMessage};
    return dispatch(call.method, call.params, false);
}

Aria2Service::Reply Aria2Service::dispatch(const QString &method, QJsonArray params, bool nested)
{
    // As aria2 (1.34+): the two introspection methods need no secret.
    const bool open = method == QLatin1String("system.listMethods") ||
                      method == QLatin1String("system.listNotifications");
    const bool isMulticall = method == QLatin1String("system.multicall");
    QString token;
    const bool hasToken = takeToken(&params, &token);
    if (!m_secret.isEmpty() && !open && !isMulticall &&
        (!hasToken || !constantTimeEquals(token.toUtf8(), m_secret)))
        return error(QStringLiteral("Unauthorized"));
    if (isMulticall) {
        if (nested)
            return error(QStringLiteral("Recursive system.multicall forbidden."));
        return multicall(params);
    }
    const Handler handler = handlers().value(method);
    if (!handler)
        return {MethodNotFound, QStringLiteral("Method not found: %1").arg(method)};
    return (this->*handler)(params);
}

Aria2Service::Reply Aria2Service::multicall(const QJsonArray &params)
{
    if (params.size() != 1 || !params.first().isArray())
        return invalidParams(QStringLiteral("system.multicall takes one array of calls"));
    QJsonArray results;
    for (const QJsonValue &value : params.first().toArray()) {
        const QJsonObject object = value.toObject();
        const QJsonValue name = object.value(QLatin1String("methodName"));
        const QJsonValue inner = object.value(QLatin1String("params"));
        if (!value.isObject() || !name.isString() || (!inner.isUndefined() && !inner.isArray())) {
            results.append(
                errorObject(InvalidParams, QStringLiteral("a call is {methodName, params}")));
            continue;
        }
        const Reply reply = dispatch(name.toString(), inner.toArray(), true);
        if (reply.isError())
            results.append(errorObject(reply.errorCode, reply.errorMessage));
        else
            results.append(QJsonArray{reply.result});
    }
    return {results};
}

Aria2Service::Reply Aria2Service::error(const QString &message)
{
    return {MethodError, message};
}

Aria2Service::Reply Aria2Service::invalidParams(const QString &message)
{
    return {MethodError, message};
}

std::optional<TransferSnapshot> Aria2Service::transferAt(const QJsonArray &params, int index,
                                                         Reply *reply) const
{
    if (index >= params.size() || !params.at(index).isString()) {
        *reply = invalidParams(QStringLiteral("the parameter at %1 must be a GID").arg(index));
        return std::nullopt;
    }
    const QString gid = params.at(index).toString();
    const qint64 id = aria2::idOfGid(gid);
    if (id == 0) {
        *reply = error(QStringLiteral("Bad GID %1").arg(gid));
        return std::nullopt;
    }
    auto snapshot = m_queue->snapshot(id);
    if (!snapshot)
        *reply = error(QStringLiteral("GID %1 is not found").arg(gid));
    return snapshot;
}

bool Aria2Service::isDownload(qint64 id) const
{
    const auto record = m_queue->record(id);
    return record && record->direction == TransferDirection::Download;
}

Aria2Service::Reply Aria2Service::remove(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    if (s->state == TransferState::Completed || s->state == TransferState::Failed)
        return error(QStringLiteral("Active Download not found for GID#%1").arg(gidOf(s->id)));
    m_queue->cancel({s->id}); // the partial file is kept, as aria2 keeps it
    return {gidOf(s->id)};
}

Aria2Service::Reply Aria2Service::pause(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    if (s->state != TransferState::Queued && s->state != TransferState::Active &&
        s->state != TransferState::Verifying)
        return error(QStringLiteral("GID#%1 cannot be paused now").arg(gidOf(s->id)));
    m_queue->pause({s->id});
    return {gidOf(s->id)};
}

Aria2Service::Reply Aria2Service::pauseAll(const QJsonArray &)
{
    QList<qint64> ids;
    for (qint64 id : m_queue->ids())
        if (isDownload(id))
            ids.append(id);
    m_queue->pause(ids);
    return {QStringLiteral("OK")};
}

Aria2Service::Reply Aria2Service::unpause(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    if (s->state != TransferState::Paused)
        return error(QStringLiteral("GID#%1 cannot be unpaused now").arg(gidOf(s->id)));
    m_queue->resume({s->id});
    return {gidOf(s->id)};
}

Aria2Service::Reply Aria2Service::unpauseAll(const QJsonArray &)
{
    QList<qint64> ids;
    for (qint64 id : m_queue->ids())
        if (isDownload(id))
            ids.append(id);
    m_queue->resume(ids);
    return {QStringLiteral("OK")};
}

Aria2Service::Reply Aria2Service::purgeDownloadResult(const QJsonArray &)
{
    // The results go; the files stay (aria2 forgets results, it never deletes files).
    QList<qint64> ids;
    for (const TransferSnapshot &s : m_queue->snapshots())
        if ((s.state == TransferState::Completed || s.state == TransferState::Failed) &&
            isDownload(s.id))
            ids.append(s.id);
    m_queue->remove(ids, false);
    return {QStringLiteral("OK")};
}

Aria2Service::Reply Aria2Service::removeDownloadResult(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    if (s->state != TransferState::Completed && s->state != TransferState::Failed)
        return error(
            QStringLiteral("Could not remove download result of GID#%1").arg(gidOf(s->id)));
    m_queue->remove({s->id}, false);
    return {QStringLiteral("OK")};
}

bool Aria2Service::moveTo(qint64 id, int index)
{
    const QList<qint64> order = m_queue->ids();
    int current = int(order.indexOf(id));
    if (current < 0)
        return false;
    index = qBound(0, index, int(order.size()) - 1);
    // The queue moves by steps; a jump to either end is one step.
    if (index == 0) {
        m_queue->moveTop({id});
        return true;
    }
    if (index == order.size() - 1) {
        m_queue->moveBottom({id});
        return true;
    }
    for (; current > index; --current)
        m_queue->moveUp({id});
    for (; current < index; ++current)
        m_queue->moveDown({id});
    return true;
}

Aria2Service::Reply Aria2Service::changePosition(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    if (params.size() < 3 || !params.at(1).isDouble() || !params.at(2).isString())
        return invalidParams(QStringLiteral("changePosition takes GID, pos (integer), how"));
    const int pos = params.at(1).toInt();
    const QString how = params.at(2).toString();
    const QList<qint64> order = m_queue->ids();
    const int current = int(order.indexOf(s->id));
    int target = 0;
    if (how == QLatin1String("POS_SET"))
        target = pos;
    else if (how == QLatin1String("POS_CUR"))
        target = current + pos;
    else if (how == QLatin1String("POS_END"))
        target = int(order.size()) - 1 + pos;
    else
        return invalidParams(QStringLiteral("how must be POS_SET, POS_CUR or POS_END"));
    target = qBound(0, target, int(order.size()) - 1);
    moveTo(s->id, target);
    return {int(m_queue->ids().indexOf(s->id))};
}

Aria2Service::Reply Aria2Service::getVersion(const QJsonArray &)
{
    // The aria2 version whose interface this follows (clients compare it), and ours.
    return {QJsonObject{{QStringLiteral("version"), QStringLiteral("1.37.0")},
                        {QStringLiteral("btfilestream"), QStringLiteral(BT_VERSION)},
                        {QStringLiteral("enabledFeatures"),
                         QJsonArray{QStringLiteral("HTTPS"), QStringLiteral("Message Digest")}}}};
}

Aria2Service::Reply Aria2Service::getSessionInfo(const QJsonArray &)
{
    return {QJsonObject{{QStringLiteral("sessionId"), m_sessionId}}};
}

Aria2Service::Reply Aria2Service::saveSession(const QJsonArray &)
{
    return {QStringLiteral("OK")}; // the store is always saved
}

Aria2Service::Reply Aria2Service::shutdown(const QJsonArray &)
{
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT shutdownRequested(false); }, Qt::QueuedConnection);
    return {QStringLiteral("OK")};
}

Aria2Service::Reply Aria2Service::forceShutdown(const QJsonArray &)
{
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT shutdownRequested(true); }, Qt::QueuedConnection);
    return {QStringLiteral("OK")};
}

Aria2Service::Reply Aria2Service::listMethods(const QJsonArray &)
{
    return {QJsonArray::fromStringList(methodNames())};
}

Aria2Service::Reply Aria2Service::listNotifications(const QJsonArray &)
{
    return {QJsonArray::fromStringList(notificationNames())};
}

void Aria2Service::onSnapshots(const QList<TransferSnapshot> &changed)
{
    for (const TransferSnapshot &s : changed) {
        const QString status = aria2::statusName(s.state, s.lastError.code);
        const QString before = m_lastStatus.value(s.id);
        if (status == before)
            continue;
        m_lastStatus.insert(s.id, status);
        QString method;
        if (status == QLatin1String("active"))
            method = QStringLiteral("aria2.onDownloadStart");
        else if (status == QLatin1String("paused"))
            method = QStringLiteral("aria2.onDownloadPause");
        else if (status == QLatin1String("complete"))
            method = QStringLiteral("aria2.onDownloadComplete");
        else if (status == QLatin1String("removed"))
            method = QStringLiteral("aria2.onDownloadStop");
        else if (status == QLatin1String("error"))
            method = QStringLiteral("aria2.onDownloadError");
        // A transfer that ran and ended between two batches of snapshots still started.
        const bool ended = status == QLatin1String("complete") || status == QLatin1String("error");
        if (ended && before != QLatin1String("active") && s.progress.done > 0)
            Q_EMIT notify(QStringLiteral("aria2.onDownloadStart"), gidOf(s.id));
        if (!method.isEmpty())
            Q_EMIT notify(method, gidOf(s.id));
    }
}

} // namespace bt::rpc
