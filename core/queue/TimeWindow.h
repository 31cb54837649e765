#pragma once

#include <QString>
#include <QTime>

namespace bt {

// A daily window [start, end) in local time in which queued transfers may start, for example
// 01:00-07:00. A window may cross midnight (22:00-06:00); start == end means all day.
struct TimeWindow
{
    QTime start;
    QTime end;

    bool isValid() const { return start.isValid() && end.isValid(); }
    bool contains(const QTime &time) const;
    QString toString() const; // "01:00-07:00"
    // Parses "HH:mm-HH:mm"; an invalid window on failure.
    static TimeWindow fromString(const QString &text);
};

} // namespace bt
