#pragma once

#include "model/DownloadRequest.h"
#include "queue/SpeedLimits.h"

#include <QString>

namespace bt {
class QueueManager;
}

namespace bt::cli {

// The desktop program's settings that apply to a daemon, read from the same file
// (~/.config/BTFileStream/btfilestream.conf; keys as ui/AppSettings writes them): the download
// folder, the queue's limits, the speed limits, the proxy and the request defaults. The
// daemon never writes it. (ui/AppSettings is Widgets-side, so the keys are read here again.)
struct DaemonSettings
{
    QString downloadFolder; // empty: the XDG download folder
    int maxActive = 3;
    int maxPerHost = 3;
    SpeedLimitSet normal;
    SpeedLimitSet alternative;
    bool alternativeEnabled = false;
    QString proxy;
    bool extractArchives = false;
    DownloadRequest defaults; // connections, retries, stall timeout, sha256

    static DaemonSettings load();
    QString effectiveDownloadFolder() const;
    void applyTo(QueueManager *queue) const;
};

} // namespace bt::cli
