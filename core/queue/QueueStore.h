#pragma once

#include "Error.h"
#include "PostBack.h"
#include "model/TransferRecord.h"
#include "queue/DownloadKey.h"
#include "transfer/ResumeStorage.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace bt {

class TransferStore;

// The one writer of the store: one TransferStore connection on its own thread, for the queue
// and for every transfer (as its ResumeStorage), so that neither the queue's thread (the UI
// thread in the program) nor a worker runs SQL. Writes and the transfers' reads are handed
// over from any thread into one ordered list; the store's thread takes what has gathered
// and applies it in one transaction, so the writes of many transfers share a commit (and one
// fsync, when one of them asks for durability). Nothing here waits for the store's thread:
// open() and close() answer with opened() and closed(), ids for new rows come from a reserve
// that is refilled ahead of use (as qBittorrent's one resume-data writer on its own thread).
class QueueStore : public QObject, public ResumeStorage
{
    Q_OBJECT
public:
    explicit QueueStore(QObject *parent = nullptr);
    // Without close() and closed() first: the last resort, close() and a wait for the thread.
    ~QueueStore() override;

    // Starts the store's thread, which opens the store, reserves max(reserveIds, a block) ids
    // for new rows and loads every row (ordered by position, then id); opened() follows. With
    // `only`: the newest download row of each of those keys and every upload row instead.
    void open(const QString &dataDir, int reserveIds = 0,
              std::optional<QList<DownloadKey>> only = std::nullopt);
    // Writes what is pending, closes the store and ends its thread; closed() follows. Writes
    // handed over later are dropped. Without open(): closed() on the next turn.
    void close();
    bool isOpen() const { return m_phase == Phase::Open; }

    // An id for a new row, from the reserve (never a round trip). The reserve is refilled on
    // the store's thread when it runs low; a batch larger than what is held gets 0 (and
    // `error`) for the rest until the refill arrives. expectIds() before a batch of `count`
    // makes the refills cover such batches. The queue's thread only.
    qint64 newId(Error *error = nullptr);
    void expectIds(int count);
    qint64 idsHeld() const { return m_idsHeld; }

    // The queue's writes.
    // A new row under its newId(); inserted() tells when it is in the store. Inserts in a row
    // (no other write between them) travel as one op: adding 3,000 links queues one.
    void insert(const TransferRecord &record);
    void setOrder(qint64 id, int priority, qint64 position);
    void setResult(qint64 id, const QString &destination, qint64 size, const QString &sha256);
    void remove(qint64 id);
    // Deletes a file on the store's thread (never on the queue's).
    void removeFile(const QString &path);
    // `then` runs on this object's thread once what was handed over before is written (not at
    // all when the store closes first).
    void afterWrites(std::function<void()> then);
    // How many batches (transactions, when all goes well) were written so far: any thread.
    qint64 batchCount() const { return m_batches.load(); }

    // ResumeStorage, and the queue's state changes too.
    void load(qint64 id, QObject *context,
              std::function<void(const std::optional<TransferRecord> &)> then) override;
    void saveDownloadState(const TransferRecord &record) override;
    void saveDownloadStateDurably(const TransferRecord &record, QObject *context,
                                  std::function<void(const Error &)> then) override;
    void saveUploadState(const TransferRecord &record) override;
    void saveProgress(qint64 id, qint64 doneSize, const QList<SegmentState> &segments) override;
    void setState(qint64 id, TransferState state, const Error &lastError = {}) override;

Q_SIGNALS:
    // The answer to open(): on failure the thread has ended and `all` is empty.
    void opened(const bt::Error &error, const QList<bt::TransferRecord> &all);
    void closed();
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
            RemoveFile,
            DownloadState,
            UploadState,
            Progress,
            Load,
            Notify // nothing to write: `answer` after the writes before it
        } kind = State;
        qint64 id = 0;
        TransferState state = TransferState::Queued;
        Error error;
        int priority = 0;
        qint64 position = 0;
        QString text;
        QString sha256;
        qint64 size = 0;
        QList<TransferRecord> rows; // Insert: the new rows, in order
        // DownloadState, UploadState. Held apart so that an Op stays small.
        std::shared_ptr<const TransferRecord> record;
        QList<SegmentState> segments; // Progress
        bool durable = false;         // DownloadState: commit with synchronous = FULL
        std::optional<PostBack> back; // where the answer goes
        std::function<void(const std::optional<TransferRecord> &)> loaded; // Load
        std::function<void(const Error &)> written;                        // DownloadState
        std::function<void()> notify;                                      // Notify
        std::shared_ptr<const TransferRecord> found;                       // Load: what it read
    };
    static Op makeOp(Op::Kind kind, qint64 id);
    void enqueue(Op &&op);
    void enqueueLocked(Op &&op); // m_mutex held
    void drain();                // on the store's thread
    // On the store's thread: open, reserve, load, and the answer.
    void openThere(const QString &dataDir, int reserve,
                   const std::optional<QList<DownloadKey>> &only);
    QList<TransferRecord> loadFor(const QList<DownloadKey> &keys) const; // on m_thread
    void askForIds();
    void idsArrived(qint64 first, int count, const Error &error);
    // Posts the last drain and the end of the thread (close() and the destructor).
    void stopThread();
    void threadEnded();
    // `failedInserts`: the ids of the Insert ops that were not written; `written`: per op.
    static bool apply(TransferStore *store, QList<Op> &ops, Error *error,
                      QList<qint64> *failedInserts, QList<Error> *outcomes);
    static bool applyOne(TransferStore *store, Op &op, Error *error);
    // An Insert op's rows each in a transaction of its own (after its batch failed): the
    // ids of those not written to `failed`, the first error to `error`.
    static bool insertEach(TransferStore *store, const Op &op, Error *error, QList<qint64> *failed);
    static void answer(Op &op, const Error &outcome);

    enum class Phase
    {
        Closed,
        Opening,
        Open,
        Closing
    };
    Phase m_phase = Phase::Closed;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;     // lives on m_thread
    TransferStore *m_store = nullptr; // used on m_thread only
    QMutex m_mutex;                   // guards the three below
    QList<Op> m_pending;
    bool m_drainPosted = false;
    bool m_accepting = false;
    std::atomic<qint64> m_batches{0};
    // The reserve: blocks [first, end) of ids, oldest first; refilled ahead of use.
    QList<QPair<qint64, qint64>> m_ids;
    qint64 m_idsHeld = 0;
    int m_largestBatch = 0;
    bool m_idsAsked = false;
    Error m_idError; // why the last refill failed
};

} // namespace bt
