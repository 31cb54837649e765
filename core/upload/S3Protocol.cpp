#include "upload/S3Protocol.h"

#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace bt::s3 {

bool splitUrl(const QUrl &url, QString *bucket, QString *key)
{
    if (url.scheme().compare(QLatin1String("s3"), Qt::CaseInsensitive) != 0 || url.host().isEmpty())
        return false;
    // The bucket is the URL's authority as written (QUrl lowercases hosts; S3 bucket names are
    // lowercase anyway).
    *bucket = url.host();
    QString path = url.path(QUrl::FullyDecoded);
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    *key = path;
    return true;
}

QByteArray encode(const QString &text, bool keepSlash)
{
    return QUrl::toPercentEncoding(text, keepSlash ? QByteArray("/") : QByteArray());
}

QUrl objectUrl(const QUrl &endpoint, bool pathStyle, const QString &bucket, const QString &key,
               const QByteArray &query)
{
    const bool https = endpoint.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    const bool virtualHosted = !pathStyle && !(https && bucket.contains(QLatin1Char('.')));
    QByteArray base = endpoint.scheme().toLatin1() + "://";
    const QByteArray host = QUrl::toAce(endpoint.host());
    base += virtualHosted ? encode(bucket) + '.' + host : host;
    if (endpoint.port() > 0)
        base += ':' + QByteArray::number(endpoint.port());
    QByteArray path = virtualHosted ? QByteArray("/") : '/' + encode(bucket) + '/';
    path += encode(key, true);
    QByteArray all = base + path;
    if (!query.isEmpty())
        all += '?' + query;
    return QUrl::fromEncoded(all, QUrl::StrictMode);
}

QByteArray partQuery(int partNumber, const QString &uploadId)
{
    return "partNumber=" + QByteArray::number(partNumber) + '&' + uploadIdQuery(uploadId);
}

QByteArray uploadIdQuery(const QString &uploadId)
{
    return "uploadId=" + encode(uploadId);
}

qint64 choosePartSize(qint64 fileSize, qint64 requested)
{
    qint64 size = requested;
    if (size <= 0) {
        size = kDefaultPartSize;
        while (size < kMaxPartSize && fileSize / size >= kTargetParts)
            size *= 2;
    }
    size = qBound(kMinPartSize, size, kMaxPartSize);
    const qint64 fitting = (fileSize + kMaxParts - 1) / kMaxParts; // 10,000 parts at most
    if (size < fitting)
        size = ((fitting + (1 << 20) - 1) >> 20) << 20; // whole MiB
    return size;
}

int partCount(qint64 fileSize, qint64 partSize)
{
    if (fileSize <= 0 || partSize <= 0)
        return 1;
    return int((fileSize + partSize - 1) / partSize);
}

QList<Part> planParts(qint64 fileSize, qint64 partSize)
{
    QList<Part> parts;
    const int count = partCount(fileSize, partSize);
    parts.reserve(count);
    for (int i = 0; i < count; ++i) {
        Part p;
        p.number = i + 1;
        p.offset = qint64(i) * partSize;
        p.size = qMin(partSize, fileSize - p.offset);
        parts.append(p);
    }
    return parts;
}

namespace {
// The text of the first element named `name` anywhere in the document.
QString firstText(const QByteArray &xml, QLatin1String name)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == name)
            return reader.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    }
    return {};
}
} // namespace

QString parseUploadId(const QByteArray &xml)
{
    return firstText(xml, QLatin1String("UploadId"));
}

QByteArray completeBody(const QList<Part> &parts)
{
    QByteArray out;
    QXmlStreamWriter w(&out);
    w.writeStartDocument();
    w.writeStartElement(QStringLiteral("CompleteMultipartUpload"));
    w.writeDefaultNamespace(QStringLiteral("http://s3.amazonaws.com/doc/2006-03-01/"));
    for (const Part &p : parts) {
        w.writeStartElement(QStringLiteral("Part"));
        w.writeTextElement(QStringLiteral("PartNumber"), QString::number(p.number));
        w.writeTextElement(QStringLiteral("ETag"), QString::fromLatin1(p.etag));
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndDocument();
    return out;
}

ErrorInfo parseError(const QByteArray &xml)
{
    ErrorInfo e;
    QXmlStreamReader reader(xml);
    bool inError = false;
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (reader.name() == QLatin1String("Error")) {
            inError = true;
        } else if (inError && reader.name() == QLatin1String("Code")) {
            e.code = reader.readElementText().trimmed();
        } else if (inError && reader.name() == QLatin1String("Message")) {
            e.message = reader.readElementText().trimmed();
        } else if (!inError) {
            return {}; // another document (a result)
        }
    }
    return e;
}

QList<Part> parseListParts(const QByteArray &xml, bool *truncated, int *next)
{
    QList<Part> parts;
    *truncated = false;
    *next = 0;
    QXmlStreamReader reader(xml);
    Part part;
    bool inPart = false;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::EndElement && reader.name() == QLatin1String("Part")) {
            if (part.number > 0)
                parts.append(part);
            inPart = false;
            continue;
        }
        if (token != QXmlStreamReader::StartElement)
            continue;
        const auto name = reader.name();
        if (name == QLatin1String("Part")) {
            part = Part{};
            inPart = true;
        } else if (inPart && name == QLatin1String("PartNumber")) {
            part.number = reader.readElementText().toInt();
        } else if (inPart && name == QLatin1String("Size")) {
            part.size = reader.readElementText().toLongLong();
        } else if (inPart && name == QLatin1String("ETag")) {
            part.etag = reader.readElementText().trimmed().toLatin1();
        } else if (name == QLatin1String("IsTruncated")) {
            *truncated = reader.readElementText().trimmed() == QLatin1String("true");
        } else if (name == QLatin1String("NextPartNumberMarker")) {
            *next = reader.readElementText().toInt();
        }
    }
    return parts;
}

} // namespace bt::s3
