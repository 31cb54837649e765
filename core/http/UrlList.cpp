#include "http/UrlList.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSet>

namespace bt::http {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bt::http::UrlList", text);
}

QString decodeEntities(QString value)
{
    value.replace(QLatin1String("&quot;"), QLatin1String("\""));
    value.replace(QLatin1String("&#39;"), QLatin1String("'"));
    value.replace(QLatin1String("&lt;"), QLatin1String("<"));
    value.replace(QLatin1String("&gt;"), QLatin1String(">"));
    value.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return value;
}

} // namespace

bool UrlList::parse(const QString &text, QList<UrlListEntry> *entries, QString *error)
{
    QList<UrlListEntry> parsed;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        if (!line.at(0).isSpace()) {
            // aria2 puts mirrors of one file on a line, tab-separated: not supported (yet).
            if (trimmed.contains(QLatin1Char('\t')) || trimmed.contains(QLatin1Char(' '))) {
                *error = tr("line %1: one URL a line (a space or a tab inside: '%2')")
                             .arg(i + 1)
                             .arg(trimmed);
                return false;
            }
            parsed.append(UrlListEntry{trimmed, {}, {}, i + 1});
            continue;
        }
        const qsizetype eq = trimmed.indexOf(QLatin1Char('='));
        const QString name = eq < 0 ? trimmed : trimmed.left(eq).trimmed();
        const QString value = eq < 0 ? QString() : trimmed.mid(eq + 1).trimmed();
        if (parsed.isEmpty()) {
            *error = tr("line %1: an option line ('%2') before any URL").arg(i + 1).arg(trimmed);
            return false;
        }
        if (eq < 0 || value.isEmpty()) {
            *error = tr("line %1: an option line is NAME=VALUE, not '%2'").arg(i + 1).arg(trimmed);
            return false;
        }
        if (name == QLatin1String("out"))
            parsed.last().out = value;
        else if (name == QLatin1String("dir"))
            parsed.last().dir = value;
        else {
            *error = tr("line %1: the option '%2' is not supported (only out= and dir=)")
                         .arg(i + 1)
                         .arg(name);
            return false;
        }
    }
    *entries = parsed;
    return true;
}

QStringList UrlList::extractLinks(const QString &text)
{
    // An attribute value in quotes, or a bare URL up to a space, a quote or an angle bracket.
    static const QRegularExpression re(
        QStringLiteral("\\b(?:href|src)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')"
                       "|\\b((?:https?|ftps?|sftp)://[^\\s\"'<>]+)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression scheme(QStringLiteral("^(?:https?|ftps?|sftp)://"),
                                           QRegularExpression::CaseInsensitiveOption);
    QStringList links;
    QSet<QString> seen;
    for (auto it = re.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString link = m.captured(3);
        if (link.isEmpty()) {
            link = decodeEntities(m.hasCaptured(1) ? m.captured(1) : m.captured(2)).trimmed();
        } else {
            // In prose a link may end a sentence or a parenthesis: "see https://x/a.iso)."
            while (!link.isEmpty() && QStringLiteral(".,;:!?)]").contains(link.back()))
                link.chop(1);
            link = decodeEntities(link);
        }
        // Relative links have no base to resolve against here: only absolute ones are kept.
        if (!scheme.match(link).hasMatch() || seen.contains(link))
            continue;
        seen.insert(link);
        links.append(link);
    }
    return links;
}

} // namespace bt::http
