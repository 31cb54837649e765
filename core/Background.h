#pragma once

#include <QMetaObject>
#include <QMutex>
#include <QObject>
#include <QThreadPool>

#include <memory>
#include <utility>

namespace bt {

// Runs `work` on the process's QThreadPool (a fixed set of threads, not one per job) and then
// `done(result)` on `context`'s thread, unless `context` is gone by then. For the CPU- or
// disk-bound steps of a transfer (verifying a file, measuring an archive, extracting one).
//
// `context` may be deleted at any time: the pool thread posts `done` to it under a lock that
// its destruction takes too, so it never posts to a dying object, and Qt drops the events of
// one deleted before they are delivered.
template <typename Work, typename Done> void runInBackground(QObject *context, Work work, Done done)
{
    struct Link
    {
        QMutex mutex;
        QObject *target = nullptr;
    };
    auto link = std::make_shared<Link>();
    link->target = context;
    // Lives on context's thread and dies with it: clears the target under the lock.
    auto *guard = new QObject(context);
    QObject::connect(guard, &QObject::destroyed, guard, [link] {
        QMutexLocker lock(&link->mutex);
        link->target = nullptr;
    });
    QThreadPool::globalInstance()->start(
        [link, guard, work = std::move(work), done = std::move(done)]() mutable {
            auto result = work();
            QMutexLocker lock(&link->mutex);
            if (!link->target)
                return;
            QMetaObject::invokeMethod(
                link->target,
                [guard, done = std::move(done), result = std::move(result)]() mutable {
                    delete guard;
                    done(std::move(result));
                },
                Qt::QueuedConnection);
        });
}

} // namespace bt
