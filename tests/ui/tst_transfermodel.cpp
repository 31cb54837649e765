// TransferModel and its filter proxy over a real QueueManager running fake jobs, checked by
// QAbstractItemModelTester: rows appear, change and go; only changed cells are reported.
#include "QueueTestUtil.h"
#include "TransferFilterModel.h"
#include "TransferModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace bt;
using namespace bt::queuetest;
using bt::ui::TransferFilterModel;
using bt::ui::TransferModel;

class TestTransferModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsFollowTheQueue();
    void onlyChangedCellsAreReported();
    void filtersAndSearch();
    void totals();
    void numbersAfterMoves();
    void pausedOnDiskErrorNeedsTheUser();
    void retryingIsNotDownloading();
};

static QVariant cell(const TransferModel &m, qint64 id, int column, int role = Qt::DisplayRole)
{
    return m.index(m.rowOf(id), column).data(role);
}

void TestTransferModel::rowsFollowTheQueue()
{
    QueueEnv env;
    QVERIFY(env.open(2, 0));
    const qint64 first = env.add(QStringLiteral("a.example"), 1);
    TransferModel model(env.queue.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TransferFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(cell(model, first, TransferModel::NameColumn).toString(),
             QStringLiteral("file-1.bin"));
    QCOMPARE(cell(model, first, TransferModel::DirectionColumn).toString(),
             QStringLiteral("Download"));

    QList<qint64> ids{first};
    for (int i = 2; i <= 6; ++i)
        ids << env.add(QStringLiteral("h%1.example").arg(i), i);
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(proxy.rowCount(), 6);

    QTRY_VERIFY(env.jobs.job(first) && env.jobs.job(first)->started);
    env.jobs.job(first)->sendProgress(250, 1000);
    QTRY_COMPARE(cell(model, first, TransferModel::ProgressColumn).toString(),
                 QStringLiteral("25%"));
    QCOMPARE(
        cell(model, first, TransferModel::ProgressColumn, TransferModel::FractionRole).toDouble(),
        0.25);
    QCOMPARE(cell(model, first, TransferModel::StateColumn).toString(),
             QStringLiteral("Downloading"));

    env.jobs.job(first)->finishOk(env.dir.filePath(QStringLiteral("out/renamed.bin")), 1000);
    QTRY_COMPARE(cell(model, first, TransferModel::StateColumn).toString(),
                 QStringLiteral("Completed"));
    QCOMPARE(cell(model, first, TransferModel::NameColumn).toString(),
             QStringLiteral("renamed.bin"));

    env.queue->remove({ids[2], ids[4]}, false);
    QTRY_COMPARE(model.rowCount(), 4);
    QCOMPARE(model.rowOf(ids[2]), -1);
    QVERIFY(model.rowOf(ids[5]) >= 0);
    QCOMPARE(cell(model, ids[5], TransferModel::NameColumn, TransferModel::IdRole).toLongLong(),
             ids[5]);

    env.queue->moveTop({ids[5]});
    QTRY_VERIFY(cell(model, ids[5], TransferModel::PositionColumn).toLongLong() <
                cell(model, first, TransferModel::PositionColumn).toLongLong());
}

void TestTransferModel::onlyChangedCellsAreReported()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    const qint64 b = env.add(QStringLiteral("b.example"), 2);
    TransferModel model(env.queue.get());
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(b));
    env.queue->tick();
    QCoreApplication::processEvents();

    QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
    env.jobs.job(a)->sendProgress(100, 1000);
    QTRY_VERIFY(!spy.isEmpty());
    QTest::qWait(300); // one more batch: nothing else changed
    for (const QList<QVariant> &args : std::as_const(spy)) {
        const auto topLeft = args[0].toModelIndex();
        const auto bottomRight = args[1].toModelIndex();
        QCOMPARE(topLeft.row(), model.rowOf(a)); // b never changed
        QCOMPARE(bottomRight.row(), topLeft.row());
        QVERIFY(topLeft.column() >= TransferModel::SizeColumn);
        QVERIFY(bottomRight.column() <= TransferModel::StateColumn);
    }
}

void TestTransferModel::filtersAndSearch()
{
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    const qint64 a = env.add(QStringLiteral("mirror.example"), 1);
    const qint64 b = env.add(QStringLiteral("other.example"), 2);
    const qint64 c = env.add(QStringLiteral("other.example"), 3);
    TransferModel model(env.queue.get());
    TransferFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY(env.jobs.job(a));
    env.jobs.job(a)->finishOk();
    QTRY_VERIFY(env.jobs.job(b));
    env.jobs.job(b)->finishError(ErrorCode::HttpPermanent, QStringLiteral("404 Not Found"));
    QTRY_VERIFY(env.jobs.job(c));

    auto idsShown = [&proxy] {
        QList<qint64> ids;
        for (int r = 0; r < proxy.rowCount(); ++r)
            ids << proxy.index(r, 0).data(TransferModel::IdRole).toLongLong();
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    QTRY_COMPARE(idsShown(), QList<qint64>({a, b, c}));
    proxy.setFilter(TransferFilterModel::Completed);
    QTRY_COMPARE(idsShown(), QList<qint64>({a}));
    proxy.setFilter(TransferFilterModel::Failed);
    QTRY_COMPARE(idsShown(), QList<qint64>({b}));
    QCOMPARE(proxy.index(0, TransferModel::NameColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("404 Not Found"));
    proxy.setFilter(TransferFilterModel::Downloading);
    QTRY_COMPARE(idsShown(), QList<qint64>({c}));
    proxy.setFilter(TransferFilterModel::Uploading);
    QTRY_COMPARE(idsShown(), QList<qint64>());
    proxy.setFilter(TransferFilterModel::All);
    proxy.setSearchText(QStringLiteral("MIRROR"));
    QCOMPARE(idsShown(), QList<qint64>({a}));
    proxy.setSearchText(QStringLiteral("file-3"));
    QCOMPARE(idsShown(), QList<qint64>({c}));
    proxy.setSearchText(QString());
    QCOMPARE(idsShown().size(), 3);

    // Sorting uses the raw values (the state's order: queued < active < ... < failed).
    proxy.sort(TransferModel::StateColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, 0).data(TransferModel::IdRole).toLongLong(), c);
}

void TestTransferModel::totals()
{
    QueueEnv env;
    QVERIFY(env.open(2, 0));
    for (int i = 0; i < 4; ++i)
        env.add(QStringLiteral("h%1").arg(i), i);
    TransferModel model(env.queue.get());
    QTRY_COMPARE(model.totals().active, 2);
    QCOMPARE(model.totals().queued, 2);
    QCOMPARE(model.totals().total, 4);
}

// "#" is the place in the queue, 1..n, whatever the queue's sort keys are (Move to Top gives
// keys below the first one: 0, -1...).
void TestTransferModel::numbersAfterMoves()
{
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    QList<qint64> ids;
    for (int i = 1; i <= 4; ++i)
        ids << env.add(QStringLiteral("h%1.example").arg(i), i);
    TransferModel model(env.queue.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto numbers = [&] {
        QList<int> list;
        for (qint64 id : ids)
            list << cell(model, id, TransferModel::PositionColumn).toInt();
        return list;
    };
    QCOMPARE(numbers(), QList<int>({1, 2, 3, 4}));
    env.queue->moveTop({ids[2], ids[3]});
    QTRY_COMPARE(numbers(), QList<int>({3, 4, 1, 2}));
    env.queue->moveTop({ids[1]});
    QTRY_COMPARE(numbers(), QList<int>({4, 1, 2, 3}));
    env.queue->moveBottom({ids[1]});
    QTRY_COMPARE(numbers(), QList<int>({3, 4, 1, 2}));
    // A new one is last; a removed one leaves no gap.
    ids << env.add(QStringLiteral("h5.example"), 5);
    QTRY_COMPARE(numbers(), QList<int>({3, 4, 1, 2, 5}));
    env.queue->remove({ids[2]}, false);
    ids.removeAt(2);
    QTRY_COMPARE(numbers(), QList<int>({2, 3, 1, 4}));
    // Sorting by "#" still follows the queue's order.
    TransferFilterModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(TransferModel::PositionColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, 0).data(TransferModel::IdRole).toLongLong(), ids[2]);
    model.reload();
    QCOMPARE(numbers(), QList<int>({2, 3, 1, 4}));
}

// The queue pauses a transfer on a disk error (to be resumed once there is room): the row
// says why, shows the error in the bar, and the Failed filter lists it; a pause by the person
// stays a plain "Paused".
void TestTransferModel::pausedOnDiskErrorNeedsTheUser()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    const qint64 full = env.add(QStringLiteral("a.example"), 1);
    const qint64 mine = env.add(QStringLiteral("b.example"), 2);
    TransferModel model(env.queue.get());
    TransferFilterModel proxy;
    proxy.setSourceModel(&model);
    QTRY_VERIFY(env.jobs.job(full) && env.jobs.job(mine));
    env.jobs.job(full)->finishError(ErrorCode::DiskFull,
                                    QStringLiteral("Disk full while writing x"));
    env.queue->pause({mine});
    QTRY_COMPARE(env.state(full), TransferState::Paused);
    QTRY_COMPARE(cell(model, full, TransferModel::StateColumn).toString(),
                 QStringLiteral("Paused: disk full"));
    QCOMPARE(cell(model, full, TransferModel::ProgressColumn).toString(),
             QStringLiteral("Disk full while writing x"));
    QVERIFY(cell(model, full, 0, TransferModel::AttentionRole).toBool());
    QTRY_COMPARE(cell(model, mine, TransferModel::StateColumn).toString(),
                 QStringLiteral("Paused"));
    QVERIFY(!cell(model, mine, 0, TransferModel::AttentionRole).toBool());
    proxy.setFilter(TransferFilterModel::Failed);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data(TransferModel::IdRole).toLongLong(), full);
    // Resumed: the error is gone, and so is the label.
    env.queue->resume({full});
    QTRY_COMPARE(cell(model, full, TransferModel::StateColumn).toString(),
                 QStringLiteral("Downloading"));
    QTRY_COMPARE(proxy.rowCount(), 0);
}

// A transfer that waits to try again (refused, unreachable) is Active with nothing arriving:
// the row says so, with the error, until bytes arrive again.
void TestTransferModel::retryingIsNotDownloading()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    const qint64 id = env.add(QStringLiteral("a.example"), 1);
    TransferModel model(env.queue.get());
    QTRY_VERIFY(env.jobs.job(id));
    QTRY_COMPARE(cell(model, id, TransferModel::StateColumn).toString(),
                 QStringLiteral("Downloading"));
    env.jobs.job(id)->sendRetrying(ErrorCode::Network, QStringLiteral("Connection refused"), 30000,
                                   2, 10);
    QTRY_VERIFY(cell(model, id, TransferModel::StateColumn)
                    .toString()
                    .startsWith(QLatin1String("Retrying in ")));
    const QString state = cell(model, id, TransferModel::StateColumn).toString();
    QVERIFY2(state.endsWith(QLatin1String(" s (attempt 2 of 10)")), qPrintable(state));
    QCOMPARE(cell(model, id, TransferModel::ProgressColumn).toString(),
             QStringLiteral("Connection refused"));
    QVERIFY(cell(model, id, 0, Qt::ToolTipRole).toString().contains(QLatin1String("refused")));
    QCOMPARE(env.queue->snapshot(id)->retry.attempt, 2);
    // The countdown moves without a new snapshot.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(changed.wait(2000));
    // Bytes again: downloading.
    env.jobs.job(id)->sendProgress(100, 1000);
    QTRY_COMPARE(cell(model, id, TransferModel::StateColumn).toString(),
                 QStringLiteral("Downloading"));
    QVERIFY(!env.queue->snapshot(id)->retry.isWaiting());
}

QTEST_MAIN(TestTransferModel)
#include "tst_transfermodel.moc"
