#include "store/CommitWaiter.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace bt::store {

namespace {

constexpr std::chrono::milliseconds kSlice{10}; // a commit in another process is not signalled
constexpr int kAutoCheckpointPages = 1000;      // SQLite's default

struct Commits
{
    std::mutex mutex;
    std::condition_variable changed;
    quint64 count = 0;
};

Commits &commits()
{
    static Commits c;
    return c;
}

int onWalCommit(void *, sqlite3 *db, const char *name, int pages)
{
    if (pages >= kAutoCheckpointPages)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    Commits &c = commits();
    {
        std::lock_guard lock(c.mutex);
        ++c.count;
    }
    c.changed.notify_all();
    return SQLITE_OK;
}

} // namespace

int CommitWaiter::onBusy(void *self, int tries)
{
    auto *waiter = static_cast<CommitWaiter *>(self);
    const auto now = std::chrono::steady_clock::now();
    if (tries == 0)
        waiter->m_since = now;
    if (now - waiter->m_since >= std::chrono::milliseconds(waiter->m_timeoutMs))
        return 0; // SQLITE_BUSY for the caller
    Commits &c = commits();
    std::unique_lock lock(c.mutex);
    const quint64 seen = c.count;
    c.changed.wait_for(lock, kSlice, [&] { return c.count != seen; });
    return 1; // try again
}

bool CommitWaiter::install(QSqlDatabase &db, int busyTimeoutMs)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return false;
    sqlite3 *sqlite = *static_cast<sqlite3 *const *>(handle.constData());
    if (!sqlite)
        return false;
    m_timeoutMs = busyTimeoutMs;
    sqlite3_busy_handler(sqlite, &CommitWaiter::onBusy, this);
    sqlite3_wal_hook(sqlite, &onWalCommit, nullptr);
    return true;
}

} // namespace bt::store
