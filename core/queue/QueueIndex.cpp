#include "queue/QueueEntry.h"

namespace bt {

void QueueIndex::addQueued(QueueEntry *e)
{
    if (e->inQueue)
        return;
    m_queued[e->host].insert(QueueKey::of(*e));
    e->inQueue = true;
    ++m_queuedCount;
}

void QueueIndex::removeQueued(QueueEntry *e)
{
    if (!e->inQueue)
        return;
    auto it = m_queued.find(e->host);
    if (it != m_queued.end()) {
        it->erase(QueueKey::of(*e));
        if (it->empty())
            m_queued.erase(it);
    }
    e->inQueue = false;
    --m_queuedCount;
}

qint64 QueueIndex::nextStartable(int maxPerHost) const
{
    const QueueKey *best = nullptr;
    for (auto it = m_queued.cbegin(); it != m_queued.cend(); ++it) {
        if (it->empty() || (maxPerHost > 0 && m_running.value(it.key()) >= maxPerHost))
            continue;
        const QueueKey &head = *it->begin();
        if (!best || head < *best)
            best = &head;
    }
    return best ? best->id : 0;
}

void QueueIndex::removeRunning(const QString &host)
{
    auto it = m_running.find(host);
    if (it == m_running.end())
        return;
    if (--it.value() <= 0)
        m_running.erase(it);
}

} // namespace bt
