#include "FuzzCheck.h"
#include "http/ContentDisposition.h"
#include "http/FileName.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray value(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString name = bt::http::contentDispositionFileName(value);
    BT_FUZZ_CHECK(name.size() <= value.size());
    // What reaches the disk must be a plain name whatever the header said.
    const QString safe = bt::http::sanitizeFileName(name);
    BT_FUZZ_CHECK(!safe.isEmpty() && !safe.contains(QLatin1Char('/')));
    BT_FUZZ_CHECK(safe != QLatin1String(".") && safe != QLatin1String(".."));
    return 0;
}
