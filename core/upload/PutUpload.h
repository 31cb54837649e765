#pragma once

#include "upload/Upload.h"

#include <QList>
#include <QUrl>

namespace bt {

// One streamed HTTP PUT of the file or of a folder's archive (WebDAV, nginx dav, presigned
// object-store URLs); a URL ending in '/' gets the file's (archive's) name appended. Not
// resumable: a retry sends the whole file again, and message() says so. When the server
// answers 409 (a missing parent collection on WebDAV; nginx answers 500) and
// request.createParents is set, the parents are created with MKCOL, top down (405 "exists"
// is fine), and the PUT is sent again - once.
class PutUpload : public Upload
{
    Q_OBJECT
public:
    PutUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
              QObject *parent = nullptr);
    ~PutUpload() override;

    // The collections above `url` from the top down: /a/b/c.txt -> /a/, /a/b/.
    static QList<QUrl> parentCollections(const QUrl &url);

protected:
    void begin() override;
    QString stoppedMessage() const override;

private:
    void put();
    void mkcolNext();

    QUrl m_target;             // request.url, plus the name when it ends with '/'
    QList<QUrl> m_collections; // still to create
    bool m_triedParents = false;
};

} // namespace bt
