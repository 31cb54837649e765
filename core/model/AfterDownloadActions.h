#pragma once

#include <QString>

namespace bt {

// What runs once a download has completed, in this order: extract the archive into a folder
// beside it, then run a command with the saved file's path as its last argument. Both are
// optional; nothing is asked by default. Stored with the transfer's row (RequestCodec), so a
// download resumed after a restart still runs them.
struct AfterDownloadActions
{
    bool extract = false; // --extract / the "extract archives" setting
    // --on-complete: split into words at spaces, double quotes group words (QProcess::
    // splitCommand); never run by a shell; the path is appended as one more argument.
    QString command;

    bool isEmpty() const { return !extract && command.trimmed().isEmpty(); }
    // Both sets together: extraction if either asks for it, this set's command else the other's.
    AfterDownloadActions united(const AfterDownloadActions &other) const
    {
        AfterDownloadActions a;
        a.extract = extract || other.extract;
        a.command = command.trimmed().isEmpty() ? other.command : command;
        return a;
    }
    bool operator==(const AfterDownloadActions &) const = default;
};

} // namespace bt
