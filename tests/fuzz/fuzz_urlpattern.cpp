#include "FuzzCheck.h"
#include "http/UrlPattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text =
        QString::fromUtf8(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    constexpr qint64 cap = 500; // small: the fuzzer explores shapes, not sizes
    const qint64 count = bt::http::UrlPattern::count(text, cap);
    BT_FUZZ_CHECK(count == -1 || (count >= 0 && count <= cap + 1));
    QStringList urls;
    QString error;
    const bool ok = bt::http::UrlPattern::expand(text, &urls, &error, cap);
    BT_FUZZ_CHECK(ok == (count >= 0 && count <= cap));
    BT_FUZZ_CHECK(ok ? qint64(urls.size()) == count && error.isEmpty()
                     : urls.isEmpty() && !error.isEmpty());
    if (ok && !bt::http::UrlPattern::hasPattern(text))
        BT_FUZZ_CHECK(urls.size() == 1 && urls.first() == text);
    return 0;
}
