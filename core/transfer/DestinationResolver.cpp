#include "transfer/DestinationResolver.h"

#include "PartName.h"
#include "http/ContentDisposition.h"
#include "http/FileName.h"

#include <QDir>
#include <QFileInfo>

namespace bt {

QString DestinationResolver::directoryOf(const DownloadRequest &request)
{
    const QString dir = request.directory.isEmpty() ? QDir::currentPath() : request.directory;
    return QDir::cleanPath(QDir(dir).absolutePath());
}

QString DestinationResolver::resolve(const DownloadRequest &request, const ResponseInfo &response,
                                     const QString &reusable)
{
    const QString dir = directoryOf(request);
    if (!request.fileName.isEmpty()) {
        if (QFileInfo(request.fileName).isAbsolute())
            return QDir::cleanPath(request.fileName);
        return QDir::cleanPath(QDir(dir).filePath(request.fileName));
    }
    QString proposed = http::contentDispositionFileName(response.contentDisposition);
    if (proposed.isEmpty())
        proposed = http::fileNameFromUrl(response.url);
    if (proposed.isEmpty())
        proposed = http::fileNameFromUrl(request.url);
    const QString name = http::sanitizeFileName(proposed);
    QString path = QDir(dir).filePath(name);
    if (path == reusable)
        return path;
    if (QFileInfo::exists(path) || QFileInfo::exists(partPath(path))) {
        const QString unique = http::uniqueFileName(dir, name);
        path = QFileInfo(unique).isAbsolute() ? unique : QDir(dir).filePath(unique);
    }
    return QDir::cleanPath(path);
}

} // namespace bt
