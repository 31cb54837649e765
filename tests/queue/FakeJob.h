#pragma once

#include "transfer/ResumeStorage.h"

#include "queue/JobContext.h"
#include "transfer/Transfer.h"

#include <QHash>
#include <QList>
#include <QPointer>
#include <QThread>
#include <atomic>

namespace bt::queuetest {

// A job the test drives: it does nothing until told (progress, verifying, finish). stop()
// answers at once with Cancelled, as the engine does after flushing.
class FakeJob : public Transfer
{
    Q_OBJECT
public:
    FakeJob(qint64 id, const JobContext &context) : Transfer(id), m_context(context)
    {
        m_rateLimit = context.rateLimit;
    }

    JobContext context() const { return m_context; }
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};
    std::atomic<bool> rowLoaded{false}; // its row's read answered, and whether it was there
    std::atomic<bool> rowFound{false};
    std::atomic<QThread *> thread{nullptr};
    void setRateLimit(qint64 bytesPerSecond) override { m_rateLimit = bytesPerSecond; }
    void setSharedRateLimiter(std::shared_ptr<RateLimiter>) override {}
    qint64 rateLimit() const { return m_rateLimit; }

    // Called from the test's thread: run on the job's thread.
    void sendProgress(qint64 done, qint64 total)
    {
        QMetaObject::invokeMethod(
            this,
            [this, done, total] {
                TransferProgress p;
                p.id = id();
                p.done = done;
                p.total = total;
                p.connections = 1;
                Q_EMIT progress(p);
            },
            Qt::QueuedConnection);
    }
    void sendRetrying(ErrorCode code, const QString &message, qint64 delayMs, int attempt,
                      int maxAttempts)
    {
        QMetaObject::invokeMethod(
            this,
            [=, this] {
                Error e;
                e.code = code;
                e.message = message;
                announceRetry(e, delayMs, attempt, maxAttempts);
            },
            Qt::QueuedConnection);
    }
    void sendVerifying()
    {
        QMetaObject::invokeMethod(
            this, [this] { setPhase(TransferPhase::Verifying); }, Qt::QueuedConnection);
    }
    void finishOk(const QString &path = {}, qint64 size = 0)
    {
        QMetaObject::invokeMethod(
            this,
            [this, path, size] {
                TransferResult r;
                r.id = id();
                r.path = path;
                r.size = size;
                finishWith(r);
            },
            Qt::QueuedConnection);
    }
    void finishError(ErrorCode code, const QString &message = QStringLiteral("fake failure"))
    {
        QMetaObject::invokeMethod(
            this,
            [this, code, message] {
                TransferResult r;
                r.id = id();
                r.error.code = code;
                r.error.message = message;
                finishWith(r);
            },
            Qt::QueuedConnection);
    }

protected:
    void startTransfer() override
    {
        thread = QThread::currentThread();
        started = true;
        if (!m_context.storage)
            return;
        // As an engine does first: its row, read after what was handed over before.
        m_context.storage->load(id(), this, [this](const std::optional<TransferRecord> &row) {
            rowFound = row.has_value();
            rowLoaded = true;
        });
    }
    void stopTransfer() override
    {
        stopped = true;
        TransferResult r;
        r.id = id();
        r.error.code = ErrorCode::Cancelled;
        finishWith(r);
    }

private:
    void finishWith(const TransferResult &r) { finish(r); }

    JobContext m_context;
    std::atomic<qint64> m_rateLimit{0};
};

// The factory for the queue and what it made: jobs by transfer id (the live ones), and the
// order in which transfers were started. Used on the test's (= the queue's) thread.
class FakeJobs : public QObject
{
    Q_OBJECT
public:
    JobFactory factory()
    {
        return [this](const TransferRecord &record, const JobContext &context) -> Transfer * {
            auto *job = new FakeJob(record.id, context);
            m_live.insert(record.id, job);
            startOrder.append(record.id);
            connect(
                job, &Transfer::finished, this,
                [this, job, id = record.id] {
                    if (m_live.value(id) == job)
                        m_live.remove(id);
                },
                Qt::QueuedConnection);
            return job;
        };
    }
    FakeJob *job(qint64 id) const { return m_live.value(id).data(); }
    QList<qint64> liveIds() const { return m_live.keys(); }
    int liveCount() const { return int(m_live.size()); }

    QList<qint64> startOrder;

private:
    QHash<qint64, QPointer<FakeJob>> m_live;
};

} // namespace bt::queuetest
