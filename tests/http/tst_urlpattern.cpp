#include "http/UrlPattern.h"

#include <QTest>

using bt::http::UrlPattern;

class TestUrlPattern : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void expand_data();
    void expand();
    void malformed_data();
    void malformed();
    void cap();
    void hasPattern();
};

void TestUrlPattern::expand_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QStringList>("urls");
    const QString h = QStringLiteral("http://h/");
    QTest::newRow("plain") << h + QStringLiteral("a.bin")
                           << QStringList{h + QStringLiteral("a.bin")};
    QTest::newRow("range") << h + QStringLiteral("[1-3]")
                           << QStringList{h + QStringLiteral("1"), h + QStringLiteral("2"),
                                          h + QStringLiteral("3")};
    QTest::newRow("padding") << h + QStringLiteral("p[008-011].jpg")
                             << QStringList{
                                    h + QStringLiteral("p008.jpg"), h + QStringLiteral("p009.jpg"),
                                    h + QStringLiteral("p010.jpg"), h + QStringLiteral("p011.jpg")};
    QTest::newRow("padding kept past width")
        << h + QStringLiteral("[09-10]")
        << QStringList{h + QStringLiteral("09"), h + QStringLiteral("10")};
    QTest::newRow("step") << h + QStringLiteral("[0-12:5]")
                          << QStringList{h + QStringLiteral("0"), h + QStringLiteral("5"),
                                         h + QStringLiteral("10")};
    QTest::newRow("padded step") << h + QStringLiteral("[000-100:50]")
                                 << QStringList{h + QStringLiteral("000"),
                                                h + QStringLiteral("050"),
                                                h + QStringLiteral("100")};
    QTest::newRow("letters") << h + QStringLiteral("[a-d]")
                             << QStringList{h + QStringLiteral("a"), h + QStringLiteral("b"),
                                            h + QStringLiteral("c"), h + QStringLiteral("d")};
    QTest::newRow("letters step") << h + QStringLiteral("[A-E:2]")
                                  << QStringList{h + QStringLiteral("A"), h + QStringLiteral("C"),
                                                 h + QStringLiteral("E")};
    QTest::newRow("list") << h + QStringLiteral("{one,two}.txt")
                          << QStringList{h + QStringLiteral("one.txt"),
                                         h + QStringLiteral("two.txt")};
    QTest::newRow("empty list item")
        << h + QStringLiteral("f{,.gz}")
        << QStringList{h + QStringLiteral("f"), h + QStringLiteral("f.gz")};
    // curl's order: the first pattern varies slowest.
    QTest::newRow("several")
        << QStringLiteral("http://{a,b}.h/[1-2]/{x,y}")
        << QStringList{QStringLiteral("http://a.h/1/x"), QStringLiteral("http://a.h/1/y"),
                       QStringLiteral("http://a.h/2/x"), QStringLiteral("http://a.h/2/y"),
                       QStringLiteral("http://b.h/1/x"), QStringLiteral("http://b.h/1/y"),
                       QStringLiteral("http://b.h/2/x"), QStringLiteral("http://b.h/2/y")};
    QTest::newRow("escapes") << h + QStringLiteral("\\[1-2\\]\\{a\\,b\\}")
                             << QStringList{h + QStringLiteral("[1-2]{a,b}")};
    QTest::newRow("escaped comma in list")
        << h + QStringLiteral("{a\\,b,c}")
        << QStringList{h + QStringLiteral("a,b"), h + QStringLiteral("c")};
    QTest::newRow("ipv6 host") << QStringLiteral("http://[::1]:8080/f[1-2]")
                               << QStringList{QStringLiteral("http://[::1]:8080/f1"),
                                              QStringLiteral("http://[::1]:8080/f2")};
    QTest::newRow("ipv6 zone") << QStringLiteral("http://[fe80::1%25eth0]/x")
                               << QStringList{QStringLiteral("http://[fe80::1%25eth0]/x")};
    QTest::newRow("one value") << h + QStringLiteral("[5-5]")
                               << QStringList{h + QStringLiteral("5")};
}

void TestUrlPattern::expand()
{
    QFETCH(QString, pattern);
    QFETCH(QStringList, urls);
    QStringList got;
    QString error;
    QVERIFY2(UrlPattern::expand(pattern, &got, &error), qPrintable(error));
    QCOMPARE(got, urls);
    QCOMPARE(UrlPattern::count(pattern), qint64(urls.size()));
}

void TestUrlPattern::malformed_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("why"); // a word the message must contain
    QTest::addColumn<int>("column");
    const QString h = QStringLiteral("http://h/"); // 9 characters
    QTest::newRow("unclosed range") << h + QStringLiteral("[1-3") << QStringLiteral("']'") << 10;
    QTest::newRow("unclosed list") << h + QStringLiteral("{a,b") << QStringLiteral("'}'") << 10;
    QTest::newRow("stray close") << h + QStringLiteral("a]") << QStringLiteral("closes") << 11;
    QTest::newRow("stray brace") << h + QStringLiteral("a}") << QStringLiteral("closes") << 11;
    QTest::newRow("no dash") << h + QStringLiteral("[13]") << QStringLiteral("FIRST-LAST") << 10;
    QTest::newRow("goes down") << h + QStringLiteral("[5-1]") << QStringLiteral("down") << 10;
    QTest::newRow("mixed") << h + QStringLiteral("[1-z]") << QStringLiteral("letters") << 10;
    QTest::newRow("two cases") << h + QStringLiteral("[a-Z]") << QStringLiteral("case") << 10;
    QTest::newRow("zero step") << h + QStringLiteral("[1-9:0]") << QStringLiteral("step") << 10;
    QTest::newRow("bad step") << h + QStringLiteral("[1-9:x]") << QStringLiteral("step") << 10;
    QTest::newRow("negative") << h + QStringLiteral("[-1-5]") << QStringLiteral("FIRST") << 10;
    QTest::newRow("nested list") << h + QStringLiteral("{a,{b,c}}") << QStringLiteral("nest") << 13;
    QTest::newRow("range in list")
        << h + QStringLiteral("{a,[1-2]}") << QStringLiteral("nest") << 13;
    QTest::newRow("list in range") << h + QStringLiteral("[{1-2]") << QStringLiteral("nest") << 10;
    QTest::newRow("huge number") << h + QStringLiteral("[1-99999999999999999999]")
                                 << QStringLiteral("numbers") << 10;
}

void TestUrlPattern::malformed()
{
    QFETCH(QString, pattern);
    QFETCH(QString, why);
    QFETCH(int, column);
    QStringList got{QStringLiteral("kept")};
    QString error;
    QVERIFY(!UrlPattern::expand(pattern, &got, &error));
    QCOMPARE(got, QStringList{QStringLiteral("kept")});
    QVERIFY2(error.contains(why), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("column %1").arg(column)), qPrintable(error));
    QCOMPARE(UrlPattern::count(pattern), qint64(-1));
    QVERIFY(UrlPattern::hasPattern(pattern));
}

void TestUrlPattern::cap()
{
    QStringList got;
    QString error;
    // 100 x 100 = 10,000: exactly the cap.
    QVERIFY2(UrlPattern::expand(QStringLiteral("http://h/[00-99]/[00-99]"), &got, &error),
             qPrintable(error));
    QCOMPARE(got.size(), 10000);
    QCOMPARE(got.last(), QStringLiteral("http://h/99/99"));
    got.clear();
    QVERIFY(!UrlPattern::expand(QStringLiteral("http://h/[0-100]/[00-99]"), &got, &error));
    QVERIFY(got.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("more than 10000")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("--globoff")), qPrintable(error));
    // Counting a huge pattern neither overflows nor takes long.
    const QString huge = QStringLiteral("http://h/[0-999999999999]/[0-999999999999]/[a-z]");
    QCOMPARE(UrlPattern::count(huge), UrlPattern::DefaultCap + 1);
    QVERIFY(!UrlPattern::expand(huge, &got, &error));
    QCOMPARE(UrlPattern::count(QStringLiteral("http://h/[1-3]{a,b}"), 5), qint64(6));
    QVERIFY(!UrlPattern::expand(QStringLiteral("http://h/[1-3]{a,b}"), &got, &error, 5));
}

void TestUrlPattern::hasPattern()
{
    QVERIFY(!UrlPattern::hasPattern(QStringLiteral("https://example.org/a.iso")));
    QVERIFY(!UrlPattern::hasPattern(QStringLiteral("http://[::1]:80/a")));
    QVERIFY(UrlPattern::hasPattern(QStringLiteral("http://h/[1-2]")));
    QVERIFY(UrlPattern::hasPattern(QStringLiteral("http://h/{a}")));
    QVERIFY(UrlPattern::hasPattern(QStringLiteral("http://h/\\[x")));
}

QTEST_APPLESS_MAIN(TestUrlPattern)
#include "tst_urlpattern.moc"
