#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace bt {

// The addresses one download is fetched from (a metalink's mirrors, a server's duplicates):
// parallel segments go to different mirrors, a mirror that fails a piece or keeps erroring is
// dropped, and the others take its work. Mirror 0 is the request's own URL.
class MirrorSet
{
public:
    static constexpr int kMaxConsecutiveFailures = 3;

    void reset(const QUrl &primary, const QList<QUrl> &mirrors);
    void add(const QUrl &mirror); // another duplicate (RFC 6249), unless known already

    int count() const { return int(m_mirrors.size()); }
    bool isMulti() const { return count() > 1; } // more than one address was given
    int liveCount() const;
    bool isLive(int index) const;
    QUrl url(int index) const;

    // The live mirror with the fewest connections (ties: the preferred), -1 when none is left.
    int pick() const;
    int nextLive(int after) const; // the live mirror after `after`, round; -1 when none
    void attach(int index);        // a connection now asks this mirror
    void detach(int index);

    // A connection's error. Permanent errors drop the mirror at once, transient ones after
    // kMaxConsecutiveFailures in a row. True when the mirror was dropped now.
    bool recordFailure(int index, bool permanent, const QString &reason);
    void recordSuccess(int index); // bytes arrived: the consecutive failures start over
    // A piece it (alone or with others) sent failed its hash: alone, it is dropped at once;
    // shared, on its second such piece. True when the mirror was dropped now.
    bool recordBadPiece(int index, bool alone, const QString &reason);
    void drop(int index, const QString &reason);

    QStringList dropped() const; // "URL: why", in the order they were dropped

private:
    struct Mirror
    {
        QUrl url;
        int connections = 0;
        int failures = 0; // consecutive
        int badPieces = 0;
        bool live = true;
    };
    QList<Mirror> m_mirrors;
    QStringList m_dropped;
};

} // namespace bt
