#pragma once

#include "queue/TransferJob.h"

namespace bt {

// The real engine as a queue job: wraps one bt::HttpDownload (a child, so it moves to the
// worker thread with the job) and forwards its signals.
class HttpDownloadJob : public TransferJob
{
    Q_OBJECT
public:
    HttpDownloadJob(qint64 transferId, const DownloadRequest &request, const JobContext &context,
                    QObject *parent = nullptr);
    ~HttpDownloadJob() override;

    // The factory the queue uses by default: a download from the stored request.
    static JobFactory factory();

    void setRateLimit(qint64 bytesPerSecond) override;

public Q_SLOTS:
    void start() override;
    void stop() override;

private:
    HttpDownload *m_download;
    bool m_verifying = false;
};

} // namespace bt
