// The window between runs and at its edges (offscreen, issue #10): size, splitter and columns
// come back; closing to the tray says so once; Quit asks while transfers run; Remove Completed;
// a new row is scrolled to; the details pane folds while nothing is selected.
#include "AppSettings.h"
#include "DetailsPane.h"
#include "MainWindow.h"
#include "TransferFilterModel.h"
#include "TransferModel.h"
#include "TrayIcon.h"
#include "UiTestEnv.h"
#include "WindowState.h"

#include <QAction>
#include <QFile>
#include <QHeaderView>
#include <QMenu>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

class TestWindowState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::isolateSettings(); }
    void init()
    {
        AppSettings().save();
        WindowState().save();
    }
    void sizeSplitterAndColumnsComeBack();
    void trayHintOnce();
    void quitAsksWhileTransfersRun();
    void removeCompletedKeepsFiles();
    void newRowIsScrolledTo();
    void detailsFoldWhileNothingSelected();
};

void TestWindowState::sizeSplitterAndColumnsComeBack()
{
    QueueEnv env;
    QVERIFY(env.open());
    {
        MainWindow window(env.queue.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(900, 560);
        auto *side = window.findChild<QSplitter *>(QStringLiteral("sideSplitter"));
        QVERIFY(side);
        side->setSizes({260, 600});
        window.view()->horizontalHeader()->resizeSection(TransferModel::ProgressColumn, 230);
        QTRY_COMPARE(window.size(), QSize(900, 560));
        window.close(); // nothing runs, no tray offscreen: quits
    }
    MainWindow again(env.queue.get());
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(again.size(), QSize(900, 560));
    QCOMPARE(again.findChild<QSplitter *>(QStringLiteral("sideSplitter"))->sizes().value(0), 260);
    QCOMPARE(again.view()->horizontalHeader()->sectionSize(TransferModel::ProgressColumn), 230);
}

void TestWindowState::trayHintOnce()
{
    QueueEnv env;
    QVERIFY(env.open());
    {
        MainWindow window(env.queue.get());
        window.show();
        QSignalSpy notified(window.tray(), &TrayIcon::notified);
        window.hideToTray();
        QVERIFY(!window.isVisible());
        QCOMPARE(notified.size(), 1);
        QVERIFY(notified[0][0].toString().contains(QLatin1String("still running")));
        window.show();
        window.hideToTray();
        QCOMPARE(notified.size(), 1);
    }
    // Remembered: not after the next start either.
    MainWindow again(env.queue.get());
    again.show();
    QSignalSpy notified(again.tray(), &TrayIcon::notified);
    again.hideToTray();
    QCOMPARE(notified.size(), 0);
}

void TestWindowState::quitAsksWhileTransfersRun()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    MainWindow window(env.queue.get());
    window.show();
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    const qint64 b = env.add(QStringLiteral("b.example"), 2);
    QTRY_COMPARE(env.state(a), TransferState::Active);
    QTRY_COMPARE(env.state(b), TransferState::Active);
    QTRY_COMPARE(window.model()->totals().active, 2);
    QSignalSpy quit(&window, &MainWindow::quitRequested);
    QString asked;
    uitest::answerMessageBox(QMessageBox::Cancel, &asked);
    window.action(QStringLiteral("quit"))->trigger();
    QCOMPARE(asked, QStringLiteral("2 transfer(s) running. Quit anyway?"));
    QCOMPARE(quit.size(), 0);
    QVERIFY(window.isVisible());
    uitest::answerMessageBox(QMessageBox::Yes);
    window.action(QStringLiteral("quit"))->trigger();
    QCOMPARE(quit.size(), 1);
}

void TestWindowState::removeCompletedKeepsFiles()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    MainWindow window(env.queue.get());
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    const qint64 b = env.add(QStringLiteral("b.example"), 2);
    const qint64 c = env.add(QStringLiteral("c.example"), 3);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(b) && env.jobs.job(c));
    const QString file = env.dir.filePath(QStringLiteral("done.bin"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("data");
    f.close();
    env.jobs.job(a)->finishOk(file, 4);
    env.jobs.job(b)->finishError(ErrorCode::HttpPermanent, QStringLiteral("404"));
    QTRY_COMPARE(env.state(a), TransferState::Completed);
    QTRY_COMPARE(env.state(b), TransferState::Failed);
    QAction *action = window.action(QStringLiteral("removeCompleted"));
    QVERIFY(action);
    QVERIFY(window.findChild<QMenu *>(QStringLiteral("contextMenu"))->actions().contains(action));
    action->trigger();
    QTRY_COMPARE(window.model()->rowCount(), 2);
    QCOMPARE(window.model()->rowOf(a), -1);
    QVERIFY(window.model()->rowOf(b) >= 0 && window.model()->rowOf(c) >= 0);
    QVERIFY(QFile::exists(file));
}

void TestWindowState::newRowIsScrolledTo()
{
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    for (int i = 0; i < 60; ++i)
        env.add(QStringLiteral("h.example"), i);
    MainWindow window(env.queue.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTableView *view = window.view();
    view->scrollToTop();
    const qint64 id = env.add(QStringLiteral("new.example"), 99);
    const QModelIndex idx = window.filterModel()->mapFromSource(
        window.model()->index(window.model()->rowOf(id), TransferModel::NameColumn));
    QVERIFY(idx.isValid());
    QTRY_VERIFY(view->viewport()->rect().contains(view->visualRect(idx)));
}

void TestWindowState::detailsFoldWhileNothingSelected()
{
    QueueEnv env;
    QVERIFY(env.open());
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    MainWindow window(env.queue.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY2(window.details()->height() <= 60,
                 qPrintable(QString::number(window.details()->height())));
    window.selectIds({a});
    QTRY_VERIFY2(window.details()->height() >= 200,
                 qPrintable(QString::number(window.details()->height())));
    window.selectIds({});
    QTRY_VERIFY(window.details()->height() <= 60);
}

QTEST_MAIN(TestWindowState)
#include "tst_windowstate.moc"
