#pragma once

#include "Error.h"
#include "model/DownloadRequest.h"
#include "model/TransferState.h"

#include <QList>
#include <QPair>
#include <QString>

namespace bt {

// The piece hashes of one download (a metalink's <pieces>): which pieces are checked, which
// mirrors sent each one, and what of the download a checkpoint may call done (only checked
// pieces: after a kill -9 the resume never trusts an unchecked byte).
class PieceTracker
{
public:
    using Ranges = QList<QPair<qint64, qint64>>; // [start, end), sorted, merged

    enum class State
    {
        Missing, // not all of it arrived, or it failed its hash
        Hashing, // complete, being checked
        Verified,
    };

    // One piece to check: bytes [start, end) of the .part against `expected`.
    struct Check
    {
        int index = 0;
        qint64 start = 0;
        qint64 end = 0;
        QByteArray expected;
    };
    struct Verdict
    {
        int index = 0;
        bool ok = false;
    };

    void reset(const PieceHashes &pieces, qint64 total); // inactive without pieces or size
    bool isActive() const { return !m_states.isEmpty(); }
    int count() const { return int(m_states.size()); }
    qint64 length() const { return m_pieces.length; }
    QCryptographicHash::Algorithm algorithm() const { return m_pieces.algorithm; }
    qint64 start(int index) const { return qint64(index) * m_pieces.length; }
    qint64 end(int index) const { return qMin(m_total, start(index) + m_pieces.length); }
    State state(int index) const { return m_states.at(index); }

    // Bytes [start, end) arrived from mirror `mirror` (0..63).
    void contributed(qint64 start, qint64 end, int mirror);
    QList<int> contributors(int index) const;

    // The Missing pieces wholly inside `done`, now Hashing.
    QList<Check> takeReady(const Ranges &done);
    // After a resume: the pieces inside `done` were checked before the checkpoint was written.
    void markVerified(const Ranges &done);
    void setResult(const Verdict &verdict); // Verified, or Missing with no contributor
    bool allVerified() const;
    bool hashing() const;

    // `states` (the planner's) with the bytes of unchecked pieces counted as not done.
    QList<SegmentState> checkpoint(const QList<SegmentState> &states) const;

    // Reads and hashes each piece of `path` (thread-safe: runs off the worker thread). An
    // unreadable piece is a failed one; `error` says why.
    static QList<Verdict> verify(const QString &path, QCryptographicHash::Algorithm algorithm,
                                 const QList<Check> &checks, Error *error);

private:
    bool verifiedAt(qint64 offset) const;

    PieceHashes m_pieces;
    qint64 m_total = 0;
    QList<State> m_states;
    QList<quint64> m_contributors; // bit i: mirror i sent bytes of the piece
};

} // namespace bt
