#include "BrowserIntegration.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>

#include <cstdio>

namespace bt::ui {

namespace {

const QString kHostName = QStringLiteral(BT_NATIVE_HOST_NAME);

struct Place
{
    QString kind; // which manifest: the Chromium family and Firefox differ in one field
    QString dir;
};

QList<Place> places()
{
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    return {{QStringLiteral("chromium"), config + QStringLiteral("/chromium/NativeMessagingHosts")},
            {QStringLiteral("chromium"),
             config + QStringLiteral("/google-chrome/NativeMessagingHosts")},
            {QStringLiteral("firefox"),
             QDir::homePath() + QStringLiteral("/.mozilla/native-messaging-hosts")}};
}

QString pathIn(const QString &dir)
{
    return dir + QLatin1Char('/') + kHostName + QStringLiteral(".json");
}

} // namespace

QString BrowserIntegration::hostPath()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/btfilestream-browser-host");
}

QStringList BrowserIntegration::userManifestPaths()
{
    QStringList paths;
    for (const Place &p : places())
        paths.append(pathIn(p.dir));
    return paths;
}

QByteArray BrowserIntegration::manifest(const QString &kind, const QString &hostPath)
{
    // The same templates the .deb's manifests come from (browser/hosts), ids filled in by CMake.
    QFile file(QStringLiteral(":/browser-hosts/") + kind + QStringLiteral(".json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray text = file.readAll();
    // A JSON string: the path's backslashes and quotes escaped (a path may hold either).
    QByteArray escaped = hostPath.toUtf8();
    escaped.replace('\\', "\\\\").replace('"', "\\\"");
    return text.replace("@BT_HOST_PATH@", escaped);
}

bool BrowserIntegration::install(const QString &hostPath, QStringList *written, QString *error)
{
    for (const Place &p : places()) {
        const QString path = pathIn(p.dir);
        QSaveFile out(path);
        if (!QDir().mkpath(p.dir) || !out.open(QIODevice::WriteOnly) ||
            out.write(manifest(p.kind, hostPath)) < 0 || !out.commit()) {
            *error = QCoreApplication::translate("BrowserIntegration", "Cannot write %1: %2")
                         .arg(path, out.errorString());
            return false;
        }
        written->append(path);
    }
    return true;
}

bool BrowserIntegration::uninstall(QStringList *removed, QString *error)
{
    for (const QString &path : userManifestPaths()) {
        QFile file(path);
        if (!file.exists())
            continue;
        if (!file.remove()) {
            *error = QCoreApplication::translate("BrowserIntegration", "Cannot remove %1: %2")
                         .arg(path, file.errorString());
            return false;
        }
        removed->append(path);
    }
    return true;
}

int BrowserIntegration::runCommand(bool install)
{
    QStringList done;
    QString error;
    const bool ok =
        install ? BrowserIntegration::install(hostPath(), &done, &error) : uninstall(&done, &error);
    for (const QString &path : std::as_const(done))
        std::printf("%s %s\n", install ? "wrote" : "removed", qPrintable(path));
    if (!install && done.isEmpty() && ok)
        std::printf("no browser integration was installed for this user\n");
    if (!ok) {
        std::fprintf(stderr, "btfilestream: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}

} // namespace bt::ui
