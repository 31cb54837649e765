#include "transfer/SegmentPlanner.h"

#include <algorithm>

namespace bt {

void SegmentPlanner::reset(qint64 total)
{
    m_segments.clear();
    m_segments.push_back(Segment{0, total, 0, -1});
}

void SegmentPlanner::restore(const QList<SegmentState> &states, qint64 total)
{
    m_segments.clear();
    for (const SegmentState &s : states) {
        const qint64 end = s.end < 0 ? total : s.end;
        qint64 done = qMax<qint64>(0, s.done);
        if (end >= 0)
            done = qMin(done, qMax<qint64>(0, end - s.start));
        m_segments.push_back(Segment{s.start, end, done, -1});
    }
    if (m_segments.empty())
        reset(total);
}

QList<SegmentState> SegmentPlanner::states() const
{
    std::vector<Segment> sorted(m_segments.begin(), m_segments.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const Segment &a, const Segment &b) { return a.start < b.start; });
    QList<SegmentState> out;
    for (const Segment &s : sorted) {
        // A complete segment followed by its neighbour merges: fewer rows, same meaning.
        if (!out.isEmpty()) {
            SegmentState &last = out.last();
            if (last.end == s.start && last.start + last.done == last.end) {
                last.end = s.end;
                last.done += s.done;
                continue;
            }
        }
        out.append(SegmentState{s.start, s.end, s.done});
    }
    return out;
}

qint64 SegmentPlanner::doneBytes() const
{
    qint64 sum = 0;
    for (const Segment &s : m_segments)
        sum += s.done;
    return sum;
}

bool SegmentPlanner::allComplete() const
{
    return !m_segments.empty() && std::all_of(m_segments.begin(), m_segments.end(),
                                              [](const Segment &s) { return s.complete(); });
}

int SegmentPlanner::activeOwners() const
{
    int n = 0;
    for (const Segment &s : m_segments)
        n += (s.owner >= 0 && !s.complete()) ? 1 : 0;
    return n;
}

int SegmentPlanner::splittable() const
{
    int best = -1;
    qint64 bestRemaining = 0;
    for (int i = 0; i < count(); ++i) {
        const Segment &s = segment(i);
        if (s.end < 0 || s.owner < 0)
            continue;
        if (s.remaining() >= 2 * m_minSize && s.remaining() > bestRemaining) {
            best = i;
            bestRemaining = s.remaining();
        }
    }
    return best;
}

bool SegmentPlanner::hasWorkFor() const
{
    for (const Segment &s : m_segments) {
        if (s.owner < 0 && !s.complete())
            return true;
    }
    return splittable() >= 0;
}

int SegmentPlanner::takeWork(int owner)
{
    // A free segment first (the start, a failed connection's, or a resumed one): the
    // largest, so the tail does not wait on a big piece.
    int best = -1;
    for (int i = 0; i < count(); ++i) {
        const Segment &s = segment(i);
        if (s.owner >= 0 || s.complete())
            continue;
        if (best < 0 || s.end < 0 || s.remaining() > segment(best).remaining())
            best = i;
    }
    if (best >= 0) {
        segment(best).owner = owner;
        return best;
    }
    const int victim = splittable();
    if (victim < 0)
        return -1;
    Segment &v = segment(victim);
    const qint64 mid = v.pos() + v.remaining() / 2;
    const qint64 end = v.end;
    v.end = mid; // the victim's connection stops at mid
    m_segments.push_back(Segment{mid, end, 0, owner});
    return count() - 1;
}

void SegmentPlanner::release(int index)
{
    if (index >= 0 && index < count())
        segment(index).owner = -1;
}

void SegmentPlanner::setTotal(qint64 total)
{
    for (Segment &s : m_segments) {
        if (s.end < 0)
            s.end = total;
    }
}

} // namespace bt
