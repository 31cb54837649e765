#pragma once

#include "Error.h"
#include "io/BTFileStream.h"
#include "upload/UploadBody.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>

struct archive;

namespace bt {

// A folder streamed as one archive built on the fly with libarchive (tar.gz, tar.zst, zip):
// no temporary copy of the folder, memory bounded by one read chunk plus the compressor's
// buffers. Sequential: each readData() drives libarchive one step (the next header or the
// next chunk of a file), and libarchive's write callback fills a small output buffer.
//
// The output is deterministic for a given Listing (sorted entries, no access or change times,
// no gzip timestamp), so the same archive can be produced again: measure() gives its exact
// size before the upload (Content-Length, Upload-Length), and a resumed tus upload builds it
// again and skips the bytes the server already has (`offset`).
//
// Every file is checked against the Listing when it is archived (size and mtime); a change
// is an error (sourceError()) instead of an archive that does not match what was measured.
class ArchiveStream : public UploadBody
{
    Q_OBJECT
public:
    enum class Format
    {
        TarGz,
        TarZst,
        Zip,
    };
    struct Entry
    {
        QString relativePath; // "folder/sub/file.txt", '/'-separated, the folder's name first
        QString absolutePath;
        enum class Type
        {
            File,
            Dir,
            Symlink,
        } type = Type::File;
        qint64 size = 0;
        qint64 mtimeMs = 0;
    };
    struct Listing
    {
        QString folder;
        QList<Entry> entries; // sorted; directories before their contents
        qint64 newestMtimeMs = 0;
        qint64 fileBytes = 0;
    };

    static bool parseFormat(const QString &text, Format *format); // tar.gz tgz tar.zst zip
    static QString extension(Format format);                      // ".tar.gz" ...
    static QByteArray mimeType(Format format);
    // Walks the folder (symlinks are stored as links, never followed). Blocking.
    static bool list(const QString &folder, Listing *listing, Error *error);
    // The exact size of the archive of `listing` (builds it once, discarding the output).
    // Blocking: CPU-bound for compressed formats; call it off the worker thread.
    static qint64 measure(const Listing &listing, Format format, Error *error);

    // The archive's bytes [offset, offset + length); expectedTotal is measure()'s result.
    ArchiveStream(const Listing &listing, Format format, qint64 offset, qint64 length,
                  qint64 expectedTotal, QObject *parent = nullptr);
    ~ArchiveStream() override;

    bool open(OpenMode mode) override; // ReadOnly; skips to offset
    void close() override;
    // Not sequential: size() is known and seek() works - forward or back, by building the
    // archive again (it is deterministic) and skipping. curl rewinds a body to resend it
    // (a redirect, an authentication round).
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }
    bool seek(qint64 pos) override;
    bool atEnd() const override;
    Error sourceError() const override { return m_error; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 maxSize) override;

private:
    friend struct ArchiveCallbacks;
    qint64 consume(const char *buffer, qint64 length); // libarchive's output
    bool start();
    bool restartAt(qint64 pos); // build again, keeping bytes from offset + pos on
    void freeArchive();
    bool step(); // produce more output; false when finished or failed
    bool beginEntry(const Entry &entry);
    void archiveFailed(const QString &what);
    void sourceFailed(const Error &error);

    Listing m_listing;
    Format m_format;
    qint64 m_offset;
    qint64 m_length;
    qint64 m_expectedTotal;
    struct archive *m_archive = nullptr;
    QByteArray m_out;          // produced, not yet read
    qint64 m_outPos = 0;       // read position in m_out
    qint64 m_produced = 0;     // archive bytes produced so far (from byte 0 of the archive)
    qint64 m_delivered = 0;    // bytes of [offset, offset + length) handed out
    qint64 m_keepFrom = 0;     // archive offset of the next byte to keep
    bool m_discarding = false; // freeing the archive: ignore its last output
    int m_index = 0;           // next entry
    std::unique_ptr<BTFileStream> m_file; // the file being archived
    qint64 m_fileLeft = 0;
    bool m_closed = false; // archive_write_close done
    Error m_error;
};

} // namespace bt
