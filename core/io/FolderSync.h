#pragma once

#include "Error.h"

#include <QHash>
#include <QString>

#include <functional>
#include <mutex>
#include <vector>

namespace bt {

class DiskThreads;

// Group commit for the fsync of a folder. A rename into a folder is durable once an fsync of
// that folder has begun after it; files that are published together (a batch of small
// downloads into one folder) share one such fsync instead of paying one each. The first
// request for a folder starts an fsync on a disk thread; requests that arrive while it runs
// wait for the next one, which then covers them all.
class FolderSync
{
public:
    explicit FolderSync(DiskThreads &threads);

    // The process-wide one, on DiskThreads::shared(); never destroyed, so that a disk task
    // still queued at exit does not outlive it.
    static FolderSync &shared();

    // done(error) runs on a disk thread once an fsync of `folder` that began after this call
    // has ended. Thread-safe.
    void sync(const QString &folder, std::function<void(const Error &)> done);

    // One fsync of `folder`, here and now (EINVAL, a file system that cannot sync a folder,
    // counts as done).
    static Error syncNow(const QString &folder);

    // fsyncs run so far (for the tests and the benchmark's account).
    qint64 syncCount() const;

private:
    struct Folder
    {
        bool running = false;
        std::vector<std::function<void(const Error &)>> waiting;
    };
    void run(const QString &folder);

    DiskThreads &m_threads;
    mutable std::mutex m_mutex;
    QHash<QString, Folder> m_folders;
    qint64 m_syncs = 0;
};

} // namespace bt
