// HttpDownload across runs: stop() keeps a resumable .part and the store's offsets, a new
// HttpDownload of the same request continues to a byte-exact file; a changed file on the
// server starts over; the store's offsets never claim bytes that are not on disk.

#include "DownloadHarness.h"

#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>

using namespace bt;
using namespace bt::test;

namespace {
// Stops the download once `bytes` were reported done (progress snapshots).
std::function<void(HttpDownload *)> stopAfter(qint64 bytes, qint64 *stopMs)
{
    return [bytes, stopMs](HttpDownload *d) {
        auto clock = std::make_shared<QElapsedTimer>();
        QObject::connect(d, &HttpDownload::progress, d,
                         [d, bytes, stopMs, clock](const TransferProgress &p) {
                             if (p.done >= bytes && !clock->isValid()) {
                                 clock->start();
                                 d->stop();
                             }
                         });
        QObject::connect(d, &HttpDownload::finished, d, [stopMs, clock](const TransferResult &) {
            if (clock->isValid())
                *stopMs = clock->elapsed();
        });
    };
}

// Qt 6.4 now and then writes the GET that follows a 403 twice on the same keep-alive
// connection (seen with a bare QNetworkAccessManager too): one step, asked twice.
void appendStep(QStringList &paths, const FaultServer::Request &request)
{
    const QString path = QString::fromLatin1(request.path);
    if (paths.isEmpty() || paths.last() != path)
        paths.append(path);
}

FaultServer::Resource throttled(const QByteArray &data, qint64 bytesPerSecond)
{
    FaultServer::Resource r = resource(data);
    r.bytesPerSecond = bytesPerSecond;
    return r;
}
} // namespace

class TestHttpDownloadResume : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stopThenResume_data();
    void stopThenResume();
    void resumeAfterContentChanged();
    void storeNeverAheadOfDisk();
    void noResumeStartsOver();
    void queueOrderNotOverwritten();
    void completedFileGoneSameRow();
    void storeIdUsesThatRow();
    void resumeAsksFinalUrl();
    void expiredFinalUrlFallsBackToOriginal();
    void errorAnswerKeepsItsConnection();
    void completeRowRequeuedIsStillComplete();
    void killBetweenRenameAndRow();
};

void TestHttpDownloadResume::stopThenResume_data()
{
    QTest::addColumn<int>("connections");
    QTest::newRow("single") << 1;
    QTest::newRow("four") << 4;
}

void TestHttpDownloadResume::stopThenResume()
{
    QFETCH(int, connections);
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(6 << 20, 41);
    h.server.setResource("/big.bin", throttled(data, 2 << 20));
    DownloadRequest req = h.request("/big.bin");
    req.connections = connections;
    qint64 stopMs = -1;
    const RunResult first = h.run(req, 30000, stopAfter(1 << 20, &stopMs));
    QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
    QVERIFY(first.finishedOnce);
    QVERIFY2(stopMs >= 0 && stopMs < 1000, QByteArray::number(stopMs).constData());
    QCOMPARE(first.result.path, h.path(QStringLiteral("big.bin.part")));
    QCOMPARE(h.files(), QStringList{QStringLiteral("big.bin.part")});
    const auto paused = h.store().load(first.result.id);
    QVERIFY(paused);
    // A stop saves the offsets, not a state: paused or still due is the queue's to say.
    QCOMPARE(paused->state, TransferState::Active);
    QVERIFY(paused->doneSize >= (1 << 20));
    QCOMPARE(paused->totalSize, qint64(data.size()));
    // The offsets in the store are on disk, byte-exact.
    const QByteArray part = fileBytes(h.path(QStringLiteral("big.bin.part")));
    for (const SegmentState &s : paused->segments)
        QCOMPARE(part.mid(s.start, s.done), data.mid(s.start, s.done));

    const int before = h.server.requests().size();
    h.server.setResource("/big.bin", resource(data)); // full speed now
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QCOMPARE(second.result.id, first.result.id); // the same row
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("big.bin"))), sha256Hex(data));
    QCOMPARE(h.files(), QStringList{QStringLiteral("big.bin")});
    const QList<FaultServer::Request> all = h.server.requests();
    bool resumedMidway = false;
    for (int i = before; i < all.size(); ++i) {
        const QByteArray range = all[i].headers.value("range");
        QVERIFY(range != "bytes=0-"); // never from scratch
        QCOMPARE(all[i].headers.value("if-range"), QByteArray("\"v1\""));
        resumedMidway = resumedMidway || !range.startsWith("bytes=0-");
    }
    QVERIFY(resumedMidway);
    QCOMPARE(h.store().load(second.result.id)->state, TransferState::Completed);
}

void TestHttpDownloadResume::resumeAfterContentChanged()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray oldData = makeTestData(3 << 20, 42);
    const QByteArray newData = makeTestData((3 << 20) + 77, 43);
    h.server.setResource("/c.bin", throttled(oldData, 2 << 20));
    DownloadRequest req = h.request("/c.bin");
    req.connections = 1;
    qint64 stopMs = -1;
    const RunResult first = h.run(req, 30000, stopAfter(512 << 10, &stopMs));
    QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
    h.server.setResource("/c.bin", resource(oldData));
    h.server.changeContent("/c.bin", newData, "\"v2\"");
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("c.bin"))), sha256Hex(newData));
    QVERIFY(second.messages.join(u'\n').contains(QLatin1String("changed")));
}

void TestHttpDownloadResume::storeNeverAheadOfDisk()
{
    // While a download runs, every offset the store holds is already on disk.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(4 << 20, 44);
    h.server.setResource("/d.bin", throttled(data, 1 << 20));
    DownloadRequest req = h.request("/d.bin");
    req.connections = 2;
    int checks = 0;
    const RunResult r = h.run(req, 30000, [&](HttpDownload *d) {
        QObject::connect(d, &HttpDownload::progress, d, [&, d](const TransferProgress &) {
            const auto rec = h.store().load(d->id());
            if (!rec || rec->segments.isEmpty() || rec->state == TransferState::Completed)
                return;
            const QByteArray part = fileBytes(h.path(QStringLiteral("d.bin.part")));
            for (const SegmentState &s : rec->segments) {
                if (part.mid(s.start, s.done) != data.mid(s.start, s.done))
                    qFatal("store ahead of disk at %lld+%lld", s.start, s.done);
            }
            ++checks;
        });
    });
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QVERIFY(checks > 0);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("d.bin"))), sha256Hex(data));
}

void TestHttpDownloadResume::noResumeStartsOver()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(2 << 20, 45);
    h.server.setResource("/n.bin", throttled(data, 2 << 20));
    DownloadRequest req = h.request("/n.bin");
    req.connections = 1;
    qint64 stopMs = -1;
    const RunResult first = h.run(req, 30000, stopAfter(256 << 10, &stopMs));
    QCOMPARE(first.result.error.code, ErrorCode::Cancelled);
    h.server.setResource("/n.bin", resource(data));
    const int before = h.server.requests().size();
    req.resume = false;
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    // The same row and name, the old partial dropped: no "n (1).bin" beside a stale .part.
    QCOMPARE(second.result.id, first.result.id);
    QCOMPARE(second.result.path, h.path(QStringLiteral("n.bin")));
    QCOMPARE(h.files(), QStringList{QStringLiteral("n.bin")});
    QCOMPARE(fileSha256Hex(second.result.path), sha256Hex(data));
    QCOMPARE(h.store().loadAll().size(), 1);
    const QList<FaultServer::Request> all = h.server.requests();
    for (int i = before; i < all.size(); ++i)
        QVERIFY(all[i].headers.value("range").startsWith("bytes=0-"));
}

void TestHttpDownloadResume::completedFileGoneSameRow()
{
    // A completed download whose file was deleted is downloaded again into its row: no
    // second row for the same request.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(300 << 10, 47);
    h.server.setResource("/g.bin", resource(data));
    const RunResult first = h.run(h.request("/g.bin"));
    QCOMPARE(first.result.error.code, ErrorCode::None);
    QVERIFY(QFile::remove(first.result.path));
    const RunResult second = h.run(h.request("/g.bin"));
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QVERIFY(!second.result.alreadyComplete);
    QCOMPARE(second.result.id, first.result.id);
    QCOMPARE(second.result.path, first.result.path);
    QCOMPARE(fileSha256Hex(second.result.path), sha256Hex(data));
    QCOMPARE(h.store().loadAll().size(), 1);
    QCOMPARE(h.store().load(first.result.id)->state, TransferState::Completed);
}

void TestHttpDownloadResume::storeIdUsesThatRow()
{
    // A caller's row (the queue's) is used as given, even when another row of the same
    // request exists; an unknown row is an error, never a new row.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(200 << 10, 48);
    h.server.setResource("/s.bin", resource(data));
    DownloadRequest req = h.request("/s.bin");
    TransferRecord other;
    other.url = req.url;
    other.directory = QDir::cleanPath(QDir(req.directory).absolutePath());
    QVERIFY(h.store().insert(other));
    TransferRecord mine = other;
    mine.id = 0;
    mine.priority = 3;
    QVERIFY(h.store().insert(mine));
    QVERIFY(mine.id != other.id);
    req.storeId = other.id; // the older one: findDownload would pick `mine`
    const RunResult r = h.run(req);
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QCOMPARE(r.result.id, other.id);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("s.bin"))), sha256Hex(data));
    QCOMPARE(h.store().loadAll().size(), 2);
    QCOMPARE(h.store().load(other.id)->state, TransferState::Completed);
    QCOMPARE(h.store().load(mine.id)->state, TransferState::Queued);

    req.storeId = 99999;
    const RunResult missing = h.run(req);
    QCOMPARE(missing.result.error.code, ErrorCode::Store);
    QCOMPARE(h.store().loadAll().size(), 2);
}

void TestHttpDownloadResume::queueOrderNotOverwritten()
{
    // The queue owns priority and position and may change them while the download runs:
    // the engine's saves never write them back.
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(1 << 20, 46);
    h.server.setResource("/o.bin", throttled(data, 2 << 20));
    DownloadRequest req = h.request("/o.bin");
    TransferRecord row;
    row.url = req.url;
    row.directory = QDir::cleanPath(QDir(req.directory).absolutePath());
    row.priority = 1;
    row.position = 5;
    QVERIFY(h.store().insert(row));
    bool changed = false;
    const RunResult r = h.run(req, 30000, [&](HttpDownload *d) {
        QObject::connect(d, &HttpDownload::progress, d, [&](const TransferProgress &p) {
            if (changed || p.done <= 0)
                return;
            auto now = h.store().load(row.id); // what the queue does meanwhile
            now->priority = 7;
            now->position = 42;
            changed = h.store().update(*now);
        });
    });
    QCOMPARE(r.result.error.code, ErrorCode::None);
    QVERIFY(changed);
    QCOMPARE(r.result.id, row.id);
    const auto after = h.store().load(row.id);
    QCOMPARE(after->state, TransferState::Completed);
    QCOMPARE(after->priority, 7);
    QCOMPARE(after->position, 42);
    QCOMPARE(h.store().loadAll().size(), 1);
}

namespace {
// The first run of /start (302 -> /real), stopped after 1 MiB; returns the stored row's id.
qint64 stopRedirectedDownload(Harness &h, const QByteArray &data, DownloadRequest &req)
{
    h.server.setResource("/real", throttled(data, 2 << 20));
    h.server.addRedirect("/start", "/real");
    req = h.request("/start");
    req.connections = 1;
    qint64 stopMs = -1;
    const RunResult first = h.run(req, 30000, stopAfter(1 << 20, &stopMs));
    if (first.result.error.code != ErrorCode::Cancelled)
        return -1;
    const auto row = h.store().load(first.result.id);
    if (!row || row->finalUrl != QUrl(QString::fromLatin1(h.server.url("/real"))))
        return -1;
    h.server.setResource("/real", resource(data));
    return first.result.id;
}
} // namespace

void TestHttpDownloadResume::resumeAsksFinalUrl()
{
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(4 << 20, 47);
    DownloadRequest req;
    const qint64 id = stopRedirectedDownload(h, data, req);
    QVERIFY(id > 0);
    const int before = h.server.requests().size();
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QCOMPARE(second.result.id, id);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("real"))), sha256Hex(data));
    // The stored address after the redirect, asked for the rest: no new redirect hop.
    const QList<FaultServer::Request> all = h.server.requests();
    QVERIFY(all.size() > before);
    for (int i = before; i < all.size(); ++i) {
        QCOMPARE(all[i].path, QByteArray("/real"));
        QVERIFY(all[i].headers.value("range") != "bytes=0-");
    }
}

void TestHttpDownloadResume::expiredFinalUrlFallsBackToOriginal()
{
    // Qt warns when an error answer is aborted after its network thread finished it.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QNetworkReply.*called once")));
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(4 << 20, 48);
    DownloadRequest req;
    const qint64 id = stopRedirectedDownload(h, data, req);
    QVERIFY(id > 0);
    // The signed link expired; the original address now redirects to a new one, same file.
    FaultServer::Fault expired;
    expired.kind = FaultServer::Fault::Kind::Status;
    expired.status = 403;
    h.server.setPersistentFault("/real", expired);
    h.server.setResource("/real2", resource(data));
    h.server.clearFaults("/start");
    h.server.addRedirect("/start", "/real2");
    const int before = h.server.requests().size();
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QCOMPARE(second.result.id, id);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("real"))), sha256Hex(data));
    QVERIFY(second.messages.join(u'\n').contains(QLatin1String("asking")));
    QStringList paths;
    const QList<FaultServer::Request> all = h.server.requests();
    for (int i = before; i < all.size(); ++i) {
        appendStep(paths, all[i]);
        QVERIFY(all[i].headers.value("range") != "bytes=0-"); // resumed, not started over
    }
    QCOMPARE(paths.mid(0, 3), (QStringList{QStringLiteral("/real"), QStringLiteral("/start"),
                                           QStringLiteral("/real2")}));
    QCOMPARE(h.store().load(id)->finalUrl, QUrl(QString::fromLatin1(h.server.url("/real2"))));
}

// The 403's body comes a moment after its headers: the download reads it to its end before
// asking again (aborted, it took its keep-alive connection with it), so the next request
// reuses that connection.
void TestHttpDownloadResume::errorAnswerKeepsItsConnection()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QNetworkReply.*called once")));
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(4 << 20, 50);
    DownloadRequest req;
    const qint64 id = stopRedirectedDownload(h, data, req);
    QVERIFY(id > 0);
    h.server.setHook([](const FaultServer::Request &r, QTcpSocket *socket) {
        if (r.path != "/real")
            return false;
        socket->write("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                      "Content-Length: 10\r\n\r\nForb");
        QTimer::singleShot(300, socket, [socket] { socket->write("idden\n"); });
        return true;
    });
    h.server.setResource("/real2", resource(data));
    h.server.clearFaults("/start");
    h.server.addRedirect("/start", "/real2");
    const int before = h.server.requests().size();
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QCOMPARE(second.result.id, id);
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("real"))), sha256Hex(data));
    const QList<FaultServer::Request> all = h.server.requests().mid(before);
    QStringList paths;
    for (const FaultServer::Request &r : all)
        appendStep(paths, r);
    QCOMPARE(paths.mid(0, 3), (QStringList{QStringLiteral("/real"), QStringLiteral("/start"),
                                           QStringLiteral("/real2")}));
    QCOMPARE(all.at(1).peerPort, all.at(0).peerPort); // the 403's connection, not a new one
}

void TestHttpDownloadResume::completeRowRequeuedIsStillComplete()
{
    // Asked again, the queue marks a complete row Queued/Active (its write may land before the
    // engine reads the row): the file in place is still recognised, never "name (1)".
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(300 << 10, 49);
    h.server.setResource("/q.bin", resource(data));
    DownloadRequest req = h.request("/q.bin");
    const RunResult first = h.run(req);
    QCOMPARE(first.result.error.code, ErrorCode::None);
    const QDateTime mtime = QFileInfo(h.path(QStringLiteral("q.bin"))).lastModified();
    h.store().setState(first.result.id, TransferState::Active);
    req.storeId = first.result.id;
    const int before = h.server.requests().size();
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QVERIFY(second.result.alreadyComplete);
    QCOMPARE(h.files(), QStringList{QStringLiteral("q.bin")});
    QCOMPARE(QFileInfo(h.path(QStringLiteral("q.bin"))).lastModified(), mtime);
    QCOMPARE(h.server.requests().size(), before);
    QCOMPARE(h.store().load(first.result.id)->state, TransferState::Completed);
}

void TestHttpDownloadResume::killBetweenRenameAndRow()
{
    // A kill -9 after the rename into place, before the row said Completed: the next run finds
    // no .part and the file in place with the size, inode and mtime the row stored before the
    // rename, and takes it without hashing it (none was asked for).
    Harness h;
    QVERIFY(h.ok());
    const QByteArray data = makeTestData(300 << 10, 50);
    h.server.setResource("/k.bin", resource(data));
    DownloadRequest req = h.request("/k.bin");
    const RunResult first = h.run(req);
    QCOMPARE(first.result.error.code, ErrorCode::None);
    TransferRecord row = *h.store().load(first.result.id);
    QVERIFY(row.sha256.isEmpty());
    QCOMPARE(row.published.split(u' ').size(), 3);
    row.state = TransferState::Active; // what the row held during the rename
    row.completed = QDateTime();
    QVERIFY(h.store().update(row));
    const QDateTime mtime = QFileInfo(h.path(QStringLiteral("k.bin"))).lastModified();
    const int before = h.server.requests().size();
    const RunResult second = h.run(req);
    QCOMPARE(second.result.error.code, ErrorCode::None);
    QVERIFY(second.result.alreadyComplete);
    QCOMPARE(h.files(), QStringList{QStringLiteral("k.bin")});
    QCOMPARE(QFileInfo(h.path(QStringLiteral("k.bin"))).lastModified(), mtime);
    QCOMPARE(h.server.requests().size(), before);
    QCOMPARE(h.store().load(row.id)->state, TransferState::Completed);

    // Someone else's file of the same size at that name is never taken for ours.
    QVERIFY(h.store().update(row));
    QFile other(h.path(QStringLiteral("k.bin")));
    QVERIFY(other.open(QIODevice::WriteOnly | QIODevice::Truncate));
    other.write(makeTestData(data.size(), 51));
    other.close();
    const RunResult third = h.run(req);
    QCOMPARE(third.result.error.code, ErrorCode::None);
    QVERIFY(!third.result.alreadyComplete);
    QCOMPARE(h.files(), (QStringList{QStringLiteral("k (1).bin"), QStringLiteral("k.bin")}));
    QCOMPARE(fileSha256Hex(h.path(QStringLiteral("k (1).bin"))), sha256Hex(data));
}

QTEST_GUILESS_MAIN(TestHttpDownloadResume)
#include "tst_httpdownload_resume.moc"
