// btstream get with URL patterns and input files, and btstream list: what lands on disk and
// what the store gives back.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

class TestCliSources : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QHash<QByteArray, QByteArray> m_bodies; // path -> body

    QString out(const QString &name = {}) const
    {
        return m_tmp->filePath(QStringLiteral("out/") + name);
    }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString url(const QByteArray &path) const { return QString::fromLatin1(m_server.url(path)); }

    RunResult run(const QStringList &arguments, const QByteArray &stdinData = {})
    {
        Btstream p(m_tmp->path());
        if (stdinData.isNull())
            return p.run(arguments);
        p.setArguments(arguments);
        p.start();
        p.write(stdinData);
        p.closeWriteChannel();
        return p.wait(30000);
    }
    RunResult get(const QStringList &extra, const QByteArray &stdinData = {})
    {
        return run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                               QStringLiteral("-q"), QStringLiteral("-d"), out()} +
                       extra,
                   stdinData);
    }
    void serve(const QByteArray &path, int seed)
    {
        FaultServer::Resource res;
        res.body = makeTestData(20000 + seed * 1000, quint32(seed));
        m_bodies.insert(path, res.body);
        m_server.setResource(path, res);
    }
    // The file in out/ holds exactly what the server has at `path`.
    bool sameAsServed(const QString &file, const QByteArray &path) const
    {
        QFile f(out(file));
        return f.open(QIODevice::ReadOnly) && f.readAll() == m_bodies.value(path);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        int seed = 1;
        for (const char *p : {"/p08.bin", "/p09.bin", "/p10.bin", "/qa1.bin", "/qa2.bin",
                              "/qb1.bin", "/qb2.bin", "/list/one.txt", "/list/two.txt"})
            serve(QByteArray(p), seed++);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }

    void patternRange()
    {
        const RunResult r = get({url("/p[08-10].bin")});
        QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), (QStringList{QStringLiteral("p08.bin"), QStringLiteral("p09.bin"),
                                              QStringLiteral("p10.bin")}));
        for (const char *name : {"p08.bin", "p09.bin", "p10.bin"})
            QVERIFY2(sameAsServed(QString::fromLatin1(name), QByteArray("/") + name), name);
    }

    void patternListAndLetters()
    {
        const RunResult r =
            get({QStringLiteral("-j"), QStringLiteral("2"), url("/q{a,b}[1-2].bin")});
        QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()).size(), 4);
        for (const char *name : {"qa1.bin", "qa2.bin", "qb1.bin", "qb2.bin"})
            QVERIFY2(sameAsServed(QString::fromLatin1(name), QByteArray("/") + name), name);
    }

    void patternErrors()
    {
        RunResult r = get({url("/p[1-3.bin")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no closing ']'") && r.err.contains("column"),
                 qPrintable(r.describe()));
        r = get({url("/[0-100]/[00-99]")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("more than 10000") && r.err.contains("--globoff"),
                 qPrintable(r.describe()));
        // -o names one file: a pattern of three is refused before anything is fetched.
        const int before = m_server.requestCount("/p08.bin");
        r = get({QStringLiteral("-o"), QStringLiteral("x.bin"), url("/p[08-10].bin")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!QFileInfo::exists(data()));
        QCOMPARE(m_server.requestCount("/p08.bin"), before);
    }

    void globoff()
    {
        // Taken literally: the request asks for the brackets (percent-encoded), which this
        // server does not have, so the run fails with the HTTP code, not a usage error.
        const RunResult r = get({QStringLiteral("--globoff"), url("/p[08-10].bin")});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY(m_server.requestCount("/p%5B08-10%5D.bin") +
                    m_server.requestCount("/p[08-10].bin") >
                0);
    }

    void inputFile()
    {
        QFile list(m_tmp->filePath(QStringLiteral("list.txt")));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("# downloads for today\n\n" + url("/list/one.txt").toUtf8() +
                   "\n  out=first.txt\n" + url("/list/two.txt").toUtf8() + "\n\tdir=sub\n" +
                   url("/p{08,09}.bin").toUtf8() + "\n");
        list.close();
        const RunResult r = get({QStringLiteral("-i"), list.fileName()});
        QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()),
                 (QStringList{QStringLiteral("first.txt"), QStringLiteral("p08.bin"),
                              QStringLiteral("p09.bin"), QStringLiteral("sub")}));
        QVERIFY(sameAsServed(QStringLiteral("first.txt"), "/list/one.txt"));
        QVERIFY(sameAsServed(QStringLiteral("sub/two.txt"), "/list/two.txt"));
        QVERIFY(sameAsServed(QStringLiteral("p09.bin"), "/p09.bin"));
    }

    void inputFileErrors()
    {
        RunResult r = get({QStringLiteral("-i"), m_tmp->filePath(QStringLiteral("missing.txt"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot read"), qPrintable(r.describe()));
        r = get({QStringLiteral("-i"), QStringLiteral("-")},
                url("/list/one.txt").toUtf8() + "\n  split=4\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("line 2") && r.err.contains("split"), qPrintable(r.describe()));
        r = get({QStringLiteral("-i"), QStringLiteral("-")}, "# nothing\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no URL"), qPrintable(r.describe()));
    }

    void listExportsAndReimports()
    {
        RunResult r = get({url("/list/one.txt"), url("/p08.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // A failed download whose URL carries a password: listed, the password never printed.
        QString secret = url("/missing.bin");
        secret.replace(QStringLiteral("http://"), QStringLiteral("http://ann:s3cret@"));
        r = get({secret});
        QCOMPARE(r.exitCode, 4);

        r = run({QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--data-dir"),
                 data()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(!r.out.contains("s3cret"));
        const QJsonArray rows = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(rows.size(), 3);
        QHash<QString, QJsonObject> byUrl; // the order is the queue's (positions), not asserted
        for (const QJsonValue &row : rows)
            byUrl.insert(row[QStringLiteral("url")].toString(), row.toObject());
        const QJsonObject one = byUrl.value(url("/list/one.txt"));
        QCOMPARE(one[QStringLiteral("state")].toString(), QStringLiteral("completed"));
        QCOMPARE(one[QStringLiteral("path")].toString(), out(QStringLiteral("one.txt")));
        QCOMPARE(one[QStringLiteral("size")].toInteger(), m_bodies.value("/list/one.txt").size());
        QCOMPARE(byUrl.value(url("/p08.bin"))[QStringLiteral("done")].toInteger(),
                 m_bodies.value("/p08.bin").size());
        QString without = secret;
        without.remove(QStringLiteral(":s3cret"));
        QCOMPARE(byUrl.value(without)[QStringLiteral("state")].toString(),
                 QStringLiteral("failed"));

        r = run({QStringLiteral("list"), QStringLiteral("--urls"), QStringLiteral("--data-dir"),
                 data()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(!r.out.contains("s3cret"));
        const QByteArray urls = r.out;
        QCOMPARE(urls.count('\n'), 3);
        QVERIFY(urls.contains(without.toUtf8() + '\n'));

        // The list feeds `get -i -` into another folder: the same bytes again.
        QByteArray completed;
        for (const QByteArray &line : urls.split('\n')) {
            if (!line.isEmpty() && !line.contains("missing"))
                completed += line + '\n';
        }
        QVERIFY(QDir(out()).removeRecursively());
        r = get({QStringLiteral("-i"), QStringLiteral("-"), QStringLiteral("--no-resume")},
                completed);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(sameAsServed(QStringLiteral("one.txt"), "/list/one.txt"));
        QVERIFY(sameAsServed(QStringLiteral("p08.bin"), "/p08.bin"));

        r = run({QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--urls")});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliSources)
#include "tst_cli_sources.moc"
