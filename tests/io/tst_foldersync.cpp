// FolderSync: publishes into one folder share its fsync (group commit), each is answered once,
// and only by an fsync that began after it asked; a folder that is gone is an error.
#include "io/DiskThreads.h"
#include "io/FolderSync.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <future>

using namespace bt;

class TestFolderSync : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestsDuringOneSyncShareTheNext()
    {
        QTemporaryDir dir;
        DiskThreads threads(1);
        FolderSync sync(threads);
        // The one disk thread is busy until the test says so: every request below arrives
        // before any fsync has begun.
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        threads.post([released] { released.wait(); });

        constexpr int kFiles = 10;
        std::atomic<int> answered{0};
        std::atomic<int> failed{0};
        for (int i = 0; i < kFiles; ++i)
            sync.sync(dir.path(), [&](const Error &e) {
                failed += e.isError() ? 1 : 0;
                ++answered;
            });
        QCOMPARE(sync.syncCount(), 0);
        release.set_value();
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), kFiles, 10000);
        QCOMPARE(failed.load(), 0);
        QCOMPARE(sync.syncCount(), 1); // ten renames, one fsync of their folder

        // A later request is not answered by the fsync that already ran.
        std::atomic<bool> later{false};
        sync.sync(dir.path(), [&](const Error &) { later = true; });
        QTRY_VERIFY_WITH_TIMEOUT(later.load(), 10000);
        QCOMPARE(sync.syncCount(), 2);
    }

    void requestDuringARunningSyncWaitsForTheNext()
    {
        QTemporaryDir dir;
        DiskThreads threads(2);
        FolderSync sync(threads);
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        std::atomic<int> order{0};
        std::atomic<int> firstAt{0};
        std::atomic<int> secondAt{0};
        // The first request's answer blocks its run until the second request is in: the second
        // must then get an fsync of its own, after the first.
        sync.sync(dir.path(), [&](const Error &) {
            firstAt = ++order;
            released.wait();
        });
        QTRY_COMPARE_WITH_TIMEOUT(firstAt.load(), 1, 10000);
        sync.sync(dir.path(), [&](const Error &) { secondAt = ++order; });
        QCOMPARE(sync.syncCount(), 1);
        release.set_value();
        QTRY_COMPARE_WITH_TIMEOUT(secondAt.load(), 2, 10000);
        QCOMPARE(sync.syncCount(), 2);
    }

    void foldersAreIndependent()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("a")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("b")));
        DiskThreads threads(1);
        FolderSync sync(threads);
        std::atomic<int> answered{0};
        sync.sync(dir.filePath(QStringLiteral("a")), [&](const Error &) { ++answered; });
        sync.sync(dir.filePath(QStringLiteral("b")), [&](const Error &) { ++answered; });
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), 2, 10000);
        QCOMPARE(sync.syncCount(), 2);
    }

    void missingFolderIsAnError()
    {
        QTemporaryDir dir;
        DiskThreads threads(1);
        FolderSync sync(threads);
        std::atomic<bool> done{false};
        Error error;
        sync.sync(dir.filePath(QStringLiteral("gone")), [&](const Error &e) {
            error = e;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 10000);
        QVERIFY(error.isError());
        QVERIFY2(error.message.contains(QStringLiteral("gone")), qPrintable(error.message));
    }
};

QTEST_GUILESS_MAIN(TestFolderSync)
#include "tst_foldersync.moc"
