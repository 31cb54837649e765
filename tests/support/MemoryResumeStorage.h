#pragma once

// A ResumeStorage in memory for the engines' tests: they run without SQLite. It keeps the
// store's column rules (a transfer's saves leave the identity, the order and the state alone),
// answers on the next event-loop turn as the queue's store does, and lets a test read and
// change rows at once. Thread-safe.

#include "PostBack.h"
#include "transfer/DestinationResolver.h"
#include "transfer/ResumeStorage.h"

#include <QDateTime>
#include <QFileInfo>
#include <QMap>
#include <QMutex>

namespace bt::test {

class MemoryResumeStorage : public ResumeStorage
{
public:
    // What the queue does before it starts a download: the row of the same request (url,
    // folder, requested name), newest first; a new one when there is none, or when the one
    // there is complete, intact and not to be resumed (asked again: the old one is history).
    qint64 rowFor(const DownloadRequest &request)
    {
        const QString directory = DestinationResolver::directoryOf(request);
        std::optional<TransferRecord> found;
        for (const TransferRecord &r : loadAll()) {
            if (r.direction == TransferDirection::Download && r.url == request.url &&
                r.directory == directory && r.requestedName == request.fileName &&
                (!found || r.id > found->id))
                found = r;
        }
        if (found && !request.resume &&
            (found->state == TransferState::Completed || found->completed.isValid())) {
            const QFileInfo info(found->destination);
            if (info.isFile() && info.size() == found->totalSize)
                found.reset();
        }
        if (found)
            return found->id;
        TransferRecord row;
        row.url = request.url;
        row.directory = directory;
        row.requestedName = request.fileName;
        row.state = TransferState::Active;
        insert(row);
        return row.id;
    }

    bool insert(TransferRecord &record)
    {
        QMutexLocker lock(&m_mutex);
        if (record.id <= 0)
            record.id = ++m_lastId;
        m_lastId = qMax(m_lastId, record.id);
        if (!record.added.isValid())
            record.added = QDateTime::currentDateTimeUtc();
        m_rows.insert(record.id, record);
        return true;
    }
    bool update(const TransferRecord &record)
    {
        QMutexLocker lock(&m_mutex);
        if (!m_rows.contains(record.id))
            return false;
        m_rows.insert(record.id, record);
        return true;
    }
    std::optional<TransferRecord> load(qint64 id) const
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_rows.constFind(id);
        return it == m_rows.cend() ? std::nullopt : std::optional<TransferRecord>(*it);
    }
    QList<TransferRecord> loadAll() const
    {
        QMutexLocker lock(&m_mutex);
        return m_rows.values();
    }
    int saves() const
    {
        QMutexLocker lock(&m_mutex);
        return m_saves;
    }

    // ResumeStorage
    void load(qint64 id, QObject *context,
              std::function<void(const std::optional<TransferRecord> &)> then) override
    {
        PostBack(context).post([then = std::move(then), row = load(id)] { then(row); });
    }
    void saveDownloadState(const TransferRecord &record) override
    {
        change(record.id, [&](TransferRecord &r) {
            r.finalUrl = record.finalUrl;
            r.destination = record.destination;
            r.totalSize = record.totalSize;
            r.doneSize = record.doneSize;
            r.etag = record.etag;
            r.lastModified = record.lastModified;
            r.segments = record.segments;
            r.expectedChecksum = record.expectedChecksum;
            r.sha256 = record.sha256;
            r.completed = record.completed;
            r.published = record.published;
        });
    }
    void saveDownloadStateDurably(const TransferRecord &record, QObject *context,
                                  std::function<void(const Error &)> then) override
    {
        saveDownloadState(record);
        PostBack(context).post([then = std::move(then)] { then(Error{}); });
    }
    void saveUploadState(const TransferRecord &record) override
    {
        change(record.id, [&](TransferRecord &r) {
            r.destination = record.destination;
            r.totalSize = record.totalSize;
            r.doneSize = record.doneSize;
            r.uploadUrl = record.uploadUrl;
            r.options = record.options;
            r.completed = record.completed;
        });
    }
    void saveProgress(qint64 id, qint64 doneSize, const QList<SegmentState> &segments) override
    {
        change(id, [&](TransferRecord &r) {
            r.doneSize = doneSize;
            r.segments = segments;
        });
    }
    void setState(qint64 id, TransferState state, const Error &lastError = {}) override
    {
        change(id, [&](TransferRecord &r) {
            r.setState(state, lastError);
            if (state == TransferState::Completed)
                r.completed = QDateTime::currentDateTimeUtc();
        });
    }

private:
    template <typename F> void change(qint64 id, F f)
    {
        QMutexLocker lock(&m_mutex);
        ++m_saves;
        const auto it = m_rows.find(id);
        if (it == m_rows.end())
            return; // removed while it ran, as in the store
        f(*it);
        it->updated = QDateTime::currentDateTimeUtc();
    }

    mutable QMutex m_mutex;
    QMap<qint64, TransferRecord> m_rows;
    qint64 m_lastId = 0;
    int m_saves = 0;
};

} // namespace bt::test
