#pragma once

#include "Error.h"
#include "store/CommitWaiter.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <functional>
#include <memory>

namespace bt::store {

// Creates `dir` with mode 0700 when it is missing (an existing folder keeps its mode).
bool ensurePrivateDir(const QString &dir);

// One named QtSql connection to the store file, owned by one thread: opening (pragmas,
// integrity check, corrupt file moved aside, migrations), batches and error mapping.
class StoreConnection
{
public:
    StoreConnection() = default;
    ~StoreConnection();
    StoreConnection(const StoreConnection &) = delete;
    StoreConnection &operator=(const StoreConnection &) = delete;

    bool open(const QString &dataDir, Error *error);
    void close();
    bool isOpen() const { return m_open; }
    int schemaVersion() const { return m_schemaVersion; }
    QString path() const { return m_path; }
    void setBusyTimeout(int ms) { m_busyTimeoutMs = ms; }

    QSqlDatabase &db() { return m_db; }
    // Runs `write` (one commit) with synchronous = FULL: durable at once, power loss included.
    bool execSynced(const std::function<bool()> &write, Error *error);
    // The prepared hot-path UPDATE (done_size, segments, updated, id).
    QSqlQuery &progressQuery() { return *m_progressQuery; }
    // `sql` prepared once per connection and kept (parsing a statement cost more than running
    // it on the many-small-files path); null when it cannot be prepared (`error` says why).
    // Bind, exec, then finish() it.
    QSqlQuery *prepared(const QString &sql, Error *error);

    // `synced`: the outermost commit is durable at once (synchronous = FULL, which SQLite
    // lets change outside a transaction only).
    bool beginBatch(Error *error, bool synced = false);
    bool commitBatch(Error *error);
    bool rollbackBatch(Error *error);

    // A store Error for a failed statement: "in use by another program" for SQLITE_BUSY and
    // SQLITE_LOCKED, the driver's text otherwise.
    Error errorFor(const QSqlError &sqlError) const;

private:
    bool exec(const QString &sql, Error *error, QSqlQuery *result = nullptr);
    void restoreSynchronous(); // after a synced batch: back to NORMAL
    bool checkIntegrity(Error *error);
    bool migrate(Error *error);
    bool enableWal(Error *error); // PRAGMA journal_mode = WAL, waiting out a racing opener
    int readUserVersion(Error *error);
    bool moveAside(Error *error);
    Error inUseError() const;

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_path;
    std::unique_ptr<QSqlQuery> m_progressQuery;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_prepared;
    int m_busyTimeoutMs = 5000;
    CommitWaiter m_commitWaiter;
    int m_schemaVersion = 0;
    int m_batchDepth = 0;
    bool m_batchSynced = false;
    bool m_open = false;
};

} // namespace bt::store
