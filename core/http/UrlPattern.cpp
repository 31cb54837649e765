#include "http/UrlPattern.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <vector>

namespace bt::http {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bt::http::UrlPattern", text);
}

// One piece of the URL: literal text, or the values of one range or list.
struct Piece
{
    QStringList values; // one value for literal text
};

struct Parser
{
    const QString &text;
    qsizetype pos = 0;
    QString error;

    bool fail(const QString &why, qsizetype at)
    {
        error = tr("bad URL pattern at column %1: %2").arg(at + 1).arg(why);
        return false;
    }

    // A bracket that holds an IPv6 address literal, as curl's peek_ipv6: kept as text.
    static bool isIpv6(const QString &inside)
    {
        static const QRegularExpression re(
            QStringLiteral("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[0-9A-Za-z._~-]+)?$"));
        return re.match(inside).hasMatch();
    }

    static bool parseNumber(const QString &s, qint64 *value)
    {
        if (s.isEmpty() || s.size() > 18)
            return false;
        for (QChar c : s) {
            if (!c.isDigit() || c.unicode() > 127)
                return false;
        }
        bool ok = false;
        *value = s.toLongLong(&ok);
        return ok;
    }

    bool parseRange(const QString &inside, qsizetype at, QStringList *values, qint64 cap)
    {
        static const QRegularExpression shape(QStringLiteral("^([^-:]+)-([^-:]+)(?::(.*))?$"));
        const QRegularExpressionMatch m = shape.match(inside);
        if (!m.hasMatch())
            return fail(tr("a range is [FIRST-LAST] or [FIRST-LAST:STEP], not [%1]").arg(inside),
                        at);
        const QString first = m.captured(1);
        const QString last = m.captured(2);
        qint64 step = 1;
        if (m.hasCaptured(3) && (!parseNumber(m.captured(3), &step) || step < 1))
            return fail(tr("the step of [%1] must be a whole number of at least 1").arg(inside),
                        at);
        const bool letters = first.size() == 1 && last.size() == 1 && first.at(0).isLetter() &&
                             last.at(0).isLetter() && first.at(0).unicode() < 128 &&
                             last.at(0).unicode() < 128;
        if (letters) {
            const char a = char(first.at(0).unicode());
            const char b = char(last.at(0).unicode());
            if (first.at(0).isLower() != last.at(0).isLower() || a > b)
                return fail(tr("the letter range [%1] must go up within one case").arg(inside), at);
            for (int c = a; c <= b; c += int(qMin<qint64>(step, 26))) {
                values->append(QString(QLatin1Char(char(c))));
                if (values->size() > cap)
                    break;
            }
            return true;
        }
        qint64 from = 0;
        qint64 to = 0;
        if (!parseNumber(first, &from) || !parseNumber(last, &to))
            return fail(tr("a range is of numbers or of single letters, not [%1]").arg(inside), at);
        if (from > to)
            return fail(tr("the range [%1] goes down").arg(inside), at);
        const int width = first.startsWith(QLatin1Char('0')) ? int(first.size()) : 0;
        for (qint64 n = from; n <= to; n += step) {
            values->append(QStringLiteral("%1").arg(n, width, 10, QLatin1Char('0')));
            if (values->size() > cap || to - n < step)
                break;
        }
        return true;
    }

    bool parseList(qsizetype at, QStringList *values)
    {
        QString item;
        for (; pos < text.size(); ++pos) {
            const QChar c = text.at(pos);
            if (c == QLatin1Char('\\') && pos + 1 < text.size()) {
                item += text.at(++pos);
            } else if (c == QLatin1Char(',')) {
                values->append(item);
                item.clear();
            } else if (c == QLatin1Char('}')) {
                values->append(item);
                ++pos;
                return true;
            } else if (c == QLatin1Char('{') || c == QLatin1Char('[')) {
                return fail(tr("'%1' inside a {list}: lists and ranges do not nest").arg(c), pos);
            } else {
                item += c;
            }
        }
        return fail(tr("the list opened here has no closing '}'"), at);
    }

    bool run(std::vector<Piece> *pieces, qint64 cap)
    {
        QString literal;
        auto flush = [&] {
            if (!literal.isEmpty())
                pieces->push_back(Piece{{literal}});
            literal.clear();
        };
        while (pos < text.size()) {
            const QChar c = text.at(pos);
            if (c == QLatin1Char('\\') && pos + 1 < text.size() &&
                QStringLiteral("[]{},").contains(text.at(pos + 1))) {
                literal += text.at(pos + 1);
                pos += 2;
            } else if (c == QLatin1Char('{')) {
                flush();
                const qsizetype at = pos++;
                Piece piece;
                if (!parseList(at, &piece.values))
                    return false;
                pieces->push_back(piece);
            } else if (c == QLatin1Char('[')) {
                const qsizetype at = pos;
                const qsizetype close = text.indexOf(QLatin1Char(']'), pos + 1);
                if (close < 0)
                    return fail(tr("the range opened here has no closing ']'"), at);
                const QString inside = text.mid(pos + 1, close - pos - 1);
                pos = close + 1;
                if (isIpv6(inside)) {
                    literal += QLatin1Char('[') + inside + QLatin1Char(']');
                    continue;
                }
                if (inside.contains(QLatin1Char('[')) || inside.contains(QLatin1Char('{')))
                    return fail(tr("ranges and lists do not nest"), at);
                flush();
                Piece piece;
                if (!parseRange(inside, at, &piece.values, cap))
                    return false;
                pieces->push_back(piece);
            } else if (c == QLatin1Char(']') || c == QLatin1Char('}')) {
                return fail(tr("'%1' closes nothing (write \\%1 for the character)").arg(c), pos);
            } else {
                literal += c;
                ++pos;
            }
        }
        flush();
        return true;
    }

    // lupdate files the messages under the class they are in: same context at run time.
    Q_DECLARE_TR_FUNCTIONS(bt::http::UrlPattern)
};

bool parse(const QString &text, std::vector<Piece> *pieces, qint64 cap, qint64 *total,
           QString *error)
{
    Parser parser{text, 0, {}};
    if (!parser.run(pieces, cap)) {
        if (error)
            *error = parser.error;
        return false;
    }
    qint64 n = 1;
    for (const Piece &piece : *pieces)
        n = qMin(cap + 1, n * qint64(piece.values.size())); // each size is at most cap + 1
    *total = n;
    return true;
}

} // namespace

bool UrlPattern::hasPattern(const QString &text)
{
    std::vector<Piece> pieces;
    qint64 total = 0;
    if (!parse(text, &pieces, DefaultCap, &total, nullptr))
        return true; // malformed: expand() says why
    for (const Piece &piece : pieces) {
        if (piece.values.size() != 1)
            return true;
    }
    // A one-value range or list ("[1-1]", "{a}") or an escape is still a pattern.
    return pieces.size() > 1 || (pieces.size() == 1 && pieces.front().values.first() != text);
}

qint64 UrlPattern::count(const QString &text, qint64 cap)
{
    std::vector<Piece> pieces;
    qint64 total = 0;
    return parse(text, &pieces, cap, &total, nullptr) ? total : -1;
}

bool UrlPattern::expand(const QString &text, QStringList *urls, QString *error, qint64 cap)
{
    std::vector<Piece> pieces;
    qint64 total = 0;
    if (!parse(text, &pieces, cap, &total, error))
        return false;
    if (total > cap) {
        *error = tr("the pattern '%1' gives more than %2 URLs; split it, or use --globoff to "
                    "take the URL literally")
                     .arg(text)
                     .arg(cap);
        return false;
    }
    // Odometer: the last piece turns fastest, as curl's.
    std::vector<qsizetype> index(pieces.size(), 0);
    for (qint64 k = 0; k < total; ++k) {
        QString url;
        for (size_t i = 0; i < pieces.size(); ++i)
            url += pieces[i].values.at(index[i]);
        urls->append(url);
        for (size_t i = pieces.size(); i-- > 0;) {
            if (++index[i] < pieces[i].values.size())
                break;
            index[i] = 0;
        }
    }
    return true;
}

} // namespace bt::http
