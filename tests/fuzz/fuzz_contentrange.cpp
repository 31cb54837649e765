#include "FuzzCheck.h"
#include "http/ContentRange.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray value(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto r = bt::http::parseContentRange(value);
    if (r) {
        if (r->first < 0) {
            BT_FUZZ_CHECK(r->last == -1 && r->total >= 0 && r->length() == 0);
        } else {
            BT_FUZZ_CHECK(r->first <= r->last);
            BT_FUZZ_CHECK(r->total == -1 || r->last < r->total);
            BT_FUZZ_CHECK(r->length() >= 1);
        }
    }
    return 0;
}
