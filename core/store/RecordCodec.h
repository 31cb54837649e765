#pragma once

#include "model/TransferRecord.h"

#include <QDateTime>
#include <QString>
#include <QVariant>

namespace bt::store {

// Conversions between TransferRecord fields and the values stored in SQLite columns.

// Compact JSON: [[start,end,done],...]
QString encodeSegments(const QList<SegmentState> &segments);
QList<SegmentState> decodeSegments(const QString &json);

// Compact JSON object (QJsonObject::fromVariantMap).
QString encodeOptions(const QVariantMap &options);
QVariantMap decodeOptions(const QString &json);

// ms since the epoch, a NULL value for an invalid date.
QVariant encodeDate(const QDateTime &date);
QDateTime decodeDate(const QVariant &value);

// A bindable text that is never SQL NULL (a null QString binds as NULL).
QString notNullText(const QString &text);
QString encodeUrl(const QUrl &url);
QUrl decodeUrl(const QString &text);

} // namespace bt::store
