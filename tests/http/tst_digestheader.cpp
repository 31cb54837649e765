#include "http/DigestHeader.h"

#include <QTest>

using namespace bt::http;
using Alg = QCryptographicHash::Algorithm;

Q_DECLARE_METATYPE(QCryptographicHash::Algorithm)

namespace {

// The RFC 9530 example representation.
const QByteArray kHello("{\"hello\": \"world\"}");

QByteArray hash(Alg a)
{
    return QCryptographicHash::hash(kHello, a);
}

const QByteArray kSha256B64("X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
const QByteArray kSha512B64("WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyea"
                            "ldVLvRwEmTHWXvJwew==");
const QByteArray kMd5B64("Sd/dVLAcvNLSq16eXua5uQ==");

QString describe(const QList<DigestValue> &list)
{
    QStringList parts;
    for (const DigestValue &d : list)
        parts << algorithmName(d.algorithm) + QLatin1Char('=') +
                     QString::fromLatin1(d.digest.toHex());
    return parts.join(QLatin1Char(','));
}

QString expect(std::initializer_list<Alg> algs)
{
    QList<DigestValue> list;
    for (Alg a : algs)
        list.append({a, hash(a)});
    return describe(list);
}

} // namespace

class TestDigestHeader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void constants();
    void reprDigest_data();
    void reprDigest();
    void digest_data();
    void digest();
    void checksumOption_data();
    void checksumOption();
    void names();
};

void TestDigestHeader::constants()
{
    QCOMPARE(hash(Alg::Sha256).toBase64(), kSha256B64);
    QCOMPARE(hash(Alg::Sha512).toBase64(), kSha512B64);
    QCOMPARE(hash(Alg::Md5).toBase64(), kMd5B64);
}

void TestDigestHeader::reprDigest_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("expected");

    // RFC 9530 section 3 and appendix B examples.
    QTest::newRow("rfc sha-256") << "sha-256=:" + kSha256B64 + ":" << expect({Alg::Sha256});
    QTest::newRow("rfc sha-512") << "sha-512=:" + kSha512B64 + ":" << expect({Alg::Sha512});
    QTest::newRow("rfc both") << "sha-256=:" + kSha256B64 + ":, sha-512=:" + kSha512B64 + ":"
                              << expect({Alg::Sha256, Alg::Sha512});
    QTest::newRow("no space") << "sha-512=:" + kSha512B64 + ":,sha-256=:" + kSha256B64 + ":"
                              << expect({Alg::Sha512, Alg::Sha256});
    QTest::newRow("parameters ignored")
        << "sha-256=:" + kSha256B64 + ":;foo=bar;baz, sha-512=:" + kSha512B64 + ":;a=\"x,y\""
        << expect({Alg::Sha256, Alg::Sha512});
    QTest::newRow("unknown algorithm skipped")
        << "md5=:" + kMd5B64 + ":, unixsum=:AAAA:, sha-256=:" + kSha256B64 + ":"
        << expect({Alg::Sha256});
    QTest::newRow("upper case key") << "SHA-256=:" + kSha256B64 + ":" << expect({Alg::Sha256});
    QTest::newRow("wrong length") << "sha-512=:" + kSha256B64 + ":" << QString();
    QTest::newRow("not a byte sequence")
        << "sha-256=\"" + kSha256B64 + "\", sha-512=:" + kSha512B64 + ":" << expect({Alg::Sha512});
    QTest::newRow("duplicate key: last wins")
        << "sha-256=:" + QByteArray(32, 'x').toBase64() + ":, sha-256=:" + kSha256B64 + ":"
        << expect({Alg::Sha256});
    QTest::newRow("token value") << QByteArray("sha-256=abc") << QString();
    QTest::newRow("boolean member")
        << "sha-256, sha-512=:" + kSha512B64 + ":" << expect({Alg::Sha512});
    QTest::newRow("unterminated") << "sha-256=:" + kSha256B64 << QString();
    QTest::newRow("bad base64") << QByteArray("sha-256=:!!!!:") << QString();
    QTest::newRow("junk after item") << "sha-256=:" + kSha256B64 + ":x" << QString();
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("commas only") << QByteArray(" , ,, ") << QString();
    QTest::newRow("hex instead of base64")
        << "sha-256=:" + hash(Alg::Sha256).toHex() + ":" << QString();
}

void TestDigestHeader::reprDigest()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, expected);
    QCOMPARE(describe(parseReprDigest(value)), expected);
}

void TestDigestHeader::digest_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("expected");

    // RFC 3230 section 4.3.2 style.
    QTest::newRow("SHA-256") << "SHA-256=" + kSha256B64 << expect({Alg::Sha256});
    QTest::newRow("sha-256 lower") << "sha-256=" + kSha256B64 << expect({Alg::Sha256});
    QTest::newRow("SHA-512") << "SHA-512=" + kSha512B64 << expect({Alg::Sha512});
    QTest::newRow("MD5") << "MD5=" + kMd5B64 << expect({Alg::Md5});
    QTest::newRow("md5 lower") << "md5=" + kMd5B64 << expect({Alg::Md5});
    QTest::newRow("list") << "MD5=" + kMd5B64 + ", SHA-256=" + kSha256B64 + ",SHA-512=" + kSha512B64
                          << expect({Alg::Md5, Alg::Sha256, Alg::Sha512});
    QTest::newRow("unknown skipped")
        << "UNIXsum=30637, SHA=thvDyvhfIqlvFe+A9MYgxAfm1q5=,SHA-256=" + kSha256B64
        << expect({Alg::Sha256});
    QTest::newRow("wrong length") << "SHA-256=" + kMd5B64 << QString();
    QTest::newRow("bad base64") << QByteArray("SHA-256=*not base64*") << QString();
    QTest::newRow("no value") << QByteArray("SHA-256=") << QString();
    QTest::newRow("no name") << "=" + kSha256B64 << QString();
    QTest::newRow("empty") << QByteArray() << QString();
}

void TestDigestHeader::digest()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, expected);
    QCOMPARE(describe(parseDigest(value)), expected);
}

void TestDigestHeader::checksumOption_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QCryptographicHash::Algorithm>("algorithm");

    const QString sha256 = QString::fromLatin1(hash(Alg::Sha256).toHex());
    const QString sha512 = QString::fromLatin1(hash(Alg::Sha512).toHex());
    const QString sha1 = QString::fromLatin1(hash(Alg::Sha1).toHex());
    const QString md5 = QString::fromLatin1(hash(Alg::Md5).toHex());
    QTest::newRow("sha256") << QStringLiteral("sha256=") + sha256 << true << Alg::Sha256;
    QTest::newRow("sha-256") << QStringLiteral("sha-256=") + sha256 << true << Alg::Sha256;
    QTest::newRow("SHA256 upper hex")
        << QStringLiteral("SHA256=") + sha256.toUpper() << true << Alg::Sha256;
    QTest::newRow("sha512") << QStringLiteral("sha512=") + sha512 << true << Alg::Sha512;
    QTest::newRow("sha-512") << QStringLiteral("sha-512=") + sha512 << true << Alg::Sha512;
    QTest::newRow("sha1") << QStringLiteral("sha1=") + sha1 << true << Alg::Sha1;
    QTest::newRow("md5") << QStringLiteral("md5=") + md5 << true << Alg::Md5;
    QTest::newRow("surrounding spaces")
        << QStringLiteral(" md5=") + md5 + QStringLiteral(" ") << true << Alg::Md5;
    QTest::newRow("too short") << QStringLiteral("sha256=") + sha256.chopped(1) << false
                               << Alg::Sha256;
    QTest::newRow("too long") << QStringLiteral("sha256=") + sha256 + QStringLiteral("0") << false
                              << Alg::Sha256;
    QTest::newRow("wrong algorithm length")
        << QStringLiteral("sha512=") + sha256 << false << Alg::Sha256;
    QTest::newRow("non-hex") << QStringLiteral("md5=") + md5.chopped(1) + QStringLiteral("g")
                             << false << Alg::Md5;
    QTest::newRow("space inside") << QStringLiteral("md5=") + md5.left(16) + QStringLiteral(" ") +
                                         md5.mid(17)
                                  << false << Alg::Md5;
    QTest::newRow("unknown") << "crc32=deadbeef" << false << Alg::Md5;
    QTest::newRow("no separator") << sha256 << false << Alg::Md5;
    QTest::newRow("empty") << QString() << false << Alg::Md5;
    QTest::newRow("no algorithm") << QStringLiteral("=") + md5 << false << Alg::Md5;
}

void TestDigestHeader::checksumOption()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QCryptographicHash::Algorithm, algorithm);
    DigestValue d;
    QCOMPARE(parseChecksumOption(text, &d), ok);
    if (ok) {
        QCOMPARE(d.algorithm, algorithm);
        QCOMPARE(d.digest, hash(algorithm));
    }
    QCOMPARE(parseChecksumOption(text, nullptr), ok);
}

void TestDigestHeader::names()
{
    QCOMPARE(algorithmName(Alg::Sha256), QStringLiteral("sha-256"));
    QCOMPARE(algorithmName(Alg::Sha512), QStringLiteral("sha-512"));
    QCOMPARE(algorithmName(Alg::Sha1), QStringLiteral("sha-1"));
    QCOMPARE(algorithmName(Alg::Md5), QStringLiteral("md5"));
}

QTEST_APPLESS_MAIN(TestDigestHeader)
#include "tst_digestheader.moc"
