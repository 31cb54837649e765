#pragma once

#include "Aria2Client.h"
#include "queue/TransferQueue.h"

#include <QHash>
#include <QTimer>

namespace bt::rpc {

// The queue of a daemon (btstream daemon, or aria2) as the window sees a queue: rows from
// tellActive, tellWaiting, tellStopped and btfilestream.tellUploads, polled once a second and
// at once after an aria2.onDownload* notification; commands as addUri, pause, unpause, remove,
// removeDownloadResult and changePosition. Ids are the GIDs' numbers (aria2::idOfGid), so a
// row keeps its id across a daemon's restart. A lost connection keeps the last rows (link()
// Lost) and is tried again with a growing pause; a refused secret (Refused) is not.
//
// What a daemon cannot do from here is not offered (supports()): uploads of this machine's
// files, deleting files, retrying a failed download (aria2 has no such call), opening files.
class RemoteQueue : public TransferQueue
{
    Q_OBJECT
public:
    struct Options
    {
        int pollMs = 1000;
        int firstBackoffMs = 500;
        int maxBackoffMs = 10000;
        int callTimeoutMs = 15000;
    };

    RemoteQueue(const QUrl &url, const QString &secret, const Options &options,
                QObject *parent = nullptr);
    RemoteQueue(const QUrl &url, const QString &secret, QObject *parent = nullptr)
        : RemoteQueue(url, secret, Options{}, parent)
    {
    }

    bool supports(Feature feature) const override;
    Link link() const override { return m_link; }
    QString linkText() const override;
    QString defaultDirectory() const override { return m_directory; }

    QList<qint64> ids() const override { return m_order; }
    std::optional<TransferSnapshot> snapshot(qint64 id) const override;
    QList<TransferSnapshot> snapshots() const override;
    std::optional<TransferRecord> record(qint64 id) const override;

    QList<qint64> enqueue(const QList<DownloadRequest> &requests, const EnqueueOptions &options,
                          Error *error) override;
    void pause(const QList<qint64> &ids) override;
    void resume(const QList<qint64> &ids) override;
    void cancel(const QList<qint64> &ids) override;
    void retry(const QList<qint64> &ids) override;
    void remove(const QList<qint64> &ids, bool deleteFiles) override;
    void moveUp(const QList<qint64> &ids) override;
    void moveDown(const QList<qint64> &ids) override;
    void moveTop(const QList<qint64> &ids) override;
    void moveBottom(const QList<qint64> &ids) override;
    void pauseAll() override;
    void resumeAll() override;

    const Aria2Client &client() const { return m_client; }

private:
    using Calls = QList<QPair<QString, QJsonArray>>;
    void onOpened();
    void onLost(const QString &why);
    void poll();
    void pollSoon(); // a notification: now, or right after the poll under way
    void applyPoll(const QList<Aria2Client::Reply> &replies);
    // Sends commands in one multicall; their errors go to commandFailed(), then a poll.
    void send(const Calls &calls);
    // One call a GID of `ids`: method(gid, extra...).
    void sendEach(const QList<qint64> &ids, const QString &method, const QJsonArray &extra = {});
    bool refusedBy(const Aria2Client::Reply &reply);
    void setLink(Link link);
    QString where() const; // host:port

    Aria2Client m_client;
    Options m_options;
    QTimer m_pollTimer;
    bool m_polling = false;
    bool m_pollAgain = false;
    Link m_link = Link::Connecting;
    QString m_why;           // of the last loss
    bool m_answered = false; // a poll came back once: a loss is "lost", not "cannot reach"
    QString m_directory;
    QList<qint64> m_order;
    QHash<qint64, TransferSnapshot> m_snapshots;
    QHash<qint64, TransferRecord> m_records;
};

} // namespace bt::rpc
