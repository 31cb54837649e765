#pragma once

#include "QueueTestUtil.h"

#include <QTemporaryDir>

namespace bt::uitest {

// Settings go to a temporary XDG config folder (before the first QSettings use; Qt caches the
// path), so that tests never read or write the person's configuration.
inline QTemporaryDir &configDir()
{
    static QTemporaryDir dir;
    return dir;
}

inline void isolateSettings()
{
    qputenv("XDG_CONFIG_HOME", configDir().path().toLocal8Bit());
    qputenv("XDG_DOWNLOAD_DIR", configDir().filePath(QStringLiteral("Downloads")).toLocal8Bit());
}

} // namespace bt::uitest
