#pragma once

#include <QString>
#include <QStringList>

namespace bt::http {

// curl's URL globbing ("photo[001-120].jpg"), a pure function:
//   [1-10]  [001-120] (zero padded to the width of the first number)  [0-100:5] (a step)
//   [a-z]  [A-Z:2] (letters, one case)   {one,two,three} (a list; empty items allowed)
// Several in one URL expand as curl does: the first one varies slowest. `\[`, `\]`, `\{`,
// `\}` and `\,` are literal characters; a bracket holding an IPv6 address ("[::1]") is left
// as it is. Brace lists do not nest (curl refuses them too).
struct UrlPattern
{
    static constexpr qint64 DefaultCap = 10000;

    // True when `text` holds a glob (a range, a list, an escape) or a malformed one: expand it.
    static bool hasPattern(const QString &text);
    // The number of URLs `text` expands to (1 without a glob), -1 when malformed, capped at
    // `cap + 1` so that a huge pattern is counted without overflowing.
    static qint64 count(const QString &text, qint64 cap = DefaultCap);
    // Expands `text` into `*urls` (appended). false with a message naming the column when it
    // is malformed or would give more than `cap` URLs; `*urls` is then unchanged.
    static bool expand(const QString &text, QStringList *urls, QString *error,
                       qint64 cap = DefaultCap);
};

} // namespace bt::http
