// btstream get with several URLs through the queue: -j N at once, a summary, the worst exit
// code, and interrupted or killed runs that the same command finishes byte-exact.
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "store/TransferStore.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <memory>

using namespace bt::test;

class TestCliParallel : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<FaultServer> m_server; // fresh per test: its connection peak is per test
    std::unique_ptr<QTemporaryDir> m_tmp;

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString url(const QByteArray &path) const { return QString::fromLatin1(m_server->url(path)); }
    QStringList arguments(const QStringList &extra) const
    {
        return QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                           QStringLiteral("-d"), out()} +
               extra;
    }

    // /fN.bin with makeTestData(size, N), throttled per connection.
    QByteArray serve(int n, qint64 size, qint64 bytesPerSecond = 0)
    {
        FaultServer::Resource res;
        res.body = makeTestData(size, quint32(100 + n));
        res.bytesPerSecond = bytesPerSecond;
        m_server->setResource(path(n), res);
        return res.body;
    }
    static QByteArray path(int n) { return "/f" + QByteArray::number(n) + ".bin"; }
    static QString fileName(int n) { return QStringLiteral("f%1.bin").arg(n); }
    void unthrottle(int n)
    {
        FaultServer::Resource res = m_server->resource(path(n));
        res.bytesPerSecond = 0;
        m_server->setResource(path(n), res);
    }

    // The smallest Range start of the GETs for `p` since request number `since` (-1: none
    // ranged, 0: started over).
    qint64 firstRangeStart(const QByteArray &p, int since) const
    {
        qint64 first = -1;
        const QList<FaultServer::Request> requests = m_server->requests().mid(since);
        for (const FaultServer::Request &request : requests) {
            if (request.method != "GET" || !request.path.startsWith(p))
                continue;
            const QByteArray range = request.headers.value("range");
            const qint64 start =
                range.startsWith("bytes=") ? range.mid(6, range.indexOf('-') - 6).toLongLong() : 0;
            first = first < 0 ? start : qMin(first, start);
        }
        return first;
    }

    // For failure messages: every request with the client port (one port = one connection).
    QString requestLog() const
    {
        QStringList lines{
            QStringLiteral("peak %1 connections").arg(m_server->maxConcurrentConnections())};
        const QList<FaultServer::Request> requests = m_server->requests();
        for (const FaultServer::Request &r : requests)
            lines << QStringLiteral("%1 %2 %3 range=%4")
                         .arg(r.peerPort)
                         .arg(QString::fromLatin1(r.method), QString::fromLatin1(r.path),
                              QString::fromLatin1(r.headers.value("range")));
        return lines.join(QLatin1Char('\n'));
    }

    // Watches a --json run: the highest `done` per transfer id and the results seen so far.
    struct JsonWatch
    {
        QHash<qint64, qint64> done;
        QList<QJsonObject> results;
    };
    static void watchJson(Btstream &p, JsonWatch *watch)
    {
        QObject::connect(&p, &QProcess::readyReadStandardOutput, &p, [&p, watch] {
            RunResult sofar;
            sofar.out = p.takeStdout();
            watch->results.clear();
            for (const QJsonObject &line : sofar.jsonLines()) {
                const QString event = line.value(QStringLiteral("event")).toString();
                const qint64 id = line.value(QStringLiteral("id")).toInteger();
                if (event == QLatin1String("progress"))
                    watch->done[id] =
                        qMax(watch->done.value(id), line.value(QStringLiteral("done")).toInteger());
                else if (event == QLatin1String("result"))
                    watch->results.append(line);
            }
        });
    }

    // The store after the runs: rows per URL.
    QHash<QString, int> rowsPerUrl() const
    {
        bt::TransferStore store;
        bt::Error error;
        QHash<QString, int> rows;
        if (!store.open(data(), &error)) {
            qWarning("store: %s", qPrintable(error.message));
            return rows;
        }
        for (const bt::TransferRecord &record : store.loadAll())
            ++rows[record.url.toString()];
        return rows;
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<FaultServer>();
        QVERIFY(m_server->listen());
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
    }

    void cleanup()
    {
        m_tmp.reset();
        m_server.reset();
    }

    // -j 2 --connections 1 of three: the third starts when the first ends, never before.
    void twoAtOnce()
    {
        // f1 ends first (half the size): f3 then goes to f1's worker and reuses its
        // connection (see idleConnectionOfAnotherWorker for the other order).
        QList<QByteArray> bodies;
        bodies << serve(1, 384 * 1024, 768 * 1024) << serve(2, 768 * 1024, 768 * 1024)
               << serve(3, 768 * 1024, 768 * 1024);
        Btstream p(m_tmp->path());
        const RunResult r = p.run(
            arguments({QStringLiteral("-j"), QStringLiteral("2"), QStringLiteral("--connections"),
                       QStringLiteral("1"), url(path(1)), url(path(2)), url(path(3))}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(m_server->maxConcurrentConnections() <= 2, qPrintable(requestLog()));
        QCOMPARE(entries(out()), (QStringList{fileName(1), fileName(2), fileName(3)}));
        for (int n = 1; n <= 3; ++n)
            QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(n)),
                     sha256Hex(bodies.at(n - 1)));
        QVERIFY2(r.err.contains("btstream: 3 of 3 saved"), qPrintable(r.describe()));
        // Two at once, never three: f3 started after f1 (0.5 s) and took a second.
        QVERIFY2(r.elapsedMs >= 1400, qPrintable(r.describe()));
    }

    // The job on the second worker ends first: the next one must go to that freed worker and
    // reuse its idle keep-alive connection. Placed on the first, still busy, worker, its
    // network manager opens a third connection while the idle one stays open (seen under
    // load when the queue heard of the finish before the pool had freed the worker; see
    // tst_queuescheduler nextJobGoesToTheFreedWorker).
    void idleConnectionOfAnotherWorker()
    {
        serve(1, 768 * 1024, 768 * 1024);
        serve(2, 384 * 1024, 768 * 1024); // ends first, on the second worker
        serve(3, 384 * 1024, 768 * 1024);
        Btstream p(m_tmp->path());
        const RunResult r = p.run(
            arguments({QStringLiteral("-j"), QStringLiteral("2"), QStringLiteral("--connections"),
                       QStringLiteral("1"), url(path(1)), url(path(2)), url(path(3))}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(m_server->requests().size() == 3, qPrintable(requestLog()));
        QVERIFY2(m_server->maxConcurrentConnections() <= 2, qPrintable(requestLog()));
    }

    void threeAtOnceByDefault()
    {
        for (int n = 1; n <= 3; ++n)
            serve(n, 512 * 1024, 512 * 1024);
        Btstream p(m_tmp->path());
        const RunResult r = p.run(arguments({QStringLiteral("--connections"), QStringLiteral("1"),
                                             url(path(1)), url(path(2)), url(path(3))}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(m_server->maxConcurrentConnections(), 3);
        QVERIFY2(r.elapsedMs < 2500, qPrintable(r.describe())); // one round, not three
    }

    void oneNotFound()
    {
        const QByteArray one = serve(1, 300 * 1024, 600 * 1024);
        const QByteArray three = serve(3, 200 * 1024, 600 * 1024);
        Btstream p(m_tmp->path());
        const RunResult r = p.run(arguments({url(path(1)), url("/missing.bin"), url(path(3))}));
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QCOMPARE(entries(out()), (QStringList{fileName(1), fileName(3)}));
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(1)), sha256Hex(one));
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(3)), sha256Hex(three));
        QVERIFY2(r.err.contains("btstream: 2 of 3 saved, 1 failed: "), qPrintable(r.describe()));
        const QByteArray summary = r.err.mid(r.err.indexOf("2 of 3 saved"));
        QVERIFY2(summary.contains(url("/missing.bin").toLatin1()), qPrintable(r.describe()));
        QVERIFY2(summary.contains("404"), qPrintable(r.describe()));
    }

    // More links than the command hands the queue at once (256): every one gets its row, its
    // file and its line in the summary, a failure in the second slice included.
    void moreLinksThanOneSlice()
    {
        constexpr int Links = 600;
        constexpr int Missing = 300;
        QHash<int, QByteArray> bodies;
        QStringList links;
        for (int n = 0; n < Links; ++n) {
            if (n == Missing) {
                links << url("/missing.bin");
                continue;
            }
            bodies.insert(n, serve(n, 1000 + n));
            links << url(path(n));
        }
        Btstream p(m_tmp->path());
        const RunResult r =
            p.run(arguments(QStringList{QStringLiteral("-j"), QStringLiteral("8")} + links));
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("btstream: 599 of 600 saved, 1 failed: "), r.err.right(400));
        QCOMPARE(entries(out()).size(), Links - 1);
        for (auto it = bodies.cbegin(); it != bodies.cend(); ++it)
            QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(it.key())),
                     sha256Hex(it.value()));
        const QHash<QString, int> rows = rowsPerUrl();
        QCOMPARE(rows.size(), Links);
        for (const QString &link : std::as_const(links))
            QCOMPARE(rows.value(link), 1);
    }

    void jsonNamesEveryTransfer()
    {
        for (int n = 1; n <= 3; ++n)
            serve(n, 256 * 1024, 512 * 1024);
        Btstream p(m_tmp->path());
        const RunResult r =
            p.run(arguments({QStringLiteral("--json"), url(path(1)), url(path(2)), url(path(3))}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));
        QSet<qint64> resultIds;
        QSet<qint64> progressIds;
        const QList<QJsonObject> lines = r.jsonLines();
        for (const QJsonObject &line : lines) {
            const QString event = line.value(QStringLiteral("event")).toString();
            if (event == QLatin1String("summary"))
                continue;
            QVERIFY2(line.value(QStringLiteral("id")).toInteger() > 0,
                     QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
            if (event == QLatin1String("result")) {
                resultIds.insert(line.value(QStringLiteral("id")).toInteger());
                QCOMPARE(line.value(QStringLiteral("ok")).toBool(), true);
            } else if (event == QLatin1String("progress")) {
                progressIds.insert(line.value(QStringLiteral("id")).toInteger());
            }
        }
        QCOMPARE(resultIds.size(), 3);
        QVERIFY(progressIds.subtract(resultIds).isEmpty());
        QCOMPARE(lines.last().value(QStringLiteral("event")).toString(), QStringLiteral("summary"));
        QCOMPARE(lines.last().value(QStringLiteral("succeeded")).toInt(), 3);
    }

    void interruptThreeRunning()
    {
        QList<QByteArray> bodies;
        for (int n = 1; n <= 3; ++n)
            bodies << serve(n, 4 * 1024 * 1024 + n, 512 * 1024);
        const QStringList urls{url(path(1)), url(path(2)), url(path(3))};
        Btstream p(m_tmp->path());
        JsonWatch watch;
        watchJson(p, &watch);
        p.setArguments(arguments(QStringList{QStringLiteral("--json")} + urls));
        p.start();
        // Every one of the three has bytes on disk.
        QTRY_VERIFY_WITH_TIMEOUT(
            watch.done.size() == 3 &&
                [&] {
                    for (qint64 d : std::as_const(watch.done))
                        if (d <= 0)
                            return false;
                    return true;
                }(),
            15000);

        QElapsedTimer timer;
        timer.start();
        QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
        const RunResult r = p.wait(5000, timer);
        QVERIFY2(r.finished && r.status == QProcess::NormalExit, qPrintable(r.describe()));
        QVERIFY2(r.exitCode == 130, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs < 2000, qPrintable(r.describe()));
        for (int n = 1; n <= 3; ++n)
            QVERIFY(!QFileInfo::exists(out() + QLatin1Char('/') + fileName(n)));

        for (int n = 1; n <= 3; ++n)
            unthrottle(n);
        const int before = int(m_server->requests().size());
        Btstream again(m_tmp->path());
        const RunResult second = again.run(arguments(urls));
        QVERIFY2(second.exitCode == 0, qPrintable(second.describe()));
        QCOMPARE(entries(out()), (QStringList{fileName(1), fileName(2), fileName(3)}));
        for (int n = 1; n <= 3; ++n) {
            QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(n)),
                     sha256Hex(bodies.at(n - 1)));
            // Only the rest: every second-run request for it starts past the first byte.
            QVERIFY2(firstRangeStart(path(n), before) > 0, path(n).constData());
        }
        QVERIFY2(second.err.contains("btstream: 3 of 3 saved"), qPrintable(second.describe()));
        const QHash<QString, int> rows = rowsPerUrl();
        QCOMPARE(rows.size(), 3);
        for (const QString &u : urls)
            QCOMPARE(rows.value(u), 1);
    }

    void killMidFiveThenRerun()
    {
        // One small (done before the kill), four larger ones: at the kill some are complete,
        // some partial, some never started.
        QList<QByteArray> bodies;
        QStringList urls;
        for (int n = 1; n <= 5; ++n) {
            bodies << serve(n, n == 1 ? 200 * 1024 : 3 * 1024 * 1024 + n, 1024 * 1024);
            urls << url(path(n));
        }
        const QStringList args = arguments(
            QStringList{QStringLiteral("--json"), QStringLiteral("-j"), QStringLiteral("3"),
                        QStringLiteral("--connections"), QStringLiteral("2")} +
            urls);
        Btstream p(m_tmp->path());
        JsonWatch watch;
        watchJson(p, &watch);
        p.setArguments(args);
        p.start();
        // Kill once the first finished and the fourth (started in its place) has bytes.
        QTRY_VERIFY_WITH_TIMEOUT(!watch.results.isEmpty() && watch.done.size() >= 4, 20000);
        QVERIFY(::kill(pid_t(p.processId()), SIGKILL) == 0);
        const RunResult killed = p.wait(5000);
        QVERIFY2(killed.status == QProcess::CrashExit, qPrintable(killed.describe()));

        for (int n = 1; n <= 5; ++n)
            unthrottle(n);
        Btstream again(m_tmp->path());
        const RunResult r = again.run(args); // must finish the first time
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QStringList expected;
        for (int n = 1; n <= 5; ++n)
            expected << fileName(n);
        QCOMPARE(entries(out()), expected); // no .part, no "(1)" copies
        for (int n = 1; n <= 5; ++n)
            QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(n)),
                     sha256Hex(bodies.at(n - 1)));
        const QHash<QString, int> rows = rowsPerUrl();
        QCOMPARE(rows.size(), 5);
        for (const QString &u : std::as_const(urls))
            QVERIFY2(rows.value(u) == 1, qPrintable(u));
    }

    void limitRateIsPerTransfer()
    {
        // 768 KiB each at 256 KiB/s: about 3 s side by side, 6 s if the limit were shared.
        const QByteArray one = serve(1, 768 * 1024);
        const QByteArray two = serve(2, 768 * 1024);
        Btstream p(m_tmp->path());
        const RunResult r = p.run(arguments(
            {QStringLiteral("--limit-rate"), QStringLiteral("256K"), url(path(1)), url(path(2))}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs >= 2200 && r.elapsedMs < 5000, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(1)), sha256Hex(one));
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(2)), sha256Hex(two));
    }

    void resumeTakesTheNewOptions()
    {
        // The stored row remembers the first run's options; the second command line wins.
        const QByteArray body = serve(1, 4 * 1024 * 1024, 512 * 1024);
        Btstream p(m_tmp->path());
        JsonWatch watch;
        watchJson(p, &watch);
        p.setArguments(arguments({QStringLiteral("--json"), QStringLiteral("--header"),
                                  QStringLiteral("X-Run: first"), url(path(1))}));
        p.start();
        QTRY_VERIFY_WITH_TIMEOUT(!watch.done.isEmpty() && watch.done.begin().value() > 0, 15000);
        QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
        QCOMPARE(p.wait(5000).exitCode, 130);

        unthrottle(1);
        const int before = int(m_server->requests().size());
        Btstream again(m_tmp->path());
        const RunResult r = again.run(
            arguments({QStringLiteral("--header"), QStringLiteral("X-Run: second"), url(path(1))}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(1)), sha256Hex(body));
        QVERIFY(firstRangeStart(path(1), before) > 0);
        const QList<FaultServer::Request> requests = m_server->requests().mid(before);
        QVERIFY(!requests.isEmpty());
        for (const FaultServer::Request &request : requests)
            QCOMPARE(request.headers.value("x-run"), QByteArray("second"));
    }

    void terminalBlock()
    {
        // `script` gives btstream a terminal: progress lines are redrawn in place.
        const QString script = QStandardPaths::findExecutable(QStringLiteral("script"));
        if (script.isEmpty())
            QSKIP("needs script(1) from util-linux for a pseudo-terminal");
        for (int n = 1; n <= 2; ++n)
            serve(n, 1024 * 1024, 1024 * 1024);
        QStringList command{QStringLiteral(BTSTREAM_PATH)};
        command += arguments({url(path(1)), url(path(2))});
        for (QString &word : command)
            word = QLatin1Char('\'') + word + QLatin1Char('\'');
        Btstream p(m_tmp->path());
        p.setProgram(script);
        const RunResult r = p.run(
            {QStringLiteral("-qec"), command.join(QLatin1Char(' ')), QStringLiteral("/dev/null")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // script(1) copies the terminal's output to its stdout.
        QVERIFY2(r.out.contains("\x1b[2A"), qPrintable(r.describe())); // two lines, redrawn
        QVERIFY2(r.out.contains("f1.bin  ") && r.out.contains("f2.bin  "),
                 qPrintable(r.describe()));
        QVERIFY2(r.out.contains("btstream: 2 of 2 saved"), qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + fileName(2)),
                 sha256Hex(makeTestData(1024 * 1024, 102)));
    }
};

QTEST_GUILESS_MAIN(TestCliParallel)
#include "tst_cli_parallel.moc"
