#pragma once

#include "FakeJob.h"
#include "QueueWait.h"
#include "queue/QueueManager.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace bt::queuetest {

// A queue over a store in a temporary folder, running FakeJobs.
struct QueueEnv
{
    QTemporaryDir dir;
    FakeJobs jobs;
    std::unique_ptr<QueueManager> queue;
    QDateTime now = QDateTime(QDate(2026, 1, 5), QTime(12, 0));

    QString dataDir() const { return dir.filePath(QStringLiteral("data")); }

    // Opens a queue (a new one each call, over the same store).
    bool open(int maxActive = 3, int maxPerHost = 2, bool useClock = false)
    {
        queue = std::make_unique<QueueManager>();
        queue->setJobFactory(jobs.factory());
        if (useClock)
            queue->setClock([this] { return now; });
        queue->setMaxActive(maxActive);
        queue->setMaxPerHost(maxPerHost);
        QueueManager::Options options;
        options.threads = 2;
        Error error;
        if (!openQueue(*queue, dataDir(), options, &error)) {
            qWarning() << "open failed:" << error.message;
            return false;
        }
        return true;
    }

    DownloadRequest request(const QString &host, int n) const
    {
        DownloadRequest r;
        r.url = QUrl(QStringLiteral("http://%1/file-%2.bin").arg(host).arg(n));
        r.directory = dir.filePath(QStringLiteral("out"));
        return r;
    }

    qint64 add(const QString &host, int n, int priority = 0)
    {
        return queue->enqueue(request(host, n), priority);
    }

    TransferState state(qint64 id) const
    {
        const auto s = queue->snapshot(id);
        return s ? s->state : TransferState(-1);
    }
};

inline const char *stateName(TransferState s)
{
    static QByteArray name;
    name = transferStateName(s).toLatin1();
    return name.constData();
}

} // namespace bt::queuetest

// QCOMPARE prints states by name.
namespace QTest {
template <> inline char *toString(const bt::TransferState &s)
{
    return qstrdup(bt::transferStateName(s).toLatin1().constData());
}
} // namespace QTest
