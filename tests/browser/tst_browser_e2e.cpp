// End to end in a real browser: Debian's chromium (headless, puppeteer-core: e2e.js) with the
// unpacked extension and this build's native messaging host, and btfilestream running
// offscreen with [browser] startAtOnce=true. e2e.js checks the browser's side (the browser's
// own download cancelled and erased, the cookie, the context menu, the fallback without a
// host); this test checks what BTFileStream kept: the files byte-exact and their store rows.
#include "ipc/SingleInstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestBrowserE2e : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void downloadsGoToBTFileStream_data();
    void downloadsGoToBTFileStream();
    void cleanup();

private:
    QString m_node;
    QProcess m_program;
};

void TestBrowserE2e::initTestCase()
{
    m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (m_node.isEmpty())
        QSKIP("node is not installed (scripts/setup.sh --test)");
    if (!QFile::exists(QStringLiteral(BT_SOURCE_DIR "/tests/browser/node_modules/puppeteer-core")))
        QSKIP("puppeteer-core is not installed (tests/browser/ensure-deps.sh)");
}

void TestBrowserE2e::downloadsGoToBTFileStream_data()
{
    QTest::addColumn<QString>("browser");
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("caught"); // downloads BTFileStream must have
    QTest::newRow("chromium") << qEnvironmentVariable("CHROMIUM",
                                                      QStringLiteral("/usr/bin/chromium"))
                              << QStringLiteral("e2e.js") << 3; // click, cookie, context menu
    QTest::newRow("firefox-esr") << qEnvironmentVariable("FIREFOX",
                                                         QStringLiteral("/usr/bin/firefox-esr"))
                                 << QStringLiteral("e2e-firefox.js") << 2; // click, cookie
}

void TestBrowserE2e::cleanup()
{
    if (m_program.state() != QProcess::NotRunning) {
        m_program.terminate();
        if (!m_program.waitForFinished(10000))
            m_program.kill();
        m_program.waitForFinished(5000);
    }
}

void TestBrowserE2e::downloadsGoToBTFileStream()
{
    QFETCH(QString, browser);
    QFETCH(QString, script);
    QFETCH(int, caught);
    if (!QFile::exists(browser))
        QSKIP(qPrintable(browser + QStringLiteral(" is not installed (scripts/setup.sh --test)")));
    QTemporaryDir work;
    const QString config = work.filePath(QStringLiteral("config"));
    const QString data = work.filePath(QStringLiteral("data"));
    const QString downloads = work.filePath(QStringLiteral("bt-downloads"));
    {
        QSettings conf(config + QStringLiteral("/BTFileStream/btfilestream.conf"),
                       QSettings::IniFormat);
        conf.setValue(QStringLiteral("downloads/folder"), downloads);
        conf.setValue(QStringLiteral("browser/startAtOnce"), true);
    }
    // One environment for the program, the browser, the host the browser starts, and the
    // program's single-instance name the host computes from it.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("BTSTREAM_DATA_DIR"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config);
    env.insert(QStringLiteral("XDG_DATA_HOME"), data);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

    m_program.setProcessEnvironment(env);
    m_program.setProcessChannelMode(QProcess::ForwardedChannels);
    m_program.start(QStringLiteral(BT_BINARY_DIR "/app/gui/btfilestream"),
                    {QStringLiteral("--hidden")});
    QVERIFY(m_program.waitForStarted());
    const QString dataDir = data + QStringLiteral("/btfilestream");
    bt::SingleInstance probe(bt::SingleInstance::keyFor(dataDir));
    QTRY_VERIFY_WITH_TIMEOUT(probe.isRunning(200), 20000); // listening: the store is open

    QProcess node;
    QProcessEnvironment nodeEnv = env;
    nodeEnv.insert(QStringLiteral("CHROMIUM"), browser);
    nodeEnv.insert(QStringLiteral("FIREFOX"), browser);
    nodeEnv.insert(QStringLiteral("BT_EXTENSION_DIR"),
                   QStringLiteral(BT_SOURCE_DIR "/browser/extension"));
    nodeEnv.insert(QStringLiteral("BT_HOST_MANIFEST"),
                   QStringLiteral(BT_BINARY_DIR "/browser/build-tree/chromium.json"));
    nodeEnv.insert(QStringLiteral("BT_FIREFOX_HOST_MANIFEST"),
                   QStringLiteral(BT_BINARY_DIR "/browser/build-tree/firefox.json"));
    nodeEnv.insert(QStringLiteral("BT_DOWNLOAD_DIR"), downloads);
    nodeEnv.insert(QStringLiteral("E2E_WORK"), work.filePath(QStringLiteral("e2e")));
    const QByteArray shots = qgetenv("E2E_SCREENSHOTS"); // docs/screenshots, by hand
    if (!shots.isEmpty())
        nodeEnv.insert(QStringLiteral("E2E_SCREENSHOTS"), QString::fromLocal8Bit(shots));
    node.setProcessEnvironment(nodeEnv);
    node.setProcessChannelMode(QProcess::SeparateChannels);
    node.start(m_node, {QStringLiteral(BT_SOURCE_DIR "/tests/browser/") + script});
    QVERIFY(node.waitForStarted());
    if (!node.waitForFinished(150000)) {
        node.terminate(); // puppeteer closes its browser on SIGTERM; a SIGKILL would orphan it
        node.waitForFinished(15000);
        QFAIL("the browser test did not finish in 150 s");
    }
    const QByteArray err = node.readAllStandardError();
    if (node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0)
        qWarning().noquote() << err; // the browser's log too with E2E_DUMPIO=1
    QCOMPARE(node.exitStatus(), QProcess::NormalExit);
    QCOMPARE(node.exitCode(), 0);
    const QJsonObject result = QJsonDocument::fromJson(node.readAllStandardOutput()).object();
    const QJsonArray cases = result.value(QStringLiteral("cases")).toArray();
    QCOMPARE(cases.size(), caught); // the fallback stayed in the browser

    // The files, byte-exact, and nothing else (no .part left, not the fallback).
    QStringList names;
    for (const QJsonValue &c : cases) {
        const QString name = c[QStringLiteral("name")].toString();
        names.append(name);
        QFile f(downloads + QLatin1Char('/') + name);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(name));
        QCOMPARE(QString::fromLatin1(
                     QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex()),
                 c[QStringLiteral("sha256")].toString());
    }
    names.sort();
    QCOMPARE(QDir(downloads).entryList(QDir::Files | QDir::Hidden), names);

    // Their rows: completed, at that path, the browser's cookie kept for a resume.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("e2e"));
    db.setDatabaseName(dataDir + QStringLiteral("/transfers.sqlite"));
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    QVERIFY(db.open());
    for (const QJsonValue &c : cases) {
        const QString url = c[QStringLiteral("url")].toString();
        const QString path = downloads + QLatin1Char('/') + c[QStringLiteral("name")].toString();
        // The program commits "completed" just after the rename the browser side saw.
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("SELECT state, destination, options FROM transfers "
                                         "WHERE url = ?"));
                q.addBindValue(url);
                return q.exec() && q.next() && q.value(0).toInt() == 4 &&
                       q.value(1).toString() == path &&
                       q.value(2).toString().contains(QLatin1String("session=e2e-secret"));
            }(),
            qPrintable(url), 10000);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("e2e"));
}

QTEST_GUILESS_MAIN(TestBrowserE2e)
#include "tst_browser_e2e.moc"
