#include "CliOptions.h"

#include "CliParseUtil.h"
#include "ExitCode.h"
#include "http/DigestHeader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

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
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        *error = tr("unsupported scheme '%1' in '%2': only http and https are supported")
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

bool CliOptions::parseCommon(const QCommandLineParser &parser, const QCommandLineOption &dataDir,
                             const QCommandLineOption &quiet, const QCommandLineOption &json)
{
    if (parser.isSet(dataDir)) {
        if (parser.value(dataDir).isEmpty()) {
            fail(tr("--data-dir needs a folder"));
            return false;
        }
        m_dataDir = QDir::cleanPath(QDir::current().absoluteFilePath(parser.value(dataDir)));
    }
    if (parser.isSet(quiet) && parser.isSet(json)) {
        fail(tr("--quiet and --json cannot be used together"));
        return false;
    }
    m_output =
        parser.isSet(json) ? Output::Json : (parser.isSet(quiet) ? Output::Quiet : Output::Auto);
    return true;
}

bool CliOptions::parseHeadersAndUser(const QCommandLineParser &parser,
                                     const QCommandLineOption &header,
                                     const QCommandLineOption &user,
                                     QList<QPair<QByteArray, QByteArray>> *headers,
                                     QString *userOut)
{
    for (const QString &value : parser.values(header)) {
        QPair<QByteArray, QByteArray> parsed;
        if (!parseHeader(value, &parsed)) {
            fail(tr("--header must be \"Name: value\", not '%1'").arg(value));
            return false;
        }
        headers->append(parsed);
    }
    if (parser.isSet(user)) {
        const QString value = parser.value(user);
        if (value.indexOf(QLatin1Char(':')) <= 0) {
            fail(tr("--user must be NAME:PASSWORD"));
            return false;
        }
        *userOut = value;
    }
    return true;
}

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
           "(see: btstream put --help)\n\n") +
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
    if (command != QLatin1String("get") && command != QLatin1String("put"))
        return fail(tr("unknown command '%1' (try: btstream get URL)").arg(command));

    QStringList rest = positional.mid(1);
    rest.prepend(arguments.value(0, QStringLiteral("btstream")));
    return command == QLatin1String("put") ? parsePut(rest) : parseGet(rest);
}

CliOptions::Action CliOptions::parseGet(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Download each URL (http or https) into the current directory or DIR.\n"
           "Downloads resume by default: if a download was interrupted, run the same\n"
           "command again to continue where it stopped."));
    const QCommandLineOption help = addHelp(parser);
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
    const QCommandLineOption retries(QStringLiteral("retries"),
                                     tr("Retry a transient failure N times (default 10)."),
                                     QStringLiteral("N"));
    const QCommandLineOption stall(
        QStringLiteral("stall-timeout"),
        tr("Reconnect when no byte arrives for SEC seconds (default 30)."), QStringLiteral("SEC"));
    const QCommandLineOption limit(
        QStringLiteral("limit-rate"),
        tr("Limit each download to RATE bytes/s: 500K, 2M, 1G (K=1024)."), QStringLiteral("RATE"));
    const QCommandLineOption checksum(
        QStringLiteral("checksum"),
        tr("Verify the file: ALG is sha256, sha512, sha1 or md5 (only with one URL; "
           "may be repeated)."),
        QStringLiteral("ALG=HEX"));
    const QCommandLineOption header(QStringLiteral("header"),
                                    tr("Send this request header (may be repeated)."),
                                    QStringLiteral("Name: value"));
    const QCommandLineOption user(QStringLiteral("user"), tr("HTTP Basic credentials."),
                                  QStringLiteral("NAME:PASSWORD"));
    const QCommandLineOption cookies(QStringLiteral("cookies"),
                                     tr("Send cookies from FILE (Netscape cookies.txt format)."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption insecure(QStringLiteral("insecure"),
                                      tr("Do not verify the server's TLS certificate."));
    const QCommandLineOption noResume(QStringLiteral("no-resume"),
                                      tr("Start over instead of resuming a saved download."));
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        tr("Keep the transfer database in DIR (default: $BTSTREAM_DATA_DIR, else the "
           "user data folder)."),
        QStringLiteral("DIR"));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                                   tr("Print nothing but errors."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  tr("Print progress and results as JSON lines on stdout."));
    parser.addOptions({output, dir, jobs, connections, retries, stall, limit, checksum, header,
                       user, cookies, insecure, noResume, dataDir, quiet, json});
    parser.addPositionalArgument(QStringLiteral("URL"), tr("What to download (http or https)."),
                                 QStringLiteral("URL..."));

    m_helpText = withUsageLine(parser.helpText(), tr("Usage: btstream get [options] URL...")) +
                 QLatin1Char('\n') + exitCodeHelp();

    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help))
        return Action::Help;

    const QStringList urls = parser.positionalArguments();
    if (urls.isEmpty())
        return fail(tr("no URL given"));

    DownloadRequest base;
    QString error;

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
    if (parser.isSet(retries) && !parseCount(parser.value(retries), 0, 1000, &base.retries))
        return fail(
            tr("--retries must be a number from 0 to 1000, not '%1'").arg(parser.value(retries)));
    if (parser.isSet(stall) &&
        !parseCount(parser.value(stall), 1, 24 * 3600, &base.stallTimeoutSec))
        return fail(tr("--stall-timeout must be a number of seconds from 1 to 86400, not '%1'")
                        .arg(parser.value(stall)));
    if (parser.isSet(limit) && !parseRate(parser.value(limit), &base.rateLimit))
        return fail(tr("--limit-rate must be a rate such as 500K, 2M, 1G or 100000, not '%1'")
                        .arg(parser.value(limit)));

    for (const QString &value : parser.values(checksum)) {
        http::DigestValue digest;
        if (!http::parseChecksumOption(value, &digest))
            return fail(tr("--checksum must be ALG=HEX with ALG one of sha256, sha512, sha1, "
                           "md5 and HEX the full digest, not '%1'")
                            .arg(value));
        base.checksums.append(digest);
    }
    if (!base.checksums.isEmpty() && urls.size() > 1)
        return fail(tr("--checksum can only be used with one URL"));

    if (!parseHeadersAndUser(parser, header, user, &base.headers, &base.user))
        return Action::Error;
    if (parser.isSet(cookies)) {
        const QFileInfo info(parser.value(cookies));
        if (!info.isFile() || !info.isReadable())
            return fail(tr("--cookies: cannot read the file '%1'").arg(parser.value(cookies)));
        base.cookieFile = info.absoluteFilePath();
    }
    base.insecure = parser.isSet(insecure);
    base.resume = !parser.isSet(noResume);

    if (!parseCommon(parser, dataDir, quiet, json))
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

    m_requests.clear();
    for (const QString &text : urls) {
        DownloadRequest request = base;
        if (!parseUrl(text, &request.url, &error))
            return fail(error);
        m_requests.append(request);
    }
    return Action::Get;
}

} // namespace bt::cli
