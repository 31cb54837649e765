// The add dialog and the queue defaults as a new user meets them (offscreen, issue #10):
// the per-host cap agrees with "at once".
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

QTEST_MAIN(TestAddDialog)
#include "tst_adddialog.moc"
