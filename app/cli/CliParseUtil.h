#pragma once

// Small helpers shared by the parsers of the btstream commands (CliOptions*.cpp).
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QString>

namespace bt::cli::detail {

inline QString tr(const char *text)
{
    return QCoreApplication::translate("bt::cli::CliOptions", text);
}

// QCommandLineParser names the program by argv[0] (a full path); show the command instead.
inline QString withUsageLine(const QString &help, const QString &usage)
{
    const qsizetype eol = help.indexOf(QLatin1Char('\n'));
    return usage + (eol < 0 ? QString() : help.mid(eol));
}

inline bool parseCount(const QString &text, int min, int max, int *out)
{
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    if (!ok || value < min || value > max)
        return false;
    *out = value;
    return true;
}

// Like addHelpOption() without --help-all: Qt's own options do not apply to btstream.
inline QCommandLineOption addHelp(QCommandLineParser &parser)
{
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  tr("Show this help."));
    parser.addOption(help);
    return help;
}

} // namespace bt::cli::detail
