#include "UploadTarget.h"

#include <QCoreApplication>
#include <QSettings>
#include <QUuid>

namespace bt::ui {

namespace {
// lupdate files the messages of UploadTarget's members under its name.
QString tr(const char *text)
{
    return QCoreApplication::translate("bt::ui::UploadTarget", text);
}

bool isHttpUrl(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return url.isValid() && !url.host().isEmpty() &&
           (scheme == QLatin1String("http") || scheme == QLatin1String("https"));
}

// The password comes from the keyring, not the URL.
bool isRemoteFileUrl(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return url.isValid() && !url.host().isEmpty() && url.password().isEmpty() &&
           (scheme == QLatin1String("ftp") || scheme == QLatin1String("ftps") ||
            scheme == QLatin1String("sftp"));
}

// "/a//b/" -> "a/b/": the prefix is a folder of keys.
QString normalizedPrefix(const QString &prefix)
{
    const QStringList parts = prefix.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    return parts.isEmpty() ? QString() : parts.join(QLatin1Char('/')) + QLatin1Char('/');
}

QString addressingKey(UploadRequest::S3Addressing a)
{
    switch (a) {
    case UploadRequest::S3Addressing::Path:
        return QStringLiteral("path");
    case UploadRequest::S3Addressing::VirtualHosted:
        return QStringLiteral("virtual");
    case UploadRequest::S3Addressing::Auto:
        break;
    }
    return QStringLiteral("auto");
}

UploadRequest::S3Addressing addressingFromKey(const QString &key)
{
    if (key == QLatin1String("path"))
        return UploadRequest::S3Addressing::Path;
    if (key == QLatin1String("virtual"))
        return UploadRequest::S3Addressing::VirtualHosted;
    return UploadRequest::S3Addressing::Auto;
}
} // namespace

QString UploadTarget::problem() const
{
    const QString who = displayName();
    if (!isS3()) {
        if (method == UploadRequest::Method::Ftp && !isRemoteFileUrl(url))
            return tr("The upload target “%1” needs an ftp, ftps or sftp URL without a "
                      "password (give it below: it goes to the keyring).")
                .arg(who);
        if (method != UploadRequest::Method::Ftp && !isHttpUrl(url))
            return tr("The upload target “%1” needs an http or https URL.").arg(who);
        if (folderMode == QLatin1String("tree") && method != UploadRequest::Method::Put)
            return tr("Folders as a tree need HTTP PUT / WebDAV (“%1”).").arg(who);
        if (auth == Auth::Basic && user.isEmpty())
            return tr("Enter the user name for “%1”.").arg(who);
        return {};
    }
    const QString bucket = s3Bucket.trimmed();
    if (bucket.isEmpty())
        return tr("Enter the bucket of the S3 target “%1”.").arg(who);
    if (bucket.contains(QLatin1Char('/')))
        return tr("The bucket of “%1” is a name without '/': put folders in the key prefix.")
            .arg(who);
    if (bucket != bucket.toLower())
        return tr("S3 bucket names are in lower case: “%1” (“%2”).").arg(bucket, who);
    for (const QChar c : bucket)
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return tr("The bucket name of “%1” may not contain spaces.").arg(who);
    const QString endpoint = s3Endpoint.trimmed();
    if (!endpoint.isEmpty()) {
        const QUrl e(endpoint, QUrl::StrictMode);
        if (!isHttpUrl(e))
            return tr("The endpoint of “%1” must be an http or https URL such as "
                      "https://s3.example.org:9000, not “%2”.")
                .arg(who, endpoint);
        if (!e.path().isEmpty() && e.path() != QLatin1String("/"))
            return tr("The endpoint of “%1” is the server only (%2), without a path: the bucket "
                      "and the prefix have fields of their own.")
                .arg(who, e.adjusted(QUrl::RemovePath).toString());
    }
    if (s3Region.trimmed().contains(QLatin1Char(' ')))
        return tr("The region of “%1” is one word, such as eu-west-3.").arg(who);
    if (s3PartSize != 0 && (s3PartSize < (5LL << 20) || s3PartSize > (5LL << 30)))
        return tr("The part size of “%1” must be from 5 MiB to 5 GiB.").arg(who);
    return {};
}

bool UploadTarget::needsSecret() const
{
    return isS3() ? !s3AccessKeyId.trimmed().isEmpty() : auth != Auth::None;
}

QString UploadTarget::displayName() const
{
    return name.trimmed().isEmpty() ? address().toDisplayString() : name.trimmed();
}

QUrl UploadTarget::address() const
{
    if (!isS3())
        return url;
    QUrl u;
    u.setScheme(QStringLiteral("s3"));
    u.setHost(s3Bucket.trimmed());
    u.setPath(QLatin1Char('/') + normalizedPrefix(s3Prefix));
    return u;
}

UploadRequest UploadTarget::request(const QString &path) const
{
    UploadRequest r;
    r.sourcePath = path;
    r.url = address();
    r.method = method;
    if (isS3()) {
        r.s3Endpoint = s3Endpoint.trimmed();
        r.s3Region = s3Region.trimmed();
        r.s3Addressing = s3Addressing;
        r.partSize = s3PartSize;
        return r;
    }
    if (method == UploadRequest::Method::Post && !postField.trimmed().isEmpty())
        r.postField = postField.trimmed();
    // A tree is a WebDAV upload: the engine uploads a folder without an archive format so.
    const bool tree = folderMode == QLatin1String("tree") && method == UploadRequest::Method::Put;
    r.archiveFormat =
        tree ? QString()
             : (folderMode == QLatin1String("tree") ? QStringLiteral("tar.gz") : folderMode);
    return r;
}

QList<UploadRequest> UploadTarget::requests(const QStringList &paths, QString *error) const
{
    if (isS3()) // as `btstream put PATH... s3://BUCKET/PREFIX/`
        return expandUploadSources(paths, request(QString()), error);
    QList<UploadRequest> list;
    for (const QString &path : paths)
        list.append(request(path));
    return list;
}

void UploadTarget::addSecret(UploadRequest *request, const QString &secret) const
{
    if (secret.isEmpty())
        return;
    if (isS3()) {
        if (s3AccessKeyId.trimmed().isEmpty())
            return;
        request->s3AccessKeyId = s3AccessKeyId.trimmed();
        unpackS3Secret(secret, &request->s3SecretAccessKey, &request->s3SessionToken);
    } else if (auth == Auth::Basic) {
        request->user = user + QLatin1Char(':') + secret;
    } else if (auth == Auth::Bearer) {
        request->bearerToken = secret;
    }
}

bool UploadTarget::matches(const TransferRecord &record) const
{
    if (record.direction != TransferDirection::Upload || record.url != address())
        return false;
    const QVariantMap &o = record.options;
    if (!isS3())
        return o.value(QStringLiteral("method")).toString() != QLatin1String("s3");
    return o.value(QStringLiteral("method")).toString() == QLatin1String("s3") &&
           o.value(QStringLiteral("s3Endpoint")).toString() == s3Endpoint.trimmed();
}

QString UploadTarget::packS3Secret(const QString &secretAccessKey, const QString &sessionToken)
{
    // Neither has a line break (AWS: base64 text).
    if (secretAccessKey.isEmpty())
        return {};
    return sessionToken.isEmpty() ? secretAccessKey
                                  : secretAccessKey + QLatin1Char('\n') + sessionToken;
}

void UploadTarget::unpackS3Secret(const QString &packed, QString *secretAccessKey,
                                  QString *sessionToken)
{
    const qsizetype cut = packed.indexOf(QLatin1Char('\n'));
    *secretAccessKey = cut < 0 ? packed : packed.left(cut);
    *sessionToken = cut < 0 ? QString() : packed.mid(cut + 1);
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
    if (key == QLatin1String("s3"))
        return UploadRequest::Method::S3;
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
        t.s3Endpoint = s.value(QStringLiteral("s3Endpoint")).toString();
        t.s3Region = s.value(QStringLiteral("s3Region")).toString();
        t.s3Bucket = s.value(QStringLiteral("s3Bucket")).toString();
        t.s3Prefix = s.value(QStringLiteral("s3Prefix")).toString();
        t.s3Addressing = addressingFromKey(s.value(QStringLiteral("s3Addressing")).toString());
        t.s3AccessKeyId = s.value(QStringLiteral("s3AccessKeyId")).toString();
        t.s3PartSize = qMax<qint64>(0, s.value(QStringLiteral("s3PartSize"), 0).toLongLong());
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
        s.setValue(QStringLiteral("method"), methodKey(t.method));
        if (t.isS3()) {
            s.setValue(QStringLiteral("s3Endpoint"), t.s3Endpoint);
            s.setValue(QStringLiteral("s3Region"), t.s3Region);
            s.setValue(QStringLiteral("s3Bucket"), t.s3Bucket);
            s.setValue(QStringLiteral("s3Prefix"), t.s3Prefix);
            s.setValue(QStringLiteral("s3Addressing"), addressingKey(t.s3Addressing));
            // The key id names the key; its secret is in the keyring.
            s.setValue(QStringLiteral("s3AccessKeyId"), t.s3AccessKeyId);
            s.setValue(QStringLiteral("s3PartSize"), t.s3PartSize);
            continue;
        }
        s.setValue(QStringLiteral("url"), t.url.toString());
        s.setValue(QStringLiteral("postField"), t.postField);
        s.setValue(QStringLiteral("folders"), t.folderMode);
        s.setValue(QStringLiteral("auth"), int(t.auth));
        s.setValue(QStringLiteral("user"), t.user); // the name only: the secret is in the keyring
    }
    s.endArray();
}

} // namespace bt::ui
