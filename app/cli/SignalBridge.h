#pragma once

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

Q_SIGNALS:
    void signalReceived(int signalNumber);

private:
    static void handler(int signalNumber);
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
    QList<int> m_installed;
};

} // namespace bt::cli
