#include "http/UrlList.h"

#include <QTest>

using bt::http::UrlList;
using bt::http::UrlListEntry;

class TestUrlList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse();
    void parseErrors_data();
    void parseErrors();
    void extractLinks();
};

void TestUrlList::parse()
{
    const QString text = QStringLiteral("# my list\r\n"
                                        "http://h/a.bin\r\n"
                                        "\n"
                                        "   \n"
                                        "https://h/b.bin\n"
                                        "  out=bee.bin\n"
                                        "\tdir=sub/dir\n"
                                        "  # a comment between options\n"
                                        "ftp://h/c[1-2].txt\n"
                                        "  out = spaced.txt");
    QList<UrlListEntry> entries{UrlListEntry{QStringLiteral("old"), {}, {}, 1}};
    QString error;
    QVERIFY2(UrlList::parse(text, &entries, &error), qPrintable(error));
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries.at(0).url, QStringLiteral("http://h/a.bin"));
    QCOMPARE(entries.at(0).line, 2);
    QVERIFY(entries.at(0).out.isEmpty() && entries.at(0).dir.isEmpty());
    QCOMPARE(entries.at(1).url, QStringLiteral("https://h/b.bin"));
    QCOMPARE(entries.at(1).out, QStringLiteral("bee.bin"));
    QCOMPARE(entries.at(1).dir, QStringLiteral("sub/dir"));
    QCOMPARE(entries.at(1).line, 5);
    QCOMPARE(entries.at(2).url, QStringLiteral("ftp://h/c[1-2].txt"));
    QCOMPARE(entries.at(2).out, QStringLiteral("spaced.txt"));

    QVERIFY(UrlList::parse(QString(), &entries, &error));
    QVERIFY(entries.isEmpty());
}

void TestUrlList::parseErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("option first") << QStringLiteral(" out=a\nhttp://h/a")
                                  << QStringLiteral("line 1: an option line");
    QTest::newRow("unknown option")
        << QStringLiteral("http://h/a\n  split=5") << QStringLiteral("line 2: the option 'split'");
    QTest::newRow("no value") << QStringLiteral("http://h/a\n  out=")
                              << QStringLiteral("line 2: an option line is NAME=VALUE");
    QTest::newRow("mirrors") << QStringLiteral("http://h/a\thttp://m/a")
                             << QStringLiteral("line 1: one URL a line");
}

void TestUrlList::parseErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QList<UrlListEntry> entries{UrlListEntry{QStringLiteral("kept"), {}, {}, 1}};
    QString error;
    QVERIFY(!UrlList::parse(text, &entries, &error));
    QVERIFY2(error.startsWith(expected), qPrintable(error));
    QCOMPARE(entries.size(), 1);
}

void TestUrlList::extractLinks()
{
    const QString html = QStringLiteral(
        "<html><body><a href=\"http://h/a.iso\">a</a> <A HREF='https://h/b?x=1&amp;y=2'>b</A>\n"
        "<a href=\"/relative/c.zip\">c</a> <img src=\"http://h/pic.png\">\n"
        "Also see https://h/d.tar.gz. And (ftp://h/e.txt), sftp://u@h/f\n"
        "<a href=\"http://h/a.iso\">again</a> mailto:x@y javascript:void(0)</body></html>");
    QCOMPARE(UrlList::extractLinks(html),
             (QStringList{QStringLiteral("http://h/a.iso"), QStringLiteral("https://h/b?x=1&y=2"),
                          QStringLiteral("http://h/pic.png"), QStringLiteral("https://h/d.tar.gz"),
                          QStringLiteral("ftp://h/e.txt"), QStringLiteral("sftp://u@h/f")}));
    QCOMPARE(UrlList::extractLinks(QStringLiteral("http://h/1\nhttp://h/2\r\n")),
             (QStringList{QStringLiteral("http://h/1"), QStringLiteral("http://h/2")}));
    QVERIFY(UrlList::extractLinks(QStringLiteral("no links here")).isEmpty());
}

QTEST_APPLESS_MAIN(TestUrlList)
#include "tst_urllist.moc"
