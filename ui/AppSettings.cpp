#include "AppSettings.h"

#include "model/DownloadRequest.h"
#include "queue/QueueManager.h"

#include <QSettings>
#include <QStandardPaths>

namespace bt::ui {

namespace {
QSettings settings()
{
    return QSettings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("BTFileStream"),
                     QStringLiteral("btfilestream"));
}
} // namespace

AppSettings AppSettings::load()
{
    QSettings s(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("BTFileStream"),
                QStringLiteral("btfilestream"));
    AppSettings a;
    auto get = [&s](const char *key, const auto &def) {
        return s.value(QLatin1String(key), QVariant::fromValue(def))
            .template value<std::decay_t<decltype(def)>>();
    };
    a.downloadFolder = get("downloads/folder", a.downloadFolder);
    a.maxActive = qMax(1, get("queue/maxActive", a.maxActive));
    a.maxPerHost = qMax(0, get("queue/maxPerHost", a.maxPerHost));
    a.connections = qBound(0, get("downloads/connections", a.connections), 16);
    a.sha256 = get("downloads/sha256", a.sha256);
    a.downloadLimit = get("speed/download", a.downloadLimit);
    a.uploadLimit = get("speed/upload", a.uploadLimit);
    a.altDownloadLimit = get("speed/altDownload", a.altDownloadLimit);
    a.altUploadLimit = get("speed/altUpload", a.altUploadLimit);
    a.altLimitsEnabled = get("speed/altEnabled", a.altLimitsEnabled);
    a.retries = get("downloads/retries", a.retries);
    a.stallTimeoutSec = get("downloads/stallTimeout", a.stallTimeoutSec);
    a.proxy = get("network/proxy", a.proxy);
    a.closeToTray = get("window/closeToTray", a.closeToTray);
    a.watchClipboard = get("window/watchClipboard", a.watchClipboard);
    a.scheduleEnabled = get("schedule/enabled", a.scheduleEnabled);
    a.scheduleWindow = get("schedule/window", a.scheduleWindow);
    a.uploadTargets = UploadTarget::load(s);
    a.lastAddFolder = get("downloads/lastAddFolder", a.lastAddFolder);
    a.remoteUrl = get("remote/url", a.remoteUrl);
    a.remoteConnected = get("remote/connected", a.remoteConnected);
    a.extractArchives = get("files/extractArchives", a.extractArchives);
    a.openFolderWhenDone = get("files/openFolderWhenDone", a.openFolderWhenDone);
    a.autoFolders = get("files/autoFolders", a.autoFolders);
    a.browserStartAtOnce = get("browser/startAtOnce", a.browserStartAtOnce);
    // Saved rules by category; a category that a later version adds keeps its default.
    const int n = s.beginReadArray(QStringLiteral("files/folderRules"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        const QString category = s.value(QStringLiteral("category")).toString();
        for (FolderRule &rule : a.folderRules) {
            if (rule.category == category) {
                rule.extensions =
                    FolderRule::parseExtensions(s.value(QStringLiteral("extensions")).toString());
                rule.folder = s.value(QStringLiteral("folder")).toString();
            }
        }
    }
    s.endArray();
    return a;
}

void AppSettings::save() const
{
    QSettings s = settings();
    s.setValue(QStringLiteral("downloads/folder"), downloadFolder);
    s.setValue(QStringLiteral("queue/maxActive"), maxActive);
    s.setValue(QStringLiteral("queue/maxPerHost"), maxPerHost);
    s.setValue(QStringLiteral("downloads/connections"), connections);
    s.setValue(QStringLiteral("downloads/sha256"), sha256);
    s.setValue(QStringLiteral("speed/download"), downloadLimit);
    s.setValue(QStringLiteral("speed/upload"), uploadLimit);
    s.setValue(QStringLiteral("speed/altDownload"), altDownloadLimit);
    s.setValue(QStringLiteral("speed/altUpload"), altUploadLimit);
    s.setValue(QStringLiteral("speed/altEnabled"), altLimitsEnabled);
    s.setValue(QStringLiteral("downloads/retries"), retries);
    s.setValue(QStringLiteral("downloads/stallTimeout"), stallTimeoutSec);
    s.setValue(QStringLiteral("network/proxy"), proxy);
    s.setValue(QStringLiteral("window/closeToTray"), closeToTray);
    s.setValue(QStringLiteral("window/watchClipboard"), watchClipboard);
    s.setValue(QStringLiteral("schedule/enabled"), scheduleEnabled);
    s.setValue(QStringLiteral("schedule/window"), scheduleWindow);
    UploadTarget::save(s, uploadTargets);
    s.setValue(QStringLiteral("downloads/lastAddFolder"), lastAddFolder);
    s.setValue(QStringLiteral("remote/url"), remoteUrl);
    s.setValue(QStringLiteral("remote/connected"), remoteConnected);
    s.setValue(QStringLiteral("files/extractArchives"), extractArchives);
    s.setValue(QStringLiteral("files/openFolderWhenDone"), openFolderWhenDone);
    s.setValue(QStringLiteral("files/autoFolders"), autoFolders);
    s.setValue(QStringLiteral("browser/startAtOnce"), browserStartAtOnce);
    s.beginWriteArray(QStringLiteral("files/folderRules"), int(folderRules.size()));
    for (int i = 0; i < folderRules.size(); ++i) {
        s.setArrayIndex(i);
        s.setValue(QStringLiteral("category"), folderRules[i].category);
        s.setValue(QStringLiteral("extensions"),
                   FolderRule::extensionsText(folderRules[i].extensions));
        s.setValue(QStringLiteral("folder"), folderRules[i].folder);
    }
    s.endArray();
    s.sync();
}

QString AppSettings::effectiveDownloadFolder() const
{
    if (!downloadFolder.isEmpty())
        return downloadFolder;
    const QString xdg = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    return xdg.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::HomeLocation) : xdg;
}

const UploadTarget *AppSettings::uploadTarget(const QString &key) const
{
    for (const UploadTarget &t : uploadTargets)
        if (t.key == key)
            return &t;
    return nullptr;
}

void AppSettings::applyTo(QueueManager *queue) const
{
    if (!queue)
        return;
    queue->setMaxActive(maxActive);
    queue->setMaxPerHost(maxPerHost);
    queue->setProxy(proxy);
    SpeedLimitSet normal;
    normal.download = downloadLimit;
    normal.upload = uploadLimit;
    SpeedLimitSet alt;
    alt.download = altDownloadLimit;
    alt.upload = altUploadLimit;
    queue->setSpeedLimits(normal);
    queue->setAlternativeSpeedLimits(alt);
    queue->setAlternativeLimitsEnabled(altLimitsEnabled);
    // The queue runs them (core/actions), for rows restored after a restart too.
    AfterDownloadActions actions;
    actions.extract = extractArchives;
    queue->setAfterDownloadDefaults(actions);
    const TimeWindow window = TimeWindow::fromString(scheduleWindow);
    if (scheduleEnabled && window.isValid())
        queue->setScheduleWindow(window);
    else
        queue->setScheduleWindow(std::nullopt);
}

void AppSettings::applyTo(DownloadRequest *request) const
{
    request->connections = connections;
    request->sha256 = sha256;
    request->retries = retries;
    request->stallTimeoutSec = stallTimeoutSec;
}

} // namespace bt::ui
