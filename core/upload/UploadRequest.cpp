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
    }
    return QStringLiteral("tus");
}

} // namespace bt
