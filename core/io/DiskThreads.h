#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bt {

// The process's disk threads: a small fixed set that runs every file's writes, hashes and
// fdatasyncs as short tasks, so that the thread count does not grow with the number of files
// (a FileWriter used to own up to three threads). Tasks run in the order posted; one posted
// with a time runs once that time has come. A task must not wait for another task.
class DiskThreads
{
public:
    using Clock = std::chrono::steady_clock;

    explicit DiskThreads(int count);
    ~DiskThreads(); // runs what is due, drops later timers, joins

    // The process-wide set used when no other is given (3 threads: a slow fdatasync on one
    // leaves two for writing and hashing).
    static DiskThreads &shared();

    void post(std::function<void()> task);
    void postAt(Clock::time_point when, std::function<void()> task);
    int count() const { return int(m_threads.size()); }

private:
    struct Timed
    {
        Clock::time_point when;
        std::function<void()> task;
    };
    void run();

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_ready;
    std::vector<Timed> m_timed; // a heap, earliest first
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace bt
