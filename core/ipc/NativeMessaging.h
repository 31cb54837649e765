#pragma once

#include <QJsonObject>
#include <QString>
#include <QtGlobal>

class QIODevice;

namespace bt::nativemessaging {

// The browsers' native messaging framing: a 32-bit length in native byte order, then that
// many bytes of UTF-8 JSON. Chromium sends the host at most 4 GiB and reads at most 1 MiB
// back; a download request is a few KiB, so both ways are capped at 1 MiB here.
constexpr qint64 kMaxMessageSize = 1 << 20;

enum class ReadStatus
{
    Message,   // `message` holds one JSON object
    Malformed, // a whole frame that is not a JSON object: answer, then read the next
    End,       // the browser closed the pipe between messages
    Broken,    // oversized or cut short: answer and stop, the stream cannot be trusted
};

struct ReadResult
{
    ReadStatus status = ReadStatus::End;
    QJsonObject message;
    QString error; // for Malformed and Broken: what a person reads in the browser's console
};

// Blocks until one whole frame (or the end) arrived on `in`.
ReadResult readMessage(QIODevice *in);
// One frame; false when the encoded message is larger than kMaxMessageSize or the write failed.
bool writeMessage(QIODevice *out, const QJsonObject &message);
// {"ok": false, "error": text}
QJsonObject errorReply(const QString &text);

} // namespace bt::nativemessaging
