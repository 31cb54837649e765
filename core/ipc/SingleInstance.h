#pragma once

#include <QObject>
#include <QStringList>

class QLocalServer;

namespace bt {

// One program per user and data folder: a second `btfilestream URL...` hands its URLs to the
// running one over a local socket and exits.
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(const QString &key, QObject *parent = nullptr);
    ~SingleInstance() override;

    // The socket name for a data folder (per user).
    static QString keyFor(const QString &dataDir);
    // True when a running instance took the arguments (it confirms; the caller exits). At
    // most 4 MiB as a QStringList in a QDataStream.
    bool sendToRunning(const QStringList &arguments, int timeoutMs = 2000);
    // True when a program listens on the name (the browser extension shows it).
    bool isRunning(int timeoutMs = 500) const;
    // Becomes the running instance; false if another one holds the name.
    bool listen();

Q_SIGNALS:
    void argumentsReceived(const QStringList &arguments);

private:
    void onConnection();

    QString m_key;
    QLocalServer *m_server = nullptr;
};

} // namespace bt
