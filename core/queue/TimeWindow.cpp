#include "queue/TimeWindow.h"

#include <QStringList>

namespace bt {

bool TimeWindow::contains(const QTime &time) const
{
    if (!isValid() || start == end)
        return true;
    if (start < end)
        return time >= start && time < end;
    return time >= start || time < end; // crosses midnight
}

QString TimeWindow::toString() const
{
    return start.toString(QStringLiteral("HH:mm")) + QLatin1Char('-') +
           end.toString(QStringLiteral("HH:mm"));
}

TimeWindow TimeWindow::fromString(const QString &text)
{
    const QStringList parts = text.trimmed().split(QLatin1Char('-'));
    if (parts.size() != 2)
        return {};
    TimeWindow w;
    w.start = QTime::fromString(parts.at(0).trimmed(), QStringLiteral("H:mm"));
    w.end = QTime::fromString(parts.at(1).trimmed(), QStringLiteral("H:mm"));
    return w.isValid() ? w : TimeWindow{};
}

} // namespace bt
