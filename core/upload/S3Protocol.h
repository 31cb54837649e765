#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

namespace bt::s3 {

// The pieces of the S3 REST API an upload needs, as pure functions (no I/O): addresses,
// the part plan, and the XML of CreateMultipartUpload, CompleteMultipartUpload, ListParts and
// errors. Signing is libcurl's (CURLOPT_AWS_SIGV4), which signs the path and the query as
// they are sent: so both are built here already in SigV4's canonical form (each byte but
// A-Z a-z 0-9 - . _ ~ percent-encoded, '/' kept in the key; parameters sorted by name,
// "name=" for an empty value).

constexpr qint64 kMinPartSize = 5LL << 20;     // S3's minimum for every part but the last
constexpr qint64 kMaxPartSize = 5LL << 30;     // and its maximum
constexpr int kMaxParts = 10000;               // part numbers 1..10,000
constexpr qint64 kDefaultPartSize = 8LL << 20; // as the AWS CLI
constexpr int kTargetParts = 1000; // the default part size grows to stay under this many

// Bucket and key of "s3://BUCKET/KEY"; false for another scheme or an empty bucket.
bool splitUrl(const QUrl &url, QString *bucket, QString *key);

// SigV4's encoding of a key (or any path part when keepSlash).
QByteArray encode(const QString &text, bool keepSlash = false);

// The object's address, with `query` (already canonical, e.g. "partNumber=3&uploadId=X").
// Virtual-hosted: BUCKET.endpoint-host; path-style, or a bucket with dots on https (its TLS
// certificate covers one label only): endpoint/BUCKET.
QUrl objectUrl(const QUrl &endpoint, bool pathStyle, const QString &bucket, const QString &key,
               const QByteArray &query = {});
// "partNumber=N&uploadId=ID" and "uploadId=ID".
QByteArray partQuery(int partNumber, const QString &uploadId);
QByteArray uploadIdQuery(const QString &uploadId);

// The part size for a file: `requested` (0: 8 MiB, doubled until at most kTargetParts
// parts) raised to 5 MiB and to what fits in 10,000 parts.
qint64 choosePartSize(qint64 fileSize, qint64 requested);
int partCount(qint64 fileSize, qint64 partSize);

struct Part
{
    int number = 0; // 1-based
    qint64 offset = 0;
    qint64 size = 0;
    QByteArray etag; // as the server sent it (with its quotes); empty until confirmed
};
QList<Part> planParts(qint64 fileSize, qint64 partSize);

// The UploadId of an InitiateMultipartUploadResult; empty if there is none.
QString parseUploadId(const QByteArray &xml);
// <CompleteMultipartUpload> with each part's number and ETag, in order.
QByteArray completeBody(const QList<Part> &parts);

// An <Error> document's Code and Message (empty when the body is none).
struct ErrorInfo
{
    QString code;
    QString message;
    bool isError() const { return !code.isEmpty(); }
};
ErrorInfo parseError(const QByteArray &xml);

// The parts of a ListPartsResult (number, size in `offset`-less form, ETag); *truncated set
// when the answer continues (NextPartNumberMarker in *next).
QList<Part> parseListParts(const QByteArray &xml, bool *truncated, int *next);

} // namespace bt::s3
