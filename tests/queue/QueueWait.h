#pragma once

#include "queue/QueueManager.h"

#include <QSignalSpy>

namespace bt::queuetest {

// The queue answers open(), shutdown() and flushStore() by signals; a test waits for them
// (its own event loop runs meanwhile, as the program's does).
inline bool openQueue(QueueManager &queue, const QString &dataDir,
                      const QueueManager::Options &options, Error *error = nullptr)
{
    QSignalSpy opened(&queue, &QueueManager::opened);
    queue.open(dataDir, options);
    if (!opened.wait(20000)) {
        if (error)
            *error = {ErrorCode::Store, QStringLiteral("no opened() within 20 s")};
        return false;
    }
    const Error e = opened.at(0).at(0).value<Error>();
    if (error)
        *error = e;
    return !e.isError();
}

inline bool openQueue(QueueManager &queue, const QString &dataDir, Error *error = nullptr)
{
    return openQueue(queue, dataDir, QueueManager::Options{}, error);
}

// shutdown() and its shutdownFinished().
inline bool shutDownQueue(QueueManager &queue, int timeoutMs = 10000)
{
    QSignalSpy finished(&queue, &QueueManager::shutdownFinished);
    queue.shutdown(timeoutMs);
    return finished.wait(timeoutMs + 20000);
}

// Everything the queue handed to the store so far is written.
inline bool flushQueue(QueueManager &queue)
{
    QSignalSpy flushed(&queue, &QueueManager::storeFlushed);
    queue.flushStore();
    return flushed.wait(20000);
}

} // namespace bt::queuetest
