#pragma once

#include "model/DownloadRequest.h"

#include <QList>
#include <QString>
#include <QUrl>

namespace bt::cli {

// The downloads of one `btstream get`, in command-line order. The URLs of a command line
// differ only in their URL, folder and name: those are kept per link and the options once
// (a DownloadRequest is 384 bytes; 3,000 links kept 3,000 of them for the whole run).
class RequestList
{
public:
    qsizetype size() const { return m_links.size(); }
    bool isEmpty() const { return m_links.isEmpty(); }
    // The options every link added with it shares; their URLs, folders and names are the
    // links' own.
    int addOptions(const DownloadRequest &options);
    // A link with the options of `optionsIndex` (from addOptions()).
    void append(int optionsIndex, const QUrl &url, const QString &urlPassword,
                const QString &directory, const QString &fileName);
    // A request with options of its own (a metalink's file).
    void append(const DownloadRequest &request);
    RequestList &operator+=(const QList<DownloadRequest> &requests);

    DownloadRequest at(qsizetype i) const;
    const QUrl &url(qsizetype i) const { return m_links.at(i).url; }
    const QString &directory(qsizetype i) const { return m_links.at(i).directory; }

private:
    struct Link
    {
        QUrl url;
        QString urlPassword;
        QString directory;
        QString fileName;
        int options = 0;
    };
    QList<DownloadRequest> m_options;
    QList<Link> m_links;
};

} // namespace bt::cli
