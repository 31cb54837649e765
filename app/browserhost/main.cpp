// btfilestream-browser-host: the browsers' native messaging host. The browser starts it with
// the extension's origin (Chromium) or the manifest's path and the extension's id (Firefox)
// as arguments, which it does not need: the manifest already names who may talk to it.
// A separate small program, not `btfilestream --native-messaging`: a host manifest cannot
// pass options, and this one loads neither Widgets nor the engine (only the store's rule for
// its folder, which names the program's single-instance socket).
#include "StdioPipe.h"
#include "ipc/BrowserRequest.h"
#include "ipc/NativeMessaging.h"
#include "ipc/SingleInstance.h"
#include "store/TransferStore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QLockFile>
#include <QProcess>
#include <QThread>

#include <cstdio>
#include <signal.h>

namespace nm = bt::nativemessaging;

namespace {

// How long the running program may take to confirm a request (its event loop may be busy).
constexpr int kHandOverMs = 10000;

QString programPath()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/btfilestream");
}

// Hands `request` to the running program, or starts it in the tray and hands it over then.
QJsonObject deliver(const bt::BrowserRequest &request, const QString &key)
{
    const QStringList arguments = request.toArguments();
    bt::SingleInstance channel(key);
    if (channel.sendToRunning(arguments, kHandOverMs))
        return {{QStringLiteral("ok"), true}};
    // Two downloads at once while nothing runs: one host starts the program, the other waits
    // here and then finds it listening.
    QLockFile starting(QDir::temp().filePath(key + QStringLiteral(".starting")));
    starting.setStaleLockTime(0);
    starting.lock();
    if (channel.sendToRunning(arguments, kHandOverMs))
        return {{QStringLiteral("ok"), true}};
    qint64 pid = 0;
    if (!QProcess::startDetached(programPath(), {QStringLiteral("--hidden")}, QString(), &pid))
        return nm::errorReply(
            QCoreApplication::translate("main", "Cannot start %1.").arg(programPath()));
    std::fprintf(stderr, "btfilestream-browser-host: started btfilestream (pid %lld)\n",
                 static_cast<long long>(pid));
    // The program listens once its store is open; there is no signal to wait for across
    // processes, so look every 50 ms for at most 30 s.
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        if (channel.sendToRunning(arguments, kHandOverMs))
            return {{QStringLiteral("ok"), true}, {QStringLiteral("started"), true}};
        if (::kill(pid_t(pid), 0) != 0) // it ended (its store unusable, no display): say so now
            break;
        QThread::msleep(50);
    }
    return nm::errorReply(QCoreApplication::translate(
        "main", "BTFileStream was started but did not answer; the browser keeps the download."));
}

QJsonObject answer(const QJsonObject &message, const QString &key)
{
    QString error;
    const std::optional<bt::BrowserRequest> request = bt::BrowserRequest::fromJson(message, &error);
    if (!request)
        return nm::errorReply(error);
    if (request->kind == bt::BrowserRequest::Kind::Ping) {
        // Reachable means this host runs; whether the program runs is told apart.
        bt::SingleInstance probe(key);
        return {{QStringLiteral("ok"), true},
                {QStringLiteral("version"), QStringLiteral(BT_VERSION)},
                {QStringLiteral("running"), probe.isRunning()}};
    }
    return deliver(*request, key);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("btfilestream-browser-host"));
    StdioPipe in(STDIN_FILENO);
    StdioPipe out(STDOUT_FILENO);
    if (!in.open(QIODevice::ReadOnly | QIODevice::Unbuffered) ||
        !out.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return 1;
    const QString key = bt::SingleInstance::keyFor(bt::TransferStore::defaultDataDir());
    // Chromium's sendNativeMessage sends one message and closes; connectNative keeps the pipe
    // open for many. Either way: answer each message in turn until the browser closes it.
    for (;;) {
        const nm::ReadResult read = nm::readMessage(&in);
        switch (read.status) {
        case nm::ReadStatus::End:
            return 0;
        case nm::ReadStatus::Broken:
            nm::writeMessage(&out, nm::errorReply(read.error));
            std::fprintf(stderr, "btfilestream-browser-host: %s\n", qPrintable(read.error));
            return 1;
        case nm::ReadStatus::Malformed:
            nm::writeMessage(&out, nm::errorReply(read.error));
            break;
        case nm::ReadStatus::Message:
            nm::writeMessage(&out, answer(read.message, key));
            break;
        }
    }
}
