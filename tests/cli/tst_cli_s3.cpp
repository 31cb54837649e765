// btstream put FILE s3://BUCKET/KEY as a person runs it, against s3rver (tests/servers/s3,
// signatures checked by the AWS SDK's signer) on 127.0.0.1: --json progress per part, kill -9
// at random points then the same command again (one object, byte-exact, no confirmed part sent
// twice), a wrong secret and a missing bucket (exit 4), credentials from a profile.
// BT_CLI_SEED replays the kill points.
#include "BtstreamProcess.h"
#include "UploadServers.h"
#include "store/TransferStore.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace bt;
using namespace bt::test;

namespace {
constexpr qint64 MiB = 1024 * 1024;

QJsonObject resultObject(const RunResult &r)
{
    for (const QJsonObject &o : r.jsonLines())
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("result"))
            return o;
    return {};
}

// "PUT ...?partNumber=N&uploadId=ID" -> (ID, N); an empty ID for other requests.
QPair<QString, int> partOf(const QString &line)
{
    static const QRegularExpression re(
        QStringLiteral("^PUT \\S+\\?partNumber=(\\d+)&uploadId=(\\S+) "));
    const auto m = re.match(line);
    return m.hasMatch() ? qMakePair(m.captured(2), m.captured(1).toInt()) : qMakePair(QString(), 0);
}
} // namespace

class TestCliS3 : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QRandomGenerator m_random;
    S3TestServer m_server;

    // The server's keys (or another secret), and nothing of this machine's AWS setup.
    static void useKeys(Btstream &p, const QString &secret = QStringLiteral("S3RVER"))
    {
        QProcessEnvironment env = p.processEnvironment();
        for (const char *name : {"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                                 "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"})
            env.remove(QString::fromLatin1(name));
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("S3RVER"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), secret);
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), QStringLiteral("/nonexistent"));
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), QStringLiteral("/nonexistent"));
        p.setProcessEnvironment(env);
    }

    RunResult run(const QStringList &arguments, const QString &secret = QStringLiteral("S3RVER"),
                  int timeoutMs = 30000)
    {
        Btstream p(m_tmp.path());
        useKeys(p, secret);
        return p.run(arguments, timeoutMs);
    }

    QStringList base(const QString &dataDir) const
    {
        return {QStringLiteral("put"),        QStringLiteral("--json"),
                QStringLiteral("--data-dir"), dataDir,
                QStringLiteral("--endpoint"), m_server.endpoint().toString()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        if (!TusTestServer::nodeInstalled())
            QSKIP("node is not installed: the S3 server (s3rver) cannot run");
        QString why;
        QVERIFY2(m_server.start(&why, {QStringLiteral("bucket")}), qPrintable(why));
        bool ok = false;
        quint32 seed = qEnvironmentVariable("BT_CLI_SEED").toUInt(&ok);
        if (!ok)
            seed = QRandomGenerator::global()->generate();
        m_random.seed(seed);
        qInfo("random seed: %u (replay with BT_CLI_SEED=%u)", seed, seed);
    }

    void init() { m_server.clearRequests(); }

    void jsonProgressPerPart()
    {
        const QByteArray data = randomBytes(21 * MiB + 5, 1);
        const QString file = m_tmp.filePath(QStringLiteral("json.bin"));
        QVERIFY(writeFile(file, data));
        const RunResult r = run(base(m_tmp.filePath(QStringLiteral("d1")))
                                << QStringLiteral("--part-size") << QStringLiteral("5M")
                                << QStringLiteral("--limit-rate") << QStringLiteral("40M") << file
                                << QStringLiteral("s3://bucket/json/"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject result = resultObject(r);
        QVERIFY(result.value(QStringLiteral("ok")).toBool());
        QCOMPARE(result.value(QStringLiteral("uploadUrl")).toString(),
                 QStringLiteral("s3://bucket/json/json.bin"));
        QCOMPARE(sha256(m_server.object(QStringLiteral("bucket"), QStringLiteral("json/json.bin"))),
                 sha256(data));
        // Progress lists the 5 parts: [start, end, bytes sent].
        int withParts = 0;
        for (const QJsonObject &o : r.jsonLines()) {
            const QJsonArray segments = o.value(QStringLiteral("segments")).toArray();
            if (o.value(QStringLiteral("event")).toString() != QLatin1String("progress") ||
                segments.isEmpty())
                continue;
            ++withParts;
            QCOMPARE(segments.size(), 5);
            QCOMPARE(segments.at(4).toArray().at(0).toInteger(), 20 * MiB);
            QCOMPARE(segments.at(4).toArray().at(1).toInteger(), 21 * MiB + 5);
        }
        QVERIFY2(withParts > 0, qPrintable(r.describe()));
    }

    void sigkillThenTheSameCommand()
    {
        const qint64 size = 60 * MiB + 3;
        const QByteArray data = randomBytes(size, 2);
        const QString file = m_tmp.filePath(QStringLiteral("kill.bin"));
        QVERIFY(writeFile(file, data));
        const QString dataDir = m_tmp.filePath(QStringLiteral("d2"));
        const QStringList arguments = base(dataDir)
                                      << QStringLiteral("--part-size") << QStringLiteral("5M")
                                      << QStringLiteral("--limit-rate") << QStringLiteral("16M")
                                      << file << QStringLiteral("s3://bucket/kill.bin");
        // After each kill: the parts the store holds as confirmed, and where the request log
        // was; none of them may be sent again later.
        QHash<QString, QSet<int>> confirmed;          // upload id -> part numbers
        QList<QHash<QString, QSet<int>>> confirmedAt; // as it was after each kill
        QList<int> logMarks;
        int killed = 0;
        int stored = 0;
        // At least three kills, and until one came after a confirmed part (each kill misses
        // the first confirmation with a chance of about 0.3; six rounds at most).
        for (int round = 0; round < 6 && (killed < 3 || stored == 0); ++round) {
            Btstream p(m_tmp.path());
            useKeys(p);
            p.setArguments(arguments);
            p.start();
            QVERIFY(p.waitForStarted());
            // Two parts a wave, a wave about every 0.65 s: kills before, between and after
            // confirmations.
            QTest::qWait(400 + int(m_random.bounded(1200)));
            if (p.state() == QProcess::Running) {
                ::kill(pid_t(p.processId()), SIGKILL);
                ++killed;
            }
            const RunResult r = p.wait(10000);
            QVERIFY2(r.status == QProcess::CrashExit || r.exitCode == 0, qPrintable(r.describe()));
            TransferStore store;
            QVERIFY(store.open(dataDir));
            const QList<TransferRecord> rows = store.loadAll();
            QCOMPARE(rows.size(), 1);
            const QString id = rows.first().options.value(QStringLiteral("s3UploadId")).toString();
            for (const QVariant &part :
                 rows.first().options.value(QStringLiteral("s3Parts")).toList())
                confirmed[id].insert(part.toList().value(0).toInt());
            stored = 0;
            for (const QSet<int> &parts : std::as_const(confirmed))
                stored += int(parts.size());
            confirmedAt.append(confirmed);
            logMarks.append(int(m_server.requests().size()));
        }
        QVERIFY(killed >= 1);
        QVERIFY2(stored > 0, "no kill came after a confirmed part: nothing was tested");
        const RunResult r = run(arguments, QStringLiteral("S3RVER"), 60000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        const QStringList requests = m_server.requests();
        int round = 0;
        QHash<QString, QSet<int>> seenConfirmed;
        for (int i = 0; i < requests.size(); ++i) {
            while (round < logMarks.size() && i >= logMarks.at(round)) {
                // From here on, what the store held after this kill counts.
                seenConfirmed = confirmedAt.at(round);
                ++round;
            }
            const auto [id, number] = partOf(requests.at(i));
            QVERIFY2(id.isEmpty() || !seenConfirmed.value(id).contains(number),
                     qPrintable(QStringLiteral("part %1 of %2 sent again: %3")
                                    .arg(number)
                                    .arg(id, requests.join(QLatin1Char('\n')))));
        }
        QCOMPARE(m_server.objectKeys(QStringLiteral("bucket")).filter(QStringLiteral("kill.bin")),
                 QStringList{QStringLiteral("kill.bin")});
        QCOMPARE(sha256(m_server.object(QStringLiteral("bucket"), QStringLiteral("kill.bin"))),
                 sha256(data));
        // Done: the same command again is "already uploaded", nothing sent.
        m_server.clearRequests();
        const RunResult again = run(arguments);
        QCOMPARE(again.exitCode, 0);
        QVERIFY(m_server.requests().isEmpty());
    }

    void wrongSecretExitsWith4()
    {
        const QString file = m_tmp.filePath(QStringLiteral("secret.bin"));
        QVERIFY(writeFile(file, randomBytes(100000, 3)));
        const RunResult r =
            run({QStringLiteral("put"), QStringLiteral("--data-dir"),
                 m_tmp.filePath(QStringLiteral("d3")), QStringLiteral("--endpoint"),
                 m_server.endpoint().toString(), file, QStringLiteral("s3://bucket/s.bin")},
                QStringLiteral("wrong-secret"));
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains("403") && r.err.contains("SignatureDoesNotMatch") &&
                     r.err.contains("secret access key"),
                 qPrintable(r.describe()));
        QVERIFY(!r.err.contains("wrong-secret"));
    }

    void missingBucketExitsWith4()
    {
        const QString file = m_tmp.filePath(QStringLiteral("nobucket.bin"));
        QVERIFY(writeFile(file, randomBytes(1000, 4)));
        const RunResult r = run(base(m_tmp.filePath(QStringLiteral("d4")))
                                << file << QStringLiteral("s3://missing-bucket/x"));
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(resultObject(r)
                     .value(QStringLiteral("message"))
                     .toString()
                     .contains(QLatin1String("bucket missing-bucket does not exist")),
                 qPrintable(r.describe()));
    }

    void credentialsFromAProfile()
    {
        const QString credentials = m_tmp.filePath(QStringLiteral("credentials"));
        QVERIFY(writeFile(credentials, "[local]\naws_access_key_id = S3RVER\n"
                                       "aws_secret_access_key = S3RVER\n"));
        const QString file = m_tmp.filePath(QStringLiteral("profile.bin"));
        const QByteArray data = randomBytes(200000, 5);
        QVERIFY(writeFile(file, data));
        Btstream p(m_tmp.path());
        useKeys(p, QStringLiteral("wrong-secret")); // --profile wins over the environment
        QProcessEnvironment env = p.processEnvironment();
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), credentials);
        p.setProcessEnvironment(env);
        const RunResult r = p.run(base(m_tmp.filePath(QStringLiteral("d5")))
                                  << QStringLiteral("--profile") << QStringLiteral("local") << file
                                  << QStringLiteral("s3://bucket/profile.bin"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(sha256(m_server.object(QStringLiteral("bucket"), QStringLiteral("profile.bin"))),
                 sha256(data));
    }

    void folderAndFilesUnderAPrefix()
    {
        const QString root = m_tmp.filePath(QStringLiteral("tree"));
        QVERIFY(QDir(root).mkpath(QStringLiteral("sub/deep")));
        const QByteArray big = randomBytes(11 * MiB, 6);
        QVERIFY(writeFile(root + QStringLiteral("/a.txt"), "alpha\n"));
        QVERIFY(writeFile(root + QStringLiteral("/.hidden"), "h"));
        QVERIFY(writeFile(root + QStringLiteral("/sub/deep/big.bin"), big));
        const QString single = m_tmp.filePath(QStringLiteral("single.txt"));
        QVERIFY(writeFile(single, "one\n"));
        const QStringList arguments = base(m_tmp.filePath(QStringLiteral("d6")))
                                      << root << single << QStringLiteral("s3://bucket/up/");
        const RunResult r = run(arguments);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(m_server.objectKeys(QStringLiteral("bucket")).filter(QStringLiteral("up/")),
                 (QStringList{QStringLiteral("up/single.txt"), QStringLiteral("up/tree/.hidden"),
                              QStringLiteral("up/tree/a.txt"),
                              QStringLiteral("up/tree/sub/deep/big.bin")}));
        QCOMPARE(sha256(m_server.object(QStringLiteral("bucket"),
                                        QStringLiteral("up/tree/sub/deep/big.bin"))),
                 sha256(big));
        int results = 0;
        for (const QJsonObject &o : r.jsonLines())
            results += o.value(QStringLiteral("event")).toString() == QLatin1String("result");
        QCOMPARE(results, 4);
        // Again: each is already uploaded; nothing is sent.
        m_server.clearRequests();
        QCOMPARE(run(arguments).exitCode, 0);
        QVERIFY(m_server.requests().isEmpty());
        // A prefix is needed.
        QCOMPARE(run(base(m_tmp.filePath(QStringLiteral("d6")))
                     << root << QStringLiteral("s3://bucket/not-a-prefix"))
                     .exitCode,
                 2);
    }

    void usageErrors()
    {
        const QString file = m_tmp.filePath(QStringLiteral("usage.bin"));
        QVERIFY(writeFile(file, "x"));
        const QList<QStringList> bad = {
            {QStringLiteral("--part-size"), QStringLiteral("1M")},
            {QStringLiteral("--parallel"), QStringLiteral("0")},
            {QStringLiteral("--addressing"), QStringLiteral("sideways")},
            {QStringLiteral("--tus")},
            {QStringLiteral("--user"), QStringLiteral("a:b")},
            {QStringLiteral("--archive"), QStringLiteral("zip")},
        };
        for (const QStringList &extra : bad) {
            const RunResult r = run(QStringList{QStringLiteral("put")}
                                    << extra << file << QStringLiteral("s3://bucket/k"));
            QVERIFY2(r.exitCode == 2, qPrintable(extra.join(QLatin1Char(' ')) + r.describe()));
        }
        const RunResult r = run({QStringLiteral("put"), QStringLiteral("--region"),
                                 QStringLiteral("x"), file, QStringLiteral("http://127.0.0.1:1/")});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliS3)
#include "tst_cli_s3.moc"
