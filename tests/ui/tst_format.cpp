// How sizes, speeds and ETAs read: a value never shows four digits of a unit ("1,023.8 kB/s"),
// it moves to the next one ("1.0 MB/s").
#include "Format.h"

#include <QLocale>
#include <QTest>

using namespace bt::ui;

class TestFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void sizes_data();
    void sizes();
    void speeds();
    void etas();
};

void TestFormat::sizes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << qint64(-1) << QStringLiteral("-");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 B");
    QTest::newRow("999 B") << qint64(999) << QStringLiteral("999 B");
    QTest::newRow("1000 B") << qint64(1000) << QStringLiteral("1.0 kB");
    QTest::newRow("1 KiB") << qint64(1024) << QStringLiteral("1.0 kB");
    QTest::newRow("999.9 KiB") << qint64(999.9 * 1024) << QStringLiteral("999.9 kB");
    QTest::newRow("1023.8 KiB") << qint64(1048371) << QStringLiteral("1.0 MB");
    QTest::newRow("1000 KiB") << qint64(1000 * 1024) << QStringLiteral("1.0 MB");
    QTest::newRow("1 MiB") << qint64(1 << 20) << QStringLiteral("1.0 MB");
    QTest::newRow("1020 MiB") << qint64(1020) * (1 << 20) << QStringLiteral("1.0 GB");
    QTest::newRow("5 GiB") << (qint64(5) << 30) << QStringLiteral("5.0 GB");
    QTest::newRow("1.5 TiB") << (qint64(3) << 39) << QStringLiteral("1.5 TB");
}

void TestFormat::sizes()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(formatSize(bytes), text);
}

void TestFormat::speeds()
{
    QCOMPARE(formatSpeed(1048371), QStringLiteral("1.0 MB/s")); // was "1,023.8 kB/s"
    QCOMPARE(formatSpeed(512), QStringLiteral("512 B/s"));
    QCOMPARE(formatSpeed(0), QString());
}

void TestFormat::etas()
{
    QCOMPARE(formatEta(-1), QString());
    QCOMPARE(formatEta(65), QStringLiteral("1:05"));
    QCOMPARE(formatEta(3661), QStringLiteral("1:01:01"));
}

QTEST_GUILESS_MAIN(TestFormat)
#include "tst_format.moc"
