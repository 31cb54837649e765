#include "http/FileName.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace bt::http;

class TestFileName : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sanitize_data();
    void sanitize();
    void sanitizeLong_data();
    void sanitizeLong();
    void sanitizedIsCreatable_data();
    void sanitizedIsCreatable();
    void fromUrl_data();
    void fromUrl();
    void unique_data();
    void unique();
    void uniqueDanglingSymlink();
};

void TestFileName::sanitize_data()
{
    QTest::addColumn<QString>("proposed");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << QStringLiteral("report.pdf") << QStringLiteral("report.pdf");
    QTest::newRow("spaces inside kept")
        << QStringLiteral("my report.pdf") << QStringLiteral("my report.pdf");
    QTest::newRow("dotdot path") << QStringLiteral("../../etc/passwd") << QStringLiteral("passwd");
    QTest::newRow("dotdot") << QStringLiteral("..") << QStringLiteral("download");
    QTest::newRow("dot") << QStringLiteral(".") << QStringLiteral("download");
    QTest::newRow("dotfile") << QStringLiteral(".bashrc") << QStringLiteral("bashrc");
    QTest::newRow("many leading dots")
        << QStringLiteral("...hidden.txt") << QStringLiteral("hidden.txt");
    QTest::newRow("backslash path")
        << QStringLiteral("..\\..\\windows\\system.ini") << QStringLiteral("system.ini");
    QTest::newRow("mixed separators") << QStringLiteral("a/b\\c.txt") << QStringLiteral("c.txt");
    QTest::newRow("trailing slash") << QStringLiteral("dir/") << QStringLiteral("download");
    QTest::newRow("nul") << QString::fromUtf8("a\0b.txt", 7) << QStringLiteral("ab.txt");
    QTest::newRow("newline") << QStringLiteral("a\nb.txt") << QStringLiteral("ab.txt");
    QTest::newRow("crlf tab") << QStringLiteral("a\r\n\tb.txt") << QStringLiteral("ab.txt");
    QTest::newRow("del") << QStringLiteral("a\x7f.txt") << QStringLiteral("a.txt");
    QTest::newRow("c1 control") << QStringLiteral("a\u0085b.txt") << QStringLiteral("ab.txt");
    QTest::newRow("escape sequence")
        << QStringLiteral("\x1b[31mred.txt") << QStringLiteral("[31mred.txt");
    QTest::newRow("bidi override")
        << QStringLiteral("evil\u202etxt.exe") << QStringLiteral("eviltxt.exe");
    QTest::newRow("trailing dots and spaces")
        << QStringLiteral("name.txt. . ") << QStringLiteral("name.txt");
    QTest::newRow("leading spaces") << QStringLiteral("   name.txt") << QStringLiteral("name.txt");
    QTest::newRow("only spaces") << QStringLiteral("   ") << QStringLiteral("download");
    QTest::newRow("empty") << QString() << QStringLiteral("download");
    QTest::newRow("only controls") << QStringLiteral("\x01\x02") << QStringLiteral("download");
    QTest::newRow("utf8") << QStringLiteral("r\u00e9sum\u00e9 \u65e5\u672c.pdf")
                          << QStringLiteral("r\u00e9sum\u00e9 \u65e5\u672c.pdf");
    QTest::newRow("emoji") << QStringLiteral("\U0001F600.png") << QStringLiteral("\U0001F600.png");
    QTest::newRow("lone surrogate")
        << QString(QChar(0xd800)) + QStringLiteral("a.txt") << QStringLiteral("a.txt");
    QTest::newRow("dash first kept") << QStringLiteral("-rf") << QStringLiteral("-rf");
    QTest::newRow("percent kept") << QStringLiteral("%2e%2e%2f") << QStringLiteral("%2e%2e%2f");
}

void TestFileName::sanitize()
{
    QFETCH(QString, proposed);
    QFETCH(QString, expected);
    QCOMPARE(sanitizeFileName(proposed), expected);
}

void TestFileName::sanitizeLong_data()
{
    QTest::addColumn<QString>("proposed");
    QTest::addColumn<QString>("expectedSuffix");

    QTest::newRow("1000 ascii") << QString(1000, QLatin1Char('a')) << QStringLiteral("aaa");
    QTest::newRow("1000 ascii .txt")
        << QString(1000, QLatin1Char('a')) + QStringLiteral(".txt") << QStringLiteral("a.txt");
    QTest::newRow("long .tar.gz") << QString(500, QLatin1Char('b')) + QStringLiteral(".tar.gz")
                                  << QStringLiteral("b.tar.gz");
    QTest::newRow("1000 two-byte")
        << QString(1000, QChar(0x00e9)) + QStringLiteral(".txt") << QStringLiteral("\u00e9.txt");
    QTest::newRow("1000 three-byte")
        << QString(1000, QChar(0x65e5)) + QStringLiteral(".pdf") << QStringLiteral("\u65e5.pdf");
    QString emoji;
    for (int i = 0; i < 300; ++i)
        emoji += QStringLiteral("\U0001F600");
    QTest::newRow("300 emoji") << emoji + QStringLiteral(".png") << QStringLiteral(".png");
    QTest::newRow("huge extension")
        << QStringLiteral("a.") + QString(1000, QLatin1Char('x')) << QStringLiteral("xxx");
    QTest::newRow("dots at cut") << QString(195, QLatin1Char('c')) +
                                        QString(100, QLatin1Char('.')) + QStringLiteral("d.txt")
                                 << QStringLiteral("c.txt");
}

void TestFileName::sanitizeLong()
{
    QFETCH(QString, proposed);
    QFETCH(QString, expectedSuffix);
    const QString name = sanitizeFileName(proposed);
    QVERIFY2(name.toUtf8().size() <= 200, qPrintable(QString::number(name.toUtf8().size())));
    QVERIFY(name.toUtf8().size() >= 150); // cut, not emptied
    QVERIFY2(name.endsWith(expectedSuffix), qPrintable(name));
    QCOMPARE(QString::fromUtf8(name.toUtf8()), name); // no split character
    QCOMPARE(sanitizeFileName(name), name);           // idempotent
}

// What the user sees: the sanitized name can be created inside the folder, and only there.
void TestFileName::sanitizedIsCreatable_data()
{
    QTest::addColumn<QString>("proposed");
    QTest::newRow("dotdot") << QStringLiteral("../../x");
    QTest::newRow("dotdot alone") << QStringLiteral("..");
    QTest::newRow("long") << QString(1000, QChar(0x00e9));
    QTest::newRow("nul") << QString::fromUtf8("\0", 1);
    QTest::newRow("utf8") << QStringLiteral("\u65e5\u672c\u8a9e.txt");
}

void TestFileName::sanitizedIsCreatable()
{
    QFETCH(QString, proposed);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QDir(tmp.path()).mkdir(QStringLiteral("inner"));
    const QString inner = tmp.filePath(QStringLiteral("inner"));
    const QString name = sanitizeFileName(proposed);
    QFile f(QDir(inner).filePath(name));
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(f.errorString()));
    f.close();
    QCOMPARE(QDir(inner).entryList(QDir::Files | QDir::Hidden), QStringList{name});
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void TestFileName::fromUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("sanitized");

    QTest::newRow("simple") << QStringLiteral("https://example.com/files/report.pdf")
                            << QStringLiteral("report.pdf") << QStringLiteral("report.pdf");
    QTest::newRow("query ignored") << QStringLiteral("https://example.com/a.zip?x=1#frag")
                                   << QStringLiteral("a.zip") << QStringLiteral("a.zip");
    QTest::newRow("encoded space")
        << QStringLiteral("https://example.com/my%20file.txt") << QStringLiteral("my file.txt")
        << QStringLiteral("my file.txt");
    QTest::newRow("utf8") << QStringLiteral("https://example.com/%E6%97%A5%E6%9C%AC.pdf")
                          << QStringLiteral("\u65e5\u672c.pdf")
                          << QStringLiteral("\u65e5\u672c.pdf");
    QTest::newRow("no path") << QStringLiteral("https://example.com") << QString()
                             << QStringLiteral("download");
    QTest::newRow("directory") << QStringLiteral("https://example.com/dir/") << QString()
                               << QStringLiteral("download");
    QTest::newRow("encoded dotdot slash")
        << QStringLiteral("https://example.com/dl/%2e%2e%2f%2e%2e%2fetc%2fpasswd")
        << QStringLiteral("passwd") << QStringLiteral("passwd");
    QTest::newRow("encoded dotdot only") << QStringLiteral("https://example.com/dl/%2e%2e")
                                         << QStringLiteral("..") << QStringLiteral("download");
    QTest::newRow("encoded backslash")
        << QStringLiteral("https://example.com/x/..%5c..%5cevil.bat")
        << QStringLiteral("..\\..\\evil.bat") << QStringLiteral("evil.bat");
    QTest::newRow("encoded nul") << QStringLiteral("https://example.com/a%00b.txt")
                                 << QString::fromUtf8("a\0b.txt", 7) << QStringLiteral("ab.txt");
    QTest::newRow("encoded newline") << QStringLiteral("https://example.com/a%0Ab.txt")
                                     << QStringLiteral("a\nb.txt") << QStringLiteral("ab.txt");
}

void TestFileName::fromUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, raw);
    QFETCH(QString, sanitized);
    const QString name = fileNameFromUrl(QUrl(url));
    QCOMPARE(name, raw);
    QCOMPARE(sanitizeFileName(name), sanitized);
}

void TestFileName::unique_data()
{
    QTest::addColumn<QStringList>("existing");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");

    QTest::newRow("free") << QStringList() << QStringLiteral("a.txt") << QStringLiteral("a.txt");
    QTest::newRow("taken once") << QStringList{QStringLiteral("a.txt")} << QStringLiteral("a.txt")
                                << QStringLiteral("a (1).txt");
    QTest::newRow("taken twice") << QStringList{QStringLiteral("a.txt"),
                                                QStringLiteral("a (1).txt")}
                                 << QStringLiteral("a.txt") << QStringLiteral("a (2).txt");
    QTest::newRow("no extension") << QStringList{QStringLiteral("README")}
                                  << QStringLiteral("README") << QStringLiteral("README (1)");
    QTest::newRow("tar.gz") << QStringList{QStringLiteral("a.tar.gz")} << QStringLiteral("a.tar.gz")
                            << QStringLiteral("a (1).tar.gz");
    QTest::newRow("TAR.XZ") << QStringList{QStringLiteral("b.TAR.XZ")} << QStringLiteral("b.TAR.XZ")
                            << QStringLiteral("b (1).TAR.XZ");
    QTest::newRow("dotted name") << QStringList{QStringLiteral("v1.2.3.zip")}
                                 << QStringLiteral("v1.2.3.zip")
                                 << QStringLiteral("v1.2.3 (1).zip");
    QTest::newRow("dotfile") << QStringList{QStringLiteral(".config")} << QStringLiteral(".config")
                             << QStringLiteral(".config (1)");
    QTest::newRow("directory takes the name") << QStringList{QStringLiteral("dir/")}
                                              << QStringLiteral("dir") << QStringLiteral("dir (1)");
    QTest::newRow("part file takes the name")
        << QStringList{QStringLiteral("a.iso.part")} << QStringLiteral("a.iso")
        << QStringLiteral("a (1).iso");
    QTest::newRow("percent in name")
        << QStringList{QStringLiteral("%1 %2.txt")} << QStringLiteral("%1 %2.txt")
        << QStringLiteral("%1 %2 (1).txt");
}

void TestFileName::unique()
{
    QFETCH(QStringList, existing);
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QDir dir(tmp.path());
    for (const QString &e : existing) {
        if (e.endsWith(QLatin1Char('/'))) {
            QVERIFY(dir.mkdir(e.chopped(1)));
        } else {
            QFile f(dir.filePath(e));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
    }
    QCOMPARE(uniqueFileName(tmp.path(), name), expected);
}

void TestFileName::uniqueDanglingSymlink()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QVERIFY(QFile::link(tmp.filePath(QStringLiteral("nowhere")),
                        tmp.filePath(QStringLiteral("x.bin"))));
    QCOMPARE(uniqueFileName(tmp.path(), QStringLiteral("x.bin")), QStringLiteral("x (1).bin"));
}

QTEST_APPLESS_MAIN(TestFileName)
#include "tst_filename.moc"
