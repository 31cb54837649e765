#include "DaemonSettings.h"

#include "queue/QueueManager.h"

#include <QSettings>
#include <QStandardPaths>

namespace bt::cli {

DaemonSettings DaemonSettings::load()
{
    const QSettings s(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("BTFileStream"),
                      QStringLiteral("btfilestream"));
    auto get = [&s](const char *key, const auto &def) {
        return s.value(QLatin1String(key), QVariant::fromValue(def))
            .template value<std::decay_t<decltype(def)>>();
    };
    DaemonSettings d;
    d.downloadFolder = get("downloads/folder", d.downloadFolder);
    d.maxActive = qMax(1, get("queue/maxActive", d.maxActive));
    d.maxPerHost = qMax(0, get("queue/maxPerHost", d.maxPerHost));
    d.normal.download = get("speed/download", qint64(0));
    d.normal.upload = get("speed/upload", qint64(0));
    d.alternative.download = get("speed/altDownload", qint64(512 * 1024));
    d.alternative.upload = get("speed/altUpload", qint64(128 * 1024));
    d.alternativeEnabled = get("speed/altEnabled", false);
    d.proxy = get("network/proxy", d.proxy);
    d.extractArchives = get("files/extractArchives", false);
    d.defaults.connections = qBound(0, get("downloads/connections", 0), 16);
    d.defaults.retries = get("downloads/retries", d.defaults.retries);
    d.defaults.stallTimeoutSec = get("downloads/stallTimeout", d.defaults.stallTimeoutSec);
    d.defaults.sha256 = get("downloads/sha256", false);
    return d;
}

QString DaemonSettings::effectiveDownloadFolder() const
{
    if (!downloadFolder.isEmpty())
        return downloadFolder;
    const QString xdg = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    return xdg.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::HomeLocation) : xdg;
}

void DaemonSettings::applyTo(QueueManager *queue) const
{
    queue->setMaxActive(maxActive);
    queue->setMaxPerHost(maxPerHost);
    queue->setSpeedLimits(normal);
    queue->setAlternativeSpeedLimits(alternative);
    queue->setAlternativeLimitsEnabled(alternativeEnabled);
    queue->setProxy(proxy);
    AfterDownloadActions actions;
    actions.extract = extractArchives;
    queue->setAfterDownloadDefaults(actions);
}

} // namespace bt::cli
