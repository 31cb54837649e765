#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace bt {

// Everything a person can ask of one upload (`btstream put FILE URL`, the upload dialog).
// Credentials (user, headers) are never written to the store by the upload classes.
struct UploadRequest
{
    enum class Method
    {
        Tus,  // tus 1.0: resumable across cuts, restarts and kill -9
        Put,  // one streamed PUT (WebDAV, nginx dav, presigned URLs): a retry starts from zero
        Post, // multipart/form-data POST (like curl -F): a retry starts from zero
        S3,   // an S3 object (url s3://BUCKET/KEY): one PUT, or a multipart upload whose
              // confirmed parts survive restarts and kill -9
        Ftp,  // FTP, FTPS or SFTP by the url's scheme: resumed from the size the server has
    };
    enum class S3Addressing
    {
        Auto,          // path-style for a custom endpoint, virtual-hosted for AWS
        Path,          // https://ENDPOINT/BUCKET/KEY
        VirtualHosted, // https://BUCKET.ENDPOINT/KEY
    };

    QString sourcePath; // a regular file, or a folder with archiveFormat
    // A folder is sent as one archive built on the fly: "tar.gz", "tar.zst" or "zip"
    // (ArchiveStream). Empty: a folder is refused.
    QString archiveFormat;
    QUrl url; // tus: the creation endpoint; PUT: the target; POST: the form action
    Method method = Method::Tus;

    // POST: the file's field name, the extra fields (curl -F name=value) and the file name
    // sent in the part's Content-Disposition (empty = the source's file name).
    QString postField = QStringLiteral("file");
    QList<QPair<QString, QString>> postFields;
    QString remoteName;  // tus: the "filename" metadata; POST: the part's filename
    QByteArray mimeType; // tus "filetype" and the POST part's Content-Type; empty = guessed

    QList<QPair<QByteArray, QByteArray>> headers; // --header, on every request
    QString user;                                 // --user "name:password" (Basic)
    QString bearerToken;                          // Authorization: Bearer

    int retries = 10;                // attempts after a transient error; reset on progress
    qint64 retryDelayMs = 1000;      // first backoff step (doubles per attempt, jittered)
    qint64 maxRetryAfterMs = 300000; // cap on a server's Retry-After (--retry-max-wait)
    int stallTimeoutSec = 30;        // no byte sent or received this long: cut, then resume
    qint64 rateLimit = 0;            // bytes per second, 0 = unlimited
    bool insecure = false;           // skip TLS verification
    QString caCertFile;              // --cacert: trust only these CAs (PEM)

    // The store row to continue (the queue's row for this upload, see UploadRequestCodec);
    // 0: find the row of the same source and URL, or add one.
    qint64 recordId = 0;

    // tus
    bool resume = true;   // reuse the unfinished upload of the same file to the same endpoint
    qint64 chunkSize = 0; // bytes per PATCH; 0 = one PATCH of the whole remainder (see
                          // TusUpload.h), or 32 MiB when the server checks checksums
    bool terminateOnCancel = true; // DELETE the server's upload when a person cancels

    // PUT
    bool createParents = true; // MKCOL the missing parent collections when the server says 409

    // S3. The url is s3://BUCKET/KEY; a KEY ending in '/' (or empty) is a prefix the file's
    // name (remoteName) is appended to. Credentials are read as the AWS CLI reads them
    // (S3Config) when the upload starts; none is ever stored.
    QString s3Endpoint; // --endpoint; empty: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's
    QString s3Region;   // --region; empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's
    QString s3Profile;  // --profile; empty: AWS_PROFILE, else "default"
    S3Addressing s3Addressing = S3Addressing::Auto;
    // Credentials given with the upload (the program's upload targets, the key from the
    // keyring): used instead of the AWS setup's when the key id is set. Never stored.
    QString s3AccessKeyId;
    QString s3SecretAccessKey;
    QString s3SessionToken;
    qint64 partSize = 0;   // bytes a part; 0: from the file size (S3Protocol::choosePartSize)
    int parallelParts = 4; // parts sent at once
};

QString uploadMethodName(UploadRequest::Method method); // "tus", "put", "post", "s3", "ftp"

// Files and folders to one S3 prefix or FTP/SFTP folder (request.url ends with '/'): one request
// a file, a folder as its files (hidden ones too, links not followed) under
// FOLDER/relative/path, each key or name the request's remoteName. Empty with *error set for a
// url that is no prefix, a folder without files or two files of one key. Paths are made
// absolute (against the current folder).
QList<UploadRequest> expandUploadSources(const QStringList &sources, const UploadRequest &request,
                                         QString *error);

} // namespace bt
