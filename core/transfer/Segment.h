#pragma once

#include <QtGlobal>

namespace bt {

// One byte range of a download being worked on. Bytes [start, start + done) were handed to the
// stream; end is exclusive and may shrink while a connection works on it (work stealing).
struct Segment
{
    qint64 start = 0;
    qint64 end = -1; // -1 while the size is unknown
    qint64 done = 0;
    int owner = -1; // the connection slot working on it, -1 when free

    qint64 pos() const { return start + done; }
    qint64 remaining() const { return end < 0 ? -1 : end - pos(); }
    bool complete() const { return end >= 0 && pos() >= end; }
};

} // namespace bt
