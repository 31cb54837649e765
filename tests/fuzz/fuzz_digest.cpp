#include "FuzzCheck.h"
#include "http/DigestHeader.h"

namespace {

void checkAll(const QList<bt::http::DigestValue> &list)
{
    for (const bt::http::DigestValue &d : list)
        BT_FUZZ_CHECK(d.digest.size() == QCryptographicHash::hashLength(d.algorithm));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray value(reinterpret_cast<const char *>(data), qsizetype(size));
    checkAll(bt::http::parseReprDigest(value));
    checkAll(bt::http::parseDigest(value));
    bt::http::DigestValue d;
    if (bt::http::parseChecksumOption(QString::fromUtf8(value), &d))
        BT_FUZZ_CHECK(d.digest.size() == QCryptographicHash::hashLength(d.algorithm));
    return 0;
}
