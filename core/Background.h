#pragma once

#include "PostBack.h"

#include <QObject>
#include <QThreadPool>

#include <memory>
#include <utility>

namespace bt {

// Runs `work` on the process's QThreadPool (a fixed set of threads, not one per job) and then
// `done(result)` on `context`'s thread, unless `context` is gone by then. For the CPU- or
// disk-bound steps of a transfer (verifying a file, measuring an archive, extracting one).
//
// `context` may be deleted at any time (see PostBack).
template <typename Work, typename Done> void runInBackground(QObject *context, Work work, Done done)
{
    QThreadPool::globalInstance()->start([back = PostBack(context), work = std::move(work),
                                          done = std::move(done)]() mutable {
        back.post([done = std::move(done), result = work()]() mutable { done(std::move(result)); });
    });
}

} // namespace bt
