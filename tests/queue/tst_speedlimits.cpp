// Speed limits: shared token buckets (accuracy across threads), alternative set, changes
// while running.
#include "QueueTestUtil.h"

#include "queue/SpeedLimits.h"
#include "transfer/RateLimiter.h"

#include <QElapsedTimer>
#include <atomic>
#include <thread>
#include <vector>

using namespace bt;
using namespace bt::queuetest;

class TestSpeedLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sharedBucketAccuracy();
    void alternativeSetInOneCall();
    void perTransferLimit();
    void limitsReachRunningJobs();
    void sharedFairlyBetweenTransfers();
    void unusedShareGoesToTheOthers();
};

namespace {
// Threads take from one bucket as fast as it lets them for `ms`: the bytes granted.
qint64 consume(RateLimiter &bucket, int threads, int ms)
{
    std::atomic<qint64> total{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&] {
            while (!stop) {
                const qint64 got = bucket.acquire(64 * 1024);
                total += got;
                if (got == 0)
                    std::this_thread::sleep_for(std::chrono::milliseconds(
                        qBound(qint64(1), bucket.msUntilAvailable(16 * 1024), qint64(20))));
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    stop = true;
    for (auto &t : pool)
        t.join();
    return total;
}
} // namespace

void TestSpeedLimits::sharedBucketAccuracy()
{
    SpeedLimits limits;
    const qint64 rate = 10 * 1000 * 1000;
    limits.setNormal({rate, 0, 0});
    std::shared_ptr<RateLimiter> bucket = limits.downloadLimiter();
    QCOMPARE(bucket->rate(), rate);
    QElapsedTimer t;
    t.start();
    const qint64 got = consume(*bucket, 4, 2000);
    const double seconds = t.elapsed() / 1000.0;
    const double measured = double(got) / seconds;
    qInfo("shared bucket: %.2f MB/s over %.2f s (limit 10 MB/s)", measured / 1e6, seconds);
    QVERIFY2(measured > rate * 0.9 && measured < rate * 1.1, qPrintable(QString::number(measured)));
    // Changed while running: the new rate holds.
    limits.setNormal({rate / 2, 0, 0});
    t.restart();
    const qint64 half = consume(*bucket, 3, 1000);
    const double halfRate = double(half) / (t.elapsed() / 1000.0);
    QVERIFY2(halfRate > rate / 2 * 0.85 && halfRate < rate / 2 * 1.15,
             qPrintable(QString::number(halfRate)));
}

namespace {
// Clients ask one bucket in a fixed order every 5 ms of an injected clock for 10 s, each up to
// `demand[i]` bytes per second (0: as much as it can get, 128 KiB a time): the bytes each got.
QList<qint64> share(RateLimiter &bucket, const QList<qint64> &demand)
{
    qint64 now = 0;
    bucket.setClock([&now] { return now; });
    QList<qint64> got(demand.size(), 0);
    constexpr qint64 kStepNs = 5'000'000;
    for (int step = 0; step < 2000; ++step) {
        now += kStepNs;
        for (int i = 0; i < demand.size(); ++i) {
            const qint64 want = demand[i] ? demand[i] * kStepNs / 1'000'000'000 : 128 * 1024;
            got[i] += bucket.acquire(want, quintptr(i + 1));
        }
    }
    return got;
}
} // namespace

// Five downloads under one 2 MiB/s limit, the first always asking first: each gets a fifth
// (the old bucket gave the first nearly all of it).
void TestSpeedLimits::sharedFairlyBetweenTransfers()
{
    const qint64 rate = 2 << 20;
    RateLimiter bucket(rate);
    const QList<qint64> got = share(bucket, {0, 0, 0, 0, 0});
    qint64 total = 0;
    for (int i = 0; i < got.size(); ++i) {
        const double perSecond = double(got[i]) / 10.0;
        qInfo("transfer %d: %.0f KiB/s", i, perSecond / 1024);
        QVERIFY2(perSecond > rate / 5 * 0.9 && perSecond < rate / 5 * 1.1,
                 qPrintable(QString::number(perSecond)));
        total += got[i];
    }
    QVERIFY2(double(total) / 10.0 > rate * 0.97 && double(total) / 10.0 < rate * 1.03,
             qPrintable(QString::number(total)));
}

// Max-min: one transfer that needs only 100 KiB/s gets all of it; the other three share the
// rest equally, and nothing of the limit is lost.
void TestSpeedLimits::unusedShareGoesToTheOthers()
{
    const qint64 rate = 2 << 20;
    RateLimiter bucket(rate);
    const QList<qint64> got = share(bucket, {100 << 10, 0, 0, 0});
    QVERIFY2(double(got[0]) / 10.0 > (100 << 10) * 0.95, qPrintable(QString::number(got[0])));
    const double rest = double(rate - (100 << 10)) / 3.0;
    for (int i = 1; i < 4; ++i)
        QVERIFY2(double(got[i]) / 10.0 > rest * 0.9 && double(got[i]) / 10.0 < rest * 1.1,
                 qPrintable(QString::number(got[i])));
}

void TestSpeedLimits::alternativeSetInOneCall()
{
    SpeedLimits limits;
    limits.setNormal({4000000, 1000000, 500000});
    limits.setAlternative({100000, 50000, 20000});
    QCOMPARE(limits.downloadLimiter()->rate(), 4000000);
    QCOMPARE(limits.uploadLimiter()->rate(), 1000000);
    limits.setAlternativeEnabled(true);
    QCOMPARE(limits.downloadLimiter()->rate(), 100000);
    QCOMPARE(limits.uploadLimiter()->rate(), 50000);
    QCOMPARE(limits.perTransferLimit(0), 20000);
    limits.setAlternativeEnabled(false);
    QCOMPARE(limits.downloadLimiter()->rate(), 4000000);
    limits.setNormal({});
    QVERIFY(!limits.downloadLimiter()->isLimited());
}

void TestSpeedLimits::perTransferLimit()
{
    SpeedLimits limits;
    QCOMPARE(limits.perTransferLimit(0), 0);
    QCOMPARE(limits.perTransferLimit(3000), 3000);
    limits.setNormal({0, 0, 2000});
    QCOMPARE(limits.perTransferLimit(0), 2000);
    QCOMPARE(limits.perTransferLimit(3000), 2000); // the lower wins
    QCOMPARE(limits.perTransferLimit(1000), 1000);
}

void TestSpeedLimits::limitsReachRunningJobs()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    env.queue->setSpeedLimits({1000000, 0, 50000});
    env.queue->setAlternativeSpeedLimits({10000, 0, 1000});
    DownloadRequest own = env.request(QStringLiteral("b"), 1);
    own.rateLimit = 20000;
    const qint64 a = env.add(QStringLiteral("a"), 1);
    const qint64 b = env.queue->enqueue(own);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    QTRY_VERIFY(env.jobs.job(b) && env.jobs.job(b)->started);
    QCOMPARE(env.jobs.job(a)->rateLimit(), 50000);
    QCOMPARE(env.jobs.job(b)->rateLimit(), 20000);
    QCOMPARE(env.jobs.job(a)->context().downloadLimiter->rate(), 1000000);
    env.queue->setAlternativeLimitsEnabled(true);
    QCOMPARE(env.jobs.job(a)->rateLimit(), 1000);
    QCOMPARE(env.jobs.job(b)->rateLimit(), 1000);
    QCOMPARE(env.jobs.job(a)->context().downloadLimiter->rate(), 10000);
    env.queue->setAlternativeLimitsEnabled(false);
    env.queue->setSpeedLimits({});
    QCOMPARE(env.jobs.job(a)->rateLimit(), 0);
    QCOMPARE(env.jobs.job(b)->rateLimit(), 20000);
    QVERIFY(!env.jobs.job(a)->context().downloadLimiter->isLimited());
}

QTEST_GUILESS_MAIN(TestSpeedLimits)
#include "tst_speedlimits.moc"
