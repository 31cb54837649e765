// btstream: the headless command line of BTFileStream (composition root).
#include "CliOptions.h"
#include "DaemonCommand.h"
#include "ExitCode.h"
#include "GetCommand.h"
#include "ListCommand.h"
#include "ProgressPrinter.h"
#include "PutCommand.h"
#include "SignalBridge.h"
#include "actions/ChildEnvironment.h"
#include "transfer/NetworkSetup.h"

#include <QCoreApplication>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace bt::cli;

namespace {

// A person sees the progress line and one clear error message, which go through
// ProgressPrinter. Log lines are for developers: the engine's categories when enabled
// (QT_LOGGING_RULES="bt.*.debug=true", core/Logging.h), and Qt's own only when
// QT_LOGGING_RULES names them; critical and fatal ones always.
void messageHandler(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    static const bool rules = qEnvironmentVariableIsSet("QT_LOGGING_RULES");
    const bool ours = context.category && std::strncmp(context.category, "bt.", 3) == 0;
    if (!ours && !rules && type != QtCriticalMsg && type != QtFatalMsg)
        return;
    std::fputs(qFormatLogMessage(type, context, text).append(QLatin1Char('\n')).toLocal8Bit(),
               stderr);
}

int run(int argc, char *argv[])
{
    // Before any thread exists (Qt's, the writer's): caps glibc's per-thread arenas (RSS).
    bt::NetworkSetup::tuneMalloc();
    qInstallMessageHandler(messageHandler);
    // Qt's own event dispatcher rather than GLib's, on every thread: a post to a thread that is
    // already awake does not write its eventfd again. With 8 small downloads at a time that is
    // a third of the wakeups (25,210 writes for 1,000 files with GLib's, 8,258 without).
    // Nothing here needs GLib's main loop; a user's own setting stands. The commands btstream
    // runs (--on-complete, --on-all-done-command) get the user's environment, without it.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB")) {
        qputenv("QT_NO_GLIB", "1");
        bt::ChildEnvironment::hide(QStringLiteral("QT_NO_GLIB"));
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("btstream"));
    QCoreApplication::setOrganizationName(QStringLiteral("BTFileStream"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BT_VERSION));

    CliOptions options;
    const CliOptions::Action action = options.parse(QCoreApplication::arguments());
    switch (action) {
    case CliOptions::Action::Help:
        std::fputs(options.helpText().toLocal8Bit().constData(), stdout);
        return ExitSuccess;
    case CliOptions::Action::Version:
        std::fputs(options.versionText().toLocal8Bit().constData(), stdout);
        return ExitSuccess;
    case CliOptions::Action::Error:
        std::fputs(QCoreApplication::translate("bt::cli", "btstream: error: %1\n"
                                                          "Try 'btstream --help' for more.\n")
                       .arg(options.errorText())
                       .toLocal8Bit()
                       .constData(),
                   stderr);
        return ExitUsage;
    case CliOptions::Action::List:
        return ListCommand::run(options.dataDir(), options.listFormat());
    case CliOptions::Action::Get:
    case CliOptions::Action::Put:
    case CliOptions::Action::Daemon:
        break;
    }

    if (action == CliOptions::Action::Daemon) {
        SignalBridge signalBridge;
        signalBridge.install({SIGINT, SIGTERM});
        DaemonCommand daemon(options.daemonOptions(), options.dataDir());
        QObject::connect(&signalBridge, &SignalBridge::signalReceived, &daemon,
                         &DaemonCommand::stop);
        QObject::connect(&daemon, &DaemonCommand::finished, &app, &QCoreApplication::exit,
                         Qt::QueuedConnection);
        QTimer::singleShot(0, &daemon, &DaemonCommand::start);
        return app.exec();
    }

    ProgressPrinter printer(
        ProgressPrinter::detectMode(options.output() == CliOptions::Output::Quiet,
                                    options.output() == CliOptions::Output::Json));
    SignalBridge signalBridge;
    signalBridge.install({SIGINT, SIGTERM});
    if (action == CliOptions::Action::Put) {
        PutCommand command(options.uploadRequests(), options.dataDir(), &printer);
        command.setProxy(options.proxy());
        QObject::connect(&signalBridge, &SignalBridge::signalReceived, &command,
                         &PutCommand::interrupt);
        QObject::connect(&command, &PutCommand::finished, &app, &QCoreApplication::exit,
                         Qt::QueuedConnection);
        QTimer::singleShot(0, &command, &PutCommand::start);
        return app.exec();
    }
    for (const QString &note : options.notes())
        printer.message(0, note);
    GetCommand command(options.requests(), options.dataDir(), options.jobs(), &printer);
    command.setProxy(options.proxy());
    command.setMetalinkSources(options.metalinkSources());
    QObject::connect(&signalBridge, &SignalBridge::signalReceived, &command,
                     &GetCommand::interrupt);
    QObject::connect(&command, &GetCommand::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    QTimer::singleShot(0, &command, &GetCommand::start);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    const int code = run(argc, argv);
    // When run() returns, all of ours is closed: threads joined, files synced, the store
    // checkpointed and closed. What exit() would add are the finalisers of ~60 libraries,
    // which free what the kernel frees anyway and fault in 0.7 MiB of pages nothing used
    // before: the peak RSS of a 3,000-file run was there. Leak checkers need the real exit.
    std::fflush(nullptr);
#if defined(__SANITIZE_ADDRESS__)
    return code;
#else
    std::_Exit(code);
#endif
}
