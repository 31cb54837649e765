#include "http/RetryAfter.h"

#include <QTest>
#include <QTimeZone>

using namespace bt::http;

namespace {

QDateTime utc(int y, int mo, int d, int h, int mi, int s)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s), QTimeZone::utc());
}

} // namespace

class TestRetryAfter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void httpDate_data();
    void httpDate();
    void retryAfter_data();
    void retryAfter();
    void systemLocaleIgnored();
};

void TestRetryAfter::httpDate_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QDateTime>("expected"); // invalid: must be rejected

    const QDateTime rfc = utc(1994, 11, 6, 8, 49, 37);
    // RFC 9110 5.6.7: the three forms of the same instant.
    QTest::newRow("imf-fixdate") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << rfc;
    QTest::newRow("rfc850") << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT") << rfc;
    QTest::newRow("asctime") << QByteArray("Sun Nov  6 08:49:37 1994") << rfc;
    QTest::newRow("asctime two-digit day")
        << QByteArray("Wed Nov 16 08:49:37 1994") << utc(1994, 11, 16, 8, 49, 37);
    QTest::newRow("imf whitespace around") << QByteArray(" Sun, 06 Nov 1994 08:49:37 GMT ") << rfc;
    QTest::newRow("rfc850 recent")
        << QByteArray("Friday, 01-Mar-24 00:00:00 GMT") << utc(2024, 3, 1, 0, 0, 0);
    QTest::newRow("imf leap day") << QByteArray("Thu, 29 Feb 2024 23:59:59 GMT")
                                  << utc(2024, 2, 29, 23, 59, 59);
    QTest::newRow("imf leap second")
        << QByteArray("Sat, 31 Dec 2016 23:59:60 GMT") << utc(2016, 12, 31, 23, 59, 59);

    QTest::newRow("empty") << QByteArray() << QDateTime();
    QTest::newRow("not GMT") << QByteArray("Sun, 06 Nov 1994 08:49:37 PST") << QDateTime();
    QTest::newRow("numeric zone") << QByteArray("Sun, 06 Nov 1994 08:49:37 +0000") << QDateTime();
    QTest::newRow("lower month") << QByteArray("Sun, 06 nov 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("bad month") << QByteArray("Sun, 06 Foo 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("bad day name") << QByteArray("Xyz, 06 Nov 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("Feb 30") << QByteArray("Sun, 30 Feb 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("Feb 29 non-leap") << QByteArray("Tue, 29 Feb 2023 08:49:37 GMT") << QDateTime();
    QTest::newRow("hour 24") << QByteArray("Sun, 06 Nov 1994 24:00:00 GMT") << QDateTime();
    QTest::newRow("minute 60") << QByteArray("Sun, 06 Nov 1994 08:60:00 GMT") << QDateTime();
    QTest::newRow("one-digit day imf") << QByteArray("Sun, 6 Nov 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("two-digit year imf") << QByteArray("Sun, 06 Nov 94 08:49:37 GMT") << QDateTime();
    QTest::newRow("short time") << QByteArray("Sun, 06 Nov 1994 8:49:37 GMT") << QDateTime();
    QTest::newRow("signed") << QByteArray("Sun, +6 Nov 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("rfc850 short day name")
        << QByteArray("Sun, 06-Nov-94 08:49:37 GMT") << QDateTime();
    QTest::newRow("asctime missing year") << QByteArray("Sun Nov  6 08:49:37") << QDateTime();
    QTest::newRow("garbage") << QByteArray("tomorrow") << QDateTime();
    QTest::newRow("long") << QByteArray(1000, 'x') << QDateTime();
}

void TestRetryAfter::httpDate()
{
    QFETCH(QByteArray, value);
    QFETCH(QDateTime, expected);
    const QDateTime got = parseHttpDate(value);
    QCOMPARE(got.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(got, expected);
        QCOMPARE(got.timeSpec(), Qt::UTC);
    }
}

void TestRetryAfter::retryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("expectedMs");

    const qint64 year = 365LL * 24 * 3600 * 1000;
    // RFC 9110 10.2.3 examples (now = 1999-12-31 23:59:59 GMT, a second before the date).
    QTest::newRow("rfc date") << QByteArray("Fri, 31 Dec 1999 23:59:59 GMT") << 0LL;
    QTest::newRow("rfc seconds") << QByteArray("120") << 120000LL;
    QTest::newRow("zero") << QByteArray("0") << 0LL;
    QTest::newRow("whitespace") << QByteArray(" 5 ") << 5000LL;
    QTest::newRow("future date") << QByteArray("Sat, 01 Jan 2000 00:01:00 GMT") << 61000LL;
    QTest::newRow("past date") << QByteArray("Fri, 31 Dec 1999 00:00:00 GMT") << 0LL;
    QTest::newRow("far future date") << QByteArray("Sun, 01 Jan 2090 00:00:00 GMT") << year;
    QTest::newRow("huge seconds capped") << QByteArray("999999999999") << year;
    QTest::newRow("overflowing seconds capped") << QByteArray(40, '9') << year;
    QTest::newRow("negative") << QByteArray("-5") << -1LL;
    QTest::newRow("plus") << QByteArray("+5") << -1LL;
    QTest::newRow("fraction") << QByteArray("1.5") << -1LL;
    QTest::newRow("inner space") << QByteArray("1 5") << -1LL;
    QTest::newRow("empty") << QByteArray() << -1LL;
    QTest::newRow("word") << QByteArray("soon") << -1LL;
    QTest::newRow("hex") << QByteArray("0x10") << -1LL;
}

void TestRetryAfter::retryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, expectedMs);
    const QDateTime now = utc(1999, 12, 31, 23, 59, 59);
    QCOMPARE(parseRetryAfterMs(value, now), expectedMs);
}

// The month and day names are English whatever the user's locale says.
void TestRetryAfter::systemLocaleIgnored()
{
    const QLocale saved;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    const QDateTime got = parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
    QLocale::setDefault(saved);
    QCOMPARE(got, utc(1994, 11, 6, 8, 49, 37));
}

QTEST_APPLESS_MAIN(TestRetryAfter)
#include "tst_retryafter.moc"
