// `btstream daemon`: the queue without a window, driven over aria2's JSON-RPC.
#include "CliOptions.h"
#include "CliParseUtil.h"
#include "ExitCode.h"
#include "actions/AfterDownload.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace bt::cli {

using namespace detail;

namespace {
QString absoluteFolder(const QString &path)
{
    return QDir::cleanPath(QDir::current().absoluteFilePath(path));
}
} // namespace

CliOptions::Action CliOptions::parseDaemon(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Run the download queue without a window, on the same store and settings as the "
           "desktop program, controlled over aria2's JSON-RPC (HTTP and WebSocket at "
           "/jsonrpc). SIGTERM stops it with every resume state saved."));
    const QCommandLineOption help = addHelp(parser);
    const QCommandLineOption dir({QStringLiteral("d"), QStringLiteral("dir")},
                                 tr("Download into DIR unless a client names another allowed "
                                    "folder (default: the settings' download folder)."),
                                 QStringLiteral("DIR"));
    const QCommandLineOption jobs({QStringLiteral("j"), QStringLiteral("jobs")},
                                  tr("Run up to N transfers at once (default: the settings')."),
                                  QStringLiteral("N"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     tr("Keep the transfer database in DIR (default: "
                                        "$BTSTREAM_DATA_DIR, else the user data folder)."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption port(QStringLiteral("rpc-listen-port"),
                                  tr("Listen on PORT (default 6800; 0: any free port, printed)."),
                                  QStringLiteral("PORT"));
    const QCommandLineOption listenAll(QStringLiteral("rpc-listen-all"),
                                       tr("Listen on every interface (default: 127.0.0.1 only)."));
    const QCommandLineOption secret(QStringLiteral("rpc-secret"),
                                    tr("Require \"token:SECRET\" as every call's first "
                                       "parameter (visible to other users in ps: prefer "
                                       "--rpc-secret-file)."),
                                    QStringLiteral("SECRET"));
    const QCommandLineOption secretFile(QStringLiteral("rpc-secret-file"),
                                        tr("Read the secret from the first line of FILE."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption origin(QStringLiteral("rpc-allow-origin"),
                                    tr("Let web pages of ORIGIN (https://host[:port], or *) "
                                       "call (CORS); may be repeated. Default: none."),
                                    QStringLiteral("ORIGIN"));
    const QCommandLineOption certificate(QStringLiteral("rpc-certificate"),
                                         tr("Serve HTTPS and WSS with this certificate (PEM)."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption privateKey(QStringLiteral("rpc-private-key"),
                                        tr("The private key of --rpc-certificate (PEM)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption allowDir(QStringLiteral("rpc-allow-dir"),
                                      tr("Let clients download into DIR and below too (may be "
                                         "repeated)."),
                                      QStringLiteral("DIR"));
    const QCommandLineOption allDone(
        QStringLiteral("on-all-done"),
        tr("Once every transfer has ended and the queue is idle: 'quit' (exit 0, as after "
           "SIGTERM) or 'command' (run --on-all-done-command, no shell)."),
        QStringLiteral("ACTION"));
    const QCommandLineOption allDoneCommand(
        QStringLiteral("on-all-done-command"),
        tr("The command for --on-all-done command (implies it), split as --on-complete's."),
        QStringLiteral("CMD"));
    const QCommandLineOption allDoneDelay(
        QStringLiteral("on-all-done-delay"),
        tr("Wait S seconds first (default 30); new work in that time postpones it."),
        QStringLiteral("S"));
    parser.addOptions({dir, jobs, dataDir, port, listenAll, secret, secretFile, origin, certificate,
                       privateKey, allowDir, allDone, allDoneCommand, allDoneDelay});
    m_helpText = withUsageLine(parser.helpText(), tr("Usage: btstream daemon [options]"));

    if (const auto done = parseOptionsOnly(parser, help, arguments, QStringLiteral("daemon")))
        return *done;

    m_daemon = DaemonOptions{};
    if (parser.isSet(dir)) {
        if (parser.value(dir).isEmpty())
            return fail(tr("--dir needs a folder"));
        m_daemon.downloadDir = absoluteFolder(parser.value(dir));
    }
    if (parser.isSet(jobs) && !parseCount(parser.value(jobs), 1, 64, &m_daemon.jobs))
        return fail(tr("--jobs must be a number from 1 to 64, not '%1'").arg(parser.value(jobs)));
    if (parser.isSet(dataDir)) {
        if (parser.value(dataDir).isEmpty())
            return fail(tr("--data-dir needs a folder"));
        m_dataDir = absoluteFolder(parser.value(dataDir));
    }
    int portNumber = 6800;
    if (parser.isSet(port) && !parseCount(parser.value(port), 0, 65535, &portNumber))
        return fail(tr("--rpc-listen-port must be a number from 0 to 65535, not '%1'")
                        .arg(parser.value(port)));
    m_daemon.rpc.port = quint16(portNumber);
    m_daemon.rpc.listenAll = parser.isSet(listenAll);
    if (parser.isSet(secret) && parser.isSet(secretFile))
        return fail(tr("give --rpc-secret or --rpc-secret-file, not both"));
    m_daemon.secret = parser.value(secret);
    if (parser.isSet(secretFile)) {
        QFile file(parser.value(secretFile));
        if (!file.open(QIODevice::ReadOnly))
            return fail(tr("--rpc-secret-file: cannot read '%1'").arg(file.fileName()));
        m_daemon.secret = QString::fromUtf8(file.readLine()).trimmed();
    }
    if ((parser.isSet(secret) || parser.isSet(secretFile)) && m_daemon.secret.isEmpty())
        return fail(tr("the RPC secret is empty"));
    for (const QString &value : parser.values(origin)) {
        const QUrl url(value, QUrl::StrictMode);
        if (value != QLatin1String("*") &&
            (!url.isValid() || url.host().isEmpty() || !url.path().isEmpty()))
            return fail(
                tr("--rpc-allow-origin must be scheme://host[:port] or *, not '%1'").arg(value));
        m_daemon.rpc.allowOrigins.append(value);
    }
    if (parser.isSet(certificate) != parser.isSet(privateKey))
        return fail(tr("--rpc-certificate and --rpc-private-key go together"));
    m_daemon.rpc.certificateFile = parser.value(certificate);
    m_daemon.rpc.privateKeyFile = parser.value(privateKey);
    for (const QString &value : parser.values(allowDir)) {
        if (!QFileInfo(value).isDir())
            return fail(tr("--rpc-allow-dir: '%1' is not a folder").arg(value));
        m_daemon.allowDirs.append(absoluteFolder(value));
    }
    if (!parseAllDone(parser, allDone, allDoneCommand, allDoneDelay))
        return Action::Error;
    return Action::Daemon;
}

bool CliOptions::parseAllDone(const QCommandLineParser &parser, const QCommandLineOption &action,
                              const QCommandLineOption &command, const QCommandLineOption &delay)
{
    const QString value = parser.value(action).trimmed().toLower();
    if (value == QLatin1String("quit")) {
        m_daemon.onAllDone = WhenAllDone::Action::Quit;
    } else if (value == QLatin1String("command") || (value.isEmpty() && parser.isSet(command))) {
        m_daemon.onAllDone = WhenAllDone::Action::RunCommand;
    } else if (value == QLatin1String("suspend") || value == QLatin1String("poweroff")) {
        // logind asks for the seat's user; a daemon may run as a service without one.
        fail(tr("--on-all-done %1 is the desktop program's; here run a command that does it "
                "(--on-all-done-command \"systemctl %1\")")
                 .arg(value));
        return false;
    } else if (parser.isSet(action)) {
        fail(tr("--on-all-done must be 'quit' or 'command', not '%1'").arg(parser.value(action)));
        return false;
    }
    if (m_daemon.onAllDone == WhenAllDone::Action::RunCommand) {
        m_daemon.onAllDoneCommand = parser.value(command).trimmed();
        QStringList words;
        QString why;
        if (m_daemon.onAllDoneCommand.isEmpty()) {
            fail(tr("--on-all-done command needs --on-all-done-command CMD"));
            return false;
        }
        if (!AfterDownload::splitCommand(m_daemon.onAllDoneCommand, &words, &why)) {
            fail(QStringLiteral("--on-all-done-command: ") + why);
            return false;
        }
    } else if (parser.isSet(command)) {
        fail(tr("--on-all-done-command goes with --on-all-done command"));
        return false;
    }
    int seconds = int(WhenAllDone::NoticeMs / 1000);
    if (parser.isSet(delay) && !detail::parseCount(parser.value(delay), 0, 86400, &seconds)) {
        fail(tr("--on-all-done-delay must be seconds from 0 to 86400, not '%1'")
                 .arg(parser.value(delay)));
        return false;
    }
    m_daemon.onAllDoneDelayMs = qint64(seconds) * 1000;
    return true;
}

} // namespace bt::cli
