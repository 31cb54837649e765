#pragma once

#include "upload/Upload.h"

#include <QList>
#include <QSet>
#include <QUrl>

namespace bt {

// A folder uploaded to WebDAV as its tree: MKCOL for each folder (405 "exists" is fine; the
// parents above the target are created on 409), then one streamed PUT a file, each file a
// resumable unit: the files already sent are recorded in the store, so running the same
// upload again sends only the others. Symbolic links are skipped (WebDAV has none).
// The target URL is the collection the folder goes into: <url>/<folder name>/...
class DavTreeUpload : public Upload
{
    Q_OBJECT
public:
    DavTreeUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                  QObject *parent = nullptr);
    ~DavTreeUpload() override;

    // base (a collection URL) + a '/'-separated relative path, each segment encoded.
    static QUrl entryUrl(const QUrl &base, const QString &relativePath, bool collection);

protected:
    bool acceptsFolder() const override { return true; }
    bool prepareRecord() override;
    void begin() override;
    QString stoppedMessage() const override;

private:
    void next();
    void mkcolNext();
    void putFile(int index);

    QUrl m_base;
    int m_index = 0;
    QSet<QString> m_doneFiles; // relative paths already on the server
    QList<QUrl> m_collections; // MKCOLs still to send before next()
    bool m_triedParents = false;
    bool m_toldLinks = false;
};

} // namespace bt
