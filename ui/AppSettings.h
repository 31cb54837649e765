#pragma once

#include "FolderRules.h"
#include "UploadTarget.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace bt {

class QueueManager;
struct DownloadRequest;

namespace ui {

// Everything the settings dialog edits, kept in QSettings (on Linux:
// $XDG_CONFIG_HOME/BTFileStream/btfilestream.conf). Speeds in bytes per second, 0 = unlimited.
struct AppSettings
{
    QString downloadFolder; // empty = the XDG download folder
    int maxActive = 3;
    int maxPerHost = 3;  // = maxActive: a lower cap silently overrode "3 at once" for one host
    int connections = 0; // per download; 0 = adaptive
    bool sha256 = false; // compute the SHA-256 of every download (else only to verify)
    qint64 downloadLimit = 0;
    qint64 uploadLimit = 0;
    qint64 altDownloadLimit = 512 * 1024;
    qint64 altUploadLimit = 128 * 1024;
    bool altLimitsEnabled = false;
    int retries = 10;
    int stallTimeoutSec = 30;
    QString proxy; // a proxy URL, "none", or empty = the environment's (http_proxy...)
    bool closeToTray = true;
    bool watchClipboard = false;
    bool scheduleEnabled = false;
    QString scheduleWindow = QStringLiteral("01:00-07:00");
    QList<UploadTarget> uploadTargets; // where dropped files go (secrets: CredentialStore)
    QString lastAddFolder;             // the add dialog remembers its folder
    QString remoteUrl;                 // File > Connect to…: the last daemon (secret: keyring)
    bool remoteConnected = false;      // connected at quit: connect again at the next start
    bool extractArchives = false;      // extract a completed archive into a folder beside it
    bool openFolderWhenDone = false;   // open a completed download's folder (after extracting)
    bool autoFolders = false;          // sort new downloads into sub-folders by file type
    QList<FolderRule> folderRules = FolderRule::defaults();
    // [browser] startAtOnce: a download the browser extension hands over starts at once
    // instead of opening the add dialog (tests and scripted setups set it in the file).
    bool browserStartAtOnce = false;

    static AppSettings load();
    void save() const;
    QString effectiveDownloadFolder() const;
    const UploadTarget *uploadTarget(const QString &key) const;

    // Applies the queue's part at once: limits, speed limits, the scheduler window, the
    // after-download actions of every download (extract archives).
    void applyTo(QueueManager *queue) const;
    // The request defaults a new download starts from (connections, retries, timeouts).
    void applyTo(DownloadRequest *request) const;
};

} // namespace ui
} // namespace bt
