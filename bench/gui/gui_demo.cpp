// The window with real transfers, for looking at it and for screenshots (not a test).
//   gui_demo DATA_DIR BASE_URL [main|add|tray|settings|settings-N (tab N)]
//   gui_demo DATA_DIR S3_ENDPOINT s3|s3-settings
// BASE_URL serves slow files (bench/gui/throttled_server.py). Run under Xvfb; see shots.sh.
// s3: a 60 MiB multipart upload to the bucket "bucket" at S3_ENDPOINT (tests/servers/s3, keys
// in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), selected, at 4 MiB/s; s3-settings: with the
// settings' Uploads tab open (the S3 target of the settings file first).
#include "AddDownloadDialog.h"
#include "MainWindow.h"
#include "QueueWait.h"
#include "TrayIcon.h"
#include "queue/QueueManager.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QScreen>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

using namespace bt;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: gui_demo DATA_DIR BASE_URL [main|add|tray|settings]\n");
        return 2;
    }
    const QString dataDir = QString::fromLocal8Bit(argv[1]);
    const QString base = QString::fromLocal8Bit(argv[2]);
    const QString mode = argc > 3 ? QString::fromLocal8Bit(argv[3]) : QStringLiteral("main");
    QueueManager queue;
    Error error;
    if (!queuetest::openQueue(queue, dataDir, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error.message));
        return 1;
    }
    ui::MainWindow window(&queue);
    queue.setMaxActive(4);
    queue.setMaxPerHost(0); // every demo file comes from 127.0.0.1
    const bool s3 = mode.startsWith(QLatin1String("s3"));
    if (s3 && queue.count() == 0) {
        QFile file(dataDir + QStringLiteral("/holiday-video.mkv"));
        if (!file.open(QIODevice::WriteOnly) || !file.resize(60 << 20))
            return 1;
        UploadRequest r;
        r.sourcePath = file.fileName();
        r.method = UploadRequest::Method::S3;
        r.url = QUrl(QStringLiteral("s3://bucket/videos/"));
        r.s3Endpoint = base;
        r.partSize = 5 << 20;
        queue.enqueueUploads({r});
        queue.setSpeedLimits({0, 4 << 20, 0});
    }
    if (!s3 && queue.count() == 0) {
        const QString dir = dataDir + QStringLiteral("/downloads");
        QDir().mkpath(dir);
        struct Item
        {
            const char *name;
            qint64 size;
            qint64 rate;
        };
        const Item items[] = {
            {"release-notes.pdf", 300000, 5000000},
            {"debian-12.5.0-amd64-netinst.iso", 40 << 20, 2400000},
            {"big-buck-bunny-1080p.mkv", 30 << 20, 900000},
            {"linux-6.8.tar.xz", 20 << 20, 350000},
            {"dataset-2024.parquet", 90 << 20, 250000},
            {"photos-backup.zip", 1200 << 20, 400000},
            {"firmware.bin", 50 << 20, 400000},
        };
        QList<DownloadRequest> requests;
        for (const Item &it : items) {
            DownloadRequest r;
            r.url = QUrl(QStringLiteral("%1/%2?size=%3&rate=%4")
                             .arg(base, QLatin1String(it.name))
                             .arg(it.size)
                             .arg(it.rate));
            r.directory = dir;
            r.connections = 1;
            requests.append(r);
        }
        // The selected one shows an expected checksum in the details pane.
        http::DigestValue sum;
        sum.algorithm = QCryptographicHash::Sha256;
        sum.digest =
            QByteArray::fromHex("3f1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809");
        requests[1].checksums.append(sum);
        // BT_DEMO_FULL_DIR (a tiny tmpfs): a download the queue pauses on "disk full".
        if (const QString full = qEnvironmentVariable("BT_DEMO_FULL_DIR"); !full.isEmpty()) {
            DownloadRequest r = requests[3];
            r.directory = full;
            r.url = QUrl(QStringLiteral("%1/video-4k.mkv?size=%2&rate=%3")
                             .arg(base)
                             .arg(8 << 20)
                             .arg(4000000));
            requests.append(r);
        }
        DownloadRequest missing;
        missing.url = QUrl(base + QStringLiteral("/old-mirror/archive.tar.gz?status=404"));
        missing.directory = dir;
        missing.retries = 0;
        requests.insert(2, missing);
        const QList<qint64> ids = queue.enqueue(requests);
        queue.pause({ids.value(6)});
    }
    QObject::connect(&queue, &QueueManager::transferFinished, [](const TransferResult &r) {
        if (r.error.isError())
            std::fprintf(stderr, "transfer %lld: %s\n", r.id, qPrintable(r.error.message));
    });
    window.setGeometry(window.screen()->availableGeometry());
    window.show();
    // A running download selected, so that the details pane shows its graph and segments.
    QTimer::singleShot(500, &window, [&] { window.selectIds({queue.ids().value(s3 ? 0 : 1)}); });
    // With BT_DEMO_FULL_DIR: a download paused by the person midway (a grey bar with text).
    if (qEnvironmentVariableIsSet("BT_DEMO_FULL_DIR"))
        QTimer::singleShot(6000, &window, [&] { queue.pause({queue.ids().value(5)}); });
    QTimer::singleShot(9000, &window, [&] {
        if (mode == QLatin1String("s3-settings")) {
            window.showSettings();
            for (QTabWidget *tabs : window.findChildren<QTabWidget *>())
                tabs->setCurrentIndex(3);
        } else if (mode == QLatin1String("add")) {
            window.openAddDialog({QUrl(QStringLiteral("https://cdimage.debian.org/debian-cd/"
                                                      "current/amd64/iso-cd/"
                                                      "debian-12.5.0-amd64-netinst.iso")),
                                  QUrl(QStringLiteral("https://example.org/files/report.pdf"))});
        } else if (mode == QLatin1String("tray")) {
            QMenu *menu = window.tray()->menu();
            const QRect screen = window.screen()->geometry();
            const QSize size = menu->sizeHint();
            menu->popup(
                QPoint(screen.right() - size.width() - 20, screen.bottom() - size.height() - 20));
        } else if (mode.startsWith(QLatin1String("settings"))) {
            window.showSettings();
            // "settings-N": that tab of the dialog (settings-2: Network).
            const int tab = mode.section(QLatin1Char('-'), 1).toInt();
            for (QTabWidget *tabs : window.findChildren<QTabWidget *>())
                tabs->setCurrentIndex(tab);
        }
        std::printf("READY\n");
        std::fflush(stdout);
    });
    const int rc = QApplication::exec();
    queuetest::shutDownQueue(queue);
    return rc;
}
