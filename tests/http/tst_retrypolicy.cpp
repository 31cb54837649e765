#include "http/RetryPolicy.h"

#include <QTest>

using namespace bt;
using namespace bt::http;

Q_DECLARE_METATYPE(bt::ErrorCode)

namespace {

Error makeError(ErrorCode code, qint64 retryAfterMs = -1)
{
    Error e;
    e.code = code;
    e.retryAfterMs = retryAfterMs;
    return e;
}

} // namespace

class TestRetryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ceiling();
    void ceilingNoOverflow();
    void permanentErrors_data();
    void permanentErrors();
    void jitterWithinBounds();
    void exhaustion();
    void progressResets();
    void retryAfterHonoured();
    void retryAfterCapped();
    void zeroAttempts();
};

void TestRetryPolicy::ceiling()
{
    RetryPolicy p; // 1 s base, 60 s cap
    QCOMPARE(p.backoffCeilingMs(1), 1000LL);
    QCOMPARE(p.backoffCeilingMs(2), 2000LL);
    QCOMPARE(p.backoffCeilingMs(3), 4000LL);
    QCOMPARE(p.backoffCeilingMs(6), 32000LL);
    QCOMPARE(p.backoffCeilingMs(7), 60000LL);
    QCOMPARE(p.backoffCeilingMs(10), 60000LL);
}

void TestRetryPolicy::ceilingNoOverflow()
{
    RetryPolicy::Settings s;
    s.baseDelayMs = 1LL << 40;
    s.maxDelayMs = std::numeric_limits<qint64>::max();
    RetryPolicy p(s);
    for (int n : {1, 10, 23, 24, 30, 63, 64, 100, 1000, std::numeric_limits<int>::max()}) {
        const qint64 c = p.backoffCeilingMs(n);
        QVERIFY2(c > 0 && c <= s.maxDelayMs, qPrintable(QString::number(n)));
    }
    QCOMPARE(p.backoffCeilingMs(0), s.baseDelayMs); // below 1 counts as the first attempt
}

void TestRetryPolicy::permanentErrors_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("none") << ErrorCode::None;
    QTest::newRow("invalid argument") << ErrorCode::InvalidArgument;
    QTest::newRow("http permanent") << ErrorCode::HttpPermanent;
    QTest::newRow("integrity") << ErrorCode::Integrity;
    QTest::newRow("disk full") << ErrorCode::DiskFull;
    QTest::newRow("cancelled") << ErrorCode::Cancelled;
    QTest::newRow("too many redirects") << ErrorCode::TooManyRedirects;
}

void TestRetryPolicy::permanentErrors()
{
    QFETCH(ErrorCode, code);
    RetryPolicy p;
    QCOMPARE(p.nextDelayMs(makeError(code)), -1LL);
    QCOMPARE(p.nextDelayMs(makeError(code, 5000)), -1LL); // Retry-After does not make it transient
    QCOMPARE(p.attempt(), 0);
}

void TestRetryPolicy::jitterWithinBounds()
{
    RetryPolicy::Settings s;
    s.maxAttempts = 8;
    for (int round = 0; round < 200; ++round) {
        RetryPolicy p(s);
        for (int n = 1; n <= s.maxAttempts; ++n) {
            const qint64 d = p.nextDelayMs(makeError(ErrorCode::Network));
            const qint64 ceiling = p.backoffCeilingMs(n);
            QCOMPARE(p.attempt(), n);
            QVERIFY2(d >= ceiling / 2 && d <= ceiling,
                     qPrintable(QStringLiteral("attempt %1: %2 not in [%3, %4]")
                                    .arg(n)
                                    .arg(d)
                                    .arg(ceiling / 2)
                                    .arg(ceiling)));
        }
    }
}

void TestRetryPolicy::exhaustion()
{
    RetryPolicy::Settings s;
    s.maxAttempts = 3;
    RetryPolicy p(s);
    const Error e = makeError(ErrorCode::Timeout);
    QVERIFY(p.nextDelayMs(e) >= 0);
    QVERIFY(p.nextDelayMs(e) >= 0);
    QVERIFY(p.nextDelayMs(e) >= 0);
    QCOMPARE(p.attempt(), 3);
    QCOMPARE(p.nextDelayMs(e), -1LL);
    QCOMPARE(p.attempt(), 3);
}

void TestRetryPolicy::progressResets()
{
    RetryPolicy::Settings s;
    s.maxAttempts = 2;
    RetryPolicy p(s);
    const Error e = makeError(ErrorCode::HttpTransient);
    QVERIFY(p.nextDelayMs(e) >= 0);
    QVERIFY(p.nextDelayMs(e) >= 0);
    QCOMPARE(p.nextDelayMs(e), -1LL);
    p.progressMade();
    QCOMPARE(p.attempt(), 0);
    const qint64 d = p.nextDelayMs(e);
    QVERIFY(d >= s.baseDelayMs / 2 && d <= s.baseDelayMs); // back to the first step
}

void TestRetryPolicy::retryAfterHonoured()
{
    RetryPolicy p;
    const qint64 d = p.nextDelayMs(makeError(ErrorCode::HttpTransient, 30000));
    QCOMPARE(d, 30000LL); // the backoff (<= 1 s) is below what the server asked
    // A Retry-After shorter than the backoff does not shorten it.
    RetryPolicy q;
    const qint64 e = q.nextDelayMs(makeError(ErrorCode::HttpTransient, 0));
    QVERIFY(e >= 500 && e <= 1000);
}

void TestRetryPolicy::retryAfterCapped()
{
    RetryPolicy::Settings s;
    s.maxRetryAfterMs = 120000;
    RetryPolicy p(s);
    QCOMPARE(p.nextDelayMs(makeError(ErrorCode::HttpTransient, 365LL * 24 * 3600 * 1000)),
             120000LL);
}

void TestRetryPolicy::zeroAttempts()
{
    RetryPolicy::Settings s;
    s.maxAttempts = 0;
    RetryPolicy p(s);
    QCOMPARE(p.nextDelayMs(makeError(ErrorCode::Network)), -1LL);
}

QTEST_APPLESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
