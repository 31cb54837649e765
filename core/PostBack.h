#pragma once

#include <QMetaObject>
#include <QMutex>
#include <QObject>

#include <memory>
#include <utility>

namespace bt {

// The way back to `context`'s thread from any other thread: post(f) runs f there on a later
// event-loop turn, unless `context` is gone by then. Made on context's thread; copies share
// one link; use it once (the guard it plants in `context` goes with the first delivery).
//
// `context` may be deleted at any time: post() hands f over under a lock that context's
// destruction takes too, so it never posts to a dying object, and Qt drops the events of
// one deleted before they are delivered.
class PostBack
{
public:
    explicit PostBack(QObject *context) : m_link(std::make_shared<Link>())
    {
        m_link->target = context;
        // Lives on context's thread and dies with it: clears the target under the lock.
        m_link->guard = new QObject(context);
        QObject::connect(m_link->guard, &QObject::destroyed, m_link->guard, [link = m_link] {
            QMutexLocker lock(&link->mutex);
            link->target = nullptr;
        });
    }

    template <typename F> void post(F f) const
    {
        QMutexLocker lock(&m_link->mutex);
        if (!m_link->target)
            return;
        QMetaObject::invokeMethod(
            m_link->target,
            [guard = m_link->guard, f = std::move(f)]() mutable {
                delete guard;
                f();
            },
            Qt::QueuedConnection);
    }

private:
    struct Link
    {
        QMutex mutex;
        QObject *target = nullptr;
        QObject *guard = nullptr;
    };
    std::shared_ptr<Link> m_link;
};

} // namespace bt
