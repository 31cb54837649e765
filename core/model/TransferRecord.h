#pragma once

#include "Error.h"
#include "model/TransferState.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QUrl>
#include <QVariantMap>

namespace bt {

// What a resume needs, as stored in one row of the store.
struct TransferRecord
{
    qint64 id = 0; // 0 until inserted
    TransferDirection direction = TransferDirection::Download;
    TransferState state = TransferState::Queued;
    QUrl url;              // as the person gave it
    QUrl finalUrl;         // after redirects
    QString destination;   // download: final file path (empty until known); upload: source
    QString directory;     // the folder the person chose (download)
    QString requestedName; // -o / the dialog's name, empty when derived from the server
    qint64 totalSize = -1;
    qint64 doneSize = 0;
    QByteArray etag;         // strong validator only
    QByteArray lastModified; // the header's text
    QList<SegmentState> segments;
    QString expectedChecksum; // "sha256=HEX" given by the person, or empty
    QString sha256;           // hex of the complete file
    int errorCode = 0;        // bt::ErrorCode of the last failure
    QString lastError;
    QDateTime added;
    QDateTime updated;
    QDateTime completed;
    int priority = 0;
    qint64 position = 0; // manual queue order
    QString uploadUrl;   // tus upload URL
    QVariantMap options; // headers, connections, limits... (stored as JSON)
    // Download: "SIZE INODE MTIME_NS" of the file just before its rename into place.
    QString published;

    // The state and the error shown with it (none: cleared), the columns
    // TransferStore::setState() writes.
    void setState(TransferState newState, const Error &error = {})
    {
        state = newState;
        errorCode = int(error.code);
        lastError = error.message;
    }
};

} // namespace bt
