#include "CliOptions.h"
#include "model/ProxySetting.h"

#include "CliParseUtil.h"
#include "ExitCode.h"
#include "MetalinkSources.h"
#include "UrlSources.h"
#include "actions/AfterDownload.h"
#include "http/DigestHeader.h"
#include "transfer/NetworkSetup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace bt::cli {

using namespace detail;

namespace {

// RFC 9110 token: the characters a header name may use.
bool isToken(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    return re.match(name).hasMatch();
}

} // namespace

QString CliOptions::versionText() const
{
    return QStringLiteral("btstream %1\n").arg(QStringLiteral(BT_VERSION));
}

std::optional<CliOptions::Action> CliOptions::parseOptionsOnly(QCommandLineParser &parser,
                                                               const QCommandLineOption &help,
                                                               const QStringList &arguments,
                                                               const QString &command)
{
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help))
        return Action::Help;
    if (!parser.positionalArguments().isEmpty())
        return fail(tr("%1 takes no arguments, not '%2'")
                        .arg(command, parser.positionalArguments().first()));
    return std::nullopt;
}

CliOptions::Action CliOptions::fail(const QString &message)
{
    m_errorText = message;
    return Action::Error;
}

bool CliOptions::parseRate(const QString &text, qint64 *bytesPerSecond)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)([kKmMgG]?)[bB]?$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return false;
    bool ok = false;
    const double number = m.captured(1).toDouble(&ok);
    if (!ok)
        return false;
    const QString unit = m.captured(2).toLower();
    double factor = 1;
    if (unit == QLatin1String("k"))
        factor = 1024.0;
    else if (unit == QLatin1String("m"))
        factor = 1024.0 * 1024;
    else if (unit == QLatin1String("g"))
        factor = 1024.0 * 1024 * 1024;
    const double bytes = number * factor;
    if (bytes < 1 || bytes > 1e15) // 0 would mean "unlimited": say nothing instead
        return false;
    *bytesPerSecond = qint64(bytes);
    return true;
}

bool CliOptions::parseUrl(const QString &text, QUrl *url, QString *error)
{
    const QUrl parsed(text.trimmed(), QUrl::StrictMode);
    if (!parsed.isValid()) {
        *error = tr("malformed URL '%1': %2").arg(text, parsed.errorString());
        return false;
    }
    if (parsed.scheme().isEmpty()) {
        *error = tr("'%1' is not a URL: it has no scheme (use http:// or https://)").arg(text);
        return false;
    }
    const QString scheme = parsed.scheme().toLower();
    static const QStringList schemes{QStringLiteral("http"), QStringLiteral("https"),
                                     QStringLiteral("ftp"), QStringLiteral("ftps"),
                                     QStringLiteral("sftp")};
    if (!schemes.contains(scheme)) {
        *error = tr("unsupported scheme '%1' in '%2': http, https, ftp, ftps and sftp are "
                    "supported")
                     .arg(parsed.scheme(), text);
        return false;
    }
    if (parsed.host().isEmpty()) {
        *error = tr("malformed URL '%1': the host is empty").arg(text);
        return false;
    }
    *url = parsed;
    return true;
}

bool CliOptions::parseHeader(const QString &text, QPair<QByteArray, QByteArray> *header)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    const QString name = colon < 0 ? QString() : text.left(colon).trimmed();
    const QString content = colon < 0 ? QString() : text.mid(colon + 1).trimmed();
    if (colon < 0 || !isToken(name) || content.contains(QLatin1Char('\r')) ||
        content.contains(QLatin1Char('\n')))
        return false;
    *header = {name.toLatin1(), content.toUtf8()};
    return true;
}

bool CliOptions::parseCommon(const QCommandLineParser &parser, const SharedCliOptions &options)
{
    if (parser.isSet(options.dataDir)) {
        if (parser.value(options.dataDir).isEmpty()) {
            fail(tr("--data-dir needs a folder"));
            return false;
        }
        m_dataDir =
            QDir::cleanPath(QDir::current().absoluteFilePath(parser.value(options.dataDir)));
    }
    if (parser.isSet(options.quiet) && parser.isSet(options.json)) {
        fail(tr("--quiet and --json cannot be used together"));
        return false;
    }
    m_output = parser.isSet(options.json)
                   ? Output::Json
                   : (parser.isSet(options.quiet) ? Output::Quiet : Output::Auto);
    if (parser.isSet(options.proxy)) {
        const QString value = parser.value(options.proxy).trimmed();
        if (!isProxySetting(value)) {
            fail(tr("--proxy must be a URL such as http://host:port or socks5h://host:port, or "
                    "\"none\", not '%1'")
                     .arg(value));
            return false;
        }
        m_proxy = value;
    }
    return true;
}

template <class Request>
bool CliOptions::parseShared(const QCommandLineParser &parser, const SharedCliOptions &options,
                             Request *request)
{
    const QCommandLineOption &retries = options.retries;
    const QCommandLineOption &stall = options.stall;
    const QCommandLineOption &limit = options.limit;
    if (parser.isSet(retries) && !parseCount(parser.value(retries), 0, 1000, &request->retries)) {
        fail(tr("--retries must be a number from 0 to 1000, not '%1'").arg(parser.value(retries)));
        return false;
    }
    int maxWaitSec = 0;
    if (parser.isSet(options.retryMaxWait)) {
        if (!parseCount(parser.value(options.retryMaxWait), 0, 24 * 3600, &maxWaitSec)) {
            fail(tr("--retry-max-wait must be a number of seconds from 0 to 86400, not '%1'")
                     .arg(parser.value(options.retryMaxWait)));
            return false;
        }
        request->maxRetryAfterMs = qint64(maxWaitSec) * 1000;
    }
    if (parser.isSet(stall) &&
        !parseCount(parser.value(stall), 1, 24 * 3600, &request->stallTimeoutSec)) {
        fail(tr("--stall-timeout must be a number of seconds from 1 to 86400, not '%1'")
                 .arg(parser.value(stall)));
        return false;
    }
    if (parser.isSet(limit) && !parseRate(parser.value(limit), &request->rateLimit)) {
        fail(tr("--limit-rate must be a rate such as 500K, 2M, 1G or 100000, not '%1'")
                 .arg(parser.value(limit)));
        return false;
    }
    for (const QString &value : parser.values(options.header)) {
        QPair<QByteArray, QByteArray> parsed;
        if (!parseHeader(value, &parsed)) {
            fail(tr("--header must be \"Name: value\", not '%1'").arg(value));
            return false;
        }
        request->headers.append(parsed);
    }
    if (parser.isSet(options.user)) {
        const QString value = parser.value(options.user);
        if (value.indexOf(QLatin1Char(':')) <= 0) {
            fail(tr("--user must be NAME:PASSWORD"));
            return false;
        }
        request->user = value;
    }
    request->insecure = parser.isSet(options.insecure);
    if (parser.isSet(options.cacert)) {
        const QFileInfo file(parser.value(options.cacert));
        if (!file.isFile() || NetworkSetup::caCertificates(file.absoluteFilePath()).isEmpty()) {
            fail(tr("--cacert: no certificate can be read from '%1' (a PEM file is expected)")
                     .arg(parser.value(options.cacert)));
            return false;
        }
        request->caCertFile = file.absoluteFilePath();
    }
    return true;
}

template bool CliOptions::parseShared(const QCommandLineParser &, const SharedCliOptions &,
                                      DownloadRequest *);
template bool CliOptions::parseShared(const QCommandLineParser &, const SharedCliOptions &,
                                      UploadRequest *);

CliOptions::Action CliOptions::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("A download manager: fast, resumable, verified HTTP(S) downloads and uploads."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    const QCommandLineOption help = addHelp(parser);
    const QCommandLineOption version = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 tr("The command to run (see Commands below)."),
                                 QStringLiteral("<command> [options]"));

    m_helpText =
        withUsageLine(parser.helpText(), tr("Usage: btstream <command> [options] [arguments]")) +
        tr("\nCommands:\n"
           "  get [options] URL...   download one or more URLs "
           "(see: btstream get --help)\n"
           "  put [options] FILE|DIR URL\n"
           "                         upload a file or folder: tus (resumable), PUT, POST "
           "(see: btstream put --help)\n"
           "  daemon [options]       run the queue without a window, controlled over aria2's "
           "JSON-RPC (see: btstream daemon --help)\n"
           "  list [--json|--urls]   the stored transfers (see: btstream list --help)\n\n") +
        exitCodeHelp();

    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help))
        return Action::Help;
    if (parser.isSet(version))
        return Action::Version;

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return fail(tr("no command given (try: btstream get URL)"));
    const QString command = positional.first();
    if (command == QLatin1String("help"))
        return Action::Help;
    if (command != QLatin1String("get") && command != QLatin1String("put") &&
        command != QLatin1String("daemon") && command != QLatin1String("list"))
        return fail(tr("unknown command '%1' (try: btstream get URL)").arg(command));

    QStringList rest = positional.mid(1);
    rest.prepend(arguments.value(0, QStringLiteral("btstream")));
    if (command == QLatin1String("daemon"))
        return parseDaemon(rest);
    if (command == QLatin1String("list"))
        return parseList(rest);
    return command == QLatin1String("put") ? parsePut(rest) : parseGet(rest);
}

CliOptions::Action CliOptions::parseGet(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Download each URL (http, https, ftp, ftps, sftp) into the current directory or DIR.\n"
           "Downloads resume by default: if a download was interrupted, run the same\n"
           "command again to continue where it stopped."));
    const QCommandLineOption help = addHelp(parser);
    const SharedCliOptions shared(
        tr("Limit each download to RATE bytes/s: 500K, 2M, 1G (K=1024)."));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    tr("Save to exactly FILE (only with one URL)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption dir({QStringLiteral("d"), QStringLiteral("dir")},
                                 tr("Save into DIR (default: the current directory)."),
                                 QStringLiteral("DIR"));
    const QCommandLineOption jobs({QStringLiteral("j"), QStringLiteral("jobs")},
                                  tr("Download up to N URLs at once, 1 to 64 (default 3)."),
                                  QStringLiteral("N"));
    const QCommandLineOption connections(
        QStringLiteral("connections"),
        tr("Use N connections, 1 to 16 (default 0: adaptive, more while it helps)."),
        QStringLiteral("N"));
    const QCommandLineOption checksum(
        QStringLiteral("checksum"),
        tr("Verify the file: ALG is sha256, sha512, sha1 or md5 (only with one URL; "
           "may be repeated)."),
        QStringLiteral("ALG=HEX"));
    const QCommandLineOption sha256(
        QStringLiteral("sha256"),
        tr("Compute and print the SHA-256 of each file (without it, a file is hashed only to "
           "verify a --checksum or the server's digest)."));
    const QCommandLineOption cookies(QStringLiteral("cookies"),
                                     tr("Send cookies from FILE (Netscape cookies.txt format)."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption noResume(QStringLiteral("no-resume"),
                                      tr("Start over instead of resuming a saved download."));
    const QCommandLineOption extract(
        QStringLiteral("extract"),
        tr("Extract each downloaded archive (tar, zip, 7z...) into a new folder beside it; "
           "entries that would land outside it are refused. Other files are left as they are."));
    const QCommandLineOption onComplete(
        QStringLiteral("on-complete"),
        tr("Run CMD once a file is saved (after --extract), with the file's path as its last "
           "argument. CMD is split into words at spaces, double quotes group words; it is never "
           "run by a shell (no $, single quotes, globs or pipes: give a script for those). Not run "
           "when the file was already complete."),
        QStringLiteral("CMD"));
    const QCommandLineOption inputFile(
        {QStringLiteral("i"), QStringLiteral("input-file")},
        tr("Download the URLs in FILE ('-': standard input): one a line, '#' comments; "
           "indented lines \"out=NAME\" and \"dir=DIR\" apply to the URL above (aria2)."),
        QStringLiteral("FILE"));
    const QCommandLineOption globoff(
        QStringLiteral("globoff"),
        tr("Take URLs literally: no [1-10], [a-z], [001-120:5] or {a,b} patterns (as curl)."));
    parser.addOptions({inputFile, globoff});
    parser.addOptions({output,         dir,
                       jobs,           connections,
                       shared.retries, shared.retryMaxWait,
                       shared.stall,   shared.limit,
                       checksum,       sha256,
                       shared.header,  shared.user,
                       cookies,        shared.insecure,
                       shared.cacert,  shared.proxy,
                       noResume,       extract,
                       onComplete,     shared.dataDir,
                       shared.quiet,   shared.json});
    parser.addPositionalArgument(QStringLiteral("URL"),
                                 tr("What to download (http, https, ftp, ftps, sftp), or a "
                                    "Metalink file or URL (.meta4, .metalink): its files, "
                                    "from all its mirrors at once."),
                                 QStringLiteral("URL..."));

    m_helpText = withUsageLine(parser.helpText(), tr("Usage: btstream get [options] URL...")) +
                 QLatin1Char('\n') + exitCodeHelp();

    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help))
        return Action::Help;

    QList<UrlSource> urls;
    for (const QString &text : parser.positionalArguments())
        urls.append(UrlSource{text, {}, {}});
    QString error;
    if (parser.isSet(inputFile) &&
        !UrlSources::readInputFile(parser.value(inputFile), &urls, &error))
        return fail(error);
    if (urls.isEmpty())
        return fail(tr("no URL given"));
    if (!UrlSources::expand(&urls, parser.isSet(globoff), &error))
        return fail(error);

    DownloadRequest base;

    QString directory = QDir::currentPath();
    if (parser.isSet(dir)) {
        const QString value = parser.value(dir);
        if (value.isEmpty())
            return fail(tr("--dir needs a folder"));
        directory = QDir::cleanPath(QDir::current().absoluteFilePath(value));
    }
    base.directory = directory;

    m_jobs = DefaultJobs;
    if (parser.isSet(jobs) && !parseCount(parser.value(jobs), 1, 64, &m_jobs))
        return fail(tr("--jobs must be a number from 1 to 64, not '%1'").arg(parser.value(jobs)));
    if (parser.isSet(connections) &&
        !parseCount(parser.value(connections), 0, 16, &base.connections))
        return fail(tr("--connections must be a number from 0 to 16, not '%1'")
                        .arg(parser.value(connections)));
    if (!parseShared(parser, shared, &base))
        return Action::Error;

    for (const QString &value : parser.values(checksum)) {
        http::DigestValue digest;
        if (!http::parseChecksumOption(value, &digest))
            return fail(tr("--checksum must be ALG=HEX with ALG one of sha256, sha512, sha1, "
                           "md5 and HEX the full digest, not '%1'")
                            .arg(value));
        base.checksums.append(digest);
    }
    base.sha256 = parser.isSet(sha256);
    if (!base.checksums.isEmpty() && urls.size() > 1)
        return fail(tr("--checksum can only be used with one URL"));

    if (parser.isSet(cookies)) {
        const QFileInfo info(parser.value(cookies));
        if (!info.isFile() || !info.isReadable())
            return fail(tr("--cookies: cannot read the file '%1'").arg(parser.value(cookies)));
        base.cookieFile = info.absoluteFilePath();
    }
    base.resume = !parser.isSet(noResume);
    base.afterDownload.extract = parser.isSet(extract);
    if (parser.isSet(onComplete)) {
        const QString command = parser.value(onComplete);
        QStringList words;
        QString why;
        if (!AfterDownload::splitCommand(command, &words, &why))
            return fail(tr("--on-complete: %1").arg(why));
        // Said now, not after a long download.
        const QString program = words.first();
        const bool found = program.contains(QLatin1Char('/'))
                               ? QFileInfo(program).isExecutable() && QFileInfo(program).isFile()
                               : !QStandardPaths::findExecutable(program).isEmpty();
        if (!found)
            return fail(tr("--on-complete: no program '%1' can be run").arg(program));
        base.afterDownload.command = command;
    }

    if (!parseCommon(parser, shared))
        return Action::Error;

    if (parser.isSet(output)) {
        if (urls.size() > 1)
            return fail(tr("--output can only be used with one URL (use --dir for several)"));
        const QString value = parser.value(output);
        if (value.isEmpty() || value.endsWith(QLatin1Char('/')) || QFileInfo(value).isDir())
            return fail(tr("--output needs a file name, not a folder (use --dir for a folder)"));
        // Relative to --dir when given (like curl's --output-dir), else to the current folder.
        const QFileInfo target(QDir(directory).absoluteFilePath(value));
        base.directory = QDir::cleanPath(target.absolutePath());
        base.fileName = target.fileName();
    }

    m_requests = {};
    m_metalinkSources.clear();
    const int options = m_requests.addOptions(base);
    for (const UrlSource &source : std::as_const(urls)) {
        DownloadRequest request = base;
        if (QFileInfo(source.url).isFile()) { // a metalink on disk: its files
            if (parser.isSet(output))
                return fail(tr("--output cannot name the files of a metalink (use --dir)"));
            QList<DownloadRequest> files;
            if (!MetalinkSources::readFile(source.url, request, &files, &m_notes, &error))
                return fail(error);
            m_requests += files;
            continue;
        }
        if (!parseUrl(source.url, &request.url, &error))
            return fail(error);
        if (MetalinkSources::isMetalinkUrl(request.url)) {
            if (parser.isSet(output))
                return fail(tr("--output cannot name the files of a metalink (use --dir)"));
            m_metalinkSources.append(request);
            continue;
        }
        // A password in the URL stays in memory: never stored, listed or logged.
        request.urlPassword = request.url.password();
        request.url.setPassword({});
        // An input file's dir= is under -d, its out= as -o there.
        const QDir folder(source.dir.isEmpty() ? base.directory
                                               : QDir(base.directory).absoluteFilePath(source.dir));
        request.directory = QDir::cleanPath(folder.absolutePath());
        if (!source.out.isEmpty()) {
            const QFileInfo target(folder.absoluteFilePath(source.out));
            request.directory = QDir::cleanPath(target.absolutePath());
            request.fileName = target.fileName();
        }
        m_requests.append(options, request.url, request.urlPassword, request.directory,
                          request.fileName);
    }
    return Action::Get;
}

} // namespace bt::cli
