#include "Aria2Format.h"

#include <QFileInfo>
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
    const QJsonObject uri{
        {QStringLiteral("uri"), record.url.toString(QUrl::FullyEncoded)},
        {QStringLiteral("status"), used ? QStringLiteral("used") : QStringLiteral("waiting")}};
    return {{QStringLiteral("index"), QStringLiteral("1")},
            {QStringLiteral("path"), path},
            {QStringLiteral("length"), number(total)},
            {QStringLiteral("completedLength"), number(doneOf(snapshot, record))},
            {QStringLiteral("selected"), QStringLiteral("true")},
            {QStringLiteral("uris"), QJsonArray{uri}}};
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
