#pragma once

#include "Error.h"
#include "store/TransferRecord.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

class QThread;

namespace bt {

class TransferStore;

// The queue's store: one TransferStore connection on its own thread, so that the queue's
// thread (the UI thread in the program) never runs SQL. Reads the queue needs at once
// (open, insert) block for the round trip; state and order changes are collected and
// written in one transaction per event-loop turn.
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

    // For each record: when `reuse` and the store holds the same download (url, directory,
    // requested name), that row replaces it; otherwise it is inserted (ids filled). One
    // transaction. `existed[i]` tells which were found.
    bool addDownloads(QList<TransferRecord> *records, bool reuse, QList<bool> *existed,
                      Error *error);

    // Queued writes (batched).
    void setState(qint64 id, TransferState state, const Error &lastError = {});
    void setOrder(qint64 id, int priority, qint64 position);
    void setResult(qint64 id, const QString &destination, qint64 size, const QString &sha256);
    void remove(qint64 id);
    // Deletes a file on the store's thread (never on the queue's).
    void removeFile(const QString &path);
    // Writes what is pending and waits for it.
    void flush();

Q_SIGNALS:
    void writeFailed(const bt::Error &error);

private:
    struct Op
    {
        enum Kind
        {
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
    };
    void enqueue(Op &&op);
    void sendPending();
    static bool apply(TransferStore *store, const QList<Op> &ops, Error *error);
    static bool applyOne(TransferStore *store, const Op &op, Error *error);

    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;     // lives on m_thread
    TransferStore *m_store = nullptr; // used on m_thread only
    QList<Op> m_pending;
    bool m_sendScheduled = false;
};

} // namespace bt
