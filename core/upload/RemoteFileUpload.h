#pragma once

#include "upload/Upload.h"

#include <QUrl>

namespace bt {

// One file (or a folder's archive) to an FTP, FTPS (explicit TLS) or SFTP server through
// libcurl (net/RemoteFileProtocol): the bytes go to NAME.part beside the target and are
// renamed into place by the same session once all are sent (FTP RNFR/RNTO, SFTP rename), so
// the final name never holds a partial file. Missing folders are made on the way.
//
// Resumable: when the store has this upload of the same source (path, size, modification
// time) unfinished, the server's size of NAME.part (FTP SIZE, SFTP stat) is where it
// continues, appending only the rest (FTP APPE, SFTP append). A NAME.part longer than the
// source, or one from no known attempt, is written again from byte 0. A URL ending in '/'
// gets the file's name. The password comes with the request's user ("name:password", from
// the URL or the keyring, never stored); SFTP keys and known_hosts as for downloads.
class RemoteFileUpload : public Upload
{
    Q_OBJECT
public:
    RemoteFileUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                     QObject *parent = nullptr);
    ~RemoteFileUpload() override;

    // The file's URL for `url` (a folder URL ending in '/' gets `name`) and the name its bytes
    // go to first.
    static QUrl targetUrl(const QUrl &url, const QString &name);
    static QUrl partUrl(const QUrl &target);

protected:
    Error checkUrl() const override;
    bool prepareRecord() override;
    void begin() override;
    QString stoppedMessage() const override;

private:
    void askSize(); // how much of NAME.part the server has, then sendFrom()
    void sendFrom(qint64 offset);

    QUrl m_target;
    QUrl m_part;
    bool m_continues = false; // the store had this upload unfinished: NAME.part may be ours
};

} // namespace bt
