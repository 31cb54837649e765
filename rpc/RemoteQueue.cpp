#include "RemoteQueue.h"

#include "Aria2Format.h"
#include "JsonRpc.h"

#include <QJsonObject>

namespace bt::rpc {

namespace {
// What the rows need of a status object (the rest stays on the daemon).
QJsonArray statusKeys()
{
    return {QStringLiteral("gid"),           QStringLiteral("status"),
            QStringLiteral("totalLength"),   QStringLiteral("completedLength"),
            QStringLiteral("downloadSpeed"), QStringLiteral("uploadSpeed"),
            QStringLiteral("connections"),   QStringLiteral("dir"),
            QStringLiteral("files"),         QStringLiteral("errorCode"),
            QStringLiteral("errorMessage")};
}

// A row the views show differently.
bool differs(const TransferSnapshot &a, const TransferSnapshot &b)
{
    return a.state != b.state || a.position != b.position || a.url != b.url ||
           a.progress.done != b.progress.done || a.progress.total != b.progress.total ||
           a.progress.speed != b.progress.speed || a.progress.fileName != b.progress.fileName ||
           a.progress.connections != b.progress.connections ||
           a.lastError.code != b.lastError.code || a.lastError.message != b.lastError.message;
}

constexpr int PageSize = 1000; // rows a list asks for (aria2's tellWaiting/tellStopped num)
} // namespace

RemoteQueue::RemoteQueue(const QUrl &url, const QString &secret, const Options &options,
                         QObject *parent)
    : TransferQueue(parent), m_client(url, secret), m_options(options)
{
    m_client.setBackoff(options.firstBackoffMs, options.maxBackoffMs);
    m_client.setCallTimeout(options.callTimeoutMs);
    connect(&m_client, &Aria2Client::opened, this, &RemoteQueue::onOpened);
    connect(&m_client, &Aria2Client::lost, this, &RemoteQueue::onLost);
    connect(&m_client, &Aria2Client::notification, this,
            [this](const QString &method, const QJsonArray &) {
                if (method.startsWith(QLatin1String("aria2.onDownload")) ||
                    method.startsWith(QLatin1String("aria2.onBtDownload")))
                    pollSoon();
            });
    m_pollTimer.setInterval(options.pollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &RemoteQueue::poll);
    m_client.open();
}

bool RemoteQueue::supports(Feature feature) const
{
    switch (feature) {
    case Feature::Uploads:     // the files would have to be on the daemon's machine
    case Feature::DeleteFiles: // aria2 never deletes files
    case Feature::Retry:       // aria2 has no call for it
    case Feature::LocalFiles:  // the paths are the daemon's
        return false;
    }
    return false;
}

QString RemoteQueue::where() const
{
    const QUrl url = m_client.url();
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port(6800));
}

QString RemoteQueue::linkText() const
{
    switch (m_link) {
    case Link::Local:
        return {};
    case Link::Connecting:
        return tr("Connecting to %1…").arg(where());
    case Link::Connected:
        return tr("Connected to %1").arg(where());
    case Link::Lost:
        if (m_order.isEmpty() && !m_answered)
            return tr("Cannot reach %1 (%2). Trying again every few seconds.").arg(where(), m_why);
        return tr("Connection to %1 lost (%2). Trying again every few seconds; the list shows "
                  "the last known state.")
            .arg(where(), m_why);
    case Link::Refused:
        return tr("%1 refused the secret. File > Connect to… to enter it again.").arg(where());
    }
    return {};
}

void RemoteQueue::setLink(Link link)
{
    if (m_link == link)
        return;
    m_link = link;
    Q_EMIT linkChanged();
}

std::optional<TransferSnapshot> RemoteQueue::snapshot(qint64 id) const
{
    const auto it = m_snapshots.find(id);
    if (it == m_snapshots.end())
        return std::nullopt;
    return *it;
}

QList<TransferSnapshot> RemoteQueue::snapshots() const
{
    QList<TransferSnapshot> list;
    list.reserve(m_order.size());
    for (qint64 id : m_order)
        list.append(m_snapshots.value(id));
    return list;
}

std::optional<TransferRecord> RemoteQueue::record(qint64 id) const
{
    const auto it = m_records.find(id);
    if (it == m_records.end())
        return std::nullopt;
    return *it;
}

void RemoteQueue::onOpened()
{
    // The folder new downloads go to by default, for the add dialog.
    m_client.call(
        QStringLiteral("aria2.getGlobalOption"), {}, [this](const Aria2Client::Reply &reply) {
            if (!refusedBy(reply) && !reply.isError())
                m_directory =
                    reply.result.toObject().value(QLatin1String("dir")).toString(m_directory);
        });
    poll();
    m_pollTimer.start();
}

void RemoteQueue::onLost(const QString &why)
{
    m_pollTimer.stop();
    m_polling = false;
    m_why = why;
    if (m_link == Link::Refused)
        return;
    if (m_link == Link::Lost)
        Q_EMIT linkChanged(); // the reason may have changed
    else
        setLink(Link::Lost);
}

void RemoteQueue::pollSoon()
{
    if (m_polling)
        m_pollAgain = true;
    else
        poll();
}

void RemoteQueue::poll()
{
    if (m_polling || m_client.phase() != Aria2Client::Phase::Open)
        return;
    m_polling = true;
    m_pollAgain = false;
    const QJsonArray keys = statusKeys();
    const Calls calls = {
        {QStringLiteral("aria2.tellActive"), QJsonArray{QJsonValue(keys)}},
        {QStringLiteral("aria2.tellWaiting"), {0, PageSize, keys}},
        {QStringLiteral("aria2.tellStopped"), {0, PageSize, keys}},
        {QStringLiteral("btfilestream.tellUploads"), QJsonArray{QJsonValue(keys)}},
    };
    m_client.multicall(calls, [this](const QList<Aria2Client::Reply> &replies) {
        m_polling = false;
        applyPoll(replies);
        if (m_pollAgain)
            poll();
    });
}

bool RemoteQueue::refusedBy(const Aria2Client::Reply &reply)
{
    if (reply.errorCode != MethodError || reply.errorMessage != QLatin1String("Unauthorized"))
        return false;
    m_pollTimer.stop();
    m_client.close();
    setLink(Link::Refused);
    return true;
}

void RemoteQueue::applyPoll(const QList<Aria2Client::Reply> &replies)
{
    for (const Aria2Client::Reply &reply : replies)
        if (refusedBy(reply))
            return;
    // The three lists of downloads must all be there; uploads only from btstream daemon
    // (aria2 answers "Method not found").
    for (int i = 0; i < 3; ++i)
        if (replies.value(i).isError())
            return;
    QList<qint64> order;
    QHash<qint64, TransferSnapshot> snapshots;
    QHash<qint64, TransferRecord> records;
    for (int i = 0; i < replies.size(); ++i) {
        const TransferDirection direction =
            i == 3 ? TransferDirection::Upload : TransferDirection::Download;
        for (const QJsonValue &value : replies.at(i).result.toArray()) {
            TransferSnapshot s;
            TransferRecord r;
            if (!aria2::parseStatusObject(value.toObject(), direction, order.size(), &s, &r) ||
                snapshots.contains(s.id))
                continue;
            // r.added stays unknown: aria2 does not say when a download was added.
            order.append(s.id);
            snapshots.insert(s.id, s);
            records.insert(s.id, r);
        }
    }
    QList<qint64> gone;
    for (qint64 id : std::as_const(m_order))
        if (!snapshots.contains(id))
            gone.append(id);
    QList<qint64> fresh;
    QList<TransferSnapshot> changed;
    for (qint64 id : std::as_const(order)) {
        const auto old = m_snapshots.find(id);
        if (old == m_snapshots.end())
            fresh.append(id);
        else if (differs(*old, snapshots.value(id)))
            changed.append(snapshots.value(id));
    }
    m_order = order;
    m_snapshots = snapshots;
    m_records = records;
    for (qint64 id : std::as_const(gone))
        Q_EMIT removed(id);
    for (qint64 id : std::as_const(fresh))
        Q_EMIT added(id);
    if (!changed.isEmpty())
        Q_EMIT snapshotsChanged(changed);
    m_answered = true;
    setLink(Link::Connected);
}

void RemoteQueue::send(const Calls &calls)
{
    if (calls.isEmpty())
        return;
    m_client.multicall(calls, [this, calls](const QList<Aria2Client::Reply> &replies) {
        QStringList problems;
        for (int i = 0; i < replies.size(); ++i) {
            const Aria2Client::Reply &reply = replies.at(i);
            if (refusedBy(reply))
                return;
            if (reply.isError())
                problems.append(tr("%1: %2").arg(calls.at(i).first.section(QLatin1Char('.'), 1),
                                                 reply.errorMessage));
        }
        if (!problems.isEmpty())
            Q_EMIT commandFailed(
                tr("The daemon did not do it: %1").arg(problems.join(QStringLiteral("; "))));
        pollSoon();
    });
}

void RemoteQueue::sendEach(const QList<qint64> &ids, const QString &method, const QJsonArray &extra)
{
    Calls calls;
    for (qint64 id : ids) {
        if (!m_snapshots.contains(id))
            continue;
        QJsonArray params = extra;
        params.prepend(aria2::gidOf(id));
        calls.append({method, params});
    }
    send(calls);
}

QList<qint64> RemoteQueue::enqueue(const QList<DownloadRequest> &requests,
                                   const EnqueueOptions &options, Error *error)
{
    Calls calls;
    for (const DownloadRequest &request : requests) {
        // A URL's password stays on this machine: the daemon would store it.
        if (!request.urlPassword.isEmpty() || !request.user.isEmpty()) {
            if (error)
                *error = {ErrorCode::InvalidArgument,
                          tr("Passwords are not sent to a daemon: %1")
                              .arg(request.url.toString(QUrl::RemoveUserInfo))};
            return {};
        }
        QJsonArray uris{request.url.toString(QUrl::FullyEncoded)};
        for (const QUrl &mirror : request.mirrors) // a metalink's: the daemon's mirrors too
            uris.append(mirror.toString(QUrl::FullyEncoded));
        calls.append({QStringLiteral("aria2.addUri"),
                      {uris, aria2::addUriOptions(request, options.startPaused)}});
    }
    send(calls);
    return {};
}

void RemoteQueue::pause(const QList<qint64> &ids)
{
    QList<qint64> wanted;
    for (qint64 id : ids) {
        const TransferState s = m_snapshots.value(id).state;
        if (s == TransferState::Queued || s == TransferState::Active ||
            s == TransferState::Verifying)
            wanted.append(id);
    }
    sendEach(wanted, QStringLiteral("aria2.pause"));
}

void RemoteQueue::resume(const QList<qint64> &ids)
{
    QList<qint64> wanted;
    for (qint64 id : ids)
        if (m_snapshots.value(id).state == TransferState::Paused)
            wanted.append(id);
    sendEach(wanted, QStringLiteral("aria2.unpause"));
}

void RemoteQueue::cancel(const QList<qint64> &ids)
{
    QList<qint64> wanted;
    for (qint64 id : ids) {
        const TransferState s = m_snapshots.value(id).state;
        if (s != TransferState::Completed && s != TransferState::Failed)
            wanted.append(id);
    }
    sendEach(wanted, QStringLiteral("aria2.remove"));
}

void RemoteQueue::retry(const QList<qint64> &)
{
    Q_EMIT commandFailed(tr("A daemon cannot retry a failed download; add its link again."));
}

void RemoteQueue::remove(const QList<qint64> &ids, bool)
{
    // aria2 removes a result only once it stopped: a running one is removed (cancelled) first,
    // in the same multicall, which the daemon runs in order.
    Calls calls;
    for (qint64 id : ids) {
        const auto it = m_snapshots.find(id);
        if (it == m_snapshots.end())
            continue;
        const QString gid = aria2::gidOf(id);
        if (it->state != TransferState::Completed && it->state != TransferState::Failed)
            calls.append({QStringLiteral("aria2.remove"), {gid}});
        calls.append({QStringLiteral("aria2.removeDownloadResult"), {gid}});
    }
    send(calls);
}

void RemoteQueue::moveUp(const QList<qint64> &ids)
{
    sendEach(ids, QStringLiteral("aria2.changePosition"), {-1, QStringLiteral("POS_CUR")});
}

void RemoteQueue::moveDown(const QList<qint64> &ids)
{
    // From the last: a selection keeps its own order.
    QList<qint64> reversed(ids.rbegin(), ids.rend());
    sendEach(reversed, QStringLiteral("aria2.changePosition"), {1, QStringLiteral("POS_CUR")});
}

void RemoteQueue::moveTop(const QList<qint64> &ids)
{
    QList<qint64> reversed(ids.rbegin(), ids.rend());
    sendEach(reversed, QStringLiteral("aria2.changePosition"), {0, QStringLiteral("POS_SET")});
}

void RemoteQueue::moveBottom(const QList<qint64> &ids)
{
    sendEach(ids, QStringLiteral("aria2.changePosition"), {0, QStringLiteral("POS_END")});
}

void RemoteQueue::pauseAll()
{
    send({{QStringLiteral("aria2.pauseAll"), {}}});
}

void RemoteQueue::resumeAll()
{
    send({{QStringLiteral("aria2.unpauseAll"), {}}});
}

} // namespace bt::rpc
