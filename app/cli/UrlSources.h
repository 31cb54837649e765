#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace bt::cli {

// Where the URLs of `btstream get` come from: the command line and `-i FILE`, then their
// patterns expanded (curl's globbing, unless --globoff).
struct UrlSource
{
    QString url;
    QString dir; // from an input file's " dir=": relative to -d
    QString out; // from an input file's " out=": as -o
};

struct UrlSources
{
    // `-i FILE` ("-": standard input) in aria2's input-file format (http::UrlList), appended.
    static bool readInputFile(const QString &path, QList<UrlSource> *sources, QString *error);
    // Each URL's pattern expanded in place (an out= with a pattern that gives several URLs is
    // refused); at most http::UrlPattern::DefaultCap URLs in all.
    static bool expand(QList<UrlSource> *sources, bool globoff, QString *error);
};

} // namespace bt::cli
