#pragma once

#include "store/TransferStore.h"
#include "upload/Upload.h"

#include "net/HttpClient.h"
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <functional>

// Runs uploads on the test thread with a store in a temporary data directory.
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
    UploadHarness()
    {
        bt::Error error;
        m_storeOk = m_store.open(m_dataDir.path(), &error);
        if (!m_storeOk)
            qWarning("store: %s", qPrintable(error.message));
    }
    bool storeOk() const { return m_storeOk; }
    bt::TransferStore &store() { return m_store; }
    QString tempPath(const QString &name) const { return m_files.filePath(name); }

    // onProgress runs on every progress snapshot (e.g. to stop() or change the file).
    UploadRun run(const bt::UploadRequest &request,
                  std::function<void(bt::Upload *, const bt::TransferProgress &)> onProgress = {},
                  int timeoutMs = 60000)
    {
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
    QTemporaryDir m_dataDir;
    QTemporaryDir m_files;
    bt::TransferStore m_store;
    bt::HttpClient m_network;
    bool m_storeOk = false;
};
