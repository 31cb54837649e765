#pragma once

#include "upload/S3Config.h"
#include "upload/S3Protocol.h"
#include "upload/Upload.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <functional>

namespace bt {

// An upload to S3 (AWS, MinIO, Ceph, R2, B2, Wasabi...): s3://BUCKET/KEY. Every request is
// signed by libcurl (CURLOPT_AWS_SIGV4) with the credentials S3Config reads as the AWS CLI
// does, and carries x-amz-content-sha256 (the body's SHA-256, or UNSIGNED-PAYLOAD for file
// data, whose integrity Content-MD5 guards).
//
// A file of at most one part size goes in one PUT. A bigger one is a multipart upload:
// CreateMultipartUpload, then UploadPart for request.parallelParts parts at once (each a
// range of the file streamed from disk, Content-MD5 computed first on the thread pool), then
// CompleteMultipartUpload. The UploadId (as the row's uploadUrl) goes to the store at once,
// each confirmed part's number, size and ETag as it completes; a restart or kill -9 sends
// only the parts that are missing. ListParts reconciles with the server where it is offered
// (the server's list wins; an upload the server no longer has starts over); a server that
// refuses it (s3rver: MethodNotAllowed) is trusted from the stored parts. A file changed
// since (size or mtime) starts a new upload, and the old one is aborted. cancel() aborts the
// multipart upload (AbortMultipartUpload).
class S3Upload : public Upload
{
    Q_OBJECT
public:
    S3Upload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
             QObject *parent = nullptr);
    ~S3Upload() override;

    QString bucket() const { return m_bucket; }
    QString key() const { return m_key; }
    QString uploadId() const { return m_uploadId; }
    qint64 partSize() const { return m_partSize; }

protected:
    Error checkUrl() const override;
    bool prepareRecord() override;
    void begin() override;
    void terminate(std::function<void()> done) override;
    QString stoppedMessage() const override;
    void stopOtherRequests() override;
    void describeProgress(TransferProgress &progress) const override;

private:
    struct Flight
    {
        int part = -1; // index into m_parts; -1: a request of the upload itself
        qint64 sent = 0;
        qint64 lastActivityMs = 0;
        bool stalled = false;
    };
    using Done =
        std::function<void(QNetworkReply *reply, const QByteArray &answer, const Error &error)>;
    // Sends one signed request for the object (`query` canonical, see S3Protocol); `body`
    // (may be null) becomes the reply's child; `payloadHash` is x-amz-content-sha256.
    void request(const QByteArray &verb, const QByteArray &query, QIODevice *body,
                 const QByteArray &payloadHash, QList<QPair<QByteArray, QByteArray>> headers,
                 int part, Done done);
    Error s3Error(QNetworkReply *reply, const QByteArray &answer, const Flight &flight,
                  const UploadBody *body) const;
    void checkStalls();

    void putObject();
    void create();
    void listParts(int marker);
    void fill();
    void sendPart(int index, const QByteArray &md5);
    void onPart(int index, QNetworkReply *reply, const Error &error, UploadBody *body);
    void complete();
    void abortUpload(const QString &uploadId, std::function<void()> then);
    void startOver(const QString &reason);
    void restoreParts(const TransferRecord &record);
    void saveParts();
    void forgetUpload(); // no multipart upload any more: uploadUrl and parts cleared
    QUrl uploadUrl(const QString &uploadId) const;
    // md5 of [offset, offset + size) of the source, on the thread pool, then `then(md5)`
    // here (fail() on a read error or a changed file).
    void hashRange(qint64 offset, qint64 size, std::function<void(const QByteArray &)> then);

    S3Config m_config;
    QString m_bucket;
    QString m_key;
    QString m_uploadId;
    QString m_staleUploadId; // of the file as it was: aborted before the new upload
    qint64 m_partSize = 0;
    QList<s3::Part> m_parts;
    QList<s3::Part> m_listed; // ListParts pages read so far
    QList<int> m_pending;     // parts not confirmed and not on their way
    int m_preparing = 0;      // parts whose Content-MD5 is being computed
    int m_generation = 0;     // of the part plan: a new upload ignores the old one's hashes
    bool m_waiting = false;   // a retry is due: no new part starts before it
    int m_restarts = 0;       // uploads started over because the server lost one
    QHash<QNetworkReply *, Flight> m_flights;
    QElapsedTimer m_clock;
    QTimer *m_stallWatch;
};

} // namespace bt
