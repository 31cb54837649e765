#include "FuzzCheck.h"
#include "http/CookieFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content(reinterpret_cast<const char *>(data), qsizetype(size));
    int skipped = -1;
    const QList<QNetworkCookie> cookies = bt::http::parseCookieFile(content, &skipped);
    BT_FUZZ_CHECK(skipped >= 0);
    BT_FUZZ_CHECK(cookies.size() + skipped <= content.count('\n') + 1);
    for (const QNetworkCookie &c : cookies) {
        BT_FUZZ_CHECK(!c.name().isEmpty() && !c.name().contains('=') && !c.name().contains(';'));
        BT_FUZZ_CHECK(!c.value().contains('\r') && !c.value().contains('\n'));
        BT_FUZZ_CHECK(!c.domain().isEmpty() && c.domain() != QLatin1String("."));
        (void)c.toRawForm(); // what the jar sends must be producible
    }
    return 0;
}
