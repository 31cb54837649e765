#include "Format.h"

#include <QCoreApplication>
#include <QLocale>

namespace bt::ui {

QString formatSize(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("-");
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString formatSpeed(qint64 bytesPerSecond)
{
    if (bytesPerSecond <= 0)
        return QString();
    return QCoreApplication::translate("bt::ui::Format", "%1/s").arg(formatSize(bytesPerSecond));
}

QString formatEta(qint64 seconds)
{
    if (seconds < 0)
        return QString();
    const qint64 h = seconds / 3600;
    const qint64 m = (seconds / 60) % 60;
    const qint64 s = seconds % 60;
    if (h > 99)
        return QCoreApplication::translate("bt::ui::Format", "%n h", nullptr, int(h));
    if (h > 0)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QLatin1Char('0'))
            .arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

} // namespace bt::ui
