#pragma once

// Shared by the tst_httpdownload_* tests: a FaultServer, a store in memory (the engine runs
// without SQLite) and a download folder in a temporary directory, and a way to run one
// HttpDownload to its end on the row the queue would give it.

#include "FaultServer.h"
#include "MemoryResumeStorage.h"
#include "transfer/HttpDownload.h"

#include "net/HttpClient.h"
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>
#include <memory>

namespace bt::test {

struct RunResult
{
    TransferResult result;
    QStringList messages;
    QList<TransferProgress> progress;
    qint64 elapsedMs = 0;
    bool finishedOnce = false;
};

class Harness
{
public:
    Harness()
    {
        QDir(m_tmp.path()).mkpath(QStringLiteral("dl"));
        m_serverOk = server.listen();
    }
    bool ok() const { return m_tmp.isValid() && m_serverOk; }

    FaultServer server;
    MemoryResumeStorage &store() { return m_store; }
    QString dir() const { return m_tmp.filePath(QStringLiteral("dl")); }
    QString path(const QString &name) const { return QDir(dir()).filePath(name); }
    QString tmpRoot() const { return m_tmp.path(); }

    DownloadRequest request(const QByteArray &resourcePath) const
    {
        DownloadRequest r;
        r.url = QUrl(QString::fromLatin1(server.url(resourcePath)));
        r.directory = dir();
        r.retryDelayMs = 50;
        r.stallTimeoutSec = 5;
        return r;
    }

    // Runs to finished() on this thread; `during` is called just before start().
    // Without a storeId, on the row of the same request (MemoryResumeStorage::rowFor).
    RunResult run(DownloadRequest request, int timeoutMs = 30000,
                  const std::function<void(HttpDownload *)> &during = {})
    {
        if (request.storeId <= 0)
            request.storeId = m_store.rowFor(request);
        bt::HttpClient network;
        HttpDownload download(request, &network, &m_store);
        RunResult out;
        QSignalSpy finished(&download, &HttpDownload::finished);
        QObject::connect(&download, &HttpDownload::message,
                         [&out](const QString &m) { out.messages.append(m); });
        QObject::connect(&download, &HttpDownload::progress,
                         [&out](const TransferProgress &p) { out.progress.append(p); });
        QElapsedTimer clock;
        clock.start();
        if (during)
            during(&download); // before start(): connect signals, set a shared limiter
        download.start();
        if (finished.isEmpty())
            finished.wait(timeoutMs);
        out.elapsedMs = clock.elapsed();
        if (!finished.isEmpty())
            out.result = finished.first().first().value<TransferResult>();
        QTest::qWait(50); // a second finished() would show up here
        out.finishedOnce = finished.size() == 1;
        if (qEnvironmentVariableIsSet("BT_TEST_VERBOSE")) {
            for (const auto &m : out.messages)
                qDebug() << "message:" << m;
            for (const auto &rq : server.requests())
                qDebug() << "request:" << rq.path << rq.headers.value("range") << rq.peerPort;
            qDebug() << "result:" << int(out.result.error.code) << out.result.error.message;
        }
        return out;
    }

    QStringList files() const
    {
        return QDir(dir()).entryList(QDir::Files | QDir::Hidden | QDir::System);
    }

private:
    QTemporaryDir m_tmp;
    MemoryResumeStorage m_store;
    bool m_serverOk = false;
};

inline QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline FaultServer::Resource resource(const QByteArray &body)
{
    FaultServer::Resource r;
    r.body = body;
    return r;
}

inline FaultServer::Fault fault(FaultServer::Fault::Kind kind, qint64 bytes = 0, int status = 0,
                                const QByteArray &retryAfter = {})
{
    FaultServer::Fault f;
    f.kind = kind;
    f.bytes = bytes;
    f.status = status;
    f.retryAfter = retryAfter;
    return f;
}

} // namespace bt::test
