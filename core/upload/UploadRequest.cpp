#include "model/UploadRequest.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

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

QList<UploadRequest> expandUploadSources(const QStringList &sources, const UploadRequest &request,
                                         QString *error)
{
    // lupdate files tr() in a free function under its namespace.
    const auto tr = [](const char *text) { return QCoreApplication::translate("bt", text); };
    const QString prefix = request.url.path();
    if (!prefix.isEmpty() && !prefix.endsWith(QLatin1Char('/'))) {
        *error = request.method == UploadRequest::Method::S3
                     ? tr("several files or a folder go under a prefix: end the S3 address "
                          "with '/' (s3://BUCKET/PREFIX/)")
                     : tr("several files or a folder go into a folder: end the address with "
                          "'/' (ftp://HOST/DIR/)");
        return {};
    }
    QList<UploadRequest> uploads;
    QSet<QString> keys;
    const auto add = [&](const QString &path, const QString &name) {
        if (keys.contains(name)) {
            *error = tr("two files would get the same key '%1'").arg(name);
            return false;
        }
        keys.insert(name);
        UploadRequest r = request;
        r.sourcePath = QDir::cleanPath(QDir::current().absoluteFilePath(path));
        r.remoteName = name;
        uploads.append(r);
        return true;
    };
    for (const QString &source : sources) {
        const QFileInfo info(source);
        if (!info.isDir()) {
            // A missing or unreadable file is its upload's error, said the same way.
            if (!add(source, info.fileName()))
                return {};
            continue;
        }
        const QDir root(info.absoluteFilePath());
        QStringList files;
        QDirIterator it(root.path(), QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
        files.sort();
        if (files.isEmpty()) {
            *error = tr("%1 has no files to upload").arg(source);
            return {};
        }
        for (const QString &file : std::as_const(files))
            if (!add(file, info.fileName() + QLatin1Char('/') + root.relativeFilePath(file)))
                return {};
    }
    return uploads;
}

} // namespace bt
