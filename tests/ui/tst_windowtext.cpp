// Layout and text as a new user reads them (offscreen, issue #10): nothing cut at the default
// sizes, readable bar text, plurals in English.
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "DetailsPane.h"
#include "MainWindow.h"
#include "ProgressDelegate.h"
#include "SettingsDialog.h"
#include "Translations.h"
#include "TrayIcon.h"
#include "UiTestEnv.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabBar>
#include <QTableWidget>
#include <QTextLayout>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

namespace {
// WCAG 2 contrast ratio of two colours (1..21).
double contrast(const QColor &a, const QColor &b)
{
    auto luminance = [](const QColor &c) {
        auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) +
               0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}
} // namespace

class TestWindowText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        uitest::isolateSettings();
        installTranslations(QCoreApplication::instance());
    }
    void init() { AppSettings().save(); }
    void checksumNotCut();
    void longErrorNotCut();
    void settingsDialogShowsAllTabs();
    void barTextReadable();
    void errorTextFitsTheCell();
    void englishPlurals();
    void trayNamesAPauseOnDiskError();
};

void TestWindowText::checksumNotCut()
{
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    DownloadRequest r = env.request(QStringLiteral("h.example"), 1);
    http::DigestValue d;
    d.algorithm = QCryptographicHash::Sha256;
    d.digest = QByteArray(32, '\xab');
    r.checksums.append(d);
    const qint64 id = env.queue->enqueue(r);
    MainWindow window(env.queue.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.selectIds({id});
    auto *label = window.details()->findChild<QLabel *>(QStringLiteral("detailsChecksum"));
    QVERIFY(label);
    QTRY_VERIFY(label->text().contains(QLatin1String("abababab")));
    // Every line of it fits the label at the window's default size (once laid out).
    auto widest = [label] {
        int w = 0;
        for (const QString &line : label->text().split(QLatin1Char('\n')))
            w = qMax(w, label->fontMetrics().horizontalAdvance(line));
        return w;
    };
    // Seen, not only laid out: the part of the label not clipped by what holds it.
    auto visible = [label] { return label->visibleRegion().boundingRect().width(); };
    QTRY_VERIFY2(widest() <= visible(), qPrintable(QStringLiteral("%1 px wide in %2 px: %3")
                                                       .arg(widest())
                                                       .arg(visible())
                                                       .arg(label->text())));
    QCOMPARE(window.size(), QSize(1100, 620));
}

// A checksum mismatch (two hashes) or a DNS error with a long host name: all of it shows in
// the details pane at the default window size.
void TestWindowText::longErrorNotCut()
{
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    const qint64 id = env.add(QStringLiteral("h.example"), 1);
    MainWindow window(env.queue.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(env.jobs.job(id));
    const QString message = QStringLiteral("Checksum mismatch: expected sha-256 %1, got %2.")
                                .arg(QString(64, QLatin1Char('3')), QString(64, QLatin1Char('8')));
    env.jobs.job(id)->finishError(ErrorCode::Integrity, message);
    QTRY_COMPARE(env.state(id), TransferState::Failed);
    window.selectIds({id});
    auto *label = window.details()->findChild<QLabel *>(QStringLiteral("detailsError"));
    QVERIFY(label);
    QTRY_COMPARE(label->toolTip(), message);
    QString shown = label->text();
    shown.remove(QChar(0x200b));
    QCOMPARE(shown, message);
    // Laid out: as tall as its wrapped lines need, and no line wider than the label.
    QTRY_VERIFY2(label->height() >= label->heightForWidth(label->width()),
                 qPrintable(QStringLiteral("%1 px high, needs %2")
                                .arg(label->height())
                                .arg(label->heightForWidth(label->width()))));
    QTextLayout layout(label->text(), label->font());
    QTextOption option;
    option.setWrapMode(QTextOption::WordWrap);
    layout.setTextOption(option);
    qreal widest = 0;
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(label->contentsRect().width());
        widest = qMax(widest, line.naturalTextWidth());
    }
    layout.endLayout();
    QVERIFY2(
        widest <= label->contentsRect().width(),
        qPrintable(QStringLiteral("%1 px in %2").arg(widest).arg(label->contentsRect().width())));
}

void TestWindowText::settingsDialogShowsAllTabs()
{
    SettingsDialog dialog(AppSettings::load());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *bar = dialog.findChild<QTabBar *>();
    QVERIFY(bar);
    QCOMPARE(bar->count(), 6);
    // No scroll arrows: the last tab ends inside the bar.
    QVERIFY2(bar->tabRect(bar->count() - 1).right() < bar->width(),
             qPrintable(QStringLiteral("tabs end at %1 in a %2 px bar")
                            .arg(bar->tabRect(bar->count() - 1).right())
                            .arg(bar->width())));
    // The longest extension list is not cut.
    QTableWidget *rules = dialog.rulesTable();
    bar->setCurrentIndex(4);
    QTRY_VERIFY(rules->isVisible());
    for (int row = 0; row < rules->rowCount(); ++row) {
        const QString text = rules->item(row, 1)->text();
        const int need = rules->fontMetrics().horizontalAdvance(text);
        QVERIFY2(
            need < rules->columnWidth(1),
            qPrintable(
                QStringLiteral("%1 px in %2: %3").arg(need).arg(rules->columnWidth(1)).arg(text)));
    }
    QVERIFY(rules->viewport()->width() >= rules->horizontalHeader()->length());
}

void TestWindowText::barTextReadable()
{
    for (TransferState state : {TransferState::Queued, TransferState::Paused,
                                TransferState::Completed, TransferState::Failed}) {
        const auto c = ProgressDelegate::colors(state);
        QVERIFY(c);
        QVERIFY2(contrast(c->bar, c->text) >= 4.5,
                 qPrintable(QStringLiteral("%1 on %2: %3")
                                .arg(c->text.name(), c->bar.name())
                                .arg(contrast(c->bar, c->text))));
    }
    const auto amber = ProgressDelegate::colors(TransferState::Paused, true); // on an error
    QVERIFY(amber && contrast(amber->bar, amber->text) >= 4.5);
    QVERIFY(amber->bar != ProgressDelegate::colors(TransferState::Paused)->bar);
    QVERIFY(!ProgressDelegate::colors(TransferState::Active)); // the style's
}

void TestWindowText::errorTextFitsTheCell()
{
    const QFontMetrics metrics(QApplication::font());
    const QString error = QStringLiteral("Host not found: mirror.very-long-host-name.example.org "
                                         "(temporary failure in name resolution)\nsecond line");
    const QString shown = ProgressDelegate::fittedText(error, metrics, 150);
    QVERIFY(shown.size() < error.size());
    QVERIFY(shown.endsWith(QChar(0x2026)));
    QVERIFY(!shown.contains(QLatin1Char('\n')));
    QVERIFY(metrics.horizontalAdvance(shown) <= 150);
    QCOMPARE(ProgressDelegate::fittedText(QStringLiteral("42%"), metrics, 150),
             QStringLiteral("42%"));
}

void TestWindowText::englishPlurals()
{
    QCOMPARE(QCoreApplication::translate("bt::ui::MainWindow",
                                         "Remove %n transfer(s) and delete the downloaded "
                                         "file(s) from the disk?",
                                         nullptr, 1),
             QStringLiteral("Remove 1 transfer and delete the downloaded file from the disk?"));
    // In the window: the status line after adding one download.
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    AddDownloadDialog *dialog = window.openAddDialog({QUrl(QStringLiteral("https://e.org/a"))});
    dialog->folderEdit()->setText(env.dir.path());
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Added 1 download"));
    QTRY_VERIFY(!window.findChild<AddDownloadDialog *>());
    dialog = window.openAddDialog(
        {QUrl(QStringLiteral("https://e.org/b")), QUrl(QStringLiteral("https://e.org/c"))});
    QTRY_VERIFY(dialog->buttons()->button(QDialogButtonBox::Ok)->isEnabled());
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Added 2 downloads"));
}

// The tray says what the row says: a disk error pauses, it does not fail.
void TestWindowText::trayNamesAPauseOnDiskError()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    MainWindow window(env.queue.get());
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    const qint64 b = env.add(QStringLiteral("b.example"), 2);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(b));
    QSignalSpy notified(window.tray(), &TrayIcon::notified);
    env.jobs.job(a)->finishError(ErrorCode::DiskFull, QStringLiteral("Disk full while writing x"));
    QTRY_COMPARE(notified.size(), 1);
    QCOMPARE(notified[0][0].toString(), QStringLiteral("Paused: disk full"));
    QVERIFY(notified[0][1].toString().contains(QLatin1String("Resume")));
    env.jobs.job(b)->finishError(ErrorCode::HttpPermanent, QStringLiteral("404 Not Found"));
    QTRY_COMPARE(notified.size(), 2);
    QCOMPARE(notified[1][0].toString(), QStringLiteral("Transfer failed"));
}

QTEST_MAIN(TestWindowText)
#include "tst_windowtext.moc"
