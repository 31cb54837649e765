#pragma once

#include "model/TransferRecord.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

namespace bt {

// The transfers as a person takes them elsewhere (`btstream list`, the program's File >
// Export): a JSON array or a list of URLs that `btstream get -i` reads back. Passwords in
// URLs are never written.
struct TransferExport
{
    // [{"id", "direction", "state", "url", "path", "size", "done", "sha256", "error",
    //   "added", "completed"}, ...]; "size" is -1 while unknown, dates ISO 8601 UTC.
    static QByteArray toJson(const QList<TransferRecord> &records);
    // The downloads' URLs, one a line, each followed by "  out=NAME" when the person chose the
    // name (aria2's input-file format); uploads are left out.
    static QByteArray toUrlList(const QList<TransferRecord> &records);
    static QUrl withoutPassword(const QUrl &url) { return url.adjusted(QUrl::RemovePassword); }
};

} // namespace bt
