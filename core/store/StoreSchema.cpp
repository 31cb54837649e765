#include "store/StoreSchema.h"

namespace bt::store {

namespace {

// Version 1: one row a transfer. Segments and options are compact JSON text so that the hot
// path (updateProgress) is a single UPDATE of one row. Dates are ms since the epoch (NULL =
// not set). Text columns used in lookups are NOT NULL DEFAULT '' so that equality works.
const QStringList kMigration1 = {
    QStringLiteral("CREATE TABLE transfers ("
                   " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                   " direction INTEGER NOT NULL DEFAULT 0,"
                   " state INTEGER NOT NULL DEFAULT 0,"
                   " url TEXT NOT NULL DEFAULT '',"
                   " final_url TEXT NOT NULL DEFAULT '',"
                   " destination TEXT NOT NULL DEFAULT '',"
                   " directory TEXT NOT NULL DEFAULT '',"
                   " requested_name TEXT NOT NULL DEFAULT '',"
                   " total_size INTEGER NOT NULL DEFAULT -1,"
                   " done_size INTEGER NOT NULL DEFAULT 0,"
                   " etag BLOB,"
                   " last_modified BLOB,"
                   " segments TEXT NOT NULL DEFAULT '[]',"
                   " expected_checksum TEXT NOT NULL DEFAULT '',"
                   " sha256 TEXT NOT NULL DEFAULT '',"
                   " error_code INTEGER NOT NULL DEFAULT 0,"
                   " last_error TEXT NOT NULL DEFAULT '',"
                   " added INTEGER,"
                   " updated INTEGER,"
                   " completed INTEGER,"
                   " priority INTEGER NOT NULL DEFAULT 0,"
                   " position INTEGER NOT NULL DEFAULT 0,"
                   " upload_url TEXT NOT NULL DEFAULT '',"
                   " options TEXT NOT NULL DEFAULT '{}')"),
    QStringLiteral(
        "CREATE INDEX transfers_by_request ON transfers (url, directory, requested_name)"),
    QStringLiteral("CREATE INDEX transfers_by_destination ON transfers (destination)"),
};

// Version 2: what the file looked like just before its rename into place ("SIZE INODE
// MTIME_NS"), so that a kill between the rename and the Completed row is recognised without
// hashing the file (a download no longer computes a hash unless asked).
const QStringList kMigration2 = {
    QStringLiteral("ALTER TABLE transfers ADD COLUMN published TEXT NOT NULL DEFAULT ''"),
};

} // namespace

int latestSchemaVersion()
{
    return 2;
}

QStringList migrationStatements(int version)
{
    switch (version) {
    case 1:
        return kMigration1;
    case 2:
        return kMigration2;
    default:
        return {};
    }
}

QString transferColumns()
{
    return QStringLiteral("id, direction, state, url, final_url, destination, directory,"
                          " requested_name, total_size, done_size, etag, last_modified, segments,"
                          " expected_checksum, sha256, error_code, last_error, added, updated,"
                          " completed, priority, position, upload_url, options, published");
}

} // namespace bt::store
