#include "store/StoreConnection.h"

#include "store/StoreSchema.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QThread>

namespace bt::store {

namespace {

// SQLite primary result codes (the driver reports them as nativeErrorCode()).
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteNotADb = 26;

// NORMAL (WAL): a commit is safe from kill -9 and crashes at once, and from power loss once
// the WAL is synced at the next checkpoint; a power loss may take the store back to an
// earlier state, never an inconsistent one (less done: the resume fetches those bytes again).
// FULL fsynced the WAL at every commit: ~6.6 fdatasync a small file, serialized by the write
// lock (300 files x 256 KiB, 8 at a time: 1.10 s, 8x curl). The one commit a power loss must
// not take back, the facts of a file before its rename into place, asks for FULL
// (TransferStore::updateDownloadState with Durability::Synced).
constexpr auto kSynchronous = "PRAGMA synchronous = NORMAL";

QAtomicInteger<quint64> s_connectionCounter;

int primaryCode(const QSqlError &e)
{
    bool ok = false;
    const int code = e.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("bt::store::StoreConnection", text);
}

} // namespace

bool ensurePrivateDir(const QString &dir)
{
    if (QDir(dir).exists())
        return true;
    if (!QDir().mkpath(dir))
        return false;
    return QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

StoreConnection::~StoreConnection()
{
    close();
}

Error StoreConnection::inUseError() const
{
    return {ErrorCode::Store,
            tr("The transfer database is in use by another program (%1). Close the other "
               "BTFileStream or btstream, or choose another data folder.")
                .arg(QDir::toNativeSeparators(m_path))};
}

Error StoreConnection::errorFor(const QSqlError &sqlError) const
{
    const int code = primaryCode(sqlError);
    if (code == kSqliteBusy || code == kSqliteLocked)
        return inUseError();
    if (code == kSqliteFull)
        return {ErrorCode::DiskFull, tr("Disk full while writing the transfer database %1")
                                         .arg(QDir::toNativeSeparators(m_path))};
    return {ErrorCode::Store, tr("The transfer database %1 failed: %2")
                                  .arg(QDir::toNativeSeparators(m_path), sqlError.text())};
}

bool StoreConnection::exec(const QString &sql, Error *error, QSqlQuery *result)
{
    QSqlQuery local(m_db);
    QSqlQuery &q = result ? *result : local;
    if (q.exec(sql))
        return true;
    if (error)
        *error = errorFor(q.lastError());
    return false;
}

bool StoreConnection::enableWal(Error *error)
{
    // Two connections opening a new file at once both hold a read lock and both need the
    // write lock to switch to WAL: SQLite answers one of them BUSY at once, without the busy
    // handler (tst_storerobustness twoThreadsWriteConcurrently, 1 run in 30). The mode is
    // stored in the file, so that one tries again until the other's switch is through,
    // within the busy timeout as any other wait for the lock.
    QDeadlineTimer deadline(m_busyTimeoutMs);
    for (;;) {
        QSqlQuery q(m_db);
        if (q.exec(QStringLiteral("PRAGMA journal_mode = WAL")))
            return true;
        const int code = primaryCode(q.lastError());
        if ((code != kSqliteBusy && code != kSqliteLocked) || deadline.hasExpired()) {
            if (error)
                *error = errorFor(q.lastError());
            return false;
        }
        q.finish();
        QThread::msleep(2);
    }
}

bool StoreConnection::open(const QString &dataDir, Error *error)
{
    close();
    m_path = QDir(dataDir).absoluteFilePath(QStringLiteral("transfers.sqlite"));
    if (!ensurePrivateDir(dataDir)) {
        *error = {ErrorCode::Store,
                  tr("Cannot create the data folder %1").arg(QDir::toNativeSeparators(dataDir))};
        return false;
    }
    m_connectionName = QStringLiteral("bt-store-%1-%2")
                           .arg(quintptr(QThread::currentThreadId()), 0, 16)
                           .arg(s_connectionCounter.fetchAndAddRelaxed(1));
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!m_db.isValid()) {
        *error = {ErrorCode::Store,
                  tr("The SQLite driver of Qt is missing (install libqt6sql6-sqlite).")};
        close();
        return false;
    }
    m_db.setDatabaseName(m_path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_busyTimeoutMs));
    if (!m_db.open()) {
        *error = errorFor(m_db.lastError());
        close();
        return false;
    }
    // PRAGMAs take no bound parameters; the values are this program's own constants.
    bool ok = exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(m_busyTimeoutMs), error) &&
              checkIntegrity(error);
    if (!ok) {
        close();
        return false;
    }
    const int version = readUserVersion(error);
    if (version < 0) {
        close();
        return false;
    }
    if (version > latestSchemaVersion()) {
        // Leave the file exactly as it is: the newer program still needs it.
        *error = {ErrorCode::Store,
                  tr("The transfer database %1 was written by a newer version of BTFileStream "
                     "(schema %2; this version knows up to %3). Update BTFileStream or choose "
                     "another data folder.")
                      .arg(QDir::toNativeSeparators(m_path))
                      .arg(version)
                      .arg(latestSchemaVersion())};
        close();
        return false;
    }
    ok = enableWal(error) && exec(QString::fromLatin1(kSynchronous), error) &&
         exec(QStringLiteral("PRAGMA foreign_keys = ON"), error) &&
         // 512 KiB of page cache rather than 2 MiB: rows are read by id, and a btstream run
         // of 3,000 links otherwise keeps 2 MiB of pages it never reads again.
         exec(QStringLiteral("PRAGMA cache_size = -512"), error) && migrate(error);
    // After every PRAGMA: the busy handler replaces the busy timeout set above (which stays for
    // a driver without a handle, where this does nothing).
    if (ok)
        m_commitWaiter.install(m_db, m_busyTimeoutMs);
    if (!ok) {
        close();
        return false;
    }
    m_progressQuery = std::make_unique<QSqlQuery>(m_db);
    if (!m_progressQuery->prepare(QStringLiteral(
            "UPDATE transfers SET done_size = ?, segments = ?, updated = ? WHERE id = ?"))) {
        *error = errorFor(m_progressQuery->lastError());
        close();
        return false;
    }
    m_open = true;
    return true;
}

void StoreConnection::close()
{
    if (m_db.isOpen() && m_batchDepth > 0) {
        QSqlQuery(m_db).exec(QStringLiteral("COMMIT"));
    }
    m_batchDepth = 0;
    m_progressQuery.reset();
    m_prepared.clear();
    m_open = false;
    m_schemaVersion = 0;
    if (m_connectionName.isEmpty())
        return;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
}

bool StoreConnection::checkIntegrity(Error *error)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    bool corrupt = false;
    if (!q.exec(QStringLiteral("PRAGMA quick_check"))) {
        const int code = primaryCode(q.lastError());
        if (code != kSqliteNotADb && code != kSqliteCorrupt) {
            *error = errorFor(q.lastError());
            return false;
        }
        corrupt = true;
    } else {
        corrupt = !q.next() || q.value(0).toString() != QLatin1String("ok");
    }
    q.finish();
    if (!corrupt)
        return true;
    q = QSqlQuery();
    moveAside(error);
    return false;
}

bool StoreConnection::moveAside(Error *error)
{
    const QString path = m_path;
    close(); // release the file before renaming it
    m_path = path;
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    QString backup = path + QStringLiteral(".corrupt-") + stamp;
    for (int n = 2; QFile::exists(backup); ++n)
        backup = path + QStringLiteral(".corrupt-") + stamp + QLatin1Char('-') + QString::number(n);
    if (!QFile::rename(path, backup)) {
        *error = {ErrorCode::Store,
                  tr("The transfer database %1 is damaged and could not be moved aside to %2. "
                     "Move or delete it, then try again.")
                      .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(backup))};
        return false;
    }
    for (const QLatin1String suffix : {QLatin1String("-wal"), QLatin1String("-shm")}) {
        if (QFile::exists(path + suffix))
            QFile::rename(path + suffix, backup + suffix);
    }
    *error = {ErrorCode::Store,
              tr("The transfer database was damaged and has been moved aside to %1. A new, "
                 "empty transfer list will be started the next time; files already downloaded "
                 "are not touched.")
                  .arg(QDir::toNativeSeparators(backup))};
    return true;
}

int StoreConnection::readUserVersion(Error *error)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!exec(QStringLiteral("PRAGMA user_version"), error, &q))
        return -1;
    const int version = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    return version;
}

bool StoreConnection::migrate(Error *error)
{
    int version = readUserVersion(error);
    if (version < 0)
        return false;
    if (version < latestSchemaVersion()) {
        if (!exec(QStringLiteral("BEGIN IMMEDIATE"), error))
            return false;
        // Another connection may have migrated while this one waited for the lock.
        version = readUserVersion(error);
        bool ok = version >= 0;
        for (int v = version + 1; ok && v <= latestSchemaVersion(); ++v) {
            for (const QString &sql : migrationStatements(v)) {
                ok = exec(sql, error);
                if (!ok)
                    break;
            }
            ok = ok && exec(QStringLiteral("PRAGMA user_version = %1").arg(v), error);
        }
        ok = ok && exec(QStringLiteral("COMMIT"), error);
        if (!ok) {
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
            return false;
        }
        version = latestSchemaVersion();
    }
    m_schemaVersion = version;
    return true;
}

bool StoreConnection::execSynced(const std::function<bool()> &write, Error *error)
{
    if (!exec(QStringLiteral("PRAGMA synchronous = FULL"), error))
        return false;
    const bool ok = write();
    Error restore;
    exec(QString::fromLatin1(kSynchronous), &restore);
    return ok;
}

QSqlQuery *StoreConnection::prepared(const QString &sql, Error *error)
{
    if (const auto it = m_prepared.constFind(sql); it != m_prepared.cend())
        return it->get();
    auto q = std::make_shared<QSqlQuery>(m_db);
    if (!q->prepare(sql)) {
        if (error)
            *error = errorFor(q->lastError());
        return nullptr;
    }
    m_prepared.insert(sql, q);
    return q.get();
}

bool StoreConnection::beginBatch(Error *error, bool synced)
{
    if (m_batchDepth == 0) {
        if (synced && !exec(QStringLiteral("PRAGMA synchronous = FULL"), error))
            return false;
        m_batchSynced = synced;
        // IMMEDIATE takes the write lock now (waiting up to the busy timeout) instead of
        // failing on a lock upgrade half-way through the batch.
        if (!exec(QStringLiteral("BEGIN IMMEDIATE"), error)) {
            restoreSynchronous();
            return false;
        }
    }
    ++m_batchDepth;
    return true;
}

bool StoreConnection::commitBatch(Error *error)
{
    if (m_batchDepth == 0) {
        *error = {ErrorCode::Store, tr("commitBatch() without beginBatch()")};
        return false;
    }
    if (--m_batchDepth > 0)
        return true;
    const bool ok = exec(QStringLiteral("COMMIT"), error);
    if (!ok)
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
    restoreSynchronous();
    return ok;
}

bool StoreConnection::rollbackBatch(Error *error)
{
    if (m_batchDepth == 0)
        return true;
    m_batchDepth = 0;
    const bool ok = exec(QStringLiteral("ROLLBACK"), error);
    restoreSynchronous();
    return ok;
}

void StoreConnection::restoreSynchronous()
{
    if (!m_batchSynced)
        return;
    m_batchSynced = false;
    Error ignored;
    exec(QString::fromLatin1(kSynchronous), &ignored);
}

} // namespace bt::store
