#include "TerminalBlock.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace bt::cli {

int TerminalBlock::columns()
{
    winsize size = {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
        return size.ws_col;
    return 80;
}

QByteArray TerminalBlock::eraseSequence() const
{
    if (m_drawn == 0)
        return {};
    // Up to the block's first row, then clear from there to the end of the screen.
    return "\x1b[" + QByteArray::number(m_drawn) + "A\r\x1b[J";
}

QByteArray TerminalBlock::drawSequence() const
{
    const int width = columns() - 1; // never the last column: some terminals wrap there
    QByteArray out;
    for (const QString &line : m_lines)
        out += "\r" + line.left(width).toLocal8Bit() + "\x1b[K\n";
    return out;
}

void TerminalBlock::setLines(const QStringList &lines)
{
    m_lines = lines;
    QByteArray out;
    if (m_drawn > 0)
        out += "\x1b[" + QByteArray::number(m_drawn) + "A";
    out += drawSequence();
    out += "\x1b[J"; // rows a taller block left behind
    m_drawn = int(m_lines.size());
    std::fputs(out.constData(), m_stream);
    std::fflush(m_stream);
}

void TerminalBlock::clear()
{
    const QByteArray out = eraseSequence();
    m_lines.clear();
    m_drawn = 0;
    if (!out.isEmpty()) {
        std::fputs(out.constData(), m_stream);
        std::fflush(m_stream);
    }
}

} // namespace bt::cli
