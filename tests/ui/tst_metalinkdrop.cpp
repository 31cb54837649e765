// A Metalink file dropped on the main window adds one download a <file>, with its mirrors,
// hashes and pieces stored for its resumes; a malformed one adds nothing and says why.
#include "AppSettings.h"
#include "MainWindow.h"
#include "TransferModel.h"
#include "UiTestEnv.h"
#include "queue/RequestCodec.h"

#include <QFile>
#include <QMimeData>
#include <QStatusBar>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

class TestMetalinkDrop : public QObject
{
    Q_OBJECT
private:
    static void dropFile(MainWindow &window, const QString &path)
    {
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        const QPoint pos = window.rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &drop);
        QVERIFY(drop.isAccepted());
    }

    static QString write(const QString &path, const QByteArray &data)
    {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(data) == data.size() ? path
                                                                                  : QString();
    }

private Q_SLOTS:
    void initTestCase() { uitest::isolateSettings(); }

    void dropAddsItsFiles()
    {
        QueueEnv env;
        QVERIFY(env.open());
        AppSettings settings;
        settings.downloadFolder = env.dir.filePath(QStringLiteral("downloads"));
        settings.save();
        MainWindow window(env.queue.get());
        const QByteArray sha(64, 'a');
        const QString path =
            write(env.dir.filePath(QStringLiteral("set.meta4")),
                  "<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">"
                  "<file name=\"one.iso\"><size>10</size><hash type=\"sha-256\">" +
                      sha +
                      "</hash><url priority=\"1\">http://a.example/one.iso</url>"
                      "<url priority=\"2\">http://b.example/one.iso</url></file>"
                      "<file name=\"disc/two.iso\"><url>http://a.example/two.iso</url></file>"
                      "</metalink>");
        QVERIFY(!path.isEmpty());
        QSignalSpy added(env.queue.get(), &QueueManager::added);
        dropFile(window, path);
        QTRY_COMPARE(added.size(), 2);
        const auto one = env.queue->record(added.at(0).at(0).toLongLong());
        const auto two = env.queue->record(added.at(1).at(0).toLongLong());
        QVERIFY(one && two);
        const DownloadRequest first = requestcodec::fromRecord(*one);
        QCOMPARE(first.url, QUrl(QStringLiteral("http://a.example/one.iso")));
        QCOMPARE(first.mirrors, QList<QUrl>{QUrl(QStringLiteral("http://b.example/one.iso"))});
        QCOMPARE(first.expectedSize, 10);
        QCOMPARE(first.checksums.size(), 1);
        QCOMPARE(first.fileName, QStringLiteral("one.iso"));
        QCOMPARE(two->directory, QDir(settings.downloadFolder).filePath(QStringLiteral("disc")));
        QCOMPARE(two->requestedName, QStringLiteral("two.iso"));
    }

    void malformedAddsNothing()
    {
        QueueEnv env;
        QVERIFY(env.open());
        MainWindow window(env.queue.get());
        const QString path =
            write(env.dir.filePath(QStringLiteral("bad.metalink")), "<metalink><file name=");
        QSignalSpy added(env.queue.get(), &QueueManager::added);
        dropFile(window, path);
        QTRY_VERIFY(window.statusBar()->currentMessage().contains(QLatin1String("bad.metalink")));
        QVERIFY(added.isEmpty());
        QCOMPARE(window.model()->rowCount(), 0);
    }
};

QTEST_MAIN(TestMetalinkDrop)
#include "tst_metalinkdrop.moc"
