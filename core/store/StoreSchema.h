#pragma once

#include <QStringList>

namespace bt::store {

// The schema as a list of migrations: migration N (1-based) turns a database at user_version
// N-1 into one at N. Only ever append to the list; never edit a shipped migration.
int latestSchemaVersion();

// The SQL statements of migration `version` (1..latestSchemaVersion()).
QStringList migrationStatements(int version);

// The columns of `transfers` in the order TransferStore reads and writes them.
QString transferColumns();

} // namespace bt::store
