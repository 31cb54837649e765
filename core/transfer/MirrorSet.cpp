#include "transfer/MirrorSet.h"

namespace bt {

void MirrorSet::reset(const QUrl &primary, const QList<QUrl> &mirrors)
{
    m_mirrors.clear();
    m_dropped.clear();
    m_mirrors.append(Mirror{primary});
    for (const QUrl &url : mirrors)
        add(url);
}

void MirrorSet::add(const QUrl &mirror)
{
    for (const Mirror &m : std::as_const(m_mirrors)) {
        if (m.url == mirror)
            return;
    }
    m_mirrors.append(Mirror{mirror});
}

int MirrorSet::liveCount() const
{
    int n = 0;
    for (const Mirror &m : m_mirrors)
        n += m.live ? 1 : 0;
    return n;
}

bool MirrorSet::isLive(int index) const
{
    return index >= 0 && index < count() && m_mirrors.at(index).live;
}

QUrl MirrorSet::url(int index) const
{
    return index >= 0 && index < count() ? m_mirrors.at(index).url : QUrl();
}

int MirrorSet::pick() const
{
    int best = -1;
    for (int i = 0; i < count(); ++i) {
        const Mirror &m = m_mirrors.at(i);
        if (m.live && (best < 0 || m.connections < m_mirrors.at(best).connections))
            best = i;
    }
    return best;
}

int MirrorSet::nextLive(int after) const
{
    for (int step = 1; step <= count(); ++step) {
        const int index = (after + step) % count();
        if (m_mirrors.at(index).live)
            return index;
    }
    return -1;
}

void MirrorSet::attach(int index)
{
    if (index >= 0 && index < count())
        ++m_mirrors[index].connections;
}

void MirrorSet::detach(int index)
{
    if (index >= 0 && index < count() && m_mirrors.at(index).connections > 0)
        --m_mirrors[index].connections;
}

bool MirrorSet::recordFailure(int index, bool permanent, const QString &reason)
{
    if (!isLive(index))
        return false;
    Mirror &m = m_mirrors[index];
    if (permanent || ++m.failures >= kMaxConsecutiveFailures) {
        drop(index, reason);
        return true;
    }
    return false;
}

void MirrorSet::recordSuccess(int index)
{
    if (index >= 0 && index < count())
        m_mirrors[index].failures = 0;
}

bool MirrorSet::recordBadPiece(int index, bool alone, const QString &reason)
{
    if (!isLive(index))
        return false;
    Mirror &m = m_mirrors[index];
    if (alone || ++m.badPieces >= 2) {
        drop(index, reason);
        return true;
    }
    return false;
}

void MirrorSet::drop(int index, const QString &reason)
{
    if (!isLive(index))
        return;
    m_mirrors[index].live = false;
    m_dropped.append(m_mirrors.at(index).url.toString() + QStringLiteral(": ") + reason);
}

QStringList MirrorSet::dropped() const
{
    return m_dropped;
}

} // namespace bt
