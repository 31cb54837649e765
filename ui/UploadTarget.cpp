#include "UploadTarget.h"

#include <QCoreApplication>
#include <QSettings>
#include <QUuid>

namespace bt::ui {

bool UploadTarget::isValid() const
{
    if (!url.isValid() || url.host().isEmpty())
        return false;
    const QString scheme = url.scheme().toLower();
    if (method == UploadRequest::Method::Ftp) // the password from the keyring, not the URL
        return url.password().isEmpty() &&
               (scheme == QLatin1String("ftp") || scheme == QLatin1String("ftps") ||
                scheme == QLatin1String("sftp"));
    return scheme == QLatin1String("http") || scheme == QLatin1String("https");
}

QString UploadTarget::displayName() const
{
    return name.trimmed().isEmpty() ? url.toDisplayString() : name.trimmed();
}

UploadRequest UploadTarget::request(const QString &path) const
{
    UploadRequest r;
    r.sourcePath = path;
    r.url = url;
    r.method = method;
    if (method == UploadRequest::Method::Post && !postField.trimmed().isEmpty())
        r.postField = postField.trimmed();
    // A tree is a WebDAV upload: the engine uploads a folder without an archive format so.
    const bool tree = folderMode == QLatin1String("tree") && method == UploadRequest::Method::Put;
    r.archiveFormat =
        tree ? QString()
             : (folderMode == QLatin1String("tree") ? QStringLiteral("tar.gz") : folderMode);
    return r;
}

void UploadTarget::addSecret(UploadRequest *request, const QString &secret) const
{
    if (secret.isEmpty())
        return;
    if (auth == Auth::Basic)
        request->user = user + QLatin1Char(':') + secret;
    else if (auth == Auth::Bearer)
        request->bearerToken = secret;
}

QString UploadTarget::methodKey(UploadRequest::Method method)
{
    return uploadMethodName(method);
}

UploadRequest::Method UploadTarget::methodFromKey(const QString &key)
{
    if (key == QLatin1String("put"))
        return UploadRequest::Method::Put;
    if (key == QLatin1String("post"))
        return UploadRequest::Method::Post;
    if (key == QLatin1String("ftp"))
        return UploadRequest::Method::Ftp;
    return UploadRequest::Method::Tus;
}

QString UploadTarget::newKey()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QList<UploadTarget> UploadTarget::load(QSettings &s)
{
    QList<UploadTarget> list;
    const int n = s.beginReadArray(QStringLiteral("upload/targets"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        UploadTarget t;
        t.key = s.value(QStringLiteral("key")).toString();
        t.name = s.value(QStringLiteral("name")).toString();
        t.url = QUrl(s.value(QStringLiteral("url")).toString());
        t.method = methodFromKey(s.value(QStringLiteral("method")).toString());
        t.postField = s.value(QStringLiteral("postField"), t.postField).toString();
        t.folderMode = s.value(QStringLiteral("folders"), t.folderMode).toString();
        t.auth = Auth(qBound(0, s.value(QStringLiteral("auth"), 0).toInt(), 2));
        t.user = s.value(QStringLiteral("user")).toString();
        if (t.key.isEmpty())
            t.key = newKey();
        list.append(t);
    }
    s.endArray();
    // The single target of older versions.
    const QString oldUrl = s.value(QStringLiteral("upload/url")).toString();
    if (n == 0 && !oldUrl.isEmpty()) {
        UploadTarget t;
        t.key = newKey();
        t.url = QUrl(oldUrl);
        t.method = methodFromKey(s.value(QStringLiteral("upload/method")).toString());
        list.append(t);
    }
    return list;
}

void UploadTarget::save(QSettings &s, const QList<UploadTarget> &targets)
{
    s.remove(QStringLiteral("upload/url"));
    s.remove(QStringLiteral("upload/method"));
    s.remove(QStringLiteral("upload/targets"));
    s.beginWriteArray(QStringLiteral("upload/targets"), int(targets.size()));
    for (int i = 0; i < targets.size(); ++i) {
        const UploadTarget &t = targets.at(i);
        s.setArrayIndex(i);
        s.setValue(QStringLiteral("key"), t.key);
        s.setValue(QStringLiteral("name"), t.name);
        s.setValue(QStringLiteral("url"), t.url.toString());
        s.setValue(QStringLiteral("method"), methodKey(t.method));
        s.setValue(QStringLiteral("postField"), t.postField);
        s.setValue(QStringLiteral("folders"), t.folderMode);
        s.setValue(QStringLiteral("auth"), int(t.auth));
        s.setValue(QStringLiteral("user"), t.user); // the name only: the secret is in the keyring
    }
    s.endArray();
}

} // namespace bt::ui
