#include "FuzzCheck.h"
#include "http/RetryAfter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray value(reinterpret_cast<const char *>(data), qsizetype(size));
    static const QDateTime now = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    const qint64 ms = bt::http::parseRetryAfterMs(value, now);
    BT_FUZZ_CHECK(ms >= -1 && ms <= 365LL * 24 * 3600 * 1000);
    const QDateTime date = bt::http::parseHttpDate(value);
    BT_FUZZ_CHECK(!date.isValid() || date.timeSpec() == Qt::UTC);
    return 0;
}
