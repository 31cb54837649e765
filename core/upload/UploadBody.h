#pragma once

#include "Error.h"

#include <QIODevice>

namespace bt {

// The request body of an upload (FileBodyDevice: a file's byte range; ArchiveStream: a folder
// as an archive built on the fly). A failure of the source (the file or folder changed, a
// read error) makes readData() fail, which ends the request; sourceError() says why.
class UploadBody : public QIODevice
{
    Q_OBJECT
public:
    using QIODevice::QIODevice;
    virtual Error sourceError() const = 0;
};

} // namespace bt
