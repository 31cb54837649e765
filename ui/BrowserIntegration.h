#pragma once

#include <QString>
#include <QStringList>

namespace bt::ui {

// The native messaging host manifests that let the browser extension reach
// btfilestream-browser-host, for one user (the .deb installs the same ones system-wide):
// Chromium and Google Chrome under $XDG_CONFIG_HOME, Firefox under ~/.mozilla.
class BrowserIntegration
{
public:
    // The host program next to this one.
    static QString hostPath();
    // `<dir>/io.github.btfilestream.json` for each browser.
    static QStringList userManifestPaths();
    // The manifest text for "chromium" or "firefox" with `hostPath` filled in.
    static QByteArray manifest(const QString &kind, const QString &hostPath);
    // Writes (replaces) every user manifest; false and `error` at the first that fails.
    static bool install(const QString &hostPath, QStringList *written, QString *error);
    // Removes the user manifests there are; false and `error` when one cannot be removed.
    static bool uninstall(QStringList *removed, QString *error);
    // --install-browser-integration / --uninstall-browser-integration: says what it did on
    // stdout (errors on stderr); the program's exit code.
    static int runCommand(bool install);
};

} // namespace bt::ui
