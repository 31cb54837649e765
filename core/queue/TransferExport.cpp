#include "queue/TransferExport.h"

#include "queue/TransferSnapshot.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace bt {

namespace {

QJsonValue date(const QDateTime &when)
{
    return when.isValid() ? QJsonValue(when.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

} // namespace

QByteArray TransferExport::toJson(const QList<TransferRecord> &records)
{
    QJsonArray array;
    for (const TransferRecord &r : records) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), r.id);
        o.insert(QStringLiteral("direction"), r.direction == TransferDirection::Upload
                                                  ? QStringLiteral("upload")
                                                  : QStringLiteral("download"));
        o.insert(QStringLiteral("state"), transferStateName(r.state));
        o.insert(QStringLiteral("url"), withoutPassword(r.url).toString(QUrl::FullyEncoded));
        o.insert(QStringLiteral("path"), r.destination);
        o.insert(QStringLiteral("size"), r.totalSize);
        o.insert(QStringLiteral("done"), r.doneSize);
        if (!r.sha256.isEmpty())
            o.insert(QStringLiteral("sha256"), r.sha256);
        if (!r.lastError.isEmpty())
            o.insert(QStringLiteral("error"), r.lastError);
        o.insert(QStringLiteral("added"), date(r.added));
        o.insert(QStringLiteral("completed"), date(r.completed));
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

QByteArray TransferExport::toUrlList(const QList<TransferRecord> &records)
{
    QByteArray text;
    for (const TransferRecord &r : records) {
        if (r.direction != TransferDirection::Download)
            continue;
        text += withoutPassword(r.url).toEncoded() + '\n';
        if (!r.requestedName.isEmpty())
            text += "  out=" + r.requestedName.toUtf8() + '\n';
    }
    return text;
}

} // namespace bt
