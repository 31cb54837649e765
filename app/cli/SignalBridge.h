#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>

#include <initializer_list>

class QSocketNotifier;

namespace bt::cli {

// Turns SIGINT / SIGTERM into a Qt signal on the thread that owns the bridge: the handler only
// writes the signal number to a socketpair (async-signal-safe); a QSocketNotifier reads it in
// the event loop. A second signal while the first is being handled exits at once (130).
// One instance per process.
class SignalBridge : public QObject
{
    Q_OBJECT
public:
    explicit SignalBridge(QObject *parent = nullptr);
    ~SignalBridge() override; // restores the default handlers

    bool install(std::initializer_list<int> signalNumbers);

    // A last resort after a signal: in `ms` milliseconds, whatever the program is doing (even
    // blocked in a thread's wait), write `text` to stderr and _exit(exitCode). SIGALRM.
    static void armExitDeadline(int ms, int exitCode, const QByteArray &text);

Q_SIGNALS:
    void signalReceived(int signalNumber);

private:
    static void handler(int signalNumber);
    static void deadlineHandler(int signalNumber);
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
    QList<int> m_installed;
};

} // namespace bt::cli
