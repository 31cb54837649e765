#include "transfer/ResumeValidator.h"

#include "http/ContentRange.h"

#include <QCoreApplication>

namespace bt {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("bt::ResumeValidator", text);
}

bool validatorsDiffer(const ResumeValidator::Expectation &expect, const ResponseInfo &response)
{
    if (!expect.etag.isEmpty() && !response.etag.isEmpty())
        return response.etag != expect.etag; // a weak answer to a strong one differs too
    if (!expect.lastModified.isEmpty() && !response.lastModified.isEmpty())
        return response.lastModified != expect.lastModified;
    return false;
}
} // namespace

QByteArray ResumeValidator::ifRange(const QByteArray &etag, const QByteArray &lastModified)
{
    return etag.isEmpty() ? lastModified : etag;
}

ResumeValidator::Result ResumeValidator::check(const Expectation &expect,
                                               const ResponseInfo &response)
{
    Result r;
    if ((response.status == 200 || response.status == 206) && !response.chunked &&
        !response.badContentLength.isEmpty()) {
        // Where its body ends is unknowable: never write it.
        r.verdict = Verdict::Inconsistent;
        r.reason = tr("The server sent conflicting or invalid Content-Length headers (%1).")
                       .arg(QString::fromLatin1(response.badContentLength));
        return r;
    }
    if (response.status == 200) {
        r.verdict = Verdict::Full;
        r.total = response.contentLength;
        r.length = response.contentLength;
        const bool hadBytes = expect.ranged && expect.first > 0;
        if (validatorsDiffer(expect, response))
            r.reason = tr("The file changed on the server; starting again from the beginning.");
        else if (expect.total >= 0 && r.total >= 0 && r.total != expect.total)
            r.reason =
                tr("The file size changed on the server; starting again from the beginning.");
        else if (hadBytes)
            r.reason = tr("The server ignored the byte range; starting again from the beginning.");
        return r;
    }
    if (response.status != 206) {
        r.verdict = Verdict::Failed;
        return r;
    }
    if (!expect.ranged) {
        r.verdict = Verdict::Inconsistent;
        r.reason = tr("The server sent a partial answer to a full request.");
        return r;
    }
    const std::optional<http::ContentRange> range = http::parseContentRange(response.contentRange);
    if (!range || range->first < 0 || range->last < range->first) {
        r.verdict = Verdict::Inconsistent;
        r.reason = tr("The server sent an unreadable Content-Range (%1).")
                       .arg(QString::fromLatin1(response.contentRange));
        return r;
    }
    r.total = range->total;
    r.length = range->length();
    const bool startOk = range->first == expect.first;
    const bool totalOk = expect.total < 0 || range->total == expect.total;
    const bool withinTotal = range->total < 0 || range->last < range->total;
    const bool lastOk = expect.last >= 0 ? range->last <= expect.last
                                         : (range->total < 0 || range->last == range->total - 1);
    const bool lengthOk = response.contentLength < 0 || response.contentLength == range->length();
    if (validatorsDiffer(expect, response)) {
        r.verdict = Verdict::Changed;
        r.reason = tr("The file changed on the server; starting again from the beginning.");
        return r;
    }
    if (!startOk || !totalOk || !withinTotal || !lastOk || !lengthOk) {
        r.verdict = Verdict::Inconsistent;
        r.reason = tr("The server answered byte %1 with an inconsistent range (%2); discarding the "
                      "partial data.")
                       .arg(expect.first)
                       .arg(QString::fromLatin1(response.contentRange));
        return r;
    }
    r.verdict = Verdict::Partial;
    return r;
}

} // namespace bt
