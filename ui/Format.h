#pragma once

#include <QString>
#include <QtGlobal>

namespace bt::ui {

// How the window shows numbers: sizes in binary units (at most 3 digits before the point), speeds
// per second, ETAs as h:mm:ss.
QString formatSize(qint64 bytes); // "-" for unknown (< 0)
QString formatSpeed(qint64 bytesPerSecond);
QString formatEta(qint64 seconds); // empty for unknown (< 0)

} // namespace bt::ui
