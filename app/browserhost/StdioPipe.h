#pragma once

#include <QIODevice>

#include <cerrno>
#include <unistd.h>

// stdin or stdout as a blocking QIODevice. QFile will not do: on a pipe it reads with
// O_NONBLOCK set for the moment, so "nothing yet" looks like the end, and it keeps writes in
// its buffer while the browser waits for the answer with the pipe still open.
class StdioPipe : public QIODevice
{
public:
    explicit StdioPipe(int fd) : m_fd(fd) {}

    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        for (;;) {
            const ssize_t n = ::read(m_fd, data, size_t(maxSize));
            if (n >= 0 || errno != EINTR)
                return n; // 0: the browser closed the pipe
        }
    }
    qint64 writeData(const char *data, qint64 size) override
    {
        qint64 done = 0;
        while (done < size) {
            const ssize_t n = ::write(m_fd, data + done, size_t(size - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return -1;
            done += n;
        }
        return done;
    }

private:
    int m_fd;
};
