#pragma once

#include "model/UploadRequest.h"
#include "queue/TransferJob.h"

#include <atomic>

namespace bt {

class Upload;

// The upload engine as a queue job: wraps one bt::Upload (tus, PUT or POST; a child, so it
// moves to the worker thread with the job) and forwards its signals. The Upload is created
// in start(), on the worker thread, where the context's network and store live.
class UploadJob : public TransferJob
{
    Q_OBJECT
public:
    UploadJob(qint64 transferId, const UploadRequest &request, const JobContext &context,
              QObject *parent = nullptr);
    ~UploadJob() override;

    // The request of a stored upload row with the context's credentials and limits.
    static UploadRequest requestFor(const TransferRecord &record, const JobContext &context);
    // Uploads for rows with direction Upload, `downloads` (HttpDownloadJob's) for the others.
    static JobFactory factory(JobFactory downloads);

    void setRateLimit(qint64 bytesPerSecond) override;

public Q_SLOTS:
    void start() override;
    void stop() override;
    void cancel() override;

private:
    UploadRequest m_request;
    JobContext m_context;
    Upload *m_upload = nullptr;
    std::atomic<qint64> m_rateLimit{0};
    bool m_stopped = false;
};

} // namespace bt
