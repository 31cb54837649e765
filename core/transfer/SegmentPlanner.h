#pragma once

#include "model/TransferRecord.h"
#include "transfer/Segment.h"

#include <QList>
#include <QPair>

#include <deque>

namespace bt {

// The byte ranges of one download and who works on which. A free connection takes an unowned
// incomplete segment, or else steals the upper half of the largest remaining one, so every
// connection stays busy to the end. Segments are never split below the minimum size.
class SegmentPlanner
{
public:
    explicit SegmentPlanner(qint64 minSegmentSize = 1 << 20) : m_minSize(minSegmentSize) {}

    void setMinSegmentSize(qint64 size) { m_minSize = qMax<qint64>(1, size); }
    // Splits land on multiples of `alignment` (piece boundaries), 0 = anywhere.
    void setAlignment(qint64 alignment) { m_alignment = qMax<qint64>(0, alignment); }
    void reset(qint64 total); // one free segment [0, total), total -1 when unknown
    void restore(const QList<SegmentState> &states, qint64 total);
    QList<SegmentState> states() const; // for the store (merged where contiguous)
    void clear() { m_segments.clear(); }

    int count() const { return int(m_segments.size()); }
    Segment &segment(int index) { return m_segments[std::size_t(index)]; }
    const Segment &segment(int index) const { return m_segments[std::size_t(index)]; }

    qint64 doneBytes() const;
    bool allComplete() const;
    int activeOwners() const;

    // The segment `owner` should work on next, or -1 when nothing is left to share.
    int takeWork(int owner);
    bool hasWorkFor() const; // takeWork() would find something
    void release(int index);
    void setTotal(qint64 total); // the size became known at the end (unknown-size download)
    // Bytes [start, end) are to be fetched again (a piece that failed its hash): they become
    // a free segment; a connection writing beyond them keeps its segment and position.
    void invalidate(qint64 start, qint64 end);
    // The byte ranges handed to the stream, merged and sorted.
    QList<QPair<qint64, qint64>> doneRanges() const;

private:
    int splittable() const;

    qint64 m_minSize;
    qint64 m_alignment = 0;
    std::deque<Segment> m_segments; // stable references: only appended to
};

} // namespace bt
