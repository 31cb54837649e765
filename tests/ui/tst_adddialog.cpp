// The add dialog and the queue defaults as a new user meets them (offscreen, issue #10):
// Return adds a single URL, the per-host cap agrees with "at once".
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "UiTestEnv.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::ui;

class TestAddDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { uitest::isolateSettings(); }
    void init() { AppSettings().save(); }
    void perHostDefaultAgreesWithAtOnce();
    void returnAddsOneUrl();
    void returnWithSeveralUrlsAddsALine();
};

void TestAddDialog::perHostDefaultAgreesWithAtOnce()
{
    const AppSettings defaults;
    QVERIFY(defaults.maxPerHost == 0 || defaults.maxPerHost >= defaults.maxActive);
    QueueManager queue;
    QVERIFY(queue.maxPerHost() == 0 || queue.maxPerHost() >= queue.maxActive());
    // The dialog says when the per-host cap is the lower one.
    SettingsDialog dialog(defaults);
    QLabel *hint = dialog.perHostHint();
    QVERIFY(hint);
    QVERIFY(!hint->text().contains(QLatin1String("at most")));
    dialog.maxPerHostBox()->setValue(2);
    QVERIFY2(hint->text().contains(QLatin1String("at most 2")), qPrintable(hint->text()));
    QVERIFY(hint->text().contains(QLatin1String("3")));
    dialog.maxActiveBox()->setValue(2);
    QVERIFY(!hint->text().contains(QLatin1String("at most")));
}

void TestAddDialog::returnAddsOneUrl()
{
    QueueEnv env;
    QVERIFY(env.open());
    MainWindow window(env.queue.get());
    AddDownloadDialog *dialog = window.openAddDialog({QUrl(QStringLiteral("https://e.org/one"))});
    dialog->folderEdit()->setText(env.dir.path());
    QPlainTextEdit *edit = dialog->urlEdit();
    edit->moveCursor(QTextCursor::End);
    // Shift+Return: a second line, still open.
    QTest::keyClick(edit, Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(edit->toPlainText(), QStringLiteral("https://e.org/one\n"));
    QVERIFY(dialog->isVisible());
    QSignalSpy added(env.queue.get(), &QueueManager::added);
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(added.size(), 1);
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
    QTRY_VERIFY(!window.findChild<AddDownloadDialog *>());
}

void TestAddDialog::returnWithSeveralUrlsAddsALine()
{
    AddDownloadDialog dialog(AppSettings::load());
    dialog.folderEdit()->setText(QStringLiteral("/tmp"));
    dialog.setUrls(
        {QUrl(QStringLiteral("https://e.org/1")), QUrl(QStringLiteral("https://e.org/2"))});
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.urlEdit()->moveCursor(QTextCursor::End);
    QTest::keyClick(dialog.urlEdit(), Qt::Key_Return);
    QCOMPARE(accepted.size(), 0);
    QCOMPARE(dialog.urlEdit()->toPlainText().count(QLatin1Char('\n')), 2);
    // No URL at all: Return neither adds nor accepts.
    dialog.urlEdit()->clear();
    QTest::keyClick(dialog.urlEdit(), Qt::Key_Return);
    QCOMPARE(accepted.size(), 0);
}

QTEST_MAIN(TestAddDialog)
#include "tst_adddialog.moc"
