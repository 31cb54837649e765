#pragma once

#include "DaemonOptions.h"
#include "Error.h"
#include "queue/QueueManager.h"
#include "queue/WhenAllDone.h"

#include <QObject>
#include <memory>

namespace bt::rpc {
class Aria2Service;
class RpcServer;
} // namespace bt::rpc

namespace bt::cli {

// `btstream daemon`: opens the queue on the store (every stored transfer, as the desktop
// program does), applies the desktop program's settings, and serves aria2's JSON-RPC until
// SIGTERM/SIGINT, aria2.shutdown or --on-all-done quit; then stops the transfers with their
// resume state saved and exits 0 within 2 s.
class DaemonCommand : public QObject
{
    Q_OBJECT
public:
    DaemonCommand(const DaemonOptions &options, const QString &dataDir, QObject *parent = nullptr);
    ~DaemonCommand() override;

public Q_SLOTS:
    void start();
    void stop(); // a signal or aria2.shutdown

Q_SIGNALS:
    void finished(int exitCode);

private:
    // The two places that know whether the queue opens and shuts down at once or later
    // (QueueManager::open / shutdown): the rest waits for queueOpened() / finish().
    void openQueue(const QString &dataDir);
    void stopQueue();
    void queueOpened();
    void watchAllDone(); // --on-all-done
    void fail(int exitCode, const QString &message);
    void finish(int exitCode);

    DaemonOptions m_options;
    QString m_dataDir;
    QString m_downloads; // the default download folder
    QueueManager m_queue;
    WhenAllDone m_allDone;
    std::unique_ptr<rpc::Aria2Service> m_service;
    std::unique_ptr<rpc::RpcServer> m_server;
    int m_exitCode = 0; // ExitSuccess unless fail() said otherwise
    bool m_stopping = false;
    bool m_finished = false;
};

} // namespace bt::cli
