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
    qint64 mid = v.pos() + v.remaining() / 2;
    if (m_alignment > 0) {
        const qint64 aligned = (mid + m_alignment / 2) / m_alignment * m_alignment; // nearest
        if (aligned > v.pos() && aligned < v.end)
            mid = aligned;
    }
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

void SegmentPlanner::invalidate(qint64 start, qint64 end)
{
    const int n = count();
    for (int i = 0; i < n; ++i) {
        Segment &s = segment(i);
        const qint64 doneEnd = s.pos();
        if (end <= s.start || start >= doneEnd)
            continue; // nothing of [start, end) was written through this segment
        const qint64 cutStart = qMax(start, s.start);
        const qint64 cutEnd = qMin(end, doneEnd);
        const qint64 segEnd = s.end;
        // Before the cut: complete as it was.
        if (cutStart > s.start)
            m_segments.push_back(Segment{s.start, cutStart, cutStart - s.start, -1});
        // The cut itself: free, nothing done.
        m_segments.push_back(Segment{cutStart, cutEnd, 0, -1});
        Segment &rest = segment(i); // push_back keeps references, but be explicit
        if (cutEnd < segEnd || segEnd < 0) {
            // After the cut: this index, so that its connection writes on where it was.
            rest.start = cutEnd;
            rest.done = doneEnd - cutEnd;
        } else {
            // Nothing after the cut: an empty, complete segment keeps the index valid.
            rest.start = cutEnd;
            rest.end = cutEnd;
            rest.done = 0;
        }
    }
}

QList<QPair<qint64, qint64>> SegmentPlanner::doneRanges() const
{
    QList<QPair<qint64, qint64>> ranges;
    for (const Segment &s : m_segments) {
        if (s.done > 0)
            ranges.append({s.start, s.pos()});
    }
    std::sort(ranges.begin(), ranges.end());
    QList<QPair<qint64, qint64>> merged;
    for (const auto &r : std::as_const(ranges)) {
        if (!merged.isEmpty() && r.first <= merged.last().second)
            merged.last().second = qMax(merged.last().second, r.second);
        else
            merged.append(r);
    }
    return merged;
}

} // namespace bt
