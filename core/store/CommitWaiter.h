#pragma once

#include <chrono>

class QSqlDatabase;

namespace bt::store {

// Waiting for SQLite's write lock without sleeping. Several connections of this process write
// the same database (the queue's, each worker's); SQLite's own busy handler sleeps 1 ms, 2, 5,
// ... up to 100 ms between tries, which cost ~1 s of waiting per 40 small files. This busy
// handler instead waits on a condition that every commit of this process signals (through
// SQLite's WAL hook, which runs once the commit is done and its lock released), so a writer
// goes on as soon as the other one has committed; a writer in another process is still waited
// for, in slices, up to the busy timeout. The WAL hook also does SQLite's auto-checkpoint
// (which it replaces), at the same 1,000 pages.
class CommitWaiter
{
public:
    // Installs both hooks on the open connection `db` (this object is the busy handler's, so
    // it must outlive the connection: a member of it); false if the driver is not SQLite's.
    bool install(QSqlDatabase &db, int busyTimeoutMs);

private:
    static int onBusy(void *self, int tries);

    int m_timeoutMs = 5000;
    std::chrono::steady_clock::time_point m_since; // this wait for the lock started
};

} // namespace bt::store
