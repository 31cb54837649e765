#include "ContentRange.h"

namespace bt::http {

namespace {

constexpr int kMaxDigits = 18; // 10^18 - 1 fits in qint64 with room to add 1

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Reads 1..18 digits at `pos`; advances `pos`. No sign, no spaces.
bool readNumber(const QByteArray &s, qsizetype &pos, qint64 *out)
{
    const qsizetype start = pos;
    qint64 v = 0;
    while (pos < s.size() && isDigit(s.at(pos))) {
        if (pos - start >= kMaxDigits)
            return false;
        v = v * 10 + (s.at(pos) - '0');
        ++pos;
    }
    if (pos == start)
        return false;
    *out = v;
    return true;
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

} // namespace

std::optional<ContentRange> parseContentRange(const QByteArray &value)
{
    // Only the field's surrounding whitespace is tolerated; the range itself has none.
    const QByteArray s = value.trimmed();
    static const QByteArray unit("bytes");
    if (s.size() <= unit.size() || qstrnicmp(s.constData(), unit.constData(), unit.size()) != 0)
        return std::nullopt;
    qsizetype pos = unit.size();
    if (!isOws(s.at(pos)))
        return std::nullopt;
    while (pos < s.size() && isOws(s.at(pos)))
        ++pos;

    ContentRange r;
    if (pos < s.size() && s.at(pos) == '*') {
        // "bytes */TOTAL": the answer to an unsatisfiable range (416).
        ++pos;
        if (pos >= s.size() || s.at(pos) != '/')
            return std::nullopt;
        ++pos;
        if (!readNumber(s, pos, &r.total) || pos != s.size())
            return std::nullopt;
        return r;
    }

    if (!readNumber(s, pos, &r.first))
        return std::nullopt;
    if (pos >= s.size() || s.at(pos) != '-')
        return std::nullopt;
    ++pos;
    if (!readNumber(s, pos, &r.last))
        return std::nullopt;
    if (pos >= s.size() || s.at(pos) != '/')
        return std::nullopt;
    ++pos;
    if (pos < s.size() && s.at(pos) == '*') {
        ++pos;
        r.total = -1;
    } else if (!readNumber(s, pos, &r.total)) {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    if (r.first > r.last)
        return std::nullopt;
    if (r.total >= 0 && r.last >= r.total)
        return std::nullopt;
    return r;
}

} // namespace bt::http
