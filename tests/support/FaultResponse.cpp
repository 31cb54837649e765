#include "FaultResponse.h"

#include <algorithm>

namespace bt::test {

namespace {

using Kind = FaultServer::Fault::Kind;
using Header = QPair<QByteArray, QByteArray>;

QByteArray reasonPhraseImpl(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 416:
        return "Range Not Satisfiable";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

struct Range
{
    enum class Kind
    {
        None,
        Ok,
        Unsatisfiable
    };
    Kind kind = Kind::None;
    qint64 start = 0;
    qint64 end = -1; // inclusive
};

// One "bytes=" range; anything else (multi-range, garbage) is ignored as servers may do.
Range parseRange(const QByteArray &value, qint64 total)
{
    Range r;
    const QByteArray v = value.trimmed();
    if (!v.startsWith("bytes=") || v.contains(','))
        return r;
    const QByteArray spec = v.mid(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return r;
    const QByteArray first = spec.left(dash).trimmed();
    const QByteArray last = spec.mid(dash + 1).trimmed();
    bool ok1 = true, ok2 = true;
    if (first.isEmpty()) { // suffix: last n bytes
        const qint64 n = last.toLongLong(&ok2);
        if (!ok2 || last.isEmpty())
            return r;
        if (n <= 0 || total == 0) {
            r.kind = Range::Kind::Unsatisfiable;
            return r;
        }
        r.kind = Range::Kind::Ok;
        r.start = std::max<qint64>(0, total - n);
        r.end = total - 1;
        return r;
    }
    const qint64 a = first.toLongLong(&ok1);
    const qint64 b = last.isEmpty() ? total - 1 : last.toLongLong(&ok2);
    if (!ok1 || !ok2 || a < 0 || (!last.isEmpty() && b < a))
        return r;
    if (a >= total) {
        r.kind = Range::Kind::Unsatisfiable;
        return r;
    }
    r.kind = Range::Kind::Ok;
    r.start = a;
    r.end = std::min(b, total - 1);
    return r;
}

void addHeader(QByteArray &head, const QByteArray &name, const QByteArray &value)
{
    head += name + ": " + value + "\r\n";
}

} // namespace

QByteArray reasonPhrase(int status)
{
    return reasonPhraseImpl(status);
}

FaultResponse simpleResponse(int status, const QByteArray &body, const HeaderList &headers,
                             bool close)
{
    FaultResponse r;
    r.head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &h : headers)
        addHeader(r.head, h.first, h.second);
    addHeader(r.head, "Content-Type", "text/plain");
    addHeader(r.head, "Content-Length", QByteArray::number(body.size()));
    addHeader(r.head, "Connection", close ? "close" : "keep-alive");
    r.head += "\r\n";
    r.body = body;
    r.length = body.size();
    r.close = close;
    return r;
}

FaultResponse resourceResponse(const FaultServer::Request &request,
                               const FaultServer::Resource &res, const FaultServer::Fault &fault,
                               bool close, const std::function<QByteArray()> &sha256)
{
    const bool isHead = request.method == "HEAD";
    const qint64 total = res.body.size();

    // Decide status and slice.
    Range range;
    const bool mayRange = res.acceptRanges && request.method == "GET" &&
                          request.headers.contains("range") && fault.kind != Kind::IgnoreRange;
    if (mayRange) {
        const QByteArray ifRange = request.headers.value("if-range");
        const bool validatorOk =
            ifRange.isEmpty() ||
            (ifRange.startsWith('"') ? (!res.etag.isEmpty() && ifRange == res.etag)
                                     : (!ifRange.startsWith("W/") && ifRange == res.lastModified));
        if (validatorOk)
            range = parseRange(request.headers.value("range"), total);
    }
    const bool forced206 = fault.kind == Kind::WrongContentRange || fault.kind == Kind::WrongTotal;
    if (range.kind == Range::Kind::None && forced206 && total > 0) {
        range.kind = Range::Kind::Ok;
        range.start = 0;
        range.end = total - 1;
    }

    QList<QPair<QByteArray, QByteArray>> validators;
    if (!res.etag.isEmpty())
        validators.append(Header{"ETag", res.etag});
    if (!res.lastModified.isEmpty())
        validators.append(Header{"Last-Modified", res.lastModified});
    if (res.acceptRanges)
        validators.append(Header{"Accept-Ranges", "bytes"});

    if (range.kind == Range::Kind::Unsatisfiable) {
        validators.append(Header{"Content-Range", "bytes */" + QByteArray::number(total)});
        return simpleResponse(416, QByteArray(), validators, close);
    }

    FaultResponse r;
    int status = 200;
    qint64 offset = 0;
    qint64 length = total;
    QByteArray contentRange;
    if (range.kind == Range::Kind::Ok) {
        status = 206;
        const qint64 asked = range.end - range.start + 1;
        qint64 crStart = range.start;
        qint64 crTotal = total;
        offset = range.start;
        length = asked;
        if (fault.kind == Kind::WrongContentRange) {
            crStart = fault.bytes;
            offset = std::clamp<qint64>(fault.bytes, 0, total);
            length = std::min(asked, total - offset);
        } else if (fault.kind == Kind::WrongTotal) {
            crTotal = fault.bytes;
        }
        contentRange = "bytes " + QByteArray::number(crStart) + '-' +
                       QByteArray::number(crStart + asked - 1) + '/' + QByteArray::number(crTotal);
    }

    const bool chunked = res.chunked || fault.kind == Kind::ChunkCut;
    r.head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &h : validators)
        addHeader(r.head, h.first, h.second);
    if (!contentRange.isEmpty())
        addHeader(r.head, "Content-Range", contentRange);
    if (!res.contentType.isEmpty())
        addHeader(r.head, "Content-Type", res.contentType);
    if (!res.contentDisposition.isEmpty())
        addHeader(r.head, "Content-Disposition", res.contentDisposition);
    if (!res.digest.isEmpty())
        addHeader(r.head, "Digest",
                  res.digest == "auto" ? "SHA-256=" + sha256().toBase64() : res.digest);
    if (!res.reprDigest.isEmpty())
        addHeader(r.head, "Repr-Digest",
                  res.reprDigest == "auto" ? "sha-256=:" + sha256().toBase64() + ':'
                                           : res.reprDigest);
    for (const auto &h : res.extraHeaders)
        addHeader(r.head, h.first, h.second);
    if (chunked)
        addHeader(r.head, "Transfer-Encoding", "chunked");
    else
        addHeader(r.head, "Content-Length", QByteArray::number(length));
    addHeader(r.head, "Connection", close ? "close" : "keep-alive");
    r.head += "\r\n";

    r.body = res.body; // shared, not copied
    r.offset = offset;
    r.length = isHead ? 0 : length;
    r.chunked = chunked && !isHead;
    r.bytesPerSecond = res.bytesPerSecond;
    r.close = close;
    switch (fault.kind) {
    case Kind::CutAfter:
    case Kind::ChunkCut:
        r.end = FaultResponse::End::Cut;
        r.limit = std::max<qint64>(0, fault.bytes);
        r.reset = fault.reset;
        break;
    case Kind::Stall:
        r.end = FaultResponse::End::Stall;
        r.limit = std::max<qint64>(0, fault.bytes);
        break;
    default:
        break;
    }
    return r;
}

} // namespace bt::test
