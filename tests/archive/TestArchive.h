#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <archive.h>
#include <archive_entry.h>
#include <memory>
#include <sys/stat.h>

namespace bt::archivetest {

// One entry of a test archive, written as given (hostile names included).
struct Item
{
    enum Kind
    {
        File,
        Dir,
        Symlink,
        Hardlink,
        Fifo,
        CharDevice
    } kind = File;
    QByteArray name;
    QByteArray data;   // File
    QByteArray target; // Symlink, Hardlink
    int perm = 0644;
};

enum class Format
{
    TarGz,
    TarZst,
    Zip,
    RawGz // a plain compressed file (no archive inside); the single File item's data
};

inline Item file(const QByteArray &name, const QByteArray &data, int perm = 0644)
{
    return {Item::File, name, data, {}, perm};
}
inline Item dir(const QByteArray &name)
{
    return {Item::Dir, name, {}, {}, 0755};
}
inline Item symlinkItem(const QByteArray &name, const QByteArray &target)
{
    return {Item::Symlink, name, {}, target, 0777};
}
inline Item hardlinkItem(const QByteArray &name, const QByteArray &target)
{
    return {Item::Hardlink, name, {}, target, 0644};
}

// Writes the archive with libarchive; false (and why in *error) when the format or filter is
// not available (zstd) or an entry cannot be written.
inline bool writeArchive(const QString &path, Format format, const QList<Item> &items,
                         QString *error)
{
    std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                              &archive_write_free);
    int r = ARCHIVE_OK;
    switch (format) {
    case Format::TarGz:
        r = archive_write_set_format_pax_restricted(a.get());
        if (r == ARCHIVE_OK)
            r = archive_write_add_filter_gzip(a.get());
        break;
    case Format::TarZst:
        r = archive_write_set_format_pax_restricted(a.get());
        if (r == ARCHIVE_OK)
            r = archive_write_add_filter_zstd(a.get());
        break;
    case Format::Zip:
        r = archive_write_set_format_zip(a.get());
        break;
    case Format::RawGz:
        r = archive_write_set_format_raw(a.get());
        if (r == ARCHIVE_OK)
            r = archive_write_add_filter_gzip(a.get());
        break;
    }
    if (r == ARCHIVE_OK)
        r = archive_write_open_filename(a.get(), QFile::encodeName(path).constData());
    if (r != ARCHIVE_OK) {
        *error = QString::fromLocal8Bit(archive_error_string(a.get()));
        return false;
    }
    for (const Item &item : items) {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                        &archive_entry_free);
        archive_entry_set_pathname(e.get(), item.name.constData());
        archive_entry_set_perm(e.get(), item.perm);
        archive_entry_set_mtime(e.get(), 1700000000, 0);
        switch (item.kind) {
        case Item::File:
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_size(e.get(), item.data.size());
            break;
        case Item::Dir:
            archive_entry_set_filetype(e.get(), AE_IFDIR);
            break;
        case Item::Symlink:
            archive_entry_set_filetype(e.get(), AE_IFLNK);
            archive_entry_set_symlink(e.get(), item.target.constData());
            break;
        case Item::Hardlink:
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_hardlink(e.get(), item.target.constData());
            archive_entry_set_size(e.get(), 0);
            break;
        case Item::Fifo:
            archive_entry_set_filetype(e.get(), AE_IFIFO);
            break;
        case Item::CharDevice:
            archive_entry_set_filetype(e.get(), AE_IFCHR);
            archive_entry_set_rdevmajor(e.get(), 1);
            archive_entry_set_rdevminor(e.get(), 3);
            break;
        }
        if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN) {
            *error = QString::fromLocal8Bit(archive_error_string(a.get()));
            return false;
        }
        if (item.kind == Item::File && !item.data.isEmpty() &&
            archive_write_data(a.get(), item.data.constData(), size_t(item.data.size())) !=
                item.data.size()) {
            *error = QString::fromLocal8Bit(archive_error_string(a.get()));
            return false;
        }
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) {
        *error = QString::fromLocal8Bit(archive_error_string(a.get()));
        return false;
    }
    return true;
}

} // namespace bt::archivetest
