// partFileName(): "NAME.part", shortened deterministically when that exceeds NAME_MAX bytes.
#include "PartName.h"

#include <QFile>
#include <QTest>

using namespace bt;

namespace {

qsizetype bytes(const QString &s)
{
    return QFile::encodeName(s).size();
}

// True when cutting `full` to a prefix of `prefix` bytes left a whole UTF-8 string.
bool validUtf8(const QString &s)
{
    return !s.contains(QChar::ReplacementCharacter);
}

} // namespace

class TestPartName : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shortNamesUnchanged()
    {
        QCOMPARE(partFileName(QStringLiteral("a.bin")), QStringLiteral("a.bin.part"));
        const QString n250(250, QLatin1Char('x'));
        QCOMPARE(partFileName(n250), n250 + QStringLiteral(".part")); // exactly 255 bytes
        QCOMPARE(partPath(QStringLiteral("/d/e/a.bin")), QStringLiteral("/d/e/a.bin.part"));
        QCOMPARE(partPath(QStringLiteral("a.bin")), QStringLiteral("a.bin.part"));
        QCOMPARE(partFileName(QStringLiteral("a"), QStringLiteral(".tmp")),
                 QStringLiteral("a.tmp"));
    }

    void longNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("ascii 251") << QString(251, QLatin1Char('a'));
        QTest::newRow("ascii 252") << QString(248, QLatin1Char('a')) + QStringLiteral(".bin");
        QTest::newRow("ascii 255") << QString(255, QLatin1Char('z'));
        // 2-, 3- and 4-byte sequences where the cut falls inside one.
        QTest::newRow("2-byte") << QString(126, QChar(0x00e9)) + QStringLiteral(".txt");  // 256
        QTest::newRow("3-byte") << QString(83, QChar(0x6f22)) + QStringLiteral("ab.txt"); // 255
        QString emoji;
        for (int i = 0; i < 63; ++i)
            emoji += QString::fromUcs4(U"\U0001F600");
        QTest::newRow("4-byte") << emoji + QStringLiteral(".x"); // 254
        QTest::newRow("mixed") << QStringLiteral("a") + QString(84, QChar(0x6f22)) +
                                      QStringLiteral("é");
    }
    void longNames()
    {
        QFETCH(QString, name);
        QVERIFY(bytes(name) + 5 > kMaxFileNameBytes);
        const QString part = partFileName(name);
        QVERIFY2(bytes(part) <= kMaxFileNameBytes, qPrintable(QString::number(bytes(part))));
        QVERIFY(bytes(part) >= kMaxFileNameBytes - 3); // cut at a boundary, not far before
        QVERIFY(part.endsWith(QStringLiteral(".part")));
        QVERIFY(part != name);
        QVERIFY(validUtf8(part));
        QVERIFY(!part.contains(QLatin1Char('/')));
        // Deterministic (a restart finds it) and marked with the full name's hash.
        QCOMPARE(partFileName(name), part);
        QVERIFY(part.contains(QLatin1Char('~')));
        QVERIFY(name.startsWith(part.left(part.indexOf(QLatin1Char('~'), part.size() - 20))));
        QCOMPARE(partPath(QStringLiteral("/dl/") + name), QStringLiteral("/dl/") + part);
    }

    void differentLongNamesDiffer()
    {
        const QString common(250, QLatin1Char('c'));
        QVERIFY(partFileName(common + QStringLiteral("1.iso")) !=
                partFileName(common + QStringLiteral("2.iso")));
    }

    void neverTheFinalName()
    {
        // A 255-byte name that looks like its own shortened .part.
        const QString name(255, QLatin1Char('q'));
        const QString part = partFileName(name);
        QVERIFY(part != name);
        QVERIFY(partFileName(part) != part);
    }
};

QTEST_GUILESS_MAIN(TestPartName)
#include "tst_partname.moc"
