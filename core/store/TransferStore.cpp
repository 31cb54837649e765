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
    // UPDATE transfers SET <assignments> WHERE id = ?: the values bound in order, then the id.
    bool updateRow(const QString &assignments, const QVariantList &values, qint64 id, Error *out);
    // The first row of selectSql(tail) with the values bound, or nothing (an error in
    // lastError).
    std::optional<TransferRecord> selectOne(const QString &tail, const QVariantList &values);
    // Every row of selectSql(tail) with the values bound (an error in lastError).
    QList<TransferRecord> selectAll(const QString &tail, const QVariantList &values);
};

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Every column but id, in the order of transferColumns().
QVariantList recordValues(const TransferRecord &r)
{
    return {int(r.direction),
            int(r.state),
            encodeUrl(r.url),
            encodeUrl(r.finalUrl),
            notNullText(r.destination),
            notNullText(r.directory),
            notNullText(r.requestedName),
            r.totalSize,
            r.doneSize,
            r.etag,
            r.lastModified,
            encodeSegments(r.segments),
            notNullText(r.expectedChecksum),
            notNullText(r.sha256),
            r.errorCode,
            notNullText(r.lastError),
            encodeDate(r.added),
            encodeDate(r.updated),
            encodeDate(r.completed),
            r.priority,
            r.position,
            notNullText(r.uploadUrl),
            encodeOptions(r.options),
            notNullText(r.published)};
}

// By position from `first` on (a kept statement still holds the values of its last run).
void bindValues(QSqlQuery &q, const QVariantList &values, int first = 0)
{
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(first + i, values.at(i));
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
    r.published = q.value(i++).toString();
    return r;
}

QString selectSql(const QString &tail)
{
    return QStringLiteral("SELECT ") + transferColumns() + QStringLiteral(" FROM transfers ") +
           tail;
}

} // namespace

bool TransferStore::Private::updateRow(const QString &assignments, const QVariantList &values,
                                       qint64 id, Error *out)
{
    if (!conn.isOpen())
        return notOpen(out);
    Error e;
    QSqlQuery *q = conn.prepared(QStringLiteral("UPDATE transfers SET ") + assignments +
                                     QStringLiteral(" WHERE id = ?"),
                                 &e);
    if (!q)
        return fail(e, out);
    bindValues(*q, values);
    q->bindValue(int(values.size()), id);
    const bool ok = execUpdate(*q, id, out);
    q->finish();
    return ok;
}

QList<TransferRecord> TransferStore::Private::selectAll(const QString &tail,
                                                        const QVariantList &values)
{
    QList<TransferRecord> all;
    if (!conn.isOpen()) {
        notOpen(nullptr);
        return all;
    }
    QSqlQuery q(conn.db());
    q.setForwardOnly(true);
    if (!q.prepare(selectSql(tail))) {
        failQuery(q, nullptr);
        return all;
    }
    bindValues(q, values);
    if (!q.exec()) {
        failQuery(q, nullptr);
        return all;
    }
    while (q.next())
        all.append(readRecord(q));
    return all;
}

std::optional<TransferRecord> TransferStore::Private::selectOne(const QString &tail,
                                                                const QVariantList &values)
{
    if (!conn.isOpen()) {
        notOpen(nullptr);
        return std::nullopt;
    }
    Error e;
    QSqlQuery *q = conn.prepared(selectSql(tail), &e);
    if (!q) {
        fail(e, nullptr);
        return std::nullopt;
    }
    bindValues(*q, values);
    if (!q->exec()) {
        failQuery(*q, nullptr);
        return std::nullopt;
    }
    std::optional<TransferRecord> found;
    if (q->next())
        found = readRecord(*q);
    q->finish(); // no read transaction left open
    return found;
}

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
        r.added = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    if (!r.updated.isValid())
        r.updated = r.added;
    const bool withId = r.id > 0;
    Error e;
    QSqlQuery *q = d->conn.prepared(
        QStringLiteral("INSERT INTO transfers (") +
            (withId ? transferColumns() : transferColumns().section(QLatin1Char(','), 1)) +
            QStringLiteral(") VALUES (") + (withId ? QStringLiteral("?,") : QString()) +
            QStringLiteral("?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        &e);
    if (!q)
        return d->fail(e, error);
    if (withId)
        q->bindValue(0, r.id);
    bindValues(*q, recordValues(r), withId ? 1 : 0);
    if (!q->exec()) {
        const bool failed = d->failQuery(*q, error);
        q->finish();
        return failed;
    }
    if (!withId)
        r.id = q->lastInsertId().toLongLong();
    q->finish();
    record = r;
    return true;
}

bool TransferStore::update(const TransferRecord &record, Error *error)
{
    TransferRecord r = record;
    r.updated = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    return d->updateRow(
        QStringLiteral(
            "direction = ?, state = ?, url = ?, final_url = ?, destination = ?, directory = ?,"
            " requested_name = ?, total_size = ?, done_size = ?, etag = ?, last_modified = ?,"
            " segments = ?, expected_checksum = ?, sha256 = ?, error_code = ?, last_error = ?,"
            " added = ?, updated = ?, completed = ?, priority = ?, position = ?, upload_url = ?,"
            " options = ?, published = ?"),
        recordValues(r), r.id, error);
}

bool TransferStore::updateDownloadState(const TransferRecord &record, Error *error,
                                        Durability durability)
{
    if (durability == Durability::Synced) {
        Error local;
        Error *e = error ? error : &local;
        return d->conn.execSynced([&] { return updateDownloadState(record, e); }, e);
    }
    return d->updateRow(
        QStringLiteral("final_url = ?, destination = ?, total_size = ?, done_size = ?,"
                       " etag = ?, last_modified = ?, segments = ?, expected_checksum = ?,"
                       " sha256 = ?, updated = ?, completed = ?, published = ?"),
        {encodeUrl(record.finalUrl), notNullText(record.destination), record.totalSize,
         record.doneSize, record.etag, record.lastModified, encodeSegments(record.segments),
         notNullText(record.expectedChecksum), notNullText(record.sha256),
         encodeDate(QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC)), encodeDate(record.completed),
         notNullText(record.published)},
        record.id, error);
}

bool TransferStore::updateUploadState(const TransferRecord &record, Error *error)
{
    return d->updateRow(
        QStringLiteral("destination = ?, total_size = ?, done_size = ?, upload_url = ?,"
                       " options = ?, updated = ?, completed = ?"),
        {notNullText(record.destination), record.totalSize, record.doneSize,
         notNullText(record.uploadUrl), encodeOptions(record.options),
         encodeDate(QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC)),
         encodeDate(record.completed)},
        record.id, error);
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
    const qint64 now = nowMs();
    return d->updateRow(QStringLiteral("state = ?, error_code = ?, last_error = ?, updated = ?,"
                                       " completed = CASE WHEN ? THEN ? ELSE completed END"),
                        {int(state), int(lastError.code), notNullText(lastError.message), now,
                         state == TransferState::Completed ? 1 : 0, now},
                        id, error);
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

bool TransferStore::beginBatch(Durability durability)
{
    if (!d->conn.isOpen())
        return d->notOpen(nullptr);
    Error e;
    if (!d->conn.beginBatch(&e, durability == Durability::Synced))
        return d->fail(e, nullptr);
    return true;
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
    return d->selectOne(QStringLiteral("WHERE id = ?"), {id});
}

QList<TransferRecord> TransferStore::loadAll() const
{
    return d->selectAll(QStringLiteral("ORDER BY position, id"), {});
}

QList<TransferRecord> TransferStore::loadUploads() const
{
    return d->selectAll(QStringLiteral("WHERE direction = ? ORDER BY position, id"),
                        {int(TransferDirection::Upload)});
}

std::optional<TransferRecord> TransferStore::findDownload(const QUrl &url, const QString &directory,
                                                          const QString &requestedName) const
{
    return d->selectOne(QStringLiteral("WHERE url = ? AND directory = ? AND requested_name = ?"
                                       " AND direction = ? ORDER BY id DESC LIMIT 1"),
                        {encodeUrl(url), notNullText(directory), notNullText(requestedName),
                         int(TransferDirection::Download)});
}

std::optional<TransferRecord> TransferStore::findByDestination(const QString &destination) const
{
    if (isOpen() && destination.isEmpty())
        return std::nullopt; // "not known yet" is no destination
    return d->selectOne(
        QStringLiteral("WHERE destination = ? AND direction = ? AND state != ?"
                       " ORDER BY id DESC LIMIT 1"),
        {destination, int(TransferDirection::Download), int(TransferState::Completed)});
}

} // namespace bt
