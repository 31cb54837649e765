#pragma once

#include <QString>
#include <QStringList>

#include <cstdio>

namespace bt::cli {

// A block of status lines at the bottom of a terminal, redrawn in place: the cursor goes back
// up over the block (ANSI cursor-up), each line is rewritten and cleared to its end, and what
// is left of a taller previous block is erased. To print lines that scroll away (results,
// errors) above it: clear(), print, setLines() again. Lines are cut to the terminal's width,
// because a wrapped line would break the count of rows to go back up.
class TerminalBlock
{
public:
    explicit TerminalBlock(std::FILE *stream = stderr) : m_stream(stream) {}

    void setLines(const QStringList &lines); // redraws at once
    void clear();                            // erases the block, forgets its lines
    int height() const { return m_drawn; }

    static int columns(); // of the terminal on stderr, 80 when unknown

private:
    QByteArray eraseSequence() const;
    QByteArray drawSequence() const;

    std::FILE *m_stream;
    QStringList m_lines;
    int m_drawn = 0; // rows of the block on screen now; the cursor is on the row below it
};

} // namespace bt::cli
