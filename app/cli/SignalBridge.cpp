#include "SignalBridge.h"

#include "ExitCode.h"

#include <QSocketNotifier>

#include <algorithm>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace bt::cli {

namespace {
int g_fds[2] = {-1, -1};     // [0] written by the handler, [1] read by the notifier
std::atomic<int> g_count{0}; // signals received so far
// What the deadline handler writes and returns: prepared before it is armed.
char g_deadlineText[512];
size_t g_deadlineLength = 0;
int g_deadlineExitCode = ExitInterrupted;
} // namespace

SignalBridge::SignalBridge(QObject *parent) : QObject(parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_fds) != 0)
        return;
    // The handler must never block, even if nobody reads.
    ::fcntl(g_fds[0], F_SETFL, ::fcntl(g_fds[0], F_GETFL) | O_NONBLOCK);
    m_notifier = new QSocketNotifier(g_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalBridge::readSignal);
}

SignalBridge::~SignalBridge()
{
    for (int signalNumber : std::as_const(m_installed))
        std::signal(signalNumber, SIG_DFL);
    delete m_notifier;
    for (int &fd : g_fds) {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
}

bool SignalBridge::install(std::initializer_list<int> signalNumbers)
{
    if (!m_notifier)
        return false;
    for (int signalNumber : signalNumbers) {
        struct sigaction action = {};
        action.sa_handler = &SignalBridge::handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        if (::sigaction(signalNumber, &action, nullptr) != 0)
            return false;
        m_installed.append(signalNumber);
    }
    return true;
}

void SignalBridge::handler(int signalNumber)
{
    // A person pressing Ctrl-C twice wants out now: the saved state is crash-safe anyway.
    if (g_count.fetch_add(1) > 0)
        ::_exit(ExitInterrupted);
    const int savedErrno = errno;
    const unsigned char byte = static_cast<unsigned char>(signalNumber);
    [[maybe_unused]] const ssize_t n = ::write(g_fds[0], &byte, 1);
    errno = savedErrno;
}

void SignalBridge::armExitDeadline(int ms, int exitCode, const QByteArray &text)
{
    g_deadlineLength = std::min(size_t(text.size()), sizeof g_deadlineText);
    std::memcpy(g_deadlineText, text.constData(), g_deadlineLength);
    g_deadlineExitCode = exitCode;
    struct sigaction action = {};
    action.sa_handler = &SignalBridge::deadlineHandler;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGALRM, &action, nullptr);
    itimerval timer = {};
    timer.it_value.tv_sec = ms / 1000;
    timer.it_value.tv_usec = (ms % 1000) * 1000;
    ::setitimer(ITIMER_REAL, &timer, nullptr);
}

void SignalBridge::deadlineHandler(int)
{
    // Only async-signal-safe calls here.
    if (g_deadlineLength > 0) {
        [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, g_deadlineText, g_deadlineLength);
    }
    ::_exit(g_deadlineExitCode);
}

void SignalBridge::readSignal()
{
    unsigned char byte = 0;
    if (::read(g_fds[1], &byte, 1) == 1)
        Q_EMIT signalReceived(int(byte));
}

} // namespace bt::cli
