// Aria2Service: adding transfers and the options (addUri, btfilestream.addUpload, changeOption,
// getOption, changeGlobalOption, getGlobalOption).
#include "Aria2Format.h"
#include "Aria2Service.h"
#include "http/DigestHeader.h"
#include "model/UploadRequest.h"
#include "queue/QueueManager.h"
#include "queue/RequestCodec.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace bt::rpc {

namespace {

// aria2's option values are strings; some clients send numbers or booleans.
QString optionText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(qint64(value.toDouble()));
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

bool parseHttpUrl(const QString &text, QUrl *url)
{
    const QUrl parsed(text.trimmed(), QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    if (!parsed.isValid() || parsed.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return false;
    *url = parsed;
    return true;
}

bool parseHeader(const QString &text, QPair<QByteArray, QByteArray> *header)
{
    static const QRegularExpression name(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0 || !name.match(text.left(colon).trimmed()).hasMatch() ||
        text.contains(QLatin1Char('\r')) || text.contains(QLatin1Char('\n')))
        return false;
    *header = {text.left(colon).trimmed().toLatin1(), text.mid(colon + 1).trimmed().toUtf8()};
    return true;
}

bool parseConnections(const QString &text, int *out)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < 1 || n > 16)
        return false;
    *out = n;
    return true;
}

QString rateText(qint64 bytesPerSecond)
{
    return QString::number(bytesPerSecond);
}

} // namespace

bool Aria2Service::applyOptions(const QJsonObject &options, DownloadRequest *request,
                                QString *why) const
{
    int split = 0, perServer = 0;
    for (auto it = options.begin(); it != options.end(); ++it) {
        const QString key = it.key();
        const QString text = optionText(it.value());
        if (key == QLatin1String("header")) {
            const QJsonArray lines =
                it.value().isArray() ? it.value().toArray() : QJsonArray{it.value()};
            for (const QJsonValue &line : lines) {
                QPair<QByteArray, QByteArray> header;
                if (!line.isString() || !parseHeader(line.toString(), &header)) {
                    *why = QStringLiteral("header must be \"Name: value\"");
                    return false;
                }
                request->headers.append(header);
            }
        } else if (key == QLatin1String("user-agent")) {
            request->headers.append({QByteArrayLiteral("User-Agent"), text.toUtf8()});
        } else if (key == QLatin1String("split")) {
            if (!parseConnections(text, &split)) {
                *why = QStringLiteral("split must be a number from 1 to 16");
                return false;
            }
        } else if (key == QLatin1String("max-connection-per-server")) {
            if (!parseConnections(text, &perServer)) {
                *why = QStringLiteral("max-connection-per-server must be a number from 1 to 16");
                return false;
            }
        } else if (key == QLatin1String("max-download-limit")) {
            if (!aria2::parseRate(text, &request->rateLimit)) {
                *why = QStringLiteral("max-download-limit must be a rate such as 0, 500K, 2M");
                return false;
            }
        } else if (key == QLatin1String("checksum")) {
            http::DigestValue digest;
            if (!http::parseChecksumOption(aria2::checksumOption(text), &digest)) {
                *why = QStringLiteral("checksum must be TYPE=DIGEST with TYPE sha-256, sha-512, "
                                      "sha-1 or md5");
                return false;
            }
            request->checksums = {digest};
        }
        // Other aria2 options (BitTorrent, FTP, the session file...) do not apply: ignored, as
        // aria2 ignores the options an RPC call may not set.
    }
    if (split > 0 || perServer > 0)
        request->connections =
            split > 0 && perServer > 0 ? qMin(split, perServer) : qMax(split, perServer);
    return true;
}

DownloadRequest Aria2Service::requestFor(const TransferRecord &record) const
{
    DownloadRequest request = requestcodec::fromRecord(record);
    QString why;
    if (const auto changed = m_changedOptions.find(record.id); changed != m_changedOptions.end())
        applyOptions(*changed, &request, &why); // checked when it was given
    return request;
}

Aria2Service::Reply Aria2Service::addUri(const QJsonArray &params)
{
    if (params.isEmpty() || !params.at(0).isArray() || params.at(0).toArray().isEmpty())
        return invalidParams(QStringLiteral("addUri takes a non-empty array of URIs first"));
    // The URIs are one file on several servers (aria2's mirrors): the first is the download's
    // address, the others its mirrors, fetched from at once as a metalink's are.
    QList<QUrl> urls;
    for (const QJsonValue &uri : params.at(0).toArray()) {
        QUrl url;
        if (!uri.isString() || !parseHttpUrl(uri.toString(), &url))
            return error(QStringLiteral("only http and https URIs can be added, not '%1'")
                             .arg(uri.toString()));
        if (!urls.contains(url))
            urls.append(url);
    }
    if (params.size() > 1 && !params.at(1).isObject())
        return invalidParams(QStringLiteral("the options must be an object"));
    if (params.size() > 2 && !params.at(2).isDouble())
        return invalidParams(QStringLiteral("the position must be an integer"));
    const QJsonObject options = params.size() > 1 ? params.at(1).toObject() : QJsonObject();

    DownloadRequest request = m_defaults;
    request.url = urls.takeFirst();
    request.mirrors = urls;
    QString why;
    if (!applyOptions(options, &request, &why))
        return error(why);
    QString folder, name;
    if (!m_folders.resolve(optionText(options.value(QLatin1String("dir"))),
                           optionText(options.value(QLatin1String("out"))), &folder, &name, &why))
        return error(why);
    if (!QFileInfo(folder).isDir() && !QDir().mkpath(folder))
        return error(QStringLiteral("cannot create the folder %1").arg(folder));
    request.directory = folder;
    request.fileName = name;

    QueueManager::EnqueueOptions enqueue;
    enqueue.reuseExisting = false; // aria2 adds a new download each time
    enqueue.startPaused =
        optionText(options.value(QLatin1String("pause"))) == QLatin1String("true");
    Error failure;
    const QList<qint64> ids = m_queue->enqueue({request}, enqueue, &failure);
    if (ids.isEmpty() || ids.first() == 0)
        return error(failure.message.isEmpty() ? QStringLiteral("the download could not be added")
                                               : failure.message);
    if (params.size() > 2)
        moveTo(ids.first(), params.at(2).toInt());
    return {aria2::gidOf(ids.first())};
}

Aria2Service::Reply Aria2Service::addUpload(const QJsonArray &params)
{
    if (params.size() < 2 || !params.at(0).isString() || !params.at(1).isString() ||
        (params.size() > 2 && !params.at(2).isObject()))
        return invalidParams(QStringLiteral("addUpload takes PATH, URL and an options object"));
    // Only files inside the download folders can be sent: a remote client may not read the
    // rest of the machine.
    const QFileInfo source(params.at(0).toString());
    const QString canonical = source.canonicalFilePath();
    if (!source.isAbsolute() || canonical.isEmpty() || !QFileInfo(canonical).isFile() ||
        !m_folders.allows(QFileInfo(canonical).absolutePath()))
        return error(
            QStringLiteral("%1 is not a file inside the download folders").arg(source.filePath()));
    UploadRequest request;
    request.sourcePath = canonical;
    if (!parseHttpUrl(params.at(1).toString(), &request.url))
        return error(QStringLiteral("the upload URL must be http or https"));
    const QJsonObject options = params.size() > 2 ? params.at(2).toObject() : QJsonObject();
    const QString method = optionText(options.value(QLatin1String("method")));
    if (method.isEmpty() || method == QLatin1String("tus"))
        request.method = UploadRequest::Method::Tus;
    else if (method == QLatin1String("put"))
        request.method = UploadRequest::Method::Put;
    else if (method == QLatin1String("post"))
        request.method = UploadRequest::Method::Post;
    else
        return error(QStringLiteral("method must be tus, put or post"));
    const QJsonValue headers = options.value(QLatin1String("header"));
    for (const QJsonValue &line : headers.isArray() ? headers.toArray() : QJsonArray{headers}) {
        QPair<QByteArray, QByteArray> header;
        if (line.isUndefined())
            continue;
        if (!line.isString() || !parseHeader(line.toString(), &header))
            return error(QStringLiteral("header must be \"Name: value\""));
        request.headers.append(header);
    }
    Error failure;
    const QList<qint64> ids = m_queue->enqueueUploads({request}, &failure);
    if (ids.isEmpty() || ids.first() == 0)
        return error(failure.message.isEmpty() ? QStringLiteral("the upload could not be added")
                                               : failure.message);
    return {aria2::gidOf(ids.first())};
}

Aria2Service::Reply Aria2Service::changeOption(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    if (params.size() < 2 || !params.at(1).isObject())
        return invalidParams(QStringLiteral("changeOption takes GID and an options object"));
    QJsonObject merged = m_changedOptions.value(s->id);
    const QJsonObject options = params.at(1).toObject();
    for (auto it = options.begin(); it != options.end(); ++it)
        merged.insert(it.key(), it.value());
    DownloadRequest check;
    QString why;
    if (!applyOptions(merged, &check, &why))
        return error(why);
    m_changedOptions.insert(s->id, merged);
    // A running download takes them at its next start: stopped and queued again now (its
    // resume state is kept), as aria2 restarts a download for such options.
    if (s->state == TransferState::Active) {
        m_queue->pause({s->id});
        m_queue->resume({s->id});
    }
    return {QStringLiteral("OK")};
}

Aria2Service::Reply Aria2Service::getOption(const QJsonArray &params)
{
    Reply reply;
    const auto s = transferAt(params, 0, &reply);
    if (!s)
        return reply;
    const TransferRecord record = *m_queue->record(s->id);
    const DownloadRequest request = requestFor(record);
    QJsonObject o{{QStringLiteral("dir"), record.directory},
                  {QStringLiteral("max-download-limit"), rateText(request.rateLimit)}};
    if (!record.requestedName.isEmpty())
        o.insert(QStringLiteral("out"), record.requestedName);
    if (request.connections > 0) {
        o.insert(QStringLiteral("split"), QString::number(request.connections));
        o.insert(QStringLiteral("max-connection-per-server"), QString::number(request.connections));
    }
    if (!record.expectedChecksum.isEmpty())
        o.insert(QStringLiteral("checksum"), record.expectedChecksum);
    return {o};
}

Aria2Service::Reply Aria2Service::changeGlobalOption(const QJsonArray &params)
{
    if (params.isEmpty() || !params.at(0).isObject())
        return invalidParams(QStringLiteral("changeGlobalOption takes an options object"));
    const QJsonObject options = params.at(0).toObject();
    SpeedLimitSet limits = m_queue->speedLimits().normal();
    DownloadRequest defaults = m_defaults;
    QString why;
    QJsonObject perDownload;
    for (const char *key : {"split", "max-connection-per-server"})
        if (options.contains(QLatin1String(key)))
            perDownload.insert(QLatin1String(key), options.value(QLatin1String(key)));
    if (!applyOptions(perDownload, &defaults, &why))
        return error(why);
    const QString active = optionText(options.value(QLatin1String("max-concurrent-downloads")));
    int maxActive = m_queue->maxActive();
    if (!active.isEmpty()) {
        bool ok = false;
        maxActive = active.toInt(&ok);
        if (!ok || maxActive < 1 || maxActive > 1000)
            return error(QStringLiteral("max-concurrent-downloads must be a number from 1"));
    }
    const std::pair<const char *, qint64 *> rates[] = {
        {"max-overall-download-limit", &limits.download},
        {"max-overall-upload-limit", &limits.upload},
        {"max-download-limit", &limits.perTransfer}};
    for (const auto &[key, target] : rates) {
        if (options.contains(QLatin1String(key)) &&
            !aria2::parseRate(optionText(options.value(QLatin1String(key))), target))
            return error(
                QStringLiteral("%1 must be a rate such as 0, 500K, 2M").arg(QLatin1String(key)));
    }
    if (options.contains(QLatin1String("dir"))) {
        const QString dir = optionText(options.value(QLatin1String("dir")));
        if (!m_folders.setDefaultFolder(dir))
            return error(
                QStringLiteral("%1 is outside the download folders this daemon allows").arg(dir));
    }
    m_defaults = defaults;
    // A per-host cap equal to "at once" (the default) follows it: one server alone gets what
    // max-concurrent-downloads promises, as in aria2.
    if (m_queue->maxPerHost() == m_queue->maxActive())
        m_queue->setMaxPerHost(maxActive);
    m_queue->setMaxActive(maxActive);
    m_queue->setSpeedLimits(limits);
    return {QStringLiteral("OK")};
}

Aria2Service::Reply Aria2Service::getGlobalOption(const QJsonArray &)
{
    const SpeedLimitSet limits = m_queue->speedLimits().normal();
    QJsonObject o{
        {QStringLiteral("dir"), m_folders.defaultFolder()},
        {QStringLiteral("max-concurrent-downloads"), QString::number(m_queue->maxActive())},
        {QStringLiteral("max-overall-download-limit"), rateText(limits.download)},
        {QStringLiteral("max-overall-upload-limit"), rateText(limits.upload)},
        {QStringLiteral("max-download-limit"), rateText(limits.perTransfer)},
        {QStringLiteral("continue"), QStringLiteral("true")}};
    if (m_defaults.connections > 0) {
        o.insert(QStringLiteral("split"), QString::number(m_defaults.connections));
        o.insert(QStringLiteral("max-connection-per-server"),
                 QString::number(m_defaults.connections));
    }
    return {o};
}

} // namespace bt::rpc
