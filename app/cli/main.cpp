// btstream: the headless command line of BTFileStream (composition root).
#include "CliOptions.h"
#include "ExitCode.h"
#include "GetCommand.h"
#include "ProgressPrinter.h"
#include "SignalBridge.h"

#include <QCoreApplication>
#include <QTimer>

#include <csignal>
#include <cstdio>

using namespace bt::cli;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("btstream"));
    QCoreApplication::setOrganizationName(QStringLiteral("BTFileStream"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BT_VERSION));

    CliOptions options;
    switch (options.parse(QCoreApplication::arguments())) {
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
    case CliOptions::Action::Get:
        break;
    }

    ProgressPrinter printer(
        ProgressPrinter::detectMode(options.output() == CliOptions::Output::Quiet,
                                    options.output() == CliOptions::Output::Json));
    GetCommand command(options.requests(), options.dataDir(), &printer);
    SignalBridge signalBridge;
    signalBridge.install({SIGINT, SIGTERM});
    QObject::connect(&signalBridge, &SignalBridge::signalReceived, &command,
                     &GetCommand::interrupt);
    QObject::connect(&command, &GetCommand::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    QTimer::singleShot(0, &command, &GetCommand::start);
    return app.exec();
}
