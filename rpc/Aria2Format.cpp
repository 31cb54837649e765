#include "Aria2Format.h"

#include "queue/RequestCodec.h"

#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>

namespace bt::rpc::aria2 {

namespace {
QString number(qint64 n)
{
    return QString::number(n);
}

// A transfer that has not run in this session has no progress yet: the row has it.
qint64 totalOf(const TransferSnapshot &snapshot, const TransferRecord &record)
{
    const qint64 total = snapshot.progress.total >= 0 ? snapshot.progress.total : record.totalSize;
    return qMax<qint64>(0, total);
}

qint64 doneOf(const TransferSnapshot &snapshot, const TransferRecord &record)
{
    const bool ran = snapshot.progress.total >= 0 || snapshot.progress.done > 0;
    return ran ? snapshot.progress.done : record.doneSize;
}
} // namespace

QString gidOf(qint64 id)
{
    return QStringLiteral("%1").arg(quint64(id), 16, 16, QLatin1Char('0'));
}

qint64 idOfGid(const QString &gid)
{
    if (gid.size() != 16)
        return 0;
    bool ok = false;
    const quint64 value = gid.toULongLong(&ok, 16);
    if (!ok || value == 0 || value > quint64(std::numeric_limits<qint64>::max()))
        return 0;
    return qint64(value);
}

QString statusName(TransferState state, ErrorCode error)
{
    switch (state) {
    case TransferState::Active:
    case TransferState::Verifying:
        return QStringLiteral("active");
    case TransferState::Queued:
        return QStringLiteral("waiting");
    case TransferState::Paused:
        return QStringLiteral("paused");
    case TransferState::Completed:
        return QStringLiteral("complete");
    case TransferState::Failed:
        return error == ErrorCode::Cancelled ? QStringLiteral("removed") : QStringLiteral("error");
    }
    return QStringLiteral("error");
}

int errorNumber(ErrorCode code, int httpStatus)
{
    // aria2c's exit status table (EXIT STATUS in its manual).
    switch (code) {
    case ErrorCode::None:
    case ErrorCode::Cancelled:
        return 0;
    case ErrorCode::Timeout:
        return 2;
    case ErrorCode::HttpPermanent:
        return httpStatus == 404 ? 3 : 22;
    case ErrorCode::HttpTransient:
        return 22;
    case ErrorCode::Network:
    case ErrorCode::Tls:
        return 6;
    case ErrorCode::DiskFull:
        return 9;
    case ErrorCode::InUse:
        return 11;
    case ErrorCode::PermissionDenied:
    case ErrorCode::NotFound:
    case ErrorCode::Io:
        return 17;
    case ErrorCode::Integrity:
        return 32;
    case ErrorCode::TooManyRedirects:
        return 23;
    case ErrorCode::InvalidArgument:
        return 28;
    case ErrorCode::Protocol:
        return 29;
    case ErrorCode::Store:
        return 1;
    }
    return 1;
}

QJsonObject fileObject(const TransferSnapshot &snapshot, const TransferRecord &record)
{
    QString path = snapshot.progress.fileName;
    if (path.isEmpty())
        path = record.destination;
    if (path.isEmpty() && !record.requestedName.isEmpty())
        path = record.directory + QLatin1Char('/') + record.requestedName;
    const qint64 total = totalOf(snapshot, record);
    const bool used = snapshot.state == TransferState::Active;
    // The download's address, then its mirrors (addUri's other URIs, a metalink's): all in
    // use while it runs.
    QJsonArray uris;
    for (const QUrl &url : QList<QUrl>{record.url} + requestcodec::mirrors(record))
        uris.append(QJsonObject{
            {QStringLiteral("uri"), url.toString(QUrl::FullyEncoded)},
            {QStringLiteral("status"), used ? QStringLiteral("used") : QStringLiteral("waiting")}});
    return {{QStringLiteral("index"), QStringLiteral("1")},
            {QStringLiteral("path"), path},
            {QStringLiteral("length"), number(total)},
            {QStringLiteral("completedLength"), number(doneOf(snapshot, record))},
            {QStringLiteral("selected"), QStringLiteral("true")},
            {QStringLiteral("uris"), uris}};
}

QJsonObject statusObject(const TransferSnapshot &snapshot, const TransferRecord &record,
                         const QSet<QString> &keys)
{
    const TransferProgress &p = snapshot.progress;
    const bool active =
        snapshot.state == TransferState::Active || snapshot.state == TransferState::Verifying;
    const ErrorCode code = snapshot.lastError.code;
    const bool failed = snapshot.state == TransferState::Failed && code != ErrorCode::Cancelled;
    QJsonObject o;
    auto put = [&](const char *key, const QJsonValue &value) {
        const QString name = QLatin1String(key);
        if (keys.isEmpty() || keys.contains(name))
            o.insert(name, value);
    };
    put("gid", gidOf(snapshot.id));
    put("status", statusName(snapshot.state, code));
    const qint64 total = totalOf(snapshot, record);
    put("totalLength", number(total));
    put("completedLength", number(doneOf(snapshot, record)));
    put("uploadLength", QStringLiteral("0"));
    put("downloadSpeed", number(active ? p.speed : 0));
    put("uploadSpeed", QStringLiteral("0"));
    put("connections", number(active ? p.connections : 0));
    put("numPieces", QStringLiteral("1"));
    put("pieceLength", number(total));
    put("dir", record.directory.isEmpty() ? QFileInfo(record.destination).absolutePath()
                                          : record.directory);
    put("files", QJsonArray{fileObject(snapshot, record)});
    put("verifiedLength", QStringLiteral("0"));
    put("verifyIntegrityPending", QStringLiteral("false"));
    if (failed) {
        put("errorCode", number(errorNumber(code, snapshot.lastError.httpStatus)));
        put("errorMessage", snapshot.lastError.message);
    } else if (snapshot.state == TransferState::Completed) {
        put("errorCode", QStringLiteral("0"));
    }
    return o;
}

namespace {
qint64 numberOf(const QJsonObject &o, const char *key, qint64 fallback = 0)
{
    bool ok = false;
    const qint64 n = o.value(QLatin1String(key)).toString().toLongLong(&ok);
    return ok ? n : fallback;
}

// errorNumber() backwards, as far as aria2's table tells the codes apart.
ErrorCode errorCodeOf(int number)
{
    switch (number) {
    case 2:
        return ErrorCode::Timeout;
    case 3:
    case 22:
        return ErrorCode::HttpPermanent;
    case 6:
        return ErrorCode::Network;
    case 9:
        return ErrorCode::DiskFull;
    case 11:
        return ErrorCode::InUse;
    case 17:
        return ErrorCode::Io;
    case 23:
        return ErrorCode::TooManyRedirects;
    case 28:
        return ErrorCode::InvalidArgument;
    case 32:
        return ErrorCode::Integrity;
    default:
        return ErrorCode::Protocol;
    }
}
} // namespace

bool parseStatusObject(const QJsonObject &status, TransferDirection direction, qint64 position,
                       TransferSnapshot *snapshot, TransferRecord *record)
{
    const qint64 id = idOfGid(status.value(QLatin1String("gid")).toString());
    if (id == 0)
        return false;
    TransferSnapshot s;
    s.id = id;
    s.position = position;
    const QString name = status.value(QLatin1String("status")).toString();
    if (name == QLatin1String("active")) {
        s.state = TransferState::Active;
    } else if (name == QLatin1String("waiting")) {
        s.state = TransferState::Queued;
    } else if (name == QLatin1String("paused")) {
        s.state = TransferState::Paused;
    } else if (name == QLatin1String("complete")) {
        s.state = TransferState::Completed;
    } else if (name == QLatin1String("removed")) {
        s.state = TransferState::Failed;
        s.lastError = {ErrorCode::Cancelled, QStringLiteral("Cancelled")};
    } else {
        s.state = TransferState::Failed;
        s.lastError.code = errorCodeOf(int(numberOf(status, "errorCode", 1)));
        s.lastError.message = status.value(QLatin1String("errorMessage")).toString();
    }
    const QJsonObject file = status.value(QLatin1String("files")).toArray().first().toObject();
    const QJsonObject uri = file.value(QLatin1String("uris")).toArray().first().toObject();
    TransferProgress &p = s.progress;
    p.id = id;
    // aria2 says 0 for a size not known yet; a completed empty file is 0 for real.
    const qint64 total = numberOf(status, "totalLength");
    p.total = total > 0 || s.state == TransferState::Completed ? total : -1;
    p.done = numberOf(status, "completedLength");
    p.speed = numberOf(status, "downloadSpeed") + numberOf(status, "uploadSpeed");
    p.connections = int(numberOf(status, "connections"));
    p.fileName = file.value(QLatin1String("path")).toString();
    if (p.speed > 0 && p.total > p.done)
        p.etaSeconds = (p.total - p.done) / p.speed;
    s.url = QUrl(uri.value(QLatin1String("uri")).toString(), QUrl::StrictMode);

    TransferRecord r;
    r.id = id;
    r.direction = direction;
    r.state = s.state;
    r.url = s.url;
    r.destination = p.fileName;
    r.directory = status.value(QLatin1String("dir")).toString();
    r.totalSize = p.total;
    r.doneSize = p.done;
    r.errorCode = int(s.lastError.code);
    r.lastError = s.lastError.message;
    r.position = position;
    *snapshot = s;
    *record = r;
    return true;
}

QJsonObject addUriOptions(const DownloadRequest &request, bool startPaused)
{
    QJsonObject o;
    if (!request.directory.isEmpty())
        o.insert(QStringLiteral("dir"), request.directory);
    if (!request.fileName.isEmpty())
        o.insert(QStringLiteral("out"), request.fileName);
    QJsonArray headers;
    for (const auto &[name, value] : request.headers)
        headers.append(QString::fromUtf8(name + ": " + value));
    if (!headers.isEmpty())
        o.insert(QStringLiteral("header"), headers);
    if (request.connections > 0) {
        o.insert(QStringLiteral("split"), number(request.connections));
        o.insert(QStringLiteral("max-connection-per-server"), number(request.connections));
    }
    if (request.rateLimit > 0)
        o.insert(QStringLiteral("max-download-limit"), number(request.rateLimit));
    if (!request.checksums.isEmpty()) {
        static const QHash<QCryptographicHash::Algorithm, QString> names = {
            {QCryptographicHash::Sha256, QStringLiteral("sha-256")},
            {QCryptographicHash::Sha512, QStringLiteral("sha-512")},
            {QCryptographicHash::Sha1, QStringLiteral("sha-1")},
            {QCryptographicHash::Md5, QStringLiteral("md5")}};
        const http::DigestValue &d = request.checksums.first();
        if (names.contains(d.algorithm))
            o.insert(QStringLiteral("checksum"), names.value(d.algorithm) + QLatin1Char('=') +
                                                     QString::fromLatin1(d.digest.toHex()));
    }
    if (startPaused)
        o.insert(QStringLiteral("pause"), QStringLiteral("true"));
    return o;
}

bool parseRate(const QString &text, qint64 *bytesPerSecond)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,15})([kKmM]?)$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return false;
    qint64 value = m.captured(1).toLongLong();
    const QString unit = m.captured(2).toLower();
    if (unit == QLatin1String("k"))
        value *= 1024;
    else if (unit == QLatin1String("m"))
        value *= 1024 * 1024;
    *bytesPerSecond = value;
    return true;
}

QString checksumOption(const QString &aria2Value)
{
    const qsizetype eq = aria2Value.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return {};
    QString type = aria2Value.left(eq).trimmed().toLower();
    type.remove(QLatin1Char('-'));
    static const QStringList known = {QStringLiteral("sha256"), QStringLiteral("sha512"),
                                      QStringLiteral("sha1"), QStringLiteral("md5")};
    if (!known.contains(type))
        return {};
    return type + QLatin1Char('=') + aria2Value.mid(eq + 1).trimmed();
}

} // namespace bt::rpc::aria2
