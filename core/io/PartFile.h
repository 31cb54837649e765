#pragma once

#include "Error.h"

#include <QString>

namespace bt {

// Opens the temporary file of a download for writing without ever writing through a name
// someone planted: a symlink (dangling or not), a hard link to a file elsewhere, a folder, a
// FIFO or a device under that name is refused (PermissionDenied), and the file it points at is
// not touched. A new file is created with O_EXCL; an existing one must be a regular file with
// one link. The fd then holds flock(LOCK_EX) until it (and every dup of it) is closed: while
// another process or stream holds it the open fails with ErrorCode::InUse. `truncate` empties
// the file only after the checks and the lock. Returns the fd (O_CLOEXEC), or -1 with *error
// set; *created tells whether this call made the file.
int openPartFile(const QString &path, bool truncate, bool *created, Error *error);

// True while some stream (this process or another) holds the lock of the .part at `path`:
// check before deleting one, which would pull it from under a running download.
bool partFileInUse(const QString &path);
// The error for that case: "NAME.part is being written by another process".
Error partFileInUseError(const QString &path);

} // namespace bt
