#include "FuzzCheck.h"
#include "http/FileName.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString proposed = QString::fromUtf8(bytes);
    for (const QString &input :
         {proposed, QString::fromLatin1(bytes), bt::http::fileNameFromUrl(QUrl(proposed))}) {
        const QString safe = bt::http::sanitizeFileName(input);
        BT_FUZZ_CHECK(!safe.isEmpty());
        BT_FUZZ_CHECK(safe.toUtf8().size() <= 200);
        BT_FUZZ_CHECK(!safe.contains(QLatin1Char('/')) && !safe.contains(QLatin1Char('\\')));
        BT_FUZZ_CHECK(!safe.startsWith(QLatin1Char('.')));
        for (const QChar c : safe)
            BT_FUZZ_CHECK(c.unicode() >= 0x20 && c.unicode() != 0x7f && !c.isNull());
        BT_FUZZ_CHECK(QString::fromUtf8(safe.toUtf8()) == safe); // valid UTF-16, no lone halves
        BT_FUZZ_CHECK(bt::http::sanitizeFileName(safe) == safe); // idempotent
    }
    return 0;
}
