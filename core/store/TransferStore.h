#pragma once

#include "Error.h"
#include "store/TransferRecord.h"

#include <QList>
#include <QString>
#include <optional>

namespace bt {

// The SQLite store of transfers (QtSql). One instance per thread: each opens its own named
// connection to the same file. WAL mode, a schema version with migrations, bound values only.
// A corrupt database is moved aside ("<file>.corrupt-<timestamp>") and reported, never reset
// silently; a database locked by another process gives a clear error.
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

    bool open(const QString &dataDir, Error *error = nullptr);
    void close();
    bool isOpen() const;
    int schemaVersion() const;

    // Writes. insert() fills record.id. Each is one transaction; use batch() to group.
    bool insert(TransferRecord &record, Error *error = nullptr);
    bool update(const TransferRecord &record, Error *error = nullptr);
    // The hot path: sizes and segment offsets only (after the data was fdatasync'ed).
    bool updateProgress(qint64 id, qint64 doneSize, const QList<SegmentState> &segments,
                        Error *error = nullptr);
    bool setState(qint64 id, TransferState state, const Error &lastError = {},
                  Error *error = nullptr);
    bool remove(qint64 id, Error *error = nullptr);

    bool beginBatch();
    bool commitBatch();

    // Reads.
    std::optional<TransferRecord> load(qint64 id) const;
    QList<TransferRecord> loadAll() const;
    // The newest download of `url` requested into `directory` with `requestedName`
    // (empty = derived): what "run the same command again" resumes.
    std::optional<TransferRecord> findDownload(const QUrl &url, const QString &directory,
                                               const QString &requestedName) const;
    // The unfinished download whose destination is `destination`, if any.
    std::optional<TransferRecord> findByDestination(const QString &destination) const;

    QString databasePath() const;

private:
    class Private;
    Private *d;
};

} // namespace bt
