#include "WrittenRanges.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/falloc.h>
#include <unistd.h>

namespace bt {

void WrittenRanges::add(qint64 begin, qint64 end)
{
    if (end <= begin)
        return;
    auto it = m_ranges.upper_bound(begin);
    if (it != m_ranges.begin()) {
        const auto prev = std::prev(it);
        if (prev->second >= begin) {
            begin = prev->first;
            end = qMax(end, prev->second);
            it = m_ranges.erase(prev);
        }
    }
    while (it != m_ranges.end() && it->first <= end) {
        end = qMax(end, it->second);
        it = m_ranges.erase(it);
    }
    m_ranges.emplace(begin, end);
}

int WrittenRanges::releaseUnwritten(int fd) const
{
    qint64 at = 0;
    for (const auto &[begin, end] : m_ranges) {
        // The gap holds no data (only the reserve, which reads as zeros): safe to punch.
        if (begin > at &&
            ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(at),
                        off_t(begin - at)) != 0 &&
            errno != EOPNOTSUPP)
            return errno;
        at = end;
    }
    return ::ftruncate(fd, off_t(at)) == 0 ? 0 : errno;
}

} // namespace bt
