// The engine's small parts on their own: segment planning and stealing, the resume
// validator's verdicts, the token bucket, the adaptive connection count, the speed meter.

#include "model/DownloadRequest.h"
#include "net/ProxyConfig.h"
#include "transfer/AdaptiveConnections.h"
#include "transfer/RateLimiter.h"
#include "transfer/ResponseInfo.h"
#include "transfer/ResumeValidator.h"
#include "transfer/SegmentPlanner.h"
#include "transfer/SpeedMeter.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

using namespace bt;

class TestTransferUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void retryAfterCappedAtFiveMinutes();
    void plannerStealsLargest();
    void plannerNeverBelowMinimum();
    void plannerStatesMergeAndRestore();
    void plannerUnknownSize();
    void validator_data();
    void validator();
    void rateLimiter();
    void rateLimiterSharedAcrossThreads();
    void adaptiveGrowsWhilePaying();
    void adaptiveStopsWhenSaturated();
    void adaptiveAfterBurst();
    void adaptiveNotWhileCpuBound();
    void adaptiveNotOnFastConnection();
    void adaptiveIgnoresOneSlowWindow();
    void speedMeter();
    void noProxyAsCurl_data();
    void noProxyAsCurl();
};

void TestTransferUnits::plannerStealsLargest()
{
    SegmentPlanner p(100);
    p.reset(1000);
    QCOMPARE(p.takeWork(0), 0);
    QCOMPARE(p.segment(0).end, 1000);
    p.segment(0).done = 200;
    const int second = p.takeWork(1); // steals the upper half of what remains
    QCOMPARE(second, 1);
    QCOMPARE(p.segment(0).end, 600);
    QCOMPARE(p.segment(1).start, 600);
    QCOMPARE(p.segment(1).end, 1000);
    const int third = p.takeWork(2);
    QCOMPARE(p.segment(third).owner, 2);
    QCOMPARE(p.doneBytes(), 200);
    QVERIFY(!p.allComplete());
    // A released segment is taken before anything is split.
    p.release(1);
    QCOMPARE(p.takeWork(3), 1);
}

void TestTransferUnits::plannerNeverBelowMinimum()
{
    SegmentPlanner p(400);
    p.reset(1000);
    QCOMPARE(p.takeWork(0), 0);
    QCOMPARE(p.takeWork(1), 1);  // 1000 >= 2 * 400
    QCOMPARE(p.takeWork(2), -1); // 500 left in each: no split below 400
    QVERIFY(!p.hasWorkFor());
    for (int i = 0; i < p.count(); ++i)
        QVERIFY(p.segment(i).end - p.segment(i).start >= 400);
}

void TestTransferUnits::plannerStatesMergeAndRestore()
{
    SegmentPlanner p(10);
    p.reset(100);
    p.takeWork(0);
    p.takeWork(1);
    p.takeWork(2);
    for (int i = 0; i < p.count(); ++i)
        p.segment(i).done = (i == 0) ? p.segment(i).end - p.segment(i).start : 5;
    const QList<SegmentState> states = p.states();
    qint64 covered = 0;
    for (const SegmentState &s : states)
        covered += s.end - s.start;
    QCOMPARE(covered, 100);
    QVERIFY(states.size() < p.count() + 1);
    SegmentPlanner q(10);
    q.restore(states, 100);
    QCOMPARE(q.doneBytes(), p.doneBytes());
    QCOMPARE(q.states(), states);
}

void TestTransferUnits::plannerUnknownSize()
{
    SegmentPlanner p(10);
    p.reset(-1);
    QCOMPARE(p.takeWork(0), 0);
    QCOMPARE(p.takeWork(1), -1); // an unknown size is never split
    p.segment(0).done = 42;
    QVERIFY(!p.allComplete());
    p.setTotal(42);
    QVERIFY(p.allComplete());
}

void TestTransferUnits::validator_data()
{
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentRange");
    QTest::addColumn<QByteArray>("etag");
    QTest::addColumn<int>("verdict");
    using V = ResumeValidator::Verdict;
    QTest::newRow("probe 206") << 0LL << -1LL << -1LL << 206 << QByteArray("bytes 0-99/100")
                               << QByteArray("\"v1\"") << int(V::Partial);
    QTest::newRow("probe 200") << 0LL << -1LL << -1LL << 200 << QByteArray() << QByteArray()
                               << int(V::Full);
    QTest::newRow("resume ok") << 50LL << 99LL << 100LL << 206 << QByteArray("bytes 50-99/100")
                               << QByteArray("\"v1\"") << int(V::Partial);
    QTest::newRow("wrong start") << 50LL << 99LL << 100LL << 206 << QByteArray("bytes 40-99/100")
                                 << QByteArray("\"v1\"") << int(V::Inconsistent);
    QTest::newRow("wrong total") << 50LL << 99LL << 100LL << 206 << QByteArray("bytes 50-99/200")
                                 << QByteArray("\"v1\"") << int(V::Inconsistent);
    QTest::newRow("garbage") << 50LL << 99LL << 100LL << 206 << QByteArray("bytes x")
                             << QByteArray("\"v1\"") << int(V::Inconsistent);
    QTest::newRow("etag changed") << 50LL << 99LL << 100LL << 206 << QByteArray("bytes 50-99/100")
                                  << QByteArray("\"v2\"") << int(V::Changed);
    QTest::newRow("weak etag") << 50LL << 99LL << 100LL << 206 << QByteArray("bytes 50-99/100")
                               << QByteArray("W/\"v1\"") << int(V::Changed);
    QTest::newRow("200 to range") << 50LL << 99LL << 100LL << 200 << QByteArray()
                                  << QByteArray("\"v1\"") << int(V::Full);
    QTest::newRow("503") << 50LL << 99LL << 100LL << 503 << QByteArray() << QByteArray()
                         << int(V::Failed);
    QTest::newRow("open range short") << 0LL << -1LL << -1LL << 206 << QByteArray("bytes 0-49/100")
                                      << QByteArray() << int(V::Inconsistent);
}

void TestTransferUnits::validator()
{
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    QFETCH(qint64, total);
    QFETCH(int, status);
    QFETCH(QByteArray, contentRange);
    QFETCH(QByteArray, etag);
    QFETCH(int, verdict);
    ResumeValidator::Expectation e;
    e.ranged = true;
    e.first = first;
    e.last = last;
    e.total = total;
    e.etag = total >= 0 ? QByteArray("\"v1\"") : QByteArray();
    ResponseInfo r;
    r.status = status;
    r.contentRange = contentRange;
    r.etag = etag;
    const ResumeValidator::Result result = ResumeValidator::check(e, r);
    QCOMPARE(int(result.verdict), verdict);
    if (result.verdict == ResumeValidator::Verdict::Inconsistent ||
        result.verdict == ResumeValidator::Verdict::Changed)
        QVERIFY(!result.reason.isEmpty());
}

void TestTransferUnits::rateLimiter()
{
    RateLimiter limiter(200 * 1024);
    QElapsedTimer clock;
    clock.start();
    qint64 got = 0;
    while (got < 100 * 1024) {
        got += limiter.acquire(8192);
        QThread::msleep(2);
    }
    QVERIFY2(clock.elapsed() >= 400, QByteArray::number(clock.elapsed()).constData());
    RateLimiter unlimited;
    QCOMPARE(unlimited.acquire(1 << 30), qint64(1 << 30));
}

void TestTransferUnits::rateLimiterSharedAcrossThreads()
{
    RateLimiter limiter(400 * 1024);
    std::atomic<qint64> total{0};
    QElapsedTimer clock;
    clock.start();
    QList<QThread *> threads;
    for (int i = 0; i < 4; ++i) {
        threads.append(QThread::create([&] {
            while (total.load() < 200 * 1024) {
                total += limiter.acquire(4096);
                QThread::msleep(1);
            }
        }));
        threads.last()->start();
    }
    for (QThread *t : threads) {
        t->wait();
        delete t;
    }
    QVERIFY(clock.elapsed() >= 350);
}

void TestTransferUnits::adaptiveGrowsWhilePaying()
{
    // Each connection brings 1 MB/s (a per-connection throttle): it reaches the maximum
    // within a few ticks.
    AdaptiveConnections a(1, 16);
    qint64 bytes = 0;
    qint64 ms = 0;
    a.tick(ms, bytes);
    int ticks = 0;
    while (a.target() < 16 && ticks < 40) {
        ms += 250;
        bytes += qint64(a.target()) * 250 * 1000;
        a.tick(ms, bytes);
        ++ticks;
    }
    QCOMPARE(a.target(), 16);
    QVERIFY2(ticks <= 8, QByteArray::number(ticks).constData());
}

void TestTransferUnits::adaptiveStopsWhenSaturated()
{
    // The link gives 4 MB/s whatever the count: probes are undone, it stays at two.
    AdaptiveConnections a(1, 16);
    qint64 bytes = 0;
    qint64 ms = 0;
    a.tick(ms, bytes);
    int atTwo = 0;
    for (int i = 0; i < 40; ++i) {
        ms += 250;
        bytes += 2 * 1000 * 1000;
        atTwo += a.tick(ms, bytes) <= 2 ? 1 : 0;
    }
    QVERIFY2(atTwo >= 30, QByteArray::number(atTwo).constData());
    QVERIFY(a.target() <= 3);
}

void TestTransferUnits::adaptiveAfterBurst()
{
    // nginx limit_rate: a fast first second, then 1 MB/s per connection. The drop below half
    // the best rate makes it double at once.
    AdaptiveConnections a(1, 16);
    qint64 bytes = 0;
    qint64 ms = 0;
    a.tick(ms, bytes);
    for (int i = 0; i < 4; ++i) { // the burst: fast, more connections do not help
        ms += 250;
        bytes += 25 * 1000 * 1000;
        a.tick(ms, bytes);
    }
    int ticks = 0;
    while (a.target() < 8 && ticks < 20) {
        ms += 250;
        bytes += qint64(a.target()) * 250 * 1000;
        a.tick(ms, bytes);
        ++ticks;
    }
    QVERIFY2(a.target() >= 8, QByteArray::number(a.target()).constData());
    QVERIFY2(ticks <= 6, QByteArray::number(ticks).constData());
    a.cap(3);
    QCOMPARE(a.target(), 3);
}

void TestTransferUnits::adaptiveNotWhileCpuBound()
{
    // One connection keeps this process busy (0.9 s of CPU a second): more connections would
    // only add CPU and scattered writes, it stays at one.
    AdaptiveConnections a(1, 16);
    qint64 bytes = 0;
    qint64 ms = 0;
    qint64 cpu = 0;
    a.tick(ms, bytes, 1 << 20, 0, false, cpu);
    for (int i = 0; i < 40; ++i) {
        ms += 100;
        cpu += 90;
        bytes += 5 * 1000 * 1000;
        QCOMPARE(a.tick(ms, bytes, 1, 1, false, cpu), 1);
    }
    // The same rate at little CPU (a throttled server): it probes at once, to four.
    cpu += 10;
    ms += 100;
    bytes += 5 * 1000 * 1000;
    QCOMPARE(a.tick(ms, bytes, 1, 1, false, cpu), 4);
}

void TestTransferUnits::adaptiveNotOnFastConnection()
{
    // 200 MB/s on one connection, CPU time unknown: not throttled, it stays at one.
    AdaptiveConnections a(1, 16);
    qint64 bytes = 0;
    qint64 ms = 0;
    a.tick(ms, bytes);
    for (int i = 0; i < 40; ++i) {
        ms += 100;
        bytes += 20 * 1000 * 1000;
        QCOMPARE(a.tick(ms, bytes, 1, 1), 1);
    }
}

void TestTransferUnits::adaptiveIgnoresOneSlowWindow()
{
    // A fast connection with one slow window in between (a loaded machine): no probe. Two slow
    // windows in a row (a server that throttles after a burst): a probe.
    AdaptiveConnections a(1, 16);
    qint64 bytes = 0;
    qint64 ms = 0;
    a.tick(ms, bytes);
    for (int i = 0; i < 19; ++i) { // ends with a fast window
        ms += 100;
        bytes += (i % 5 == 4 ? 3 : 20) * 1000 * 1000;
        QCOMPARE(a.tick(ms, bytes, 1, 1), 1);
    }
    ms += 100;
    bytes += 3 * 1000 * 1000;
    QCOMPARE(a.tick(ms, bytes, 1, 1), 1);
    ms += 100;
    bytes += 3 * 1000 * 1000;
    QVERIFY(a.tick(ms, bytes, 1, 1) > 1);
}

void TestTransferUnits::speedMeter()
{
    SpeedMeter m(2000);
    for (int i = 0; i <= 10; ++i)
        m.addSample(i * 250, qint64(i) * 250 * 1000); // 1 MB/s
    QCOMPARE(m.bytesPerSecond(), 1000 * 1000);
    QCOMPARE(m.etaSeconds(5 * 1000 * 1000), 5);
    QCOMPARE(SpeedMeter().etaSeconds(100), -1);
}

void TestTransferUnits::retryAfterCappedAtFiveMinutes()
{
    // Retry-After: 600 is waited for 5 minutes at most by default, not 10.
    ResponseInfo info;
    info.status = 503;
    info.retryAfter = "600";
    QCOMPARE(info.statusError(DownloadRequest().maxRetryAfterMs).retryAfterMs, 300000);
    info.retryAfter = "120";
    QCOMPARE(info.statusError(DownloadRequest().maxRetryAfterMs).retryAfterMs, 120000);
}

QTEST_GUILESS_MAIN(TestTransferUnits)
#include "tst_transfer_units.moc"

void TestTransferUnits::noProxyAsCurl_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QByteArray>("noProxy");
    QTest::addColumn<bool>("bypass");
    QTest::newRow("exact") << "origin.invalid" << QByteArray("origin.invalid") << true;
    QTest::newRow("subdomain") << "a.origin.invalid" << QByteArray("origin.invalid") << true;
    QTest::newRow("leading dot, subdomain")
        << "a.b.origin.invalid" << QByteArray(".origin.invalid") << true;
    QTest::newRow("leading dot, the domain")
        << "origin.invalid" << QByteArray(".origin.invalid") << true;
    QTest::newRow("star dot") << "a.example.org" << QByteArray("*.example.org") << true;
    QTest::newRow("not a suffix at a dot")
        << "notorigin.invalid" << QByteArray("origin.invalid") << false;
    QTest::newRow("parent only") << "origin.invalid" << QByteArray("a.origin.invalid") << false;
    QTest::newRow("star") << "anything.example" << QByteArray("*") << true;
    QTest::newRow("list with spaces") << "host" << QByteArray("a.example, host ,b") << true;
    QTest::newRow("case and trailing dot")
        << "Host.Example.ORG." << QByteArray("example.org") << true;
    QTest::newRow("host:port entry names the host")
        << "example.org" << QByteArray("example.org:8080") << true;
    QTest::newRow("CIDR covers its addresses") << "10.1.2.3" << QByteArray("10.0.0.0/8") << true;
    QTest::newRow("CIDR only its addresses") << "11.1.2.3" << QByteArray("10.0.0.0/8") << false;
    QTest::newRow("CIDR is no host name") << "example.org" << QByteArray("10.0.0.0/8") << false;
    QTest::newRow("address") << "192.0.2.7" << QByteArray("192.0.2.7") << true;
    QTest::newRow("IPv6 address") << "::1" << QByteArray("[::1]") << false;
    QTest::newRow("empty") << "host" << QByteArray() << false;
}

void TestTransferUnits::noProxyAsCurl()
{
    QFETCH(QString, host);
    QFETCH(QByteArray, noProxy);
    QFETCH(bool, bypass);
    QCOMPARE(ProxyConfig::bypasses(host, noProxy), bypass);
}
