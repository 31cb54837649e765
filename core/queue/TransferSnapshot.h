#pragma once

#include "Error.h"
#include "store/TransferRecord.h"
#include "transfer/HttpDownload.h"

#include <QList>
#include <QMetaType>
#include <QUrl>

namespace bt {

// What listeners (the UI's model, the CLI's progress lines) know of one transfer: sent in
// batches about 4 times a second, only for transfers that changed.
struct TransferSnapshot
{
    qint64 id = 0;
    TransferState state = TransferState::Queued;
    TransferProgress progress; // speed is a moving average; etaSeconds -1 when unknown
    Error lastError;           // why it failed or was paused (code None otherwise)
    int priority = 0;
    qint64 position = 0;
    QUrl url;
    bool waitingForSchedule = false; // queued, outside the time window
};

QString transferStateName(TransferState state); // stable, machine-readable ("queued")

} // namespace bt

Q_DECLARE_METATYPE(bt::TransferSnapshot)
