#pragma once

#include "upload/Upload.h"

namespace bt {

// A multipart/form-data POST (like curl -F): the extra fields first, then the file part
// (request.postField) with its body streamed from the file. Not resumable: a retry sends
// everything again.
class PostUpload : public Upload
{
    Q_OBJECT
public:
    PostUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
               QObject *parent = nullptr);
    ~PostUpload() override;

    // The Content-Disposition of a form part: form-data; name="..."[; filename="..."]
    static QByteArray dispositionFor(const QString &name, const QString &fileName = {});

protected:
    void begin() override;
    QString stoppedMessage() const override;

private:
    void post();
};

} // namespace bt
