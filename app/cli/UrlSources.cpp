#include "UrlSources.h"

#include "CliParseUtil.h"
#include "http/UrlList.h"
#include "http/UrlPattern.h"

#include <QFile>

namespace bt::cli {

using detail::tr;

bool UrlSources::readInputFile(const QString &path, QList<UrlSource> *sources, QString *error)
{
    QFile file(path);
    const bool opened = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                   : file.open(QIODevice::ReadOnly);
    if (!opened) {
        *error = tr("--input-file: cannot read '%1': %2").arg(path, file.errorString());
        return false;
    }
    QList<http::UrlListEntry> entries;
    QString why;
    if (!http::UrlList::parse(QString::fromUtf8(file.readAll()), &entries, &why)) {
        *error = tr("--input-file %1: %2").arg(path, why);
        return false;
    }
    for (const http::UrlListEntry &entry : std::as_const(entries))
        sources->append(UrlSource{entry.url, entry.dir, entry.out});
    return true;
}

bool UrlSources::expand(QList<UrlSource> *sources, bool globoff, QString *error)
{
    if (globoff)
        return true;
    QList<UrlSource> expanded;
    for (const UrlSource &source : std::as_const(*sources)) {
        if (!http::UrlPattern::hasPattern(source.url)) {
            expanded.append(source);
            continue;
        }
        QStringList urls;
        if (!http::UrlPattern::expand(source.url, &urls, error))
            return false;
        if (urls.size() > 1 && !source.out.isEmpty()) {
            *error = tr("out=%1 names one file, but '%2' gives %3 URLs")
                         .arg(source.out, source.url)
                         .arg(urls.size());
            return false;
        }
        for (const QString &url : std::as_const(urls)) {
            expanded.append(UrlSource{url, source.dir, source.out});
            if (expanded.size() > http::UrlPattern::DefaultCap) {
                *error = tr("more than %1 URLs in all; split them into several runs")
                             .arg(http::UrlPattern::DefaultCap);
                return false;
            }
        }
    }
    *sources = expanded;
    return true;
}

} // namespace bt::cli
