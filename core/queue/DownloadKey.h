#pragma once

#include <QString>
#include <QUrl>

namespace bt {

// What makes a download request the one a stored row was made for: its URL, its folder (as the
// engine resolves it) and the name asked for, compared as the store compares them.
struct DownloadKey
{
    QUrl url;
    QString directory;
    QString requestedName;
};

} // namespace bt
