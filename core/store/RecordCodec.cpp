#include "store/RecordCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace bt::store {

QString encodeSegments(const QList<SegmentState> &segments)
{
    QJsonArray array;
    for (const SegmentState &s : segments)
        array.append(QJsonArray{s.start, s.end, s.done});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<SegmentState> decodeSegments(const QString &json)
{
    QList<SegmentState> segments;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    segments.reserve(array.size());
    for (const QJsonValue &v : array) {
        const QJsonArray triple = v.toArray();
        if (triple.size() != 3)
            continue;
        segments.append(
            {triple.at(0).toInteger(), triple.at(1).toInteger(-1), triple.at(2).toInteger()});
    }
    return segments;
}

QString encodeOptions(const QVariantMap &options)
{
    if (options.isEmpty())
        return QStringLiteral("{}");
    return QString::fromUtf8(
        QJsonDocument(QJsonObject::fromVariantMap(options)).toJson(QJsonDocument::Compact));
}

QVariantMap decodeOptions(const QString &json)
{
    if (json.isEmpty() || json == QLatin1String("{}"))
        return {};
    return QJsonDocument::fromJson(json.toUtf8()).object().toVariantMap();
}

QVariant encodeDate(const QDateTime &date)
{
    if (!date.isValid())
        return QVariant(QMetaType::fromType<qint64>()); // NULL
    return QVariant(date.toMSecsSinceEpoch());
}

QDateTime decodeDate(const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return {};
    // UTC: a local time asks the C library for the zone (a stat of /etc/localtime) each time.
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QString notNullText(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

QString encodeUrl(const QUrl &url)
{
    return notNullText(QString::fromUtf8(url.toEncoded()));
}

QUrl decodeUrl(const QString &text)
{
    if (text.isEmpty())
        return {};
    return QUrl::fromEncoded(text.toUtf8());
}

} // namespace bt::store
