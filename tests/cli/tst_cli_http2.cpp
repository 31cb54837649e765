// btstream get from a server that offers HTTP/2 (nginx "listen ... ssl http2"): the downloads
// speak HTTP/2, the bytes are exact with one and with several connections, and several
// connections are several TCP connections (segments are not streams of one: CurlMulti.cpp). The
// access log tells the protocol and the connection of every request. tests/net/tst_curlreply checks
// that an HTTP/2 download that is not read stops instead of filling memory.
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "TlsServers.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

class TestCliHttp2 : public QObject
{
    Q_OBJECT
private:
    TlsServers m_servers;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_small;
    QByteArray m_large;

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }

    RunResult get(const QStringList &extra)
    {
        Btstream p(m_tmp->path());
        return p.run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                 QStringLiteral("-d"), out(), QStringLiteral("--cacert"),
                                 m_servers.caFile()} +
                     extra);
    }

    // The log lines of requests for `path` (nginx logs a request when it ends).
    QList<AccessLogLine> requestsFor(const QByteArray &path) const
    {
        QList<AccessLogLine> lines;
        for (const AccessLogLine &line : m_servers.log()) {
            if (line.port == m_servers.good && line.request.contains(" " + path + " "))
                lines.append(line);
        }
        return lines;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString whyNot;
        if (!m_servers.start(&whyNot))
            QSKIP(qPrintable(whyNot));
        m_small = makeTestData(3 * 1024 * 1024 + 5, 31);
        m_large = makeTestData(32 * 1024 * 1024 + 11, 32);
        QVERIFY(m_servers.writeFile(QStringLiteral("small.bin"), m_small));
        QVERIFY(m_servers.writeFile(QStringLiteral("one.bin"), m_small));
        QVERIFY(m_servers.writeFile(QStringLiteral("large.bin"), m_large));
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
    }

    void oneConnection()
    {
        const RunResult r = get({QStringLiteral("--connections"), QStringLiteral("1"),
                                 TlsServers::url(m_servers.good, QStringLiteral("/one.bin"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("one.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/one.bin")), sha256Hex(m_small));
        QTRY_VERIFY(!requestsFor("/one.bin").isEmpty());
        for (const AccessLogLine &line : requestsFor("/one.bin"))
            QCOMPARE(line.protocol, QByteArray("HTTP/2.0"));
    }

    void fourConnections()
    {
        const RunResult r = get({QStringLiteral("--connections"), QStringLiteral("4"),
                                 TlsServers::url(m_servers.good, QStringLiteral("/large.bin"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("large.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/large.bin")), sha256Hex(m_large));
        // Every segment on a TCP connection of its own, each speaking HTTP/2 (as streams of one
        // connection, a per-connection throttle or congestion window would hold them all).
        const auto ranged206 = [this] {
            int n = 0;
            for (const AccessLogLine &line : requestsFor("/large.bin"))
                n += line.status == 206 ? 1 : 0;
            return n;
        };
        QTRY_VERIFY2(ranged206() >= 4, qPrintable(QString::number(ranged206())));
        const QList<AccessLogLine> lines = requestsFor("/large.bin");
        QSet<qint64> connections;
        for (const AccessLogLine &line : lines) {
            QCOMPARE(line.protocol, QByteArray("HTTP/2.0"));
            connections.insert(line.connection);
        }
        QVERIFY2(connections.size() >= 4, qPrintable(QString::number(connections.size())));
    }
};

QTEST_GUILESS_MAIN(TestCliHttp2)
#include "tst_cli_http2.moc"
