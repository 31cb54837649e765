// Downloads from the browser extension in the program: started at once ([browser]
// startAtOnce), or the add dialog prefilled (one link; a list to tick for several), always with
// the browser's cookies, agent and referrer; and the user's host manifests (install, remove).
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "BrowserCatcher.h"
#include "BrowserIntegration.h"
#include "MainWindow.h"
#include "UiTestEnv.h"
#include "ipc/BrowserRequest.h"
#include "queue/RequestCodec.h"

#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace bt;
using namespace bt::ui;
using bt::queuetest::QueueEnv;

namespace {

QJsonObject downloadMessage()
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("download")},
                       {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9/get?id=7")},
                       {QStringLiteral("referrer"), QStringLiteral("http://127.0.0.1:9/page.html")},
                       {QStringLiteral("userAgent"), QStringLiteral("TestBrowser/1.0")},
                       {QStringLiteral("fileName"), QStringLiteral("report.pdf")},
                       {QStringLiteral("cookies"),
                        QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("sid")},
                                               {QStringLiteral("value"), QStringLiteral("abc")}}}}};
}

QStringList argumentsOf(const QJsonObject &message)
{
    QString error;
    const auto r = BrowserRequest::fromJson(message, &error);
    if (!r)
        qFatal("bad test message: %s", qPrintable(error));
    return r->toArguments();
}

void setStartAtOnce(bool on)
{
    AppSettings s = AppSettings::load();
    s.browserStartAtOnce = on;
    s.save();
}

} // namespace

class TestBrowserCatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { bt::uitest::isolateSettings(); }
    void otherArgumentsAreNotTaken();
    void startsAtOnceWithTheBrowsersHeaders();
    void opensThePrefilledDialog();
    void severalLinksAreTicked();
    void settingIsReadFromTheBrowserGroup();
    void installsAndRemovesUserManifests();
    void chromiumIdComesFromTheManifestKey();
};

void TestBrowserCatcher::otherArgumentsAreNotTaken()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    BrowserCatcher catcher(&window, env.queue.get());
    QVERIFY(!catcher.take({QStringLiteral("https://example.org/a")}));
    QVERIFY(!catcher.take({}));
    // From the browser but refused (nothing reaches the queue, nothing crashes).
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    QVERIFY(catcher.take({QStringLiteral("--browser-request"), QStringLiteral("{nope")}));
    QVERIFY(catcher.take(
        {QStringLiteral("--browser-request"), QStringLiteral("{\"type\":\"download\"}")}));
    QCOMPARE(added.size(), 0);
    QVERIFY(!window.findChild<AddDownloadDialog *>());
}

void TestBrowserCatcher::startsAtOnceWithTheBrowsersHeaders()
{
    setStartAtOnce(true);
    QueueEnv env;
    QVERIFY(env.open());
    AppSettings s = AppSettings::load();
    s.downloadFolder = env.dir.filePath(QStringLiteral("browser-downloads"));
    s.save();
    MainWindow window(env.queue.get());
    BrowserCatcher catcher(&window, env.queue.get());
    QSignalSpy started(&catcher, &BrowserCatcher::started);
    QVERIFY(catcher.take(argumentsOf(downloadMessage())));
    QCOMPARE(started.size(), 1);
    const QList<qint64> ids = started[0][0].value<QList<qint64>>();
    QCOMPARE(ids.size(), 1);
    QVERIFY(!window.findChild<AddDownloadDialog *>()); // no dialog
    QTRY_VERIFY(env.jobs.job(ids[0]));                 // it runs
    const auto record = env.queue->record(ids[0]);
    QVERIFY(record);
    const DownloadRequest request = requestcodec::fromRecord(*record);
    QCOMPARE(request.url, QUrl(QStringLiteral("http://127.0.0.1:9/get?id=7")));
    QCOMPARE(request.directory, s.downloadFolder);
    QVERIFY(request.fileName.isEmpty()); // the server names it, as it did for the browser
    const QList<QPair<QByteArray, QByteArray>> headers{{"User-Agent", "TestBrowser/1.0"},
                                                       {"Referer", "http://127.0.0.1:9/page.html"},
                                                       {"Cookie", "sid=abc"}};
    QCOMPARE(request.headers, headers);
    setStartAtOnce(false);
}

void TestBrowserCatcher::opensThePrefilledDialog()
{
    setStartAtOnce(false);
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    BrowserCatcher catcher(&window, env.queue.get());
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    QVERIFY(catcher.take(argumentsOf(downloadMessage())));
    QCOMPARE(added.size(), 0);
    auto *dialog = window.findChild<AddDownloadDialog *>(QStringLiteral("browserDialog"));
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->urls(), QList<QUrl>{QUrl(QStringLiteral("http://127.0.0.1:9/get?id=7"))});
    QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("report.pdf"));
    dialog->folderEdit()->setText(env.dir.path());
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(added.size(), 1);
    const qint64 id = added[0][0].toLongLong();
    const auto record = env.queue->record(id);
    QVERIFY(record);
    const DownloadRequest request = requestcodec::fromRecord(*record);
    QCOMPARE(request.fileName, QStringLiteral("report.pdf"));
    QVERIFY(request.headers.contains(qMakePair(QByteArray("Cookie"), QByteArray("sid=abc"))));
}

void TestBrowserCatcher::severalLinksAreTicked()
{
    setStartAtOnce(true); // a list is always chosen from, even with startAtOnce
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    BrowserCatcher catcher(&window, env.queue.get());
    QJsonArray links;
    for (int i = 0; i < 3; ++i)
        links.append(QJsonObject{
            {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9/f%1.zip").arg(i)},
            {QStringLiteral("cookies"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("n%1").arg(i)},
                                    {QStringLiteral("value"), QStringLiteral("v")}}}}});
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    QVERIFY(catcher.take(argumentsOf(
        {{QStringLiteral("type"), QStringLiteral("links")}, {QStringLiteral("links"), links}})));
    auto *dialog = window.findChild<AddDownloadDialog *>(QStringLiteral("browserDialog"));
    QVERIFY(dialog);
    QListWidget *list = dialog->linkList();
    QVERIFY(list->isVisible());
    QVERIFY(!dialog->urlEdit()->isVisible());
    QCOMPARE(list->count(), 3);
    list->item(1)->setCheckState(Qt::Unchecked);
    QCOMPARE(dialog->urls().size(), 2);
    dialog->folderEdit()->setText(env.dir.path());
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(added.size(), 2);
    QStringList got;
    for (const auto &signal : std::as_const(added)) {
        const auto record = env.queue->record(signal[0].toLongLong());
        QVERIFY(record);
        const DownloadRequest r = requestcodec::fromRecord(*record);
        got.append(r.url.fileName() + QLatin1Char(' ') +
                   QString::fromUtf8(r.headers.value(0).second));
    }
    got.sort();
    // Each link with its own cookies.
    QCOMPARE(got, (QStringList{QStringLiteral("f0.zip n0=v"), QStringLiteral("f2.zip n2=v")}));
    setStartAtOnce(false);
}

void TestBrowserCatcher::settingIsReadFromTheBrowserGroup()
{
    // Scripted setups write the file by hand: [browser] startAtOnce=true.
    QSettings file(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("BTFileStream"),
                   QStringLiteral("btfilestream"));
    QVERIFY(file.fileName().endsWith(QLatin1String("BTFileStream/btfilestream.conf")));
    file.setValue(QStringLiteral("browser/startAtOnce"), true);
    file.sync();
    QVERIFY(AppSettings::load().browserStartAtOnce);
    file.setValue(QStringLiteral("browser/startAtOnce"), false);
    file.sync();
    QVERIFY(!AppSettings::load().browserStartAtOnce);
}

void TestBrowserCatcher::installsAndRemovesUserManifests()
{
    QTemporaryDir home;
    const QByteArray oldHome = qgetenv("HOME");
    qputenv("HOME", home.path().toUtf8());
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral(".config")).toUtf8());
    const QString host = QStringLiteral("/opt/bt \"x\"/btfilestream-browser-host");
    QStringList written;
    QString error;
    QVERIFY2(BrowserIntegration::install(host, &written, &error), qPrintable(error));
    const QStringList expected{
        home.filePath(QStringLiteral(".config/chromium/NativeMessagingHosts/"
                                     "io.github.btfilestream.json")),
        home.filePath(QStringLiteral(".config/google-chrome/NativeMessagingHosts/"
                                     "io.github.btfilestream.json")),
        home.filePath(QStringLiteral(".mozilla/native-messaging-hosts/"
                                     "io.github.btfilestream.json"))};
    QCOMPARE(written, expected);
    for (const QString &path : expected) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonParseError parseError;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        QCOMPARE(o.value(QStringLiteral("name")).toString(),
                 QStringLiteral("io.github.btfilestream"));
        QCOMPARE(o.value(QStringLiteral("path")).toString(), host);
        QCOMPARE(o.value(QStringLiteral("type")).toString(), QStringLiteral("stdio"));
        const bool firefox = path.contains(QLatin1String(".mozilla"));
        const QJsonArray allowed = o.value(firefox ? QStringLiteral("allowed_extensions")
                                                   : QStringLiteral("allowed_origins"))
                                       .toArray();
        QCOMPARE(allowed.size(), 1);
        QCOMPARE(allowed[0].toString(),
                 firefox ? QStringLiteral(BT_GECKO_EXTENSION_ID)
                         : QStringLiteral("chrome-extension://" BT_CHROMIUM_EXTENSION_ID "/"));
    }
    QStringList removed;
    QVERIFY2(BrowserIntegration::uninstall(&removed, &error), qPrintable(error));
    QCOMPARE(removed, expected);
    for (const QString &path : expected)
        QVERIFY(!QFile::exists(path));
    removed.clear();
    QVERIFY(BrowserIntegration::uninstall(&removed, &error)); // nothing left: fine
    QVERIFY(removed.isEmpty());
    qputenv("HOME", oldHome);
    bt::uitest::isolateSettings();
}

// Chromium derives an unpacked extension's id from the manifest's "key" (the SHA-256 of the
// public key, first 32 hex digits as a-p): the host manifests allow exactly that id.
void TestBrowserCatcher::chromiumIdComesFromTheManifestKey()
{
    QFile f(QStringLiteral(BT_SOURCE_DIR "/browser/extension/manifest.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject manifest = QJsonDocument::fromJson(f.readAll()).object();
    const QByteArray key =
        QByteArray::fromBase64(manifest.value(QStringLiteral("key")).toString().toLatin1());
    QVERIFY(!key.isEmpty());
    QByteArray id = QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(32);
    for (char &c : id)
        c = char('a' + QByteArray(1, c).toInt(nullptr, 16));
    QCOMPARE(id, QByteArray(BT_CHROMIUM_EXTENSION_ID));
    QCOMPARE(manifest.value(QStringLiteral("browser_specific_settings"))
                 .toObject()
                 .value(QStringLiteral("gecko"))
                 .toObject()
                 .value(QStringLiteral("id"))
                 .toString(),
             QStringLiteral(BT_GECKO_EXTENSION_ID));
}

QTEST_MAIN(TestBrowserCatcher)
#include "tst_browsercatcher.moc"
