#include "model/UploadRequest.h"

namespace bt {

QString uploadMethodName(UploadRequest::Method method)
{
    switch (method) {
    case UploadRequest::Method::Tus:
        return QStringLiteral("tus");
    case UploadRequest::Method::Put:
        return QStringLiteral("put");
    case UploadRequest::Method::Post:
        return QStringLiteral("post");
    case UploadRequest::Method::S3:
        return QStringLiteral("s3");
    case UploadRequest::Method::Ftp:
        return QStringLiteral("ftp");
    }
    return QStringLiteral("tus");
}

} // namespace bt
