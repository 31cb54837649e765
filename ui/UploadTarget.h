#pragma once

#include "model/TransferRecord.h"
#include "model/UploadRequest.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

class QSettings;

namespace bt::ui {

// Where dropped files go (settings, "Upload targets"). The secret (password, token, S3 secret
// access key) is never part of it: CredentialStore keeps it in the keyring, or in memory for
// the session.
struct UploadTarget
{
    enum class Auth
    {
        None,
        Basic, // user name here, password in the keyring
        Bearer // token in the keyring
    };

    QString key; // stable id (the keyring's entry name), made once
    QString name;
    QUrl url; // tus, PUT, POST
    UploadRequest::Method method = UploadRequest::Method::Tus;
    QString postField = QStringLiteral("file");
    // Folders: "tar.gz", "tar.zst", "zip" (one archive built on the fly) or "tree" (WebDAV:
    // MKCOL and one PUT a file; PUT only). S3: always the folder's files under the prefix.
    QString folderMode = QStringLiteral("tar.gz");
    Auth auth = Auth::None;
    QString user; // Basic

    // S3: objects go to s3://bucket/prefix/NAME at the endpoint (empty: AWS). With an access
    // key id the secret access key (and a session token) come from the keyring; without one,
    // the AWS setup's credentials (~/.aws, AWS_* variables) as btstream reads them.
    QString s3Endpoint;
    QString s3Region;
    QString s3Bucket;
    QString s3Prefix; // a folder: "backups/2026" sends a.txt to backups/2026/a.txt
    UploadRequest::S3Addressing s3Addressing = UploadRequest::S3Addressing::Auto;
    QString s3AccessKeyId;
    qint64 s3PartSize = 0; // 0: from the file size

    bool isS3() const { return method == UploadRequest::Method::S3; }
    bool isValid() const { return problem().isEmpty(); }
    QString problem() const; // what is wrong with the target, for a person; empty if nothing
    bool needsSecret() const;
    QString displayName() const; // name, else the URL
    QUrl address() const;        // the URL, or s3://BUCKET/PREFIX/
    // The requests for dropped files and folders (without the secret). Empty with *error for
    // S3 files that cannot go (two of one key, an empty folder).
    QList<UploadRequest> requests(const QStringList &paths, QString *error) const;
    // Adds the secret (Basic: "user:password"; Bearer: the token; S3: the key id and the
    // packed secret, see packS3Secret).
    void addSecret(UploadRequest *request, const QString &secret) const;
    // The stored row of an upload to this target (its secret is then this target's).
    bool matches(const TransferRecord &record) const;

    // S3: the secret access key and the session token as one keyring entry.
    static QString packS3Secret(const QString &secretAccessKey, const QString &sessionToken);
    static void unpackS3Secret(const QString &packed, QString *secretAccessKey,
                               QString *sessionToken);

    static QList<UploadTarget> load(QSettings &settings);
    static void save(QSettings &settings, const QList<UploadTarget> &targets);
    static QString newKey();
    static QString methodKey(UploadRequest::Method method); // "tus", "put", "post", "s3"
    static UploadRequest::Method methodFromKey(const QString &key);

private:
    UploadRequest request(const QString &path) const;
};

} // namespace bt::ui
