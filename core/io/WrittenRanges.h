#pragma once

#include <QtGlobal>

#include <map>

namespace bt {

// The byte ranges written to a preallocated file, merged. A server can claim any size: what
// posix_fallocate reserved for it and no byte was written to is given back on close, so a
// claim of 4 GiB that sends 1 KB leaves 1 KB on the disk (resume needs only the offsets).
class WrittenRanges
{
public:
    void add(qint64 begin, qint64 end);
    void clear() { m_ranges.clear(); }
    qint64 end() const { return m_ranges.empty() ? 0 : m_ranges.rbegin()->second; }
    // Punches holes between the ranges and truncates after the last one. 0 or an errno (a
    // file system without hole punching only loses the reserve within the file).
    int releaseUnwritten(int fd) const;

private:
    std::map<qint64, qint64> m_ranges; // begin -> end, disjoint, not touching
};

} // namespace bt
