#pragma once

#include "model/TransferRecord.h"
#include "model/UploadRequest.h"

namespace bt {

// An UploadRequest as a store row and back, so that a queued upload restarts with the options
// the person gave (TransferRecord::options). Credentials are never stored: user and bearer
// token are dropped, and so are the Authorization, Proxy-Authorization and Cookie headers; the
// caller supplies them again (keyring, prompt) after fromRecord().
namespace uploadcodec {

TransferRecord toRecord(const UploadRequest &request);
// recordId is set to the row's id: the upload continues that row.
UploadRequest fromRecord(const TransferRecord &record);
bool isSecretHeader(const QByteArray &name);

} // namespace uploadcodec
} // namespace bt
