#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace bt {

// Incremental SHA-256 through OpenSSL EVP. Qt 6.4's QCryptographicHash has no SHA-NI path
// (~190 MB/s on the build machine against ~2000 MB/s for EVP), which would make hashing, not
// the disk, the bottleneck of a fast download.
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void reset();
    void addData(QByteArrayView data);
    QByteArray result() const; // the digest so far; more data may still be added afterwards

    static QByteArray hash(QByteArrayView data);

private:
    struct Ctx;
    std::unique_ptr<Ctx> m_ctx;
};

} // namespace bt
