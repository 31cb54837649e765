#include "http/LinkHeader.h"

#include <algorithm>

namespace bt::http {

namespace {

void skipSpace(const QByteArray &v, qsizetype &i)
{
    while (i < v.size() && (v.at(i) == ' ' || v.at(i) == '\t'))
        ++i;
}

// A token or a quoted string (backslash escapes) at `i`.
QByteArray readValue(const QByteArray &v, qsizetype &i)
{
    QByteArray out;
    if (i < v.size() && v.at(i) == '"') {
        for (++i; i < v.size() && v.at(i) != '"'; ++i) {
            if (v.at(i) == '\\' && i + 1 < v.size())
                ++i;
            out.append(v.at(i));
        }
        if (i < v.size())
            ++i; // the closing quote
        return out;
    }
    while (i < v.size() && v.at(i) != ';' && v.at(i) != ',')
        out.append(v.at(i++));
    return out.trimmed();
}

} // namespace

QList<LinkValue> parseLinkHeader(const QByteArray &value, const QUrl &base)
{
    QList<LinkValue> links;
    qsizetype i = 0;
    while (i < value.size()) {
        skipSpace(value, i);
        if (i >= value.size())
            break;
        if (value.at(i) != '<') { // not a link: skip to the next one
            while (i < value.size() && value.at(i) != ',')
                ++i;
            ++i;
            continue;
        }
        const qsizetype close = value.indexOf('>', i);
        if (close < 0)
            break;
        LinkValue link;
        const QUrl target = QUrl::fromEncoded(value.mid(i + 1, close - i - 1).trimmed());
        link.url = base.isValid() ? base.resolved(target) : target;
        bool valid = target.isValid();
        i = close + 1;
        // Parameters up to the next top-level comma.
        while (i < value.size() && value.at(i) != ',') {
            skipSpace(value, i);
            if (i < value.size() && value.at(i) == ';')
                ++i;
            skipSpace(value, i);
            qsizetype nameEnd = i;
            while (nameEnd < value.size() && value.at(nameEnd) != '=' && value.at(nameEnd) != ';' &&
                   value.at(nameEnd) != ',')
                ++nameEnd;
            const QByteArray name = value.mid(i, nameEnd - i).trimmed().toLower();
            i = nameEnd;
            QByteArray parameter;
            if (i < value.size() && value.at(i) == '=') {
                ++i;
                skipSpace(value, i);
                parameter = readValue(value, i);
            }
            if (name == "rel") {
                for (const QByteArray &rel : parameter.toLower().split(' ')) {
                    if (!rel.isEmpty())
                        link.relations.append(QString::fromLatin1(rel));
                }
            } else if (name == "pri") {
                bool ok = false;
                const int pri = parameter.toInt(&ok);
                if (ok)
                    link.priority = pri;
            }
            skipSpace(value, i);
            if (i < value.size() && value.at(i) != ';' && value.at(i) != ',')
                valid = false, ++i; // garbage after a parameter
        }
        ++i; // the comma
        if (valid && link.url.isValid())
            links.append(link);
    }
    std::stable_sort(links.begin(), links.end(), [](const LinkValue &a, const LinkValue &b) {
        return a.priority < b.priority;
    });
    return links;
}

} // namespace bt::http
