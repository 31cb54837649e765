// The window driving a real `btstream daemon` (File > Connect to…, rpc/RemoteQueue): downloads
// added through the add dialog run on the daemon and show in the model, byte-exact on disk;
// pause and resume go through the window's actions; a wrong secret is refused with a clear
// line; a daemon killed with SIGKILL shows as disconnected (the last rows kept, greyed) and,
// restarted on the same port, comes back with the same GIDs.
#include "AddDownloadDialog.h"
#include "Aria2Format.h"
#include "CredentialStore.h"
#include "DaemonProcess.h"
#include "FaultServer.h"
#include "MainWindow.h"
#include "RemoteQueue.h"
#include "TransferModel.h"
#include "UiTestEnv.h"

#include <QAction>
#include <QCheckBox>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::test;
using namespace bt::ui;

namespace {
const QString Secret = QStringLiteral("window-secret");

// Until `done` holds, waking on each `signal` of `sender`; false after `ms`.
template <typename Sender, typename Signal>
bool waitUntil(Sender *sender, Signal signal, const std::function<bool()> &done, int ms = 20000)
{
    QSignalSpy spy(sender, signal);
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        const qint64 left = ms - timer.elapsed();
        if (left <= 0)
            return false;
        spy.wait(int(left));
    }
    return true;
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}
} // namespace

class TestRemoteWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FaultServer m_server;
    QByteArray m_small;
    QByteArray m_slow;
    QHash<QString, QString> m_keyring;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString downloads() const { return path(QStringLiteral("dl")); }
    QStringList daemonArgs(const QString &data) const
    {
        return {QStringLiteral("--data-dir"),   path(data), QStringLiteral("-d"), downloads(),
                QStringLiteral("--rpc-secret"), Secret};
    }
    QUrl fileUrl(const char *name) const
    {
        return QUrl(
            QStringLiteral("http://127.0.0.1:%1/%2").arg(m_server.port()).arg(QLatin1String(name)));
    }
    static QUrl daemonUrl(const DaemonProcess &daemon)
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/jsonrpc").arg(daemon.port()));
    }
    // A window whose File > Connect to… makes RemoteQueues that poll and retry quickly.
    static void useFastRemote(MainWindow &window)
    {
        window.setRemoteQueueFactory([](const QUrl &url, const QString &secret, QObject *parent) {
            rpc::RemoteQueue::Options options;
            options.pollMs = 200;
            options.firstBackoffMs = 100;
            options.maxBackoffMs = 400;
            return new rpc::RemoteQueue(url, secret, options, parent);
        });
    }
    static bool waitForLink(MainWindow &window, TransferQueue::Link link)
    {
        TransferQueue *queue = window.transferQueue();
        return waitUntil(queue, &TransferQueue::linkChanged,
                         [queue, link] { return queue->link() == link; });
    }
    static bool waitForRow(MainWindow &window, qint64 id,
                           const std::function<bool(const TransferModel::Row &)> &done)
    {
        TransferModel *model = window.model();
        return waitUntil(model, &QAbstractItemModel::dataChanged, [model, id, done] {
            const TransferModel::Row *row = model->rowById(id);
            return row && done(*row);
        });
    }
    // Adds `url` through the window's add dialog; the id of the row that appears.
    static qint64 addThroughDialog(MainWindow &window, const QUrl &url, bool paused = false)
    {
        AddDownloadDialog *dialog = window.openAddDialog({url});
        dialog->connectionsBox()->setValue(1); // the slow file stays slow
        dialog->pausedBox()->setChecked(paused);
        TransferQueue *queue = window.transferQueue();
        QSignalSpy added(queue, &TransferQueue::added);
        dialog->buttons()->button(QDialogButtonBox::Ok)->click();
        if (!added.wait(10000))
            return 0;
        return added.first().first().toLongLong();
    }
    static QLabel *banner(MainWindow &window)
    {
        return window.findChild<QLabel *>(QStringLiteral("linkBanner"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        uitest::isolateSettings();
        CredentialStore::setTestKeyring(&m_keyring);
        QVERIFY(m_dir.isValid());
        QVERIFY(m_server.listenInThread());
        m_small = makeTestData(2 * 1024 * 1024 + 5, 11);
        m_slow = makeTestData(3 * 1024 * 1024, 12);
        FaultServer::Resource small;
        small.body = m_small;
        m_server.setResource("/small.bin", small);
        FaultServer::Resource slow;
        slow.body = m_slow;
        slow.bytesPerSecond = 1024 * 1024; // one connection: about 3 s
        m_server.setResource("/slow.bin", slow);
    }
    void cleanupTestCase() { CredentialStore::setTestKeyring(nullptr); }

    void addPauseResumeThroughWindow();
    void wrongSecretIsRefused();
    void killedDaemonReconnectsWithSameGids();
};

void TestRemoteWindow::addPauseResumeThroughWindow()
{
    DaemonProcess daemon(path(QStringLiteral("config1")));
    QVERIFY2(daemon.start(daemonArgs(QStringLiteral("data1"))), daemon.stderrText());
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    useFastRemote(window);
    QVERIFY(window.action(QStringLiteral("connect"))->isVisible());
    QVERIFY(!window.action(QStringLiteral("disconnect"))->isEnabled());

    // File > Connect to…: the URL and the secret, the secret into the keyring.
    window.action(QStringLiteral("connect"))->trigger();
    auto *dialog = window.findChild<QDialog *>(QStringLiteral("connectDialog"));
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(QStringLiteral("connectUrl"))
        ->setText(daemonUrl(daemon).toString());
    dialog->findChild<QLineEdit *>(QStringLiteral("connectSecret"))->setText(Secret);
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(window.isRemote());
    QVERIFY(waitForLink(window, TransferQueue::Link::Connected));
    QCOMPARE(m_keyring.value(QStringLiteral("daemon:") + daemonUrl(daemon).toString()), Secret);
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("linkLabel"))
                ->text()
                .contains(QStringLiteral("Connected to 127.0.0.1:%1").arg(daemon.port())));
    QVERIFY(banner(window)->isHidden());
    // What a daemon cannot do from here is off, not broken.
    QVERIFY(!window.action(QStringLiteral("upload"))->isEnabled());
    QVERIFY(window.action(QStringLiteral("disconnect"))->isEnabled());

    // The add dialog offers the daemon's folder and adds there.
    AddDownloadDialog *add = window.openAddDialog({fileUrl("small.bin")});
    QCOMPARE(add->folder(), downloads());
    add->reject();
    const qint64 small = addThroughDialog(window, fileUrl("small.bin"));
    QVERIFY(small > 0);
    const qint64 slow = addThroughDialog(window, fileUrl("slow.bin"));
    QVERIFY(slow > 0);
    QCOMPARE(window.model()->rowCount(), 2);
    // The ids are the daemon's GIDs.
    const QJsonObject status =
        daemon.call(QStringLiteral("aria2.tellStatus"), {rpc::aria2::gidOf(slow)}, Secret);
    QCOMPARE(
        status.value(QLatin1String("result")).toObject().value(QLatin1String("gid")).toString(),
        rpc::aria2::gidOf(slow));

    QVERIFY(waitForRow(window, small, [](const TransferModel::Row &row) {
        return row.state == TransferState::Completed;
    }));
    QCOMPARE(window.model()->rowById(small)->done, qint64(m_small.size()));
    QCOMPARE(window.model()->rowById(small)->total, qint64(m_small.size()));
    QCOMPARE(window.model()->rowById(small)->path, downloads() + QStringLiteral("/small.bin"));
    QFile smallFile(downloads() + QStringLiteral("/small.bin"));
    QVERIFY(smallFile.open(QIODevice::ReadOnly));
    QCOMPARE(sha256(smallFile.readAll()), sha256(m_small));

    // Progress shows, then Pause from the window pauses it on the daemon.
    QVERIFY(waitForRow(window, slow, [](const TransferModel::Row &row) {
        return row.state == TransferState::Active && row.done > 0;
    }));
    window.selectIds({slow});
    QVERIFY(window.action(QStringLiteral("pause"))->isEnabled());
    window.action(QStringLiteral("pause"))->trigger();
    QVERIFY(waitForRow(window, slow, [](const TransferModel::Row &row) {
        return row.state == TransferState::Paused;
    }));
    QCOMPARE(daemon.call(QStringLiteral("aria2.tellStatus"), {rpc::aria2::gidOf(slow)}, Secret)
                 .value(QLatin1String("result"))
                 .toObject()
                 .value(QLatin1String("status"))
                 .toString(),
             QStringLiteral("paused"));
    QVERIFY(window.action(QStringLiteral("resume"))->isEnabled());
    window.action(QStringLiteral("resume"))->trigger();
    QVERIFY(waitForRow(window, slow, [](const TransferModel::Row &row) {
        return row.state == TransferState::Completed;
    }));
    QCOMPARE(window.model()->rowById(slow)->path, downloads() + QStringLiteral("/slow.bin"));
    QFile slowFile(downloads() + QStringLiteral("/slow.bin"));
    QVERIFY(slowFile.open(QIODevice::ReadOnly));
    QCOMPARE(sha256(slowFile.readAll()), sha256(m_slow));

    // Remove from the window: gone from the daemon's lists too.
    window.selectIds({small});
    window.action(QStringLiteral("remove"))->trigger();
    QVERIFY(waitUntil(window.model(), &QAbstractItemModel::rowsRemoved,
                      [&] { return window.model()->rowOf(small) < 0; }));
    QCOMPARE(daemon.call(QStringLiteral("aria2.tellStatus"), {rpc::aria2::gidOf(small)}, Secret)
                 .value(QLatin1String("error"))
                 .toObject()
                 .value(QLatin1String("code"))
                 .toInt(),
             1);

    // Disconnect: the local queue's rows (none) again.
    window.action(QStringLiteral("disconnect"))->trigger();
    QVERIFY(!window.isRemote());
    QCOMPARE(window.transferQueue(), static_cast<TransferQueue *>(env.queue.get()));
    QCOMPARE(window.model()->rowCount(), 0);
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("linkLabel"))->isHidden());
    QVERIFY(window.action(QStringLiteral("upload"))->isEnabled());
}

void TestRemoteWindow::wrongSecretIsRefused()
{
    DaemonProcess daemon(path(QStringLiteral("config2")));
    QVERIFY2(daemon.start(daemonArgs(QStringLiteral("data2"))), daemon.stderrText());
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    useFastRemote(window);
    window.connectTo(daemonUrl(daemon), QStringLiteral("not-the-secret"));
    QVERIFY(waitForLink(window, TransferQueue::Link::Refused));
    QVERIFY(!banner(window)->isHidden());
    QVERIFY2(banner(window)->text().contains(QStringLiteral("refused the secret")),
             qPrintable(banner(window)->text()));
    QVERIFY(!window.action(QStringLiteral("add"))->isEnabled());
    // Refused is not retried: the daemon sees no more calls from it.
    QCOMPARE(window.transferQueue()->link(), TransferQueue::Link::Refused);
    QCOMPARE(static_cast<rpc::RemoteQueue *>(window.transferQueue())->client().phase(),
             rpc::Aria2Client::Phase::Closed);
}

void TestRemoteWindow::killedDaemonReconnectsWithSameGids()
{
    const QString config = path(QStringLiteral("config3"));
    const QStringList args = daemonArgs(QStringLiteral("data3"));
    auto daemon = std::make_unique<DaemonProcess>(config);
    QVERIFY2(daemon->start(args), daemon->stderrText());
    const quint16 port = daemon->port();
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    useFastRemote(window);
    window.connectTo(daemonUrl(*daemon), Secret);
    QVERIFY(waitForLink(window, TransferQueue::Link::Connected));
    const qint64 done = addThroughDialog(window, fileUrl("small.bin"));
    QVERIFY(done > 0);
    const qint64 paused = addThroughDialog(window, fileUrl("slow.bin"), true);
    QVERIFY(paused > 0);
    QVERIFY(waitForRow(window, done, [](const TransferModel::Row &row) {
        return row.state == TransferState::Completed;
    }));
    QCOMPARE(window.model()->rowById(paused)->state, TransferState::Paused);

    // SIGKILL: the window says so at once and keeps the last rows, greyed and marked.
    daemon->killHard();
    QVERIFY(waitForLink(window, TransferQueue::Link::Lost));
    QVERIFY(window.model()->isStale());
    QCOMPARE(window.model()->rowCount(), 2);
    const QModelIndex state =
        window.model()->index(window.model()->rowOf(paused), TransferModel::StateColumn);
    QVERIFY2(state.data().toString().contains(QStringLiteral("disconnected")),
             qPrintable(state.data().toString()));
    QVERIFY(!banner(window)->isHidden());
    QVERIFY2(banner(window)->text().contains(QStringLiteral("lost")),
             qPrintable(banner(window)->text()));
    window.selectIds({paused});
    QVERIFY(!window.action(QStringLiteral("resume"))->isEnabled()); // nobody to ask
    QVERIFY(!window.action(QStringLiteral("add"))->isEnabled());

    // The same daemon again, on the same port and store: the same GIDs, live again.
    daemon = std::make_unique<DaemonProcess>(config);
    QVERIFY2(daemon->start(args, port), daemon->stderrText());
    QVERIFY(waitForLink(window, TransferQueue::Link::Connected));
    QVERIFY(!window.model()->isStale());
    QVERIFY(banner(window)->isHidden());
    QList<qint64> ids = window.transferQueue()->ids();
    std::sort(ids.begin(), ids.end());
    QList<qint64> expected{done, paused};
    std::sort(expected.begin(), expected.end());
    QCOMPARE(ids, expected);
    QCOMPARE(window.model()->rowById(done)->state, TransferState::Completed);
    QCOMPARE(window.model()->rowById(paused)->state, TransferState::Paused);
    QVERIFY(!window.model()
                 ->index(window.model()->rowOf(paused), TransferModel::StateColumn)
                 .data()
                 .toString()
                 .contains(QStringLiteral("disconnected")));
    // And it takes commands again: resume runs the paused one to the end, byte-exact.
    window.selectIds({paused});
    QVERIFY(window.action(QStringLiteral("resume"))->isEnabled());
    window.action(QStringLiteral("resume"))->trigger();
    QVERIFY(waitForRow(window, paused, [](const TransferModel::Row &row) {
        return row.state == TransferState::Completed;
    }));
    // The first test saved a slow.bin in the same folder: the row names the file.
    const QString saved = window.model()->rowById(paused)->path;
    QVERIFY2(saved.startsWith(downloads() + QLatin1Char('/')), qPrintable(saved));
    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(sha256(file.readAll()), sha256(m_slow));
}

QTEST_MAIN(TestRemoteWindow)
#include "tst_remotewindow.moc"
