#pragma once

#include "net/CurlReply.h"

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QPair>
#include <QString>
#include <QUrl>

namespace bt {

// FTP, FTPS (explicit TLS) and SFTP through the same CurlReply as HTTP: what is set on the
// curl handle for them, and the HTTP-shaped answer a download reads back, so that resume,
// verification and publishing stay the one HttpDownload path.
//
// The request's "Range: bytes=A-" becomes curl's resume offset (FTP REST, an SFTP seek); its
// end is not sent (curl would then hide the file's size), so these downloads run on one
// connection. The answer is a 200, or a 206 with "Content-Range: bytes A-L/TOTAL", its
// "Last-Modified" the file's modification time (FTP MDTM, SFTP stat): the validators a resume
// checks. Credentials come from the request's "Authorization: Basic" (as HTTP's, never from a
// stored URL) or the URL's user name. SFTP checks the server's key against
// ~/.ssh/known_hosts ([host]:port entries included): a missing or different key ends the
// transfer; keys come from the ssh agent, else the first of ~/.ssh/id_ed25519, id_ecdsa,
// id_rsa.
struct RemoteFileProtocol
{
    static bool isRemoteFile(const QUrl &url); // ftp, ftps, sftp
    static bool isSftp(const QUrl &url);

    // Everything curl needs for `request` beyond what CurlReply sets for every protocol.
    // `easy` is a CURL*. The URL to give curl is returned (ftps:// becomes ftp:// with
    // mandatory TLS: curl's ftps:// is implicit TLS).
    static QByteArray setUp(void *easy, const QNetworkRequest &request);
    // The answer's status and headers, read from the handle once the body starts (or the
    // transfer ended without one). `requestedFirst`: the offset asked for, -1 for none.
    static int answer(void *easy, qint64 requestedFirst,
                      QList<QPair<QByteArray, QByteArray>> *headers);
    // An upload's extras on `easy` (appending, missing folders, the commands after it);
    // returns the curl_slist of the commands, which the caller frees after the transfer.
    static void *setUpUpload(void *easy, const CurlReply::RemoteUpload &upload);
    // The commands that rename `from` to `to` (the same folder) after an upload: FTP RNFR and
    // RNTO (in the folder curl changed into), SFTP rm (an SFTP rename does not replace a
    // file; a missing one is fine) and rename, with absolute paths.
    static QList<QByteArray> renameCommands(const QUrl &from, const QUrl &to);
    // Why `url` cannot be uploaded to (empty: it can): a scheme other than ftp, ftps, sftp,
    // no host, no file name, or a line break in the path (it would end an FTP command).
    static QString checkUploadUrl(const QUrl &url);
    // The offset in "Range: bytes=A-..." (-1: none).
    static qint64 requestedOffset(const QNetworkRequest &request);
    // A person's message for curl's failure, or empty to keep curl's own.
    static QString describeFailure(const QUrl &url, int curlCode);
};

} // namespace bt
