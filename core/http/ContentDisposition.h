#pragma once

#include <QByteArray>
#include <QString>

namespace bt::http {

// The file name a Content-Disposition header proposes (RFC 6266, RFC 8187 ext-value):
// filename* (UTF-8 or ISO-8859-1, percent-decoded) wins over filename. Returns an empty
// string when there is none. The result is NOT sanitized: pass it to sanitizeFileName().
// filename* with another charset, a bad %-escape, invalid UTF-8 or quotes is ignored (the
// plain filename is used). Lenient where servers are sloppy: a missing disposition type,
// an unquoted filename with spaces, a plain filename in UTF-8 (else read as ISO-8859-1).
QString contentDispositionFileName(const QByteArray &value);

} // namespace bt::http
