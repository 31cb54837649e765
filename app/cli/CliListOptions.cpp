// `btstream list`: the store's transfers (CliOptions::parseList).
#include "CliOptions.h"

#include "CliParseUtil.h"
#include "ExitCode.h"

#include <QCommandLineParser>
#include <QDir>

namespace bt::cli {

using namespace detail;

CliOptions::Action CliOptions::parseList(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Print the transfers of the store (the program's and btstream's), in queue order.\n"
           "Passwords in URLs are never printed."));
    const QCommandLineOption help = addHelp(parser);
    const QCommandLineOption json(QStringLiteral("json"),
                                  tr("A JSON array: id, direction, state, url, path, size, done, "
                                     "sha256, error, added, completed."));
    const QCommandLineOption urls(
        QStringLiteral("urls"),
        tr("The downloads' URLs, one a line, as `btstream get -i` reads them."));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     tr("The transfer store's folder (default: "
                                        "$BTSTREAM_DATA_DIR, else ~/.local/share/btfilestream)."),
                                     QStringLiteral("DIR"));
    parser.addOptions({json, urls, dataDir});
    m_helpText = withUsageLine(parser.helpText(),
                               tr("Usage: btstream list [--json|--urls] [--data-dir DIR]")) +
                 QLatin1Char('\n') + exitCodeHelp();
    if (const auto done = parseOptionsOnly(parser, help, arguments, QStringLiteral("list")))
        return *done;
    if (parser.isSet(json) && parser.isSet(urls))
        return fail(tr("--json and --urls cannot be used together"));
    m_listFormat = parser.isSet(json)   ? ListFormat::Json
                   : parser.isSet(urls) ? ListFormat::Urls
                                        : ListFormat::Table;
    if (parser.isSet(dataDir)) {
        if (parser.value(dataDir).isEmpty())
            return fail(tr("--data-dir needs a folder"));
        m_dataDir = QDir::cleanPath(QDir::current().absoluteFilePath(parser.value(dataDir)));
    }
    return Action::List;
}

} // namespace bt::cli
