// QueueManager: the after-download actions of completed downloads (extract, a command), so that
// the program and btstream run them alike and a download resumed after a restart still does.
#include "queue/QueueEntry.h"
#include "queue/QueueManager.h"
#include "queue/RequestCodec.h"

namespace bt {

void QueueManager::startAfterDownload(const QueueEntry &e, const TransferResult &result)
{
    if (m_phase != Phase::Open || e.record.direction != TransferDirection::Download ||
        result.path.isEmpty())
        return;
    const qint64 id = e.record.id;
    const AfterDownloadActions actions =
        requestcodec::afterDownload(e.record).united(m_afterDefaults);
    if (actions.isEmpty() || m_afterDownloads.contains(id))
        return;
    auto *run = new AfterDownload(actions, this);
    run->setCommandOutput(m_commandOutput);
    m_afterDownloads.insert(id, run);
    connect(run, &AfterDownload::progress, this, [this, id](qint64 done, qint64 total) {
        Q_EMIT afterDownloadProgress(id, done, total);
    });
    connect(run, &AfterDownload::finished, this, [this, id, run](const AfterDownload::Result &r) {
        m_afterDownloads.remove(id);
        run->deleteLater();
        Q_EMIT afterDownloadFinished(id, r);
        checkIdleLater();
    });
    run->start(result.path);
}

void QueueManager::stopAfterDownloads()
{
    // The destructor stops an extraction (joins its thread) and kills a command.
    const QHash<qint64, AfterDownload *> running = std::exchange(m_afterDownloads, {});
    for (AfterDownload *run : running) {
        run->disconnect(this);
        delete run;
    }
}

} // namespace bt
