#pragma once

#include "Error.h"
#include "io/BTFileStream.h"
#include "upload/UploadBody.h"

#include <QDateTime>
#include <QIODevice>
#include <QString>
#include <memory>

class QTimer;

namespace bt {

class RateLimiter;

// The request body of an upload: bytes [offset, offset + length) of a file, read through a
// BTFileStream (Read mode) only as fast as the transport (net/CurlReply) pulls them, so the
// file is never in memory whole. size() is known (Content-Length); seekable, so curl can resend.
//
// The file must keep the size and modification time it had when the upload began
// (expectedSize, expectedMtimeMs): it is checked every few MiB and before the last byte is
// handed out. A change makes readData() fail, which ends the request, and fileError() says
// what happened - so a server never receives a complete body from a changed file.
class FileBodyDevice : public UploadBody
{
    Q_OBJECT
public:
    FileBodyDevice(const QString &path, qint64 offset, qint64 length, qint64 expectedSize,
                   qint64 expectedMtimeMs, QObject *parent = nullptr);
    ~FileBodyDevice() override;

    // Limits applied on top of each other (either may be null; an unlimited one is skipped).
    // Set before the first read; the limiters' rates may change at any time.
    void setRateLimiters(RateLimiter *own, RateLimiter *shared);

    bool open(OpenMode mode) override; // ReadOnly only; opens the file (see fileError())
    void close() override;
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }
    bool seek(qint64 pos) override;
    bool atEnd() const override;

    Error fileError() const { return m_error; }
    Error sourceError() const override { return m_error; }
    qint64 offset() const { return m_offset; }
    qint64 maxPosition() const { return m_maxPos; } // the furthest byte handed out

    // The size and modification time (ms since the epoch) of `path` now; false if missing.
    static bool statFile(const QString &path, qint64 *size, qint64 *mtimeMs, Error *error);

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 maxSize) override;

private:
    bool checkUnchanged();
    void fileFailed(const Error &error);

    QString m_path;
    qint64 m_offset;
    qint64 m_length;
    qint64 m_expectedSize;
    qint64 m_expectedMtimeMs;
    qint64 m_maxPos = 0;
    qint64 m_nextCheck = 0;
    BTFileStream m_stream;
    Error m_error;
    RateLimiter *m_own = nullptr;
    RateLimiter *m_shared = nullptr;
    QTimer *m_wakeup = nullptr; // readyRead() once the rate limit allows more
};

} // namespace bt
