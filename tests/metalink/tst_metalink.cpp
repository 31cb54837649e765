// The Metalink parser (v4, RFC 5854, and v3) and the Link header of RFC 6249.
#include "http/LinkHeader.h"
#include "metalink/Metalink.h"

#include <QTest>

using namespace bt;

namespace {
const QByteArray kSha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

QByteArray v4(const QByteArray &files)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">\n" +
           files + "</metalink>\n";
}
} // namespace

class TestMetalink : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void v4FileWithHashesPiecesAndMirrors()
    {
        const QByteArray xml =
            v4("<file name=\"example.iso\">\n"
               "  <size>600000</size>\n"
               "  <hash type=\"md5\">d41d8cd98f00b204e9800998ecf8427e</hash>\n"
               "  <hash type=\"sha-256\">" +
               kSha256 +
               "</hash>\n"
               "  <pieces length=\"262144\" type=\"sha-1\">\n"
               "    <hash>da39a3ee5e6b4b0d3255bfef95601890afd80709</hash>\n"
               "    <hash>DA39A3EE5E6B4B0D3255BFEF95601890AFD80709</hash>\n"
               "    <hash>da39a3ee5e6b4b0d3255bfef95601890afd80709</hash>\n"
               "  </pieces>\n"
               "  <url priority=\"2\" location=\"de\">https://b.example/f</url>\n"
               "  <url priority=\"1\">http://a.example/f</url>\n"
               "  <url>ftp://c.example/f</url>\n"
               "  <metaurl mediatype=\"torrent\">http://x/f.torrent</metaurl>\n"
               "  <url priority=\"3\">  https://d.example/f#frag </url>\n"
               "</file>\n");
        metalink::Metalink m;
        QString error;
        QVERIFY2(metalink::parse(xml, {}, &m, &error), qPrintable(error));
        QCOMPARE(m.version, 4);
        QCOMPARE(m.files.size(), 1);
        const metalink::MetalinkFile &f = m.files.first();
        QCOMPARE(f.name, QStringLiteral("example.iso"));
        QCOMPARE(f.size, 600000);
        QCOMPARE(f.hashes.size(), 2);
        QCOMPARE(f.hashes.first().algorithm, QCryptographicHash::Sha256); // strongest first
        QCOMPARE(f.hashes.first().digest.toHex(), kSha256);
        QCOMPARE(f.pieceLength, 262144);
        QCOMPARE(f.pieceAlgorithm, QCryptographicHash::Sha1);
        QCOMPARE(f.pieceHashes.size(), 3);
        QCOMPARE(f.pieceHashes.at(1).toHex(),
                 QByteArray("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        // By priority; ftp skipped with a warning; whitespace and fragment dropped.
        QCOMPARE(f.urls, (QList<QUrl>{QUrl(QStringLiteral("http://a.example/f")),
                                      QUrl(QStringLiteral("https://b.example/f")),
                                      QUrl(QStringLiteral("https://d.example/f"))}));
        QVERIFY(m.warnings.join(QLatin1Char('\n')).contains(QLatin1String("ftp://c.example/f")));
    }

    void v3FilesWithPreference()
    {
        const QByteArray xml =
            "<?xml version=\"1.0\"?>\n"
            "<metalink version=\"3.0\" xmlns=\"http://www.metalinker.org/\">\n"
            " <files>\n"
            "  <file name=\"a.bin\">\n"
            "   <size>10</size>\n"
            "   <verification>\n"
            "    <hash type=\"sha256\">" +
            kSha256 +
            "</hash>\n"
            "    <pieces length=\"8\" type=\"sha1\">\n"
            "     <hash piece=\"0\">da39a3ee5e6b4b0d3255bfef95601890afd80709</hash>\n"
            "     <hash piece=\"1\">da39a3ee5e6b4b0d3255bfef95601890afd80709</hash>\n"
            "    </pieces>\n"
            "   </verification>\n"
            "   <resources>\n"
            "    <url type=\"http\" preference=\"10\">http://low.example/a.bin</url>\n"
            "    <url type=\"http\" preference=\"100\">http://high.example/a.bin</url>\n"
            "    <url type=\"bittorrent\">http://t.example/a.torrent</url>\n"
            "   </resources>\n"
            "  </file>\n"
            "  <file name=\"sub/b.bin\"><resources>"
            "<url type=\"http\">mirror/b.bin</url></resources></file>\n"
            " </files>\n"
            "</metalink>\n";
        metalink::Metalink m;
        QString error;
        const QUrl base(QStringLiteral("https://host.example/dir/list.metalink"));
        QVERIFY2(metalink::parse(xml, base, &m, &error), qPrintable(error));
        QCOMPARE(m.version, 3);
        QCOMPARE(m.files.size(), 2);
        QCOMPARE(m.files.at(0).urls.first(), QUrl(QStringLiteral("http://high.example/a.bin")));
        QCOMPARE(m.files.at(0).pieceHashes.size(), 2);
        QCOMPARE(m.files.at(0).hashes.first().algorithm, QCryptographicHash::Sha256);
        // A relative URL is resolved against the metalink's own address.
        QCOMPARE(m.files.at(1).name, QStringLiteral("sub/b.bin"));
        QCOMPARE(m.files.at(1).urls,
                 QList<QUrl>{QUrl(QStringLiteral("https://host.example/dir/mirror/b.bin"))});

        DownloadRequest base2;
        base2.directory = QStringLiteral("/tmp/dl");
        const QList<DownloadRequest> requests = metalink::requestsFor(m, base2);
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests.at(0).url, QUrl(QStringLiteral("http://high.example/a.bin")));
        QCOMPARE(requests.at(0).mirrors,
                 QList<QUrl>{QUrl(QStringLiteral("http://low.example/a.bin"))});
        QCOMPARE(requests.at(0).expectedSize, 10);
        QCOMPARE(requests.at(0).checksums.size(), 1);
        QCOMPARE(requests.at(0).pieces.length, 8);
        QCOMPARE(requests.at(1).directory, QStringLiteral("/tmp/dl/sub"));
        QCOMPARE(requests.at(1).fileName, QStringLiteral("b.bin"));
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("says");
        const QByteArray url = "<url>http://a.example/f</url>";
        QTest::newRow("malformed XML") << v4("<file name=\"f\">" + url) << "malformed XML";
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("not a metalink")
            << QByteArray("<html><body>404</body></html>") << "not a metalink";
        QTest::newRow("wrong namespace")
            << QByteArray("<metalink xmlns=\"urn:other\"><file name=\"f\"/></metalink>")
            << "not a metalink";
        QTest::newRow("no file") << v4("") << "no file";
        QTest::newRow("dot-dot name") << v4("<file name=\"../etc/passwd\">" + url + "</file>")
                                      << "leaves the download folder";
        QTest::newRow("absolute name")
            << v4("<file name=\"/etc/passwd\">" + url + "</file>") << "leaves the download folder";
        QTest::newRow("no usable URL")
            << v4("<file name=\"f\"><url>ftp://a/f</url><url>javascript:x</url></file>")
            << "no http or https URL";
        QTest::newRow("relative URL, local file")
            << v4("<file name=\"f\"><url>f.bin</url></file>") << "no http or https URL";
        QTest::newRow("bad size") << v4("<file name=\"f\"><size>-5</size>" + url + "</file>")
                                  << "not a number";
        QTest::newRow("short hash")
            << v4("<file name=\"f\"><hash type=\"sha-256\">abcd</hash>" + url + "</file>")
            << "hex digits";
        QTest::newRow("pieces do not cover the size")
            << v4("<file name=\"f\"><size>100</size><pieces length=\"10\" type=\"sha-1\">"
                  "<hash>da39a3ee5e6b4b0d3255bfef95601890afd80709</hash></pieces>" +
                  url + "</file>")
            << "need 10";
        QTest::newRow("zero piece length")
            << v4("<file name=\"f\"><pieces length=\"0\" type=\"sha-1\"/>" + url + "</file>")
            << "positive";
    }

    void refused()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, says);
        metalink::Metalink m;
        QString error;
        QVERIFY(
            !metalink::parse(xml, QUrl::fromLocalFile(QStringLiteral("/tmp/x.meta4")), &m, &error));
        QVERIFY2(error.contains(says), qPrintable(error));
    }

    void looksLikeMetalink()
    {
        QVERIFY(metalink::looksLikeMetalink(QStringLiteral("/tmp/a.meta4")));
        QVERIFY(metalink::looksLikeMetalink(QStringLiteral("http://h/x/list.METALINK?x=1")));
        QVERIFY(!metalink::looksLikeMetalink(QStringLiteral("http://h/a.meta4.iso")));
    }

    void linkHeaderDuplicates()
    {
        const QUrl base(QStringLiteral("http://origin.example/dir/file.iso"));
        const QList<http::LinkValue> links = http::parseLinkHeader(
            "<http://m2.example/file.iso>; rel=duplicate; pri=2, "
            "</other/file.iso>; rel=\"duplicate describedby\"; pri=1; geo=de, "
            "<http://m3.example/f>; rel=\"alternate\", garbage, <unterminated",
            base);
        QCOMPARE(links.size(), 3);
        QCOMPARE(links.at(0).url, QUrl(QStringLiteral("http://origin.example/other/file.iso")));
        QVERIFY(links.at(0).relations.contains(QLatin1String("duplicate")));
        QCOMPARE(links.at(1).url, QUrl(QStringLiteral("http://m2.example/file.iso")));
        QCOMPARE(links.at(2).relations, QStringList{QStringLiteral("alternate")});
        QVERIFY(http::parseLinkHeader("", base).isEmpty());
        QVERIFY(http::parseLinkHeader(";;;,,,<", base).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMetalink)
#include "tst_metalink.moc"
