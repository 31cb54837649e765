#include "store/TransferStore.h"

#include "store/RecordCodec.h"
#include "store/StoreConnection.h"
#include "store/StoreSchema.h"

#include <QCoreApplication>
#include <QDir>
#include <QSqlQuery>
#include <QStandardPaths>

namespace bt {

using namespace bt::store;

class TransferStore::Private
{
public:
    StoreConnection conn;
    Error lastError;

    bool fail(const Error &e, Error *out)
    {
        lastError = e;
        if (out)
            *out = e;
        return false;
    }
    bool failQuery(const QSqlQuery &q, Error *out)
    {
        return fail(conn.errorFor(q.lastError()), out);
    }
    bool notOpen(Error *out)
    {
        return fail(
            {ErrorCode::Store, QCoreApplication::translate("bt::TransferStore",
                                                           "The transfer database is not open.")},
            out);
    }
    // beginBatch/commitBatch/rollbackBatch: the same checks around one StoreConnection step.
    bool batchStep(bool (StoreConnection::*step)(Error *))
    {
        if (!conn.isOpen())
            return notOpen(nullptr);
        Error e;
        if (!(conn.*step)(&e))
            return fail(e, nullptr);
        return true;
    }
    bool unknownId(qint64 id, Error *out)
    {
        return fail({ErrorCode::Store,
                     QCoreApplication::translate(
                         "bt::TransferStore", "There is no transfer %1 in the transfer database.")
                         .arg(id)},
                    out);
    }
    // An UPDATE of one row: its error, or "no such transfer" when it matched nothing.
    bool execUpdate(QSqlQuery &q, qint64 id, Error *out)
    {
        if (!q.exec())
            return failQuery(q, out);
        if (q.numRowsAffected() < 1)
            return unknownId(id, out);
        return true;
    }
};

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Binds every column but id, in the order of transferColumns().
void bindRecord(QSqlQuery &q, const TransferRecord &r)
{
    q.addBindValue(int(r.direction));
    q.addBindValue(int(r.state));
    q.addBindValue(encodeUrl(r.url));
    q.addBindValue(encodeUrl(r.finalUrl));
    q.addBindValue(notNullText(r.destination));
    q.addBindValue(notNullText(r.directory));
    q.addBindValue(notNullText(r.requestedName));
    q.addBindValue(r.totalSize);
    q.addBindValue(r.doneSize);
    q.addBindValue(r.etag);
    q.addBindValue(r.lastModified);
    q.addBindValue(encodeSegments(r.segments));
    q.addBindValue(notNullText(r.expectedChecksum));
    q.addBindValue(notNullText(r.sha256));
    q.addBindValue(r.errorCode);
    q.addBindValue(notNullText(r.lastError));
    q.addBindValue(encodeDate(r.added));
    q.addBindValue(encodeDate(r.updated));
    q.addBindValue(encodeDate(r.completed));
    q.addBindValue(r.priority);
    q.addBindValue(r.position);
    q.addBindValue(notNullText(r.uploadUrl));
    q.addBindValue(encodeOptions(r.options));
}

TransferRecord readRecord(const QSqlQuery &q)
{
    TransferRecord r;
    int i = 0;
    r.id = q.value(i++).toLongLong();
    r.direction = TransferDirection(q.value(i++).toInt());
    r.state = TransferState(q.value(i++).toInt());
    r.url = decodeUrl(q.value(i++).toString());
    r.finalUrl = decodeUrl(q.value(i++).toString());
    r.destination = q.value(i++).toString();
    r.directory = q.value(i++).toString();
    r.requestedName = q.value(i++).toString();
    r.totalSize = q.value(i++).toLongLong();
    r.doneSize = q.value(i++).toLongLong();
    r.etag = q.value(i++).toByteArray();
    r.lastModified = q.value(i++).toByteArray();
    r.segments = decodeSegments(q.value(i++).toString());
    r.expectedChecksum = q.value(i++).toString();
    r.sha256 = q.value(i++).toString();
    r.errorCode = q.value(i++).toInt();
    r.lastError = q.value(i++).toString();
    r.added = q.isNull(i) ? QDateTime() : decodeDate(q.value(i));
    ++i;
    r.updated = q.isNull(i) ? QDateTime() : decodeDate(q.value(i));
    ++i;
    r.completed = q.isNull(i) ? QDateTime() : decodeDate(q.value(i));
    ++i;
    r.priority = q.value(i++).toInt();
    r.position = q.value(i++).toLongLong();
    r.uploadUrl = q.value(i++).toString();
    r.options = decodeOptions(q.value(i++).toString());
    return r;
}

QString selectSql(const QString &tail)
{
    return QStringLiteral("SELECT ") + transferColumns() + QStringLiteral(" FROM transfers ") +
           tail;
}

} // namespace

TransferStore::TransferStore() : d(new Private) {}

TransferStore::~TransferStore()
{
    close();
    delete d;
}

QString TransferStore::defaultDataDir()
{
    QString dir = qEnvironmentVariable("BTSTREAM_DATA_DIR");
    if (dir.isEmpty()) {
        // The core has no guaranteed application name, so not AppDataLocation.
        QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
        if (base.isEmpty())
            base = QDir::homePath() + QStringLiteral("/.local/share");
        dir = base + QStringLiteral("/btfilestream");
    }
    ensurePrivateDir(dir);
    return dir;
}

bool TransferStore::open(const QString &dataDir, Error *error)
{
    close();
    Error e;
    if (!d->conn.open(dataDir, &e))
        return d->fail(e, error);
    return true;
}

void TransferStore::close()
{
    d->conn.close();
}

bool TransferStore::isOpen() const
{
    return d->conn.isOpen();
}

int TransferStore::schemaVersion() const
{
    return d->conn.schemaVersion();
}

void TransferStore::setBusyTimeout(int ms)
{
    d->conn.setBusyTimeout(ms);
}

Error TransferStore::lastError() const
{
    return d->lastError;
}

QString TransferStore::databasePath() const
{
    return d->conn.path();
}

bool TransferStore::insert(TransferRecord &record, Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    TransferRecord r = record;
    if (!r.added.isValid())
        r.added = QDateTime::fromMSecsSinceEpoch(nowMs());
    if (!r.updated.isValid())
        r.updated = r.added;
    QSqlQuery q(d->conn.db());
    const bool withId = r.id > 0;
    q.prepare(QStringLiteral("INSERT INTO transfers (") +
              (withId ? transferColumns() : transferColumns().section(QLatin1Char(','), 1)) +
              QStringLiteral(") VALUES (") + (withId ? QStringLiteral("?,") : QString()) +
              QStringLiteral("?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    if (withId)
        q.addBindValue(r.id);
    bindRecord(q, r);
    if (!q.exec())
        return d->failQuery(q, error);
    if (!withId)
        r.id = q.lastInsertId().toLongLong();
    record = r;
    return true;
}

bool TransferStore::update(const TransferRecord &record, Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    TransferRecord r = record;
    r.updated = QDateTime::fromMSecsSinceEpoch(nowMs());
    QSqlQuery q(d->conn.db());
    q.prepare(QStringLiteral(
        "UPDATE transfers SET direction = ?, state = ?, url = ?, final_url = ?, destination = ?,"
        " directory = ?, requested_name = ?, total_size = ?, done_size = ?, etag = ?,"
        " last_modified = ?, segments = ?, expected_checksum = ?, sha256 = ?, error_code = ?,"
        " last_error = ?, added = ?, updated = ?, completed = ?, priority = ?, position = ?,"
        " upload_url = ?, options = ? WHERE id = ?"));
    bindRecord(q, r);
    q.addBindValue(r.id);
    return d->execUpdate(q, r.id, error);
}

bool TransferStore::updateDownloadState(const TransferRecord &record, Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    QSqlQuery q(d->conn.db());
    q.prepare(QStringLiteral(
        "UPDATE transfers SET state = ?, final_url = ?, destination = ?, total_size = ?,"
        " done_size = ?, etag = ?, last_modified = ?, segments = ?, expected_checksum = ?,"
        " sha256 = ?, error_code = ?, last_error = ?, updated = ?, completed = ? WHERE id = ?"));
    q.addBindValue(int(record.state));
    q.addBindValue(encodeUrl(record.finalUrl));
    q.addBindValue(notNullText(record.destination));
    q.addBindValue(record.totalSize);
    q.addBindValue(record.doneSize);
    q.addBindValue(record.etag);
    q.addBindValue(record.lastModified);
    q.addBindValue(encodeSegments(record.segments));
    q.addBindValue(notNullText(record.expectedChecksum));
    q.addBindValue(notNullText(record.sha256));
    q.addBindValue(record.errorCode);
    q.addBindValue(notNullText(record.lastError));
    q.addBindValue(encodeDate(QDateTime::fromMSecsSinceEpoch(nowMs())));
    q.addBindValue(encodeDate(record.completed));
    q.addBindValue(record.id);
    return d->execUpdate(q, record.id, error);
}

bool TransferStore::updateUploadState(const TransferRecord &record, Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    QSqlQuery q(d->conn.db());
    q.prepare(QStringLiteral(
        "UPDATE transfers SET state = ?, destination = ?, total_size = ?, done_size = ?,"
        " error_code = ?, last_error = ?, upload_url = ?, options = ?, updated = ?,"
        " completed = ? WHERE id = ?"));
    q.addBindValue(int(record.state));
    q.addBindValue(notNullText(record.destination));
    q.addBindValue(record.totalSize);
    q.addBindValue(record.doneSize);
    q.addBindValue(record.errorCode);
    q.addBindValue(notNullText(record.lastError));
    q.addBindValue(notNullText(record.uploadUrl));
    q.addBindValue(encodeOptions(record.options));
    q.addBindValue(encodeDate(QDateTime::fromMSecsSinceEpoch(nowMs())));
    q.addBindValue(encodeDate(record.completed));
    q.addBindValue(record.id);
    return d->execUpdate(q, record.id, error);
}

bool TransferStore::updateProgress(qint64 id, qint64 doneSize, const QList<SegmentState> &segments,
                                   Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    QSqlQuery &q = d->conn.progressQuery();
    q.bindValue(0, doneSize);
    q.bindValue(1, encodeSegments(segments));
    q.bindValue(2, nowMs());
    q.bindValue(3, id);
    const bool ok = q.exec();
    const int rows = ok ? q.numRowsAffected() : 0;
    q.finish();
    if (!ok)
        return d->failQuery(q, error);
    if (rows < 1)
        return d->unknownId(id, error);
    return true;
}

bool TransferStore::setState(qint64 id, TransferState state, const Error &lastError, Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    QSqlQuery q(d->conn.db());
    q.prepare(QStringLiteral("UPDATE transfers SET state = ?, error_code = ?, last_error = ?,"
                             " updated = ?, completed = CASE WHEN ? THEN ? ELSE completed END"
                             " WHERE id = ?"));
    const qint64 now = nowMs();
    q.addBindValue(int(state));
    q.addBindValue(int(lastError.code));
    q.addBindValue(notNullText(lastError.message));
    q.addBindValue(now);
    q.addBindValue(state == TransferState::Completed ? 1 : 0);
    q.addBindValue(now);
    q.addBindValue(id);
    return d->execUpdate(q, id, error);
}

bool TransferStore::remove(qint64 id, Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    QSqlQuery q(d->conn.db());
    q.prepare(QStringLiteral("DELETE FROM transfers WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return d->failQuery(q, error);
    return true;
}

bool TransferStore::reserveIds(int count, qint64 *first, Error *error)
{
    if (!isOpen())
        return d->notOpen(error);
    if (!beginBatch())
        return d->fail(d->lastError, error);
    // sqlite_sequence holds the largest id AUTOINCREMENT has handed out (no row before the
    // first insert); SQLite allows ordinary writes to it.
    QSqlQuery q(d->conn.db());
    qint64 last = 0;
    bool ok = q.exec(QStringLiteral(
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'transfers'), 0),"
        " COALESCE((SELECT MAX(id) FROM transfers), 0))"));
    if (ok && q.next())
        last = q.value(0).toLongLong();
    q.finish();
    ok = ok && q.exec(QStringLiteral("DELETE FROM sqlite_sequence WHERE name = 'transfers'"));
    ok = ok && q.prepare(QStringLiteral(
                   "INSERT INTO sqlite_sequence (name, seq) VALUES ('transfers', ?)"));
    if (ok) {
        q.addBindValue(last + qMax(0, count));
        ok = q.exec();
    }
    if (!ok) {
        d->failQuery(q, error);
        rollbackBatch();
        return false;
    }
    if (!commitBatch())
        return d->fail(d->lastError, error);
    *first = last + 1;
    return true;
}

bool TransferStore::beginBatch()
{
    return d->batchStep(&StoreConnection::beginBatch);
}

bool TransferStore::commitBatch()
{
    return d->batchStep(&StoreConnection::commitBatch);
}

bool TransferStore::rollbackBatch()
{
    return d->batchStep(&StoreConnection::rollbackBatch);
}

std::optional<TransferRecord> TransferStore::load(qint64 id) const
{
    if (!isOpen()) {
        d->notOpen(nullptr);
        return std::nullopt;
    }
    QSqlQuery q(d->conn.db());
    q.setForwardOnly(true);
    q.prepare(selectSql(QStringLiteral("WHERE id = ?")));
    q.addBindValue(id);
    if (!q.exec()) {
        d->failQuery(q, nullptr);
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return readRecord(q);
}

QList<TransferRecord> TransferStore::loadAll() const
{
    QList<TransferRecord> all;
    if (!isOpen()) {
        d->notOpen(nullptr);
        return all;
    }
    QSqlQuery q(d->conn.db());
    q.setForwardOnly(true);
    if (!q.exec(selectSql(QStringLiteral("ORDER BY position, id")))) {
        d->failQuery(q, nullptr);
        return all;
    }
    while (q.next())
        all.append(readRecord(q));
    return all;
}

std::optional<TransferRecord> TransferStore::findDownload(const QUrl &url, const QString &directory,
                                                          const QString &requestedName) const
{
    if (!isOpen()) {
        d->notOpen(nullptr);
        return std::nullopt;
    }
    QSqlQuery q(d->conn.db());
    q.setForwardOnly(true);
    q.prepare(selectSql(QStringLiteral("WHERE url = ? AND directory = ? AND requested_name = ?"
                                       " AND direction = ? ORDER BY id DESC LIMIT 1")));
    q.addBindValue(encodeUrl(url));
    q.addBindValue(notNullText(directory));
    q.addBindValue(notNullText(requestedName));
    q.addBindValue(int(TransferDirection::Download));
    if (!q.exec()) {
        d->failQuery(q, nullptr);
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return readRecord(q);
}

std::optional<TransferRecord> TransferStore::findByDestination(const QString &destination) const
{
    if (!isOpen()) {
        d->notOpen(nullptr);
        return std::nullopt;
    }
    if (destination.isEmpty())
        return std::nullopt; // "not known yet" is no destination
    QSqlQuery q(d->conn.db());
    q.setForwardOnly(true);
    q.prepare(selectSql(QStringLiteral("WHERE destination = ? AND direction = ? AND state != ?"
                                       " ORDER BY id DESC LIMIT 1")));
    q.addBindValue(destination);
    q.addBindValue(int(TransferDirection::Download));
    q.addBindValue(int(TransferState::Completed));
    if (!q.exec()) {
        d->failQuery(q, nullptr);
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return readRecord(q);
}

} // namespace bt
