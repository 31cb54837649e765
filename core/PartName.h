#pragma once

#include <QString>

namespace bt {

// NAME_MAX of Linux file systems: the longest file name, in bytes (UTF-8), not characters.
constexpr qsizetype kMaxFileNameBytes = 255;

// The temporary name a download writes to before it is published: "NAME.part". When that
// would exceed kMaxFileNameBytes (a legal final name of up to 255 bytes), the name is cut at a
// UTF-8 boundary and marked with "~" and 8 hex digits of the full name's SHA-256, so the same
// name always gives the same .part (a resume after a restart finds it) and never the final
// name itself. Every part of the program that derives a .part goes through these.
QString partFileName(const QString &fileName, const QString &suffix = QStringLiteral(".part"));
QString partPath(const QString &path, const QString &suffix = QStringLiteral(".part"));

} // namespace bt
