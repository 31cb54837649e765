#include "net/RemoteFileProtocol.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLocale>

#include <curl/curl.h>

namespace bt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bt::RemoteFileProtocol", text);
}

QString scheme(const QUrl &url)
{
    return url.scheme().toLower();
}

// RFC 9110's IMF-fixdate, the form Last-Modified takes, in English whatever the locale.
QByteArray httpDate(qint64 secondsSinceEpoch)
{
    const QDateTime when = QDateTime::fromSecsSinceEpoch(secondsSinceEpoch, Qt::UTC);
    return QLocale::c()
        .toString(when, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

} // namespace

bool RemoteFileProtocol::isRemoteFile(const QUrl &url)
{
    const QString s = scheme(url);
    return s == QLatin1String("ftp") || s == QLatin1String("ftps") || s == QLatin1String("sftp");
}

bool RemoteFileProtocol::isSftp(const QUrl &url)
{
    return scheme(url) == QLatin1String("sftp");
}

qint64 RemoteFileProtocol::requestedOffset(const QNetworkRequest &request)
{
    const QByteArray range = request.rawHeader("Range");
    if (!range.startsWith("bytes="))
        return -1;
    const qsizetype dash = range.indexOf('-');
    bool ok = false;
    const qint64 first = range.mid(6, dash - 6).toLongLong(&ok);
    return ok && first >= 0 ? first : -1;
}

QByteArray RemoteFileProtocol::setUp(void *easy, const QNetworkRequest &request)
{
    CURL *e = static_cast<CURL *>(easy);
    QUrl url = request.url();
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "ftp,sftp");
    if (scheme(url) == QLatin1String("ftps")) {
        // Explicit TLS (AUTH TLS on the usual port): curl's ftps:// would be implicit TLS.
        url.setScheme(QStringLiteral("ftp"));
        curl_easy_setopt(e, CURLOPT_USE_SSL, long(CURLUSESSL_ALL));
    }
    const qint64 first = requestedOffset(request);
    if (first > 0)
        curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, curl_off_t(first));
    curl_easy_setopt(e, CURLOPT_FILETIME, 1L);     // MDTM / stat: the resume's validator
    curl_easy_setopt(e, CURLOPT_FTP_USE_EPSV, 1L); // passive (EPSV, then PASV)
    curl_easy_setopt(e, CURLOPT_FTP_FILEMETHOD, long(CURLFTPMETHOD_SINGLECWD));

    const QByteArray authorization = request.rawHeader("Authorization");
    if (authorization.startsWith("Basic ")) {
        const QByteArray pair = QByteArray::fromBase64(authorization.mid(6).trimmed());
        const qsizetype colon = pair.indexOf(':');
        curl_easy_setopt(e, CURLOPT_USERNAME, pair.left(colon).constData());
        if (colon >= 0)
            curl_easy_setopt(e, CURLOPT_PASSWORD, pair.mid(colon + 1).constData());
    }
    url.setPassword({}); // only ever through CURLOPT_PASSWORD

    if (isSftp(url)) {
        const QDir ssh(QDir::home().filePath(QStringLiteral(".ssh")));
        // Without a key callback curl accepts only a key that matches an entry of this file.
        curl_easy_setopt(
            e, CURLOPT_SSH_KNOWNHOSTS,
            QFile::encodeName(ssh.filePath(QStringLiteral("known_hosts"))).constData());
        long auth = CURLSSH_AUTH_PUBLICKEY | CURLSSH_AUTH_PASSWORD | CURLSSH_AUTH_KEYBOARD;
        if (qEnvironmentVariableIsSet("SSH_AUTH_SOCK"))
            auth |= CURLSSH_AUTH_AGENT;
        curl_easy_setopt(e, CURLOPT_SSH_AUTH_TYPES, auth);
        for (const char *name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
            const QString key = ssh.filePath(QLatin1String(name));
            if (!QFile::exists(key))
                continue;
            curl_easy_setopt(e, CURLOPT_SSH_PRIVATE_KEYFILE, QFile::encodeName(key).constData());
            const QString pub = key + QStringLiteral(".pub");
            if (QFile::exists(pub))
                curl_easy_setopt(e, CURLOPT_SSH_PUBLIC_KEYFILE, QFile::encodeName(pub).constData());
            break;
        }
    }
    return url.toEncoded();
}

void *RemoteFileProtocol::setUpUpload(void *easy, const CurlReply::RemoteUpload &upload)
{
    CURL *e = static_cast<CURL *>(easy);
    // One CWD a folder: each missing one is made (MKD) where it fails, and the commands after
    // the upload run in the file's folder. RETRY: a CWD again after a failed MKD, for a folder
    // another upload made meanwhile (a folder's files go at once).
    curl_easy_setopt(e, CURLOPT_FTP_FILEMETHOD, long(CURLFTPMETHOD_MULTICWD));
    curl_easy_setopt(e, CURLOPT_FTP_CREATE_MISSING_DIRS,
                     upload.createMissingDirs ? long(CURLFTP_CREATE_DIR_RETRY)
                                              : long(CURLFTP_CREATE_DIR_NONE));
    curl_easy_setopt(e, CURLOPT_APPEND, upload.append ? 1L : 0L);
    curl_slist *commands = nullptr;
    for (const QByteArray &command : upload.postQuote)
        commands = curl_slist_append(commands, command.constData());
    curl_easy_setopt(e, CURLOPT_POSTQUOTE, commands);
    return commands;
}

QList<QByteArray> RemoteFileProtocol::renameCommands(const QUrl &from, const QUrl &to)
{
    if (!isSftp(from)) {
        const auto name = [](const QUrl &url) { return url.fileName().toUtf8(); };
        return {"RNFR " + name(from), "RNTO " + name(to)};
    }
    // curl's SFTP commands take quoted paths with \" and \\ escaped; "/~/" is the home folder.
    const auto quoted = [](const QUrl &url) {
        QByteArray path = url.path().toUtf8();
        path.replace('\\', "\\\\").replace('"', "\\\"");
        return '"' + path + '"';
    };
    // '*': a failure (no such file) does not fail the upload.
    return {"*rm " + quoted(to), "rename " + quoted(from) + ' ' + quoted(to)};
}

QString RemoteFileProtocol::checkUploadUrl(const QUrl &url)
{
    if (!url.isValid() || !isRemoteFile(url) || url.host().isEmpty())
        return tr("Not an FTP, FTPS or SFTP address: %1").arg(url.toString(QUrl::RemovePassword));
    const QString path = url.path();
    if (path.contains(QLatin1Char('\r')) || path.contains(QLatin1Char('\n')) ||
        path.contains(QChar(0)))
        return tr("The path of %1 holds a line break.").arg(url.toString(QUrl::RemovePassword));
    if (url.fileName().isEmpty())
        return tr("%1 names a folder; the file's name is needed there.")
            .arg(url.toString(QUrl::RemovePassword));
    return {};
}

int RemoteFileProtocol::answer(void *easy, qint64 requestedFirst,
                               QList<QPair<QByteArray, QByteArray>> *headers)
{
    CURL *e = static_cast<CURL *>(easy);
    curl_off_t length = -1;
    curl_easy_getinfo(e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    curl_off_t filetime = -1;
    curl_easy_getinfo(e, CURLINFO_FILETIME_T, &filetime);
    if (filetime >= 0)
        headers->append({"Last-Modified", httpDate(qint64(filetime))});
    headers->append({QByteArray("Accept-Ranges"), QByteArray("bytes")});
    // A range from byte 0 is answered as one too (206): it says that offsets work.
    if (requestedFirst < 0 || length < 0 || (length == 0 && requestedFirst == 0)) {
        if (length >= 0 && requestedFirst <= 0)
            headers->append({"Content-Length", QByteArray::number(qint64(length))});
        return requestedFirst > 0 ? 416 : 200; // no size after an offset: nothing to check
    }
    // curl's length is what remains after the offset.
    if (length == 0)
        return 416; // nothing after the offset
    const qint64 total = requestedFirst + qint64(length);
    headers->append({"Content-Length", QByteArray::number(qint64(length))});
    headers->append({QByteArray("Content-Range"), "bytes " + QByteArray::number(requestedFirst) +
                                                      '-' + QByteArray::number(total - 1) + '/' +
                                                      QByteArray::number(total)});
    return 206;
}

QString RemoteFileProtocol::describeFailure(const QUrl &url, int curlCode)
{
    const QString where =
        url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
    switch (CURLcode(curlCode)) {
    case CURLE_LOGIN_DENIED:
        return tr("%1 refused the login (wrong user name or password?)").arg(where);
    case CURLE_PEER_FAILED_VERIFICATION:
        if (isSftp(url))
            return tr("the SSH host key of %1 is not in ~/.ssh/known_hosts or does not match "
                      "it; if the key is right, add it (ssh-keyscan -p %2 %3 >> "
                      "~/.ssh/known_hosts)")
                .arg(where)
                .arg(url.port(22))
                .arg(url.host());
        return {};
    case CURLE_REMOTE_FILE_NOT_FOUND:
        return tr("%1 has no file %2").arg(where, url.path());
    case CURLE_REMOTE_ACCESS_DENIED:
        return tr("%1 denied access to %2").arg(where, url.path());
    case CURLE_USE_SSL_FAILED:
        return tr("%1 does not offer TLS (AUTH TLS) for ftps://").arg(where);
    case CURLE_UPLOAD_FAILED:
        return tr("%1 refused to store %2 (no permission, or no such folder?)")
            .arg(where, url.path());
    case CURLE_QUOTE_ERROR:
        return tr("%1 refused to rename %2 into place after the upload").arg(where, url.path());
    default:
        return {};
    }
}

} // namespace bt
