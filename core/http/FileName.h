#pragma once

#include <QString>
#include <QUrl>

namespace bt::http {

// Make a server- or URL-proposed name safe to create inside a chosen folder: basename only,
// no '/' or '\\', no "..", no control characters, no leading dot, at most 200 bytes of
// UTF-8 (the extension kept), never empty ("download" as the fallback).
QString sanitizeFileName(const QString &proposed);

// Last path segment of the URL, percent-decoded (not sanitized); empty when none.
QString fileNameFromUrl(const QUrl &url);

// "name.ext" -> "name (1).ext", "name (2).ext", ... : the first name free in `dir`.
// "a.tar.gz" -> "a (1).tar.gz"; "README" -> "README (1)". A name counts as taken when it
// exists (a dangling symlink included) or when "<name>.part" does (a download in progress).
QString uniqueFileName(const QString &dir, const QString &name);

} // namespace bt::http
