#include "RequestList.h"

namespace bt::cli {

int RequestList::addOptions(const DownloadRequest &options)
{
    m_options.append(options);
    return int(m_options.size() - 1);
}

void RequestList::append(int optionsIndex, const QUrl &url, const QString &urlPassword,
                         const QString &directory, const QString &fileName)
{
    // The options' strings when equal: one folder string for all links, not one each.
    const DownloadRequest &options = m_options.at(optionsIndex);
    m_links.append({url, urlPassword,
                    directory == options.directory ? options.directory : directory,
                    fileName == options.fileName ? options.fileName : fileName, optionsIndex});
}

void RequestList::append(const DownloadRequest &request)
{
    append(addOptions(request), request.url, request.urlPassword, request.directory,
           request.fileName);
}

RequestList &RequestList::operator+=(const QList<DownloadRequest> &requests)
{
    for (const DownloadRequest &request : requests)
        append(request);
    return *this;
}

DownloadRequest RequestList::at(qsizetype i) const
{
    const Link &link = m_links.at(i);
    DownloadRequest request = m_options.at(link.options);
    request.url = link.url;
    request.urlPassword = link.urlPassword;
    request.directory = link.directory;
    request.fileName = link.fileName;
    return request;
}

} // namespace bt::cli
