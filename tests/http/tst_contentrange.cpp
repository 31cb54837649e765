#include "http/ContentRange.h"

#include <QTest>

using namespace bt::http;

class TestContentRange : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valid_data();
    void valid();
    void invalid_data();
    void invalid();
};

void TestContentRange::valid_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("length");

    // RFC 9110 14.4 examples.
    QTest::newRow("rfc first 500")
        << QByteArray("bytes 0-499/1234") << 0LL << 499LL << 1234LL << 500LL;
    QTest::newRow("rfc second 500")
        << QByteArray("bytes 500-999/1234") << 500LL << 999LL << 1234LL << 500LL;
    QTest::newRow("rfc last 734") << QByteArray("bytes 500-1233/1234") << 500LL << 1233LL << 1234LL
                                  << 734LL;
    QTest::newRow("rfc unknown total")
        << QByteArray("bytes 42-1233/*") << 42LL << 1233LL << -1LL << 1192LL;
    QTest::newRow("rfc unsatisfied") << QByteArray("bytes */1234") << -1LL << -1LL << 1234LL << 0LL;
    QTest::newRow("unsatisfied empty") << QByteArray("bytes */0") << -1LL << -1LL << 0LL << 0LL;
    QTest::newRow("one byte") << QByteArray("bytes 0-0/1") << 0LL << 0LL << 1LL << 1LL;
    QTest::newRow("unit case") << QByteArray("Bytes 0-9/10") << 0LL << 9LL << 10LL << 10LL;
    QTest::newRow("unit upper") << QByteArray("BYTES 0-9/10") << 0LL << 9LL << 10LL << 10LL;
    QTest::newRow("field whitespace")
        << QByteArray("  bytes 0-9/10\t") << 0LL << 9LL << 10LL << 10LL;
    QTest::newRow("leading zeros") << QByteArray("bytes 007-009/010") << 7LL << 9LL << 10LL << 3LL;
    QTest::newRow("above 4 GiB") << QByteArray("bytes 5000000000-5999999999/6000000000")
                                 << 5000000000LL << 5999999999LL << 6000000000LL << 1000000000LL;
    QTest::newRow("18 digits") << QByteArray("bytes 0-999999999999999998/999999999999999999") << 0LL
                               << 999999999999999998LL << 999999999999999999LL
                               << 999999999999999999LL;
}

void TestContentRange::valid()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    QFETCH(qint64, total);
    QFETCH(qint64, length);
    const auto r = parseContentRange(value);
    QVERIFY(r.has_value());
    QCOMPARE(r->first, first);
    QCOMPARE(r->last, last);
    QCOMPARE(r->total, total);
    QCOMPARE(r->length(), length);
}

void TestContentRange::invalid_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("unit only") << QByteArray("bytes");
    QTest::newRow("unit space only") << QByteArray("bytes ");
    QTest::newRow("other unit") << QByteArray("items 0-1/2");
    QTest::newRow("no space after unit") << QByteArray("bytes0-1/2");
    QTest::newRow("unit prefix") << QByteArray("bytesx 0-1/2");
    QTest::newRow("equals instead of space") << QByteArray("bytes=0-1/2");
    QTest::newRow("first > last") << QByteArray("bytes 10-9/20");
    QTest::newRow("last == total") << QByteArray("bytes 0-10/10");
    QTest::newRow("last > total") << QByteArray("bytes 0-99/10");
    QTest::newRow("negative") << QByteArray("bytes -1-9/10");
    QTest::newRow("plus sign") << QByteArray("bytes +0-9/10");
    QTest::newRow("missing last") << QByteArray("bytes 0-/10");
    QTest::newRow("missing first") << QByteArray("bytes -9/10");
    QTest::newRow("missing total") << QByteArray("bytes 0-9/");
    QTest::newRow("missing slash") << QByteArray("bytes 0-9");
    QTest::newRow("star star") << QByteArray("bytes */*");
    QTest::newRow("star no slash") << QByteArray("bytes *");
    QTest::newRow("star range") << QByteArray("bytes *-9/10");
    QTest::newRow("space before dash") << QByteArray("bytes 0 -9/10");
    QTest::newRow("space after dash") << QByteArray("bytes 0- 9/10");
    QTest::newRow("space before slash") << QByteArray("bytes 0-9 /10");
    QTest::newRow("space after slash") << QByteArray("bytes 0-9/ 10");
    QTest::newRow("trailing junk") << QByteArray("bytes 0-9/10x");
    QTest::newRow("two ranges") << QByteArray("bytes 0-9/10, 0-9/10");
    QTest::newRow("hex") << QByteArray("bytes 0x0-0x9/10");
    QTest::newRow("decimal point") << QByteArray("bytes 0-9.0/10");
    QTest::newRow("19 digits") << QByteArray("bytes 0-1/1000000000000000000");
    QTest::newRow("overflow") << QByteArray("bytes 0-99999999999999999999/*");
    QTest::newRow("overflow first") << QByteArray("bytes 99999999999999999999-1/*");
    QTest::newRow("nul inside") << QByteArray("bytes 0-9\0/10", 14);
}

void TestContentRange::invalid()
{
    QFETCH(QByteArray, value);
    QVERIFY(!parseContentRange(value).has_value());
}

QTEST_APPLESS_MAIN(TestContentRange)
#include "tst_contentrange.moc"
