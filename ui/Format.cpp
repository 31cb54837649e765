#include "Format.h"

#include <QCoreApplication>
#include <QLocale>

#include <iterator>

namespace bt::ui {

QString formatSize(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("-");
    // Not QLocale::formattedDataSize: it shows "1,023.8 kB" up to the next power of 1024. Four
    // digits are never shown: a value that would round to 1000 or more moves to the next unit.
    static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
    if (bytes < 1000)
        return QCoreApplication::translate("bt::ui::Format", "%1 B").arg(bytes);
    double value = double(bytes) / 1024.0;
    int unit = 0;
    while (value >= 999.95 && unit + 1 < int(std::size(units))) {
        value /= 1024.0;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(QLocale().toString(value, 'f', 1),
                                       QLatin1String(units[unit]));
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
