#pragma once

#include "Error.h"
#include "model/TransferRecord.h"

#include <QList>
#include <QString>
#include <optional>

namespace bt {

// The SQLite store of transfers (QtSql). One instance per thread: each opens its own named
// connection to the same file. WAL mode, a schema version with migrations, bound values only.
// A corrupt database is moved aside ("<file>.corrupt-<timestamp>") and reported, never reset
// silently; a database locked by another process gives a clear error.
//
// Threads: use an instance only on the thread that called open() (a QtSql rule).
// Corruption: when the file is not a database or PRAGMA quick_check fails, open() moves it
// (and its -wal/-shm) aside to "<file>.corrupt-yyyyMMdd-hhmmss", returns false and names the
// backup in the Error (code Store). The next open() finds no file and starts a fresh store,
// so the person is told exactly once.
class TransferStore
{
public:
    TransferStore();
    ~TransferStore();
    TransferStore(const TransferStore &) = delete;
    TransferStore &operator=(const TransferStore &) = delete;

    // The data directory: --data-dir, else $BTSTREAM_DATA_DIR, else the XDG data location.
    static QString defaultDataDir();
    static QString databaseFileName() { return QStringLiteral("transfers.sqlite"); }

    // Creates dataDir (0700) when missing. Fails with code Store when the database is
    // corrupt (moved aside, see above), newer than this program, or in use by another program.
    bool open(const QString &dataDir, Error *error = nullptr);
    void close();
    bool isOpen() const;
    int schemaVersion() const;
    // How long a write waits for another connection's lock (default 5000 ms); before open().
    void setBusyTimeout(int ms);
    // The error of the last call that failed (reads and batches have no Error parameter).
    Error lastError() const;

    // Writes. insert() fills record.id (and added/updated when invalid); a record that has an
    // id (from reserveIds()) is stored under it. Each is one
    // transaction; use beginBatch()/commitBatch() to group. update(), updateProgress() and
    // setState() set `updated` to now and fail on an unknown id; remove() of one does not.
    bool insert(TransferRecord &record, Error *error = nullptr);
    bool update(const TransferRecord &record, Error *error = nullptr);
    // What a running download owns, nothing else: final URL, destination, sizes, validators,
    // segments, checksums, completed, the facts before the rename (and `updated`). The row's
    // identity (direction, URL, directory, requested name, added, options), the queue's order
    // (priority, position) and the state with its error are left as they are: the state is
    // the queue's, and a transfer states its own outcome with setState().
    // Synced: durable at once, also against power loss (commits are otherwise synced at the
    // next WAL checkpoint; kill -9 and crashes never lose a commit either way).
    enum class Durability
    {
        Normal,
        Synced
    };
    bool updateDownloadState(const TransferRecord &record, Error *error = nullptr,
                             Durability durability = Durability::Normal);
    // The same for a running upload: source path (destination), sizes, completed, tus upload
    // URL and options (where the engine keeps its resume facts: source
    // mtime, tus expiry, a tree's finished files) and `updated`. Identity and the queue's
    // order are left as they are.
    bool updateUploadState(const TransferRecord &record, Error *error = nullptr);
    // The hot path: sizes and segment offsets only (after the data was fdatasync'ed).
    bool updateProgress(qint64 id, qint64 doneSize, const QList<SegmentState> &segments,
                        Error *error = nullptr);
    // Also stores lastError (cleared when it is no error); Completed sets `completed` to now.
    bool setState(qint64 id, TransferState state, const Error &lastError = {},
                  Error *error = nullptr);
    bool remove(qint64 id, Error *error = nullptr);
    // Ids [*first, *first + count) for rows this connection will insert later: no insert of
    // any connection gets one of them (the AUTOINCREMENT sequence moves past them).
    bool reserveIds(int count, qint64 *first, Error *error = nullptr);

    // One IMMEDIATE transaction around the writes in between; nested calls are counted and
    // only the outermost commitBatch() commits. close() commits an open batch.
    // Synced: the outermost commit is durable at once (see Durability).
    bool beginBatch(Durability durability = Durability::Normal);
    bool commitBatch();
    // Drops the whole open batch (all nesting levels).
    bool rollbackBatch();

    // Reads.
    std::optional<TransferRecord> load(qint64 id) const;
    QList<TransferRecord> loadAll() const;     // ordered by position, then id
    QList<TransferRecord> loadUploads() const; // the upload rows, in the same order
    // The newest download of `url` requested into `directory` with `requestedName`
    // (empty = derived): what "run the same command again" resumes. Whatever its state, so
    // that the caller can tell "already complete".
    std::optional<TransferRecord> findDownload(const QUrl &url, const QString &directory,
                                               const QString &requestedName) const;
    // The newest unfinished (not Completed) download whose destination is `destination`.
    std::optional<TransferRecord> findByDestination(const QString &destination) const;

    QString databasePath() const;

private:
    class Private;
    Private *d;
};

} // namespace bt
