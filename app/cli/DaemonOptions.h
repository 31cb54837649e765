#pragma once

#include "RpcServer.h"
#include "queue/WhenAllDone.h"

#include <QString>
#include <QStringList>

namespace bt::cli {

// `btstream daemon`'s command line (CliDaemonOptions.cpp parses it).
struct DaemonOptions
{
    QString downloadDir;   // -d: empty = the settings' download folder
    QStringList allowDirs; // --rpc-allow-dir: more folders a client may name in `dir`
    int jobs = 0;          // -j: 0 = the settings' "at once"
    QString secret;        // --rpc-secret
    rpc::RpcServerConfig rpc;
    // --on-all-done: Quit or RunCommand (onAllDoneCommand) once the queue is idle after work,
    // a notice of onAllDoneDelayMs first (new work postpones it).
    WhenAllDone::Action onAllDone = WhenAllDone::Action::Nothing;
    QString onAllDoneCommand;
    qint64 onAllDoneDelayMs = WhenAllDone::NoticeMs;
};

} // namespace bt::cli
