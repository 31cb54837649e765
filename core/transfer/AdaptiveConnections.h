#pragma once

#include <QtGlobal>

namespace bt {

// How many connections an adaptive download wants. It starts with a few and, every tick,
// adds one while the last addition paid off (the total rate grew by at least half of an
// average connection's share), so a server that throttles each connection quickly gets many
// connections while a saturated link stays at a few.
class AdaptiveConnections
{
public:
    AdaptiveConnections(int initial, int maximum);

    int target() const { return m_target; }
    bool isGrowing() const { return m_growing; }
    // One measurement: total bytes so far at `msec`, with `active` connections transferring.
    // Returns the (possibly raised) target.
    int tick(qint64 msec, qint64 totalBytes, int active);
    void cap(int connections); // the server refused more: stop at this many

private:
    int m_target;
    int m_maximum;
    bool m_growing = true;
    qint64 m_lastMs = -1;
    qint64 m_lastBytes = 0;
    double m_rateBefore = -1; // total rate before the last addition
    int m_countBefore = 0;
};

} // namespace bt
