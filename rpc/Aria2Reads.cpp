// Aria2Service: the reads (tellStatus, tellActive, tellWaiting, tellStopped, getFiles, ...).
#include "Aria2Format.h"
#include "Aria2Service.h"
#include "queue/QueueManager.h"

namespace bt::rpc {

namespace {

bool isActive(TransferState s)
{
    return s == TransferState::Active || s == TransferState::Verifying;
}
bool isWaiting(TransferState s)
{
    return s == TransferState::Queued || s == TransferState::Paused;
}
bool isStopped(TransferState s)
{
    return s == TransferState::Completed || s == TransferState::Failed;
}

// aria2's keys filter: an array of strings, or absent.
bool keysAt(const QJsonArray &params, int index, QSet<QString> *keys)
{
    if (index >= params.size())
        return true;
    if (!params.at(index).isArray())
        return false;
    for (const QJsonValue &v : params.at(index).toArray()) {
        if (!v.isString())
            return false;
        keys->insert(v.toString());
    }
    return true;
}

// tellWaiting / tellStopped: offset and num; a negative offset counts from the end and the
// list comes back in reverse (aria2's rule).
QList<TransferSnapshot> window(const QList<TransferSnapshot> &list, int offset, int num)
{
    QList<TransferSnapshot> out;
    const int size = int(list.size());
    if (num <= 0)
        return out;
    if (offset >= 0) {
        for (int i = offset; i < size && out.size() < num; ++i)
            out.append(list.at(i));
    } else {
        for (int i = size + offset; i >= 0 && i < size && out.size() < num; --i)
            out.append(list.at(i));
    }
    return out;
}

} // namespace

Aria2Service::Reply Aria2Service::statusList(const QList<TransferSnapshot> &list,
                                             const QJsonArray &params, int keysIndex) const
{
    QSet<QString> keys;
    if (!keysAt(params, keysIndex, &keys))
        return invalidParams(QStringLiteral("keys must be an array of strings"));
    QJsonArray out;
    for (const TransferSnapshot &s : list)
        if (const auto record = m_queue->record(s.id))
            out.append(aria2::statusObject(s, *record, keys));
    return {out};
}

Aria2Service::Reply Aria2Service::tellStatus(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    QSet<QString> keys;
    if (!keysAt(params, 1, &keys))
        return invalidParams(QStringLiteral("keys must be an array of strings"));
    return {aria2::statusObject(*s, *m_queue->record(s->id), keys)};
}

Aria2Service::Reply Aria2Service::tellActive(const QJsonArray &params)
{
    QList<TransferSnapshot> list;
    for (const TransferSnapshot &s : m_queue->snapshots())
        if (isActive(s.state) && isDownload(s.id))
            list.append(s);
    return statusList(list, params, 0);
}

// tellWaiting and tellStopped: the downloads in states `wanted`, offset, num, keys.
Aria2Service::Reply Aria2Service::tellRange(const QJsonArray &params, bool (*wanted)(TransferState))
{
    if (params.size() < 2 || !params.at(0).isDouble() || !params.at(1).isDouble())
        return invalidParams(QStringLiteral("offset and num must be integers"));
    QList<TransferSnapshot> list;
    for (const TransferSnapshot &s : m_queue->snapshots())
        if (wanted(s.state) && isDownload(s.id))
            list.append(s);
    return statusList(window(list, params.at(0).toInt(), params.at(1).toInt()), params, 2);
}

Aria2Service::Reply Aria2Service::tellWaiting(const QJsonArray &params)
{
    return tellRange(params, &isWaiting);
}

Aria2Service::Reply Aria2Service::tellStopped(const QJsonArray &params)
{
    return tellRange(params, &isStopped);
}

Aria2Service::Reply Aria2Service::tellUploads(const QJsonArray &params)
{
    QList<TransferSnapshot> list;
    for (const TransferSnapshot &s : m_queue->snapshots())
        if (!isDownload(s.id))
            list.append(s);
    return statusList(list, params, 0);
}

Aria2Service::Reply Aria2Service::getFiles(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    return {QJsonArray{aria2::fileObject(*s, *m_queue->record(s->id))}};
}

Aria2Service::Reply Aria2Service::getUris(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    return {aria2::fileObject(*s, *m_queue->record(s->id)).value(QLatin1String("uris"))};
}

Aria2Service::Reply Aria2Service::getServers(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    if (!isActive(s->state))
        return error(QStringLiteral("No active download for GID#%1").arg(aria2::gidOf(s->id)));
    const QUrl current = s->progress.finalUrl.isEmpty() ? s->url : s->progress.finalUrl;
    const QJsonObject server{{QStringLiteral("uri"), s->url.toString(QUrl::FullyEncoded)},
                             {QStringLiteral("currentUri"), current.toString(QUrl::FullyEncoded)},
                             {QStringLiteral("downloadSpeed"), QString::number(s->progress.speed)}};
    return {QJsonArray{QJsonObject{{QStringLiteral("index"), QStringLiteral("1")},
                                   {QStringLiteral("servers"), QJsonArray{server}}}}};
}

Aria2Service::Reply Aria2Service::getGlobalStat(const QJsonArray &)
{
    qint64 down = 0, up = 0;
    int active = 0, waiting = 0, stopped = 0;
    for (const TransferSnapshot &s : m_queue->snapshots()) {
        const bool download = isDownload(s.id);
        if (isActive(s.state)) {
            (download ? down : up) += s.progress.speed;
            active += download;
        } else if (isWaiting(s.state)) {
            waiting += download;
        } else {
            stopped += download;
        }
    }
    return {QJsonObject{{QStringLiteral("downloadSpeed"), QString::number(down)},
                        {QStringLiteral("uploadSpeed"), QString::number(up)},
                        {QStringLiteral("numActive"), QString::number(active)},
                        {QStringLiteral("numWaiting"), QString::number(waiting)},
                        {QStringLiteral("numStopped"), QString::number(stopped)},
                        {QStringLiteral("numStoppedTotal"), QString::number(stopped)}}};
}

} // namespace bt::rpc
