#include "FolderSync.h"

#include "DiskThreads.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace bt {

FolderSync::FolderSync(DiskThreads &threads) : m_threads(threads) {}

FolderSync &FolderSync::shared()
{
    static FolderSync *const instance = new FolderSync(DiskThreads::shared());
    return *instance;
}

Error FolderSync::syncNow(const QString &folder)
{
    const int dfd =
        ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return Error::fromErrno(errno, folder);
    const bool ok = ::fsync(dfd) == 0 || errno == EINVAL;
    const int err = errno;
    ::close(dfd);
    return ok ? Error{} : Error::fromErrno(err, folder);
}

void FolderSync::sync(const QString &folder, std::function<void(const Error &)> done)
{
    std::lock_guard lock(m_mutex);
    Folder &f = m_folders[folder];
    f.waiting.push_back(std::move(done));
    if (f.running)
        return; // the run after the current one takes it
    f.running = true;
    m_threads.post([this, folder] { run(folder); });
}

void FolderSync::run(const QString &folder)
{
    std::vector<std::function<void(const Error &)>> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_folders[folder].waiting);
        ++m_syncs;
    }
    // Every rename in this batch happened before its request, so before this fsync begins.
    const Error e = syncNow(folder);
    for (const auto &done : batch)
        done(e);
    std::lock_guard lock(m_mutex);
    auto it = m_folders.find(folder);
    if (it->waiting.empty()) {
        m_folders.erase(it);
        return;
    }
    // Posted rather than looped: other tasks (writes, syncs) get the thread in between.
    m_threads.post([this, folder] { run(folder); });
}

qint64 FolderSync::syncCount() const
{
    std::lock_guard lock(m_mutex);
    return m_syncs;
}

} // namespace bt
