#pragma once

#include "Error.h"
#include "model/TransferRecord.h"
#include "transfer/HttpDownload.h"

#include <QList>
#include <QMetaType>
#include <QUrl>

namespace bt {

// A transfer whose connection failed with a transient error and waits to try again (an
// unreachable host, a refused connection): it is Active, but nothing arrives.
struct RetryState
{
    Error error;     // why the last attempt failed
    qint64 atMs = 0; // when the next attempt starts (ms since the epoch)
    int attempt = 0; // 0: not waiting for a retry
    int maxAttempts = 0;
    bool isWaiting() const { return attempt > 0; }
};

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
    RetryState retry;                // until bytes arrive again or the state changes
};

QString transferStateName(TransferState state); // stable, machine-readable ("queued")

} // namespace bt

Q_DECLARE_METATYPE(bt::TransferSnapshot)
