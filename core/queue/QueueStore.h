#pragma once

#include "Error.h"
#include "store/TransferRecord.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>
#include <optional>

class QThread;

namespace bt {

class TransferStore;

// The queue's store: one TransferStore connection on its own thread, so that the queue's
// thread (the UI thread in the program) never runs SQL. Reads the queue needs at once (open,
// finding stored downloads) block for the round trip; new rows (under ids reserved in blocks
// beforehand), state and order changes are collected and written in one transaction per
// event-loop turn.
class QueueStore : public QObject
{
    Q_OBJECT
public:
    explicit QueueStore(QObject *parent = nullptr);
    ~QueueStore() override; // flush(), then close

    // Opens the store and loads every row (ordered by position, then id).
    bool open(const QString &dataDir, QList<TransferRecord> *all, Error *error);
    void close();
    bool isOpen() const { return m_thread != nullptr; }

    // The stored download of each record's request (url, directory, requested name), if any.
    QList<std::optional<TransferRecord>> findDownloads(const QList<TransferRecord> &records);
    // An id for a new row: from a block reserved in the store, so no round trip but one a
    // block (0 when the store cannot reserve).
    qint64 newId(Error *error = nullptr);

    // Queued writes (batched).
    // A new row under its newId(); inserted() tells when it is in the store.
    void insert(const TransferRecord &record);
    void setState(qint64 id, TransferState state, const Error &lastError = {});
    void setOrder(qint64 id, int priority, qint64 position);
    void setResult(qint64 id, const QString &destination, qint64 size, const QString &sha256);
    void remove(qint64 id);
    // Deletes a file on the store's thread (never on the queue's).
    void removeFile(const QString &path);
    // Writes what is pending and waits for it.
    void flush();
    // Sends what is pending now; `then` runs on this object's thread once it is written (not
    // at all when the store closes first).
    void afterWrites(std::function<void()> then);

Q_SIGNALS:
    void writeFailed(const bt::Error &error);
    // The rows of insert() that are now stored, and those that could not be (writeFailed()
    // says why).
    void inserted(const QList<qint64> &stored, const QList<qint64> &failed);

private:
    struct Op
    {
        enum Kind
        {
            Insert,
            State,
            Order,
            Result,
            Remove,
            RemoveFile
        } kind = State;
        qint64 id = 0;
        TransferState state = TransferState::Queued;
        Error error;
        int priority = 0;
        qint64 position = 0;
        QString text;
        QString sha256;
        qint64 size = 0;
        TransferRecord record; // Insert
    };
    void enqueue(Op &&op);
    void sendPending();
    // `failedInserts`: the ids of the Insert ops that were not written.
    static bool apply(TransferStore *store, const QList<Op> &ops, Error *error,
                      QList<qint64> *failedInserts);
    static bool applyOne(TransferStore *store, const Op &op, Error *error);

    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;     // lives on m_thread
    TransferStore *m_store = nullptr; // used on m_thread only
    QList<Op> m_pending;
    bool m_sendScheduled = false;
    qint64 m_nextId = 0; // the reserved block: [m_nextId, m_endId)
    qint64 m_endId = 0;
};

} // namespace bt
