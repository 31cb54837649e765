#include "DiskThreads.h"

#include <algorithm>

#include <pthread.h>

namespace bt {

namespace {
bool later(const auto &a, const auto &b)
{
    return a.when > b.when; // std::push_heap keeps the largest first: invert for the earliest
}
} // namespace

DiskThreads::DiskThreads(int count)
{
    for (int i = 0; i < std::max(1, count); ++i) {
        m_threads.emplace_back([this] { run(); });
        pthread_setname_np(m_threads.back().native_handle(), "bt-disk");
    }
}

DiskThreads::~DiskThreads()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    for (std::thread &t : m_threads)
        t.join();
}

DiskThreads &DiskThreads::shared()
{
    static DiskThreads threads(3);
    return threads;
}

void DiskThreads::post(std::function<void()> task)
{
    {
        std::lock_guard lock(m_mutex);
        m_ready.push_back(std::move(task));
    }
    m_cv.notify_one();
}

void DiskThreads::postAt(Clock::time_point when, std::function<void()> task)
{
    {
        std::lock_guard lock(m_mutex);
        m_timed.push_back(Timed{when, std::move(task)});
        std::push_heap(m_timed.begin(), m_timed.end(), later<Timed, Timed>);
    }
    m_cv.notify_all(); // it may be earlier than what the waiting threads wait for
}

void DiskThreads::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        const auto now = Clock::now();
        while (!m_timed.empty() && m_timed.front().when <= now) {
            std::pop_heap(m_timed.begin(), m_timed.end(), later<Timed, Timed>);
            m_ready.push_back(std::move(m_timed.back().task));
            m_timed.pop_back();
        }
        if (!m_ready.empty()) {
            std::function<void()> task = std::move(m_ready.front());
            m_ready.pop_front();
            lock.unlock();
            task();
            lock.lock();
            continue;
        }
        if (m_stopping)
            return;
        if (m_timed.empty())
            m_cv.wait(lock);
        else
            m_cv.wait_until(lock, m_timed.front().when);
    }
}

} // namespace bt
