#pragma once

#include "MemoryResumeStorage.h"
#include "upload/Upload.h"
#include "upload/UploadRequestCodec.h"

#include "net/HttpClient.h"
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <functional>

// Runs uploads on the test thread with a store in memory (the engine runs without SQLite).
struct UploadRun
{
    bt::TransferResult result;
    QStringList messages;
    qint64 lastDone = 0;
    int progressCount = 0;
    bool finished = false;
    QString log() const { return messages.join(QLatin1Char('\n')); }
};

class UploadHarness
{
public:
    bool storeOk() const { return true; }
    bt::test::MemoryResumeStorage &store() { return m_store; }

    // What the queue gives an upload: the newest row of the same source, URL and method
    // (the engine starts it afresh when the source changed), else a new one.
    qint64 rowFor(const bt::UploadRequest &request)
    {
        bt::TransferRecord wanted = bt::uploadcodec::toRecord(request);
        wanted.destination = QFileInfo(request.sourcePath).absoluteFilePath();
        std::optional<bt::TransferRecord> found;
        for (const bt::TransferRecord &r : m_store.loadAll()) {
            if (r.direction == bt::TransferDirection::Upload && r.url == wanted.url &&
                r.destination == wanted.destination &&
                r.options.value(QStringLiteral("method")) ==
                    wanted.options.value(QStringLiteral("method")) &&
                (!found || r.id > found->id))
                found = r;
        }
        if (found)
            return found->id;
        wanted.state = bt::TransferState::Active;
        m_store.insert(wanted);
        return wanted.id;
    }
    QString tempPath(const QString &name) const { return m_files.filePath(name); }

    // onProgress runs on every progress snapshot (e.g. to stop() or change the file).
    // Without a recordId, on the row rowFor() gives.
    UploadRun run(bt::UploadRequest request,
                  std::function<void(bt::Upload *, const bt::TransferProgress &)> onProgress = {},
                  int timeoutMs = 60000)
    {
        if (request.recordId <= 0)
            request.recordId = rowFor(request);
        UploadRun out;
        bt::Upload *upload = bt::Upload::create(request, &m_network, &m_store);
        QElapsedTimer clock;
        clock.start();
        QObject::connect(upload, &bt::Upload::message, upload, [&out, &clock](const QString &text) {
            out.messages.append(QStringLiteral("[%1 ms] ").arg(clock.elapsed()) + text);
        });
        QObject::connect(upload, &bt::Upload::progress, upload,
                         [&out, upload, onProgress](const bt::TransferProgress &p) {
                             out.lastDone = p.done;
                             ++out.progressCount;
                             if (onProgress)
                                 onProgress(upload, p);
                         });
        int finishedCount = 0;
        QObject::connect(upload, &bt::Upload::finished, upload,
                         [&out, &finishedCount](const bt::TransferResult &r) {
                             out.result = r;
                             out.finished = true;
                             ++finishedCount;
                         });
        // A real event loop: QTest::qWait() sleeps between event batches, which would starve
        // the upload's body device (QNAM pulls it chunk by chunk from this thread).
        QEventLoop loop;
        QObject::connect(upload, &bt::Upload::finished, &loop, &QEventLoop::quit,
                         Qt::QueuedConnection);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        upload->start();
        loop.exec();
        if (!out.finished) {
            out.result.error =
                bt::Error{bt::ErrorCode::Timeout, QStringLiteral("test timeout"), 0, -1};
            upload->stop();
            QTest::qWait(50);
        }
        QTest::qWait(20); // a second finished() would show up here
        if (finishedCount != 1)
            qWarning("finished() emitted %d times", finishedCount);
        delete upload;
        return out;
    }

private:
    QTemporaryDir m_files;
    bt::test::MemoryResumeStorage m_store;
    bt::HttpClient m_network;
};
