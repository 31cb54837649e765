#pragma once

#include "Error.h"
#include "model/DownloadRequest.h"
#include "model/TransferRecord.h"
#include "queue/TransferSnapshot.h"

#include <QJsonObject>
#include <QSet>
#include <QString>

// aria2's shapes for what the queue holds: GIDs, status objects, error codes, rates. aria2
// sends every number as a decimal string; so does this.
namespace bt::rpc::aria2 {

// 16 lower-case hex digits of the store id: the same across restarts, as the row is.
QString gidOf(qint64 id);
// The store id of a GID; 0 when it is not 16 hex digits (or is zero).
qint64 idOfGid(const QString &gid);

// "active", "waiting", "paused", "error", "complete" or "removed" (cancelled).
QString statusName(TransferState state, ErrorCode error);
// aria2's exit status for an error ("0" for none), as its errorCode key.
int errorNumber(ErrorCode code, int httpStatus);

// tellStatus's object; only `keys` when not empty (aria2's keys filter).
QJsonObject statusObject(const TransferSnapshot &snapshot, const TransferRecord &record,
                         const QSet<QString> &keys = {});
// getFiles's one entry (downloads are one file each).
QJsonObject fileObject(const TransferSnapshot &snapshot, const TransferRecord &record);

// The other way, for a client of a daemon (RemoteQueue): a status object (tellStatus,
// tellActive...) as the queue's snapshot and record; false when it has no usable GID. The id is
// idOfGid(gid); `position` is where the row goes in the client's order.
bool parseStatusObject(const QJsonObject &status, TransferDirection direction, qint64 position,
                       TransferSnapshot *snapshot, TransferRecord *record);
// addUri's options for a request: the ones Aria2Service reads back (dir, out, header, split,
// max-connection-per-server, max-download-limit, checksum, pause).
QJsonObject addUriOptions(const DownloadRequest &request, bool startPaused);

// aria2's speed values: "0" (none), "1048576", "500K", "2M" (K and M are 1024-based).
bool parseRate(const QString &text, qint64 *bytesPerSecond);
// aria2's checksum option "sha-256=HEX" (sha-1, sha-224, sha-256, sha-384, sha-512, md5) in
// the project's form "sha256=HEX"; empty when the type is not one the engine verifies.
QString checksumOption(const QString &aria2Value);

} // namespace bt::rpc::aria2
