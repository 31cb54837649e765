#pragma once

#include "Error.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace bt {

class FileWriter; // private: the writer thread behind a Write stream

// Streamed, buffered file I/O with bounded memory.
//
// Write mode: bytes go to "<path>.part" (never to <path> itself). Writes are queued in a
// bounded buffer and written by a private writer thread with pwrite (partial writes and EINTR
// handled), so the network thread never waits for the disk until the buffer is full. Callers
// apply backpressure: stop reading the network while wantsMore() is false and continue on
// drained(). publish() verifies nothing itself: it fsyncs, renames "<path>.part" to <path>
// atomically and fsyncs the directory.
//
// Read mode: read(maxSize) returns the next chunk, empty at EOF (check error()).
//
// Threads: the object lives on one thread (a transfer's worker); every method is called there.
// Signals are emitted on that thread (the writer thread's reports arrive by queued invocation),
// none from the destructor. SHA-256 runs on the writer thread through OpenSSL (Sha256.h).
class BTFileStream : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        Read,  // read an existing file
        Write, // create or continue "<path>.part"; keeps existing bytes unless Truncate
    };
    enum class SyncPolicy
    {
        None,      // never fsync (tests, scratch files)
        OnPublish, // fsync file and directory when publishing (default)
        Always,    // fdatasync after every flush of the buffer
    };
    struct Options
    {
        qint64 bufferSize = 1 << 20;    // one disk write / one read chunk
        qint64 highWatermark = 8 << 20; // wantsMore() false at or above this many queued bytes
        qint64 lowWatermark = 2 << 20;  // drained() once the queue falls below this
        qint64 preallocate = -1;        // total size to reserve with posix_fallocate, -1 none
        SyncPolicy sync = SyncPolicy::OnPublish;
        bool truncate = false; // Write: drop any existing .part content
        bool hash = true;      // keep an incremental SHA-256 of sequential writes
        QString tempSuffix = QStringLiteral(".part");
    };

    explicit BTFileStream(QObject *parent = nullptr);
    ~BTFileStream() override; // closes (flushes) without publishing

    // (No "options = {}" default: GCC rejects a nested class's default member initialisers in a
    // default argument inside the enclosing class, hence the extra overload.)
    bool open(const QString &path, Mode mode);
    bool open(const QString &path, Mode mode, const Options &options);
    bool open(const QString &path, Mode mode, const Options &options, Error *error);
    bool isOpen() const;
    QString path() const;     // the final name
    QString tempPath() const; // "<path>.part" in Write mode (shortened when too long, PartName.h)
    qint64 size() const;      // current size of the file on disk plus queued bytes beyond it
    void setExpectedSize(qint64 total); // the total of progress(); default options.preallocate

    // Read mode. read() may return fewer bytes than asked (what is left of the buffer).
    QByteArray read(qint64 maxSize);
    // Into the caller's memory: what is left of the buffer, else one pread straight into data
    // (no copy on the way; for callers with a buffer of their own). 0 at EOF, -1 on error.
    qint64 read(char *data, qint64 maxSize);
    bool atEnd() const;

    // Write mode. write() appends at pos(); writeAt() is positional (segments). Both queue the
    // bytes and return false only on a previous, sticky error (see error()). A producer that
    // ignores wantsMore() is blocked while the queue is at/above the high watermark (not while
    // paused), so memory stays below highWatermark + one chunk. A later write over queued
    // bytes wins.
    bool write(const QByteArray &chunk);
    bool writeAt(qint64 offset, const QByteArray &chunk);
    bool wantsMore() const;       // false at/above the high watermark or while paused
    qint64 bufferedBytes() const; // queued, not yet written

    bool seek(qint64 offset);
    qint64 pos() const;

    void pause(); // Write: the writer stops after the current chunk; wantsMore() turns false
    void resume();
    bool isPaused() const;

    bool flush(); // wait until every queued byte is written (not synced); overrides a pause
    bool sync();  // flush, then fdatasync: call before committing offsets to the store
    // sync() without waiting: the bytes queued so far are made durable on a helper thread
    // while writing goes on, then done(ok) runs on this thread (never after the stream is
    // destroyed). False, and no call, while the previous one still runs or after an error.
    bool syncInBackground(std::function<void(bool ok)> done);
    bool close();   // flush and close; the .part file stays
    bool publish(); // flush, fsync, rename .part -> path, fsync the directory, close
    // publish() with the fsyncs and the rename on a disk thread, so that the calling thread
    // (a worker running other transfers' connections) never waits for the disk. The stream
    // is closed at once (close() and discard() find nothing to do); finished() and done(ok)
    // follow on this thread, not at all once the stream is gone. False: nothing was started
    // (see error()).
    bool publishInBackground(std::function<void(bool ok)> done);
    bool discard(); // close and remove the .part file

    // SHA-256 of bytes 0..size() when every write so far was sequential from offset 0 of an
    // empty file (not after prior content, seek back, out-of-order writeAt, or a preallocated
    // size not yet written). sha256() flushes first; still valid after close()/publish().
    bool hashValid() const;
    QByteArray sha256() const;

    Error error() const;

    // Hash a whole file (the verification pass after segmented writes), in bufferSize chunks.
    static QByteArray hashFile(const QString &path, QCryptographicHash::Algorithm algorithm,
                               Error *error = nullptr);

Q_SIGNALS:
    // Bytes this stream wrote to disk since open(), expected total (-1); about 4 a second.
    void progress(qint64 done, qint64 total);
    void drained();                             // buffer fell below the low watermark
    void errorOccurred(const bt::Error &error); // once per error; the error is sticky
    void finished();                            // after publish()

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace bt
