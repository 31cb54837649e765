#pragma once

#include "model/UploadRequest.h"

#include <QList>
#include <QString>
#include <QUrl>

class QSettings;

namespace bt::ui {

// Where dropped files go (settings, "Upload targets"). The secret (password or token) is never
// part of it: CredentialStore keeps it in the keyring, or in memory for the session.
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
    QUrl url;
    UploadRequest::Method method = UploadRequest::Method::Tus;
    QString postField = QStringLiteral("file");
    // Folders: "tar.gz", "tar.zst", "zip" (one archive built on the fly) or "tree" (WebDAV:
    // MKCOL and one PUT a file; PUT only).
    QString folderMode = QStringLiteral("tar.gz");
    Auth auth = Auth::None;
    QString user; // Basic

    bool isValid() const;
    QString displayName() const; // name, else the URL
    // The request for one dropped file or folder (without the secret).
    UploadRequest request(const QString &path) const;
    // Adds the secret (Basic: "user:password"; Bearer: the token).
    void addSecret(UploadRequest *request, const QString &secret) const;

    static QList<UploadTarget> load(QSettings &settings);
    static void save(QSettings &settings, const QList<UploadTarget> &targets);
    static QString newKey();
    static QString methodKey(UploadRequest::Method method); // "tus", "put", "post"
    static UploadRequest::Method methodFromKey(const QString &key);
};

} // namespace bt::ui
