#include "transfer/PieceTracker.h"

#include <QCoreApplication>
#include <QFile>

#include <algorithm>

namespace bt {

void PieceTracker::reset(const PieceHashes &pieces, qint64 total)
{
    m_states.clear();
    m_contributors.clear();
    m_pieces = pieces;
    m_total = total;
    if (pieces.isEmpty() || total <= 0)
        return;
    const qint64 needed = (total + pieces.length - 1) / pieces.length;
    if (needed != pieces.hashes.size())
        return; // they do not describe this size: nothing can be checked
    m_states.fill(State::Missing, needed);
    m_contributors.fill(0, needed);
}

void PieceTracker::contributed(qint64 from, qint64 to, int mirror)
{
    if (!isActive() || from >= to || mirror < 0 || mirror > 63)
        return;
    const int first = int(from / m_pieces.length);
    const int last = int(qMin<qint64>(to - 1, m_total - 1) / m_pieces.length);
    for (int i = first; i <= last && i < count(); ++i)
        m_contributors[i] |= quint64(1) << mirror;
}

QList<int> PieceTracker::contributors(int index) const
{
    QList<int> mirrors;
    for (int bit = 0; bit < 64; ++bit) {
        if (m_contributors.at(index) & (quint64(1) << bit))
            mirrors.append(bit);
    }
    return mirrors;
}

namespace {
bool covered(const PieceTracker::Ranges &done, qint64 start, qint64 end)
{
    // The first range that ends after `start` must hold [start, end) (they are merged).
    auto it =
        std::lower_bound(done.begin(), done.end(), start,
                         [](const QPair<qint64, qint64> &r, qint64 v) { return r.second <= v; });
    return it != done.end() && it->first <= start && it->second >= end;
}
} // namespace

QList<PieceTracker::Check> PieceTracker::takeReady(const Ranges &done)
{
    QList<Check> ready;
    for (int i = 0; i < count(); ++i) {
        if (m_states.at(i) != State::Missing || !covered(done, start(i), end(i)))
            continue;
        m_states[i] = State::Hashing;
        ready.append(Check{i, start(i), end(i), m_pieces.hashes.at(i)});
    }
    return ready;
}

void PieceTracker::markVerified(const Ranges &done)
{
    for (int i = 0; i < count(); ++i) {
        if (covered(done, start(i), end(i)))
            m_states[i] = State::Verified;
    }
}

void PieceTracker::setResult(const Verdict &verdict)
{
    if (verdict.index < 0 || verdict.index >= count())
        return;
    m_states[verdict.index] = verdict.ok ? State::Verified : State::Missing;
    if (!verdict.ok)
        m_contributors[verdict.index] = 0;
}

bool PieceTracker::allVerified() const
{
    return std::all_of(m_states.begin(), m_states.end(),
                       [](State s) { return s == State::Verified; });
}

bool PieceTracker::hashing() const
{
    return m_states.contains(State::Hashing);
}

bool PieceTracker::verifiedAt(qint64 offset) const
{
    const qint64 index = offset / m_pieces.length;
    return index < count() && m_states.at(index) == State::Verified;
}

QList<SegmentState> PieceTracker::checkpoint(const QList<SegmentState> &states) const
{
    if (!isActive())
        return states;
    QList<SegmentState> out;
    for (const SegmentState &s : states) {
        const qint64 doneEnd = s.start + s.done;
        // Piece by piece over the done bytes: a run of checked bytes starts a state; unchecked
        // bytes after it become that state's not-done rest (fetched again after a resume).
        QList<SegmentState> local;
        bool lastChecked = false;
        for (qint64 at = s.start; at < doneEnd;) {
            const qint64 next = qMin(doneEnd, (at / m_pieces.length + 1) * m_pieces.length);
            if (verifiedAt(at)) {
                if (lastChecked)
                    local.last().done += next - at;
                else
                    local.append(SegmentState{at, -1, next - at});
                lastChecked = true;
            } else {
                if (local.isEmpty())
                    local.append(SegmentState{at, -1, 0});
                lastChecked = false;
            }
            at = next;
        }
        if (local.isEmpty())
            local.append(SegmentState{s.start, -1, 0});
        for (int i = 0; i < local.size(); ++i)
            local[i].end = i + 1 < local.size() ? local.at(i + 1).start : s.end;
        out += local;
    }
    return out;
}

QList<PieceTracker::Verdict> PieceTracker::verify(const QString &path,
                                                  QCryptographicHash::Algorithm algorithm,
                                                  const QList<Check> &checks, Error *error)
{
    QList<Verdict> verdicts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = Error{ErrorCode::Io,
                       QCoreApplication::translate("bt::PieceTracker", "Cannot read %1: %2")
                           .arg(path, file.errorString()),
                       0, -1};
    }
    for (const Check &check : checks) {
        bool ok = false;
        if (file.isOpen() && file.seek(check.start)) {
            QCryptographicHash hash(algorithm);
            qint64 left = check.end - check.start;
            while (left > 0) {
                const QByteArray chunk = file.read(qMin<qint64>(left, 1 << 20));
                if (chunk.isEmpty())
                    break;
                hash.addData(chunk);
                left -= chunk.size();
            }
            ok = left == 0 && hash.result() == check.expected;
        }
        verdicts.append(Verdict{check.index, ok});
    }
    return verdicts;
}

} // namespace bt
