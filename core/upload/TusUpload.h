#pragma once

#include "upload/TusProtocol.h"
#include "upload/Upload.h"

#include <QUrl>

namespace bt {

class UploadBody;

// A tus 1.0 upload: OPTIONS (discovery), POST (creation; the upload URL goes to the store at
// once), PATCH from the server's offset, HEAD after any cut or restart, DELETE on cancel.
// Every request carries Tus-Resumable: 1.0.0.
//
// Chunking: by default one PATCH carries the whole remainder, like curl would: no per-chunk
// round trips, and nothing is lost by it - a cut connection is resumed by HEAD from the
// offset the server kept. When the server offers the checksum extension, PATCHes are chunks
// (request.chunkSize, default 32 MiB): the checksum has to be computed before a chunk is sent,
// so each chunk is read twice (the second time from the page cache); a mismatch (460) resends
// only that chunk.
//
// Reuse: re-adding the same file (path, size, mtime) for the same endpoint continues the
// unfinished upload recorded in the store; a completed one is reported as already complete.
class TusUpload : public Upload
{
    Q_OBJECT
public:
    TusUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
              QObject *parent = nullptr);
    ~TusUpload() override;

    QUrl uploadUrl() const { return m_uploadUrl; }
    const tus::ServerInfo &serverInfo() const { return m_info; }

protected:
    bool prepareRecord() override;
    void begin() override;
    void terminate(std::function<void()> done) override;
    QString stoppedMessage() const override;

private:
    QNetworkRequest tusRequest(const QUrl &url) const;
    void discover();
    void afterDiscovery();
    void create();
    void head();
    void patch();
    void onPatched(QNetworkReply *reply, UploadBody *body, qint64 offset);
    void startOver(const QString &reason); // the server lost the upload: create a new one
    void setOffset(qint64 offset);
    void readExpires(QNetworkReply *reply);
    bool chooseChecksum();
    QByteArray hashRange(qint64 offset, qint64 length);

    tus::ServerInfo m_info;
    QUrl m_uploadUrl;
    QByteArray m_checksumAlgorithm; // empty: no checksum extension in use
    qint64 m_chunkSize = 0;         // 0: whole remainder
    int m_recreated = 0;            // new uploads created after the server lost one
};

} // namespace bt
