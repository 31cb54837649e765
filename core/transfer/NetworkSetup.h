#pragma once

#include "Error.h"
#include "model/DownloadRequest.h"

#include <QByteArray>
#include <QList>
#include <QNetworkCookie>
#include <QNetworkRequest>
#include <QSslCertificate>

class QNetworkReply;
class QObject;

namespace bt {

// How every HTTP request of the engine is set up: TLS,
// redirects, the person's headers, credentials and cookies, no transparent compression
// (byte ranges must mean file bytes).
class NetworkSetup
{
public:
    // Once per process, first thing in main() before any thread starts: at most two malloc
    // arenas (glibc gives each thread one that keeps its freed buffers resident; peak RSS
    // target 32 MB) and fixed heap thresholds for the buffers between the network and the disk.
    static void tuneMalloc();

    // A GET for `url`. first < 0: no Range. last < 0: open-ended range. ifRange may be empty.
    static QNetworkRequest buildRequest(const DownloadRequest &request, const QUrl &url,
                                        qint64 first, qint64 last, const QByteArray &ifRange);

    // What a redirect hop may carry, and how many hops there may be: the person's origin and
    // credentials (see setCredentials()), the TLS settings.
    struct RedirectRules
    {
        QUrl origin;
        QByteArray authorization; // "Basic ..." / "Bearer ...", may be empty
        QList<QPair<QByteArray, QByteArray>> headers;
        bool insecure = false;
        QString caFile;
        int maxRedirects = 20;
    };
    static RedirectRules redirectRules(const DownloadRequest &request);

    // The request for hop number `hop` (1 = the first redirect) to where `reply`'s Location
    // points: the same request with the credentials only if the target is the person's origin
    // (http/Origin.h) and the TLS settings of its scheme. An error for a hop beyond the limit, a
    // target that is not http(s), or one that leaves https for http.
    static Error nextHop(const QNetworkReply *reply, int hop, const RedirectRules &rules,
                         QNetworkRequest *next);

    // The credentials a person gave for `origin` - `authorization` (the Authorization value of
    // --user or a token, may be empty) and their --header lines - set on `request` by the rule
    // of http/Origin.h: Authorization and Cookie only when the request goes to `origin`. What an
    // earlier hop carried is removed first, so it serves every redirect hop.
    static void setCredentials(QNetworkRequest *request, const QUrl &origin,
                               const QByteArray &authorization,
                               const QList<QPair<QByteArray, QByteArray>> &headers);
    static QByteArray basicAuthorization(const QString &user); // "Basic ..." or empty

    static QByteArray userAgent();

    // TLS of one https request: the system's CAs (the default), only the CAs in `caFile`
    // (--cacert, as in curl: they replace the system's), or no verification (`insecure`).
    static void applyTls(QNetworkRequest *request, bool insecure, const QString &caFile);
    // The certificates of a PEM (or DER) file, read once per process and path; empty when the
    // file is unreadable or holds none.
    static QList<QSslCertificate> caCertificates(const QString &path);

    // No error when `url` is a valid http:// or https:// URL, else InvalidArgument: the one
    // check downloads and uploads make before anything goes on the network.
    static Error checkHttpUrl(const QUrl &url);
    // As checkHttpUrl(), ftp://, ftps:// and sftp:// included (downloads).
    static Error checkDownloadUrl(const QUrl &url);
    // The "name:password" a request sends: --user, else the URL's user with its password.
    static QString userOf(const DownloadRequest &request);

private:
    // No error when a redirect from `from` to `target` may be followed.
    static Error checkRedirect(const QUrl &from, const QUrl &target);
};

} // namespace bt
