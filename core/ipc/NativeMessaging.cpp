#include "ipc/NativeMessaging.h"

#include <QCoreApplication>
#include <QIODevice>
#include <QJsonDocument>
#include <QtEndian>

#include <cstring>

namespace bt::nativemessaging {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bt::nativemessaging", text);
}

// Reads exactly `size` bytes unless the stream ends first (a pipe hands out what it has).
QByteArray readExactly(QIODevice *in, qint64 size)
{
    QByteArray data;
    data.reserve(size);
    while (data.size() < size) {
        QByteArray chunk = in->read(size - data.size());
        // Sockets and processes wait here; stdin (a QFile) blocks in read() and ends with 0.
        if (chunk.isEmpty() && in->waitForReadyRead(-1))
            chunk = in->read(size - data.size());
        if (chunk.isEmpty())
            break;
        data.append(chunk);
    }
    return data;
}

} // namespace

ReadResult readMessage(QIODevice *in)
{
    ReadResult result;
    const QByteArray head = readExactly(in, 4);
    if (head.isEmpty()) {
        result.status = ReadStatus::End;
        return result;
    }
    if (head.size() < 4) {
        result.status = ReadStatus::Broken;
        result.error = tr("The message was cut short: %1 of 4 length bytes.").arg(head.size());
        return result;
    }
    quint32 length = 0;
    std::memcpy(&length, head.constData(), sizeof length); // native byte order
    if (length > kMaxMessageSize) {
        result.status = ReadStatus::Broken;
        result.error =
            tr("The message is too large: %1 bytes, at most %2.").arg(length).arg(kMaxMessageSize);
        return result;
    }
    const QByteArray body = readExactly(in, length);
    if (body.size() < qint64(length)) {
        result.status = ReadStatus::Broken;
        result.error =
            tr("The message was cut short: %1 of %2 bytes.").arg(body.size()).arg(length);
        return result;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        result.status = ReadStatus::Malformed;
        result.error = tr("The message is not valid JSON: %1 at byte %2.")
                           .arg(parseError.errorString())
                           .arg(parseError.offset);
        return result;
    }
    if (!doc.isObject()) {
        result.status = ReadStatus::Malformed;
        result.error = tr("The message is not a JSON object.");
        return result;
    }
    result.status = ReadStatus::Message;
    result.message = doc.object();
    return result;
}

bool writeMessage(QIODevice *out, const QJsonObject &message)
{
    const QByteArray body = QJsonDocument(message).toJson(QJsonDocument::Compact);
    if (body.size() > kMaxMessageSize)
        return false;
    const quint32 length = quint32(body.size());
    QByteArray frame(sizeof length, Qt::Uninitialized);
    std::memcpy(frame.data(), &length, sizeof length);
    frame.append(body);
    return out->write(frame) == frame.size();
}

QJsonObject errorReply(const QString &text)
{
    return QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), text}};
}

} // namespace bt::nativemessaging
