#pragma once

#include "model/DownloadRequest.h"
#include "transfer/ResponseInfo.h"

#include <QString>

namespace bt {

// Where a download goes: the person's name exactly (relative to the directory unless
// absolute), else the server's Content-Disposition name, else the URL's last segment -
// sanitized and always inside the directory, made unique when another file has that name.
class DestinationResolver
{
public:
    // `reusable`: a path that may be replaced (our own earlier download of this request).
    static QString resolve(const DownloadRequest &request, const ResponseInfo &response,
                           const QString &reusable = {});
    static QString directoryOf(const DownloadRequest &request); // absolute
};

} // namespace bt
