#pragma once

#include "RpcServer.h"

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
};

} // namespace bt::cli
