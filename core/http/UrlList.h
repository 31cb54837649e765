#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace bt::http {

// One URL of a list file and the options that follow it.
struct UrlListEntry
{
    QString url;
    QString out;  // " out=NAME": the file's name
    QString dir;  // " dir=DIR": its folder
    int line = 0; // 1-based, for messages
};

// Link lists, pure functions.
struct UrlList
{
    // wget -i / aria2c -i: one URL a line; blank lines and lines starting with '#' skipped;
    // lines starting with a space or a tab are aria2's options for the URL above
    // (`out=NAME`, `dir=DIR`; other aria2 options are refused by name, so that nothing is
    // silently ignored). false with a message naming the line when malformed.
    static bool parse(const QString &text, QList<UrlListEntry> *entries, QString *error);
    // The links in a pasted or imported text or HTML page: href/src attribute values
    // (HTML entities `&amp;` decoded) and bare http, https, ftp, ftps and sftp URLs, in order
    // of appearance, each once.
    static QStringList extractLinks(const QString &text);
};

} // namespace bt::http
