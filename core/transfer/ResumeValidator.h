#pragma once

#include "transfer/ResponseInfo.h"

#include <QByteArray>
#include <QString>

namespace bt {

// Decides what an answer to one of our GETs means for the bytes already on disk. Old and new
// bytes are never spliced: a 206 is used only when its Content-Range starts exactly where we
// asked, its total is the known size and its validators are the stored ones.
class ResumeValidator
{
public:
    struct Expectation
    {
        bool ranged = false;     // a Range header was sent
        qint64 first = 0;        // first byte asked for
        qint64 last = -1;        // last byte asked for, -1 = to the end
        qint64 total = -1;       // the known size, -1 when not known yet
        QByteArray etag;         // stored strong ETag
        QByteArray lastModified; // stored Last-Modified
    };

    enum class Verdict
    {
        Partial,      // a consistent 206: write at `first`
        Full,         // a 200 carrying the whole representation from byte 0
        Changed,      // a 206 of a different representation: start again from 0
        Inconsistent, // a 206 we cannot trust (Content-Range/length/total)
        Failed,       // any other status: see ResponseInfo::statusError
    };

    struct Result
    {
        Verdict verdict = Verdict::Failed;
        qint64 total = -1;  // the representation's size if the answer says, else -1
        qint64 length = -1; // body bytes this answer announces, -1 unknown
        QString reason;     // why a Full/Changed/Inconsistent answer drops the partial
    };

    static Result check(const Expectation &expect, const ResponseInfo &response);
    // The If-Range value for the stored validators (strong ETag, else Last-Modified).
    static QByteArray ifRange(const QByteArray &etag, const QByteArray &lastModified);
};

} // namespace bt
