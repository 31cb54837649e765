#include "http/ContentDisposition.h"
#include "http/FileName.h"

#include <QTest>

using namespace bt::http;

class TestContentDisposition : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fileName_data();
    void fileName();
    void hostile_data();
    void hostile();
};

void TestContentDisposition::fileName_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("expected");

    // RFC 6266 section 5.
    QTest::newRow("rfc6266 token")
        << QByteArray("Attachment; filename=example.html") << QStringLiteral("example.html");
    QTest::newRow("rfc6266 inline quoted")
        << QByteArray("INLINE; FILENAME= \"an example.html\"") << QStringLiteral("an example.html");
    QTest::newRow("rfc6266 ext") << QByteArray("attachment; filename*= UTF-8''%e2%82%ac%20rates")
                                 << QStringLiteral("\u20ac rates");
    QTest::newRow("rfc6266 both")
        << QByteArray("attachment; filename=\"EURO rates\"; filename*=utf-8''%e2%82%ac%20rates")
        << QStringLiteral("\u20ac rates");

    // RFC 8187 section 3.2.3 (title* examples, as filename*).
    QTest::newRow("rfc8187 token")
        << QByteArray("attachment; filename=Economy") << QStringLiteral("Economy");
    QTest::newRow("rfc8187 quoted")
        << QByteArray("attachment; filename=\"US-$ rates\"") << QStringLiteral("US-$ rates");
    QTest::newRow("rfc8187 latin1 with language")
        << QByteArray("attachment; filename*=iso-8859-1'en'%A3%20rates")
        << QStringLiteral("\u00a3 rates");
    QTest::newRow("rfc8187 utf8")
        << QByteArray("attachment; filename*=UTF-8''%c2%a3%20and%20%e2%82%ac%20rates")
        << QStringLiteral("\u00a3 and \u20ac rates");

    // The usual suspects (after greenbytes' tc2231 cases).
    QTest::newRow("inline") << QByteArray("inline; filename=\"foo.html\"")
                            << QStringLiteral("foo.html");
    QTest::newRow("type only") << QByteArray("attachment") << QString();
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("quoted semicolon")
        << QByteArray("attachment; filename=\"Here's a semicolon;.html\"")
        << QStringLiteral("Here's a semicolon;.html");
    QTest::newRow("other params first")
        << QByteArray("attachment; foo=\"bar\"; filename=\"foo.html\"")
        << QStringLiteral("foo.html");
    QTest::newRow("other param with quoted semicolon")
        << QByteArray("attachment; foo=\"\\\";filename=bad\"; filename=\"good.html\"")
        << QStringLiteral("good.html");
    QTest::newRow("escaped char") << QByteArray("attachment; filename=\"f\\oo.html\"")
                                  << QStringLiteral("foo.html");
    QTest::newRow("escaped quote")
        << QByteArray("attachment; filename=\"\\\"quoting\\\" tested.html\"")
        << QStringLiteral("\"quoting\" tested.html");
    QTest::newRow("percent kept in plain") << QByteArray("attachment; filename=\"foo%20bar.html\"")
                                           << QStringLiteral("foo%20bar.html");
    QTest::newRow("ext utf8") << QByteArray(
                                     "attachment; filename*=UTF-8''foo-%c3%a4-%e2%82%ac.html")
                              << QStringLiteral("foo-\u00e4-\u20ac.html");
    QTest::newRow("ext decomposed") << QByteArray("attachment; filename*=UTF-8''foo-a%cc%88.html")
                                    << QStringLiteral("foo-a\u0308.html");
    QTest::newRow("ext latin1 bytes")
        << QByteArray("attachment; filename*=iso-8859-1''foo-%e4.html")
        << QStringLiteral("foo-\u00e4.html");
    QTest::newRow("ext no charset")
        << QByteArray("attachment; filename*=''foo-%c3%a4.html") << QString();
    QTest::newRow("ext quoted is ignored")
        << QByteArray("attachment; filename*=\"UTF-8''foo-%c3%a4.html\"") << QString();
    QTest::newRow("ext bad pct end")
        << QByteArray("attachment; filename*=UTF-8''foo%") << QString();
    QTest::newRow("ext bad pct") << QByteArray("attachment; filename*=UTF-8''f%oo.html")
                                 << QString();
    QTest::newRow("ext before plain")
        << QByteArray("attachment; filename*=UTF-8''foo-%c3%a4.html; filename=\"foo-ae.html\"")
        << QStringLiteral("foo-\u00e4.html");
    QTest::newRow("unknown charset falls back")
        << QByteArray("attachment; filename*=x-unknown''foo.html; filename=\"fallback.html\"")
        << QStringLiteral("fallback.html");
    QTest::newRow("invalid utf8 falls back")
        << QByteArray("attachment; filename*=UTF-8''%ff%fe.txt; filename=\"ok.txt\"")
        << QStringLiteral("ok.txt");
    QTest::newRow("plain latin1 byte") << QByteArray("attachment; filename=\"foo-\xe4.html\"")
                                       << QStringLiteral("foo-\u00e4.html");
    QTest::newRow("plain utf8 bytes") << QByteArray("attachment; filename=\"foo-\xc3\xa4.html\"")
                                      << QStringLiteral("foo-\u00e4.html");
    QTest::newRow("no type") << QByteArray("filename=\"foo.html\"") << QStringLiteral("foo.html");
    QTest::newRow("unquoted with spaces")
        << QByteArray("attachment; filename=my file.txt ") << QStringLiteral("my file.txt");
    QTest::newRow("single quotes kept")
        << QByteArray("attachment; filename='foo.bar'") << QStringLiteral("'foo.bar'");
    QTest::newRow("unterminated quote")
        << QByteArray("attachment; filename=\"foo.html") << QString();
    QTest::newRow("trailing semicolon")
        << QByteArray("attachment; filename=a.txt;") << QStringLiteral("a.txt");
    QTest::newRow("param without value")
        << QByteArray("attachment; size; filename=a.txt") << QStringLiteral("a.txt");
    QTest::newRow("first filename wins")
        << QByteArray("attachment; filename=a.txt; filename=b.txt") << QStringLiteral("a.txt");
    QTest::newRow("garbage after type")
        << QByteArray("attachment foo; filename=a.txt") << QString();
    QTest::newRow("utf8 name") << QByteArray("attachment; filename*=UTF-8''%e6%97%a5%e6%9c%ac.pdf")
                               << QStringLiteral("\u65e5\u672c.pdf");
    QTest::newRow("emoji") << QByteArray("attachment; filename*=UTF-8''%f0%9f%98%80.png")
                           << QStringLiteral("\U0001F600.png");
    QTest::newRow("empty ext falls back")
        << QByteArray("attachment; filename=\"a.txt\"; filename*=UTF-8''")
        << QStringLiteral("a.txt");
}

void TestContentDisposition::fileName()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, expected);
    QCOMPARE(contentDispositionFileName(value), expected);
}

// What a server proposes, then what lands on disk after sanitizeFileName().
void TestContentDisposition::hostile_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("sanitized");

    QTest::newRow("dotdot path") << QByteArray("attachment; filename=\"../../etc/passwd\"")
                                 << QStringLiteral("../../etc/passwd") << QStringLiteral("passwd");
    QTest::newRow("encoded dotdot")
        << QByteArray("attachment; filename*=UTF-8''%2e%2e%2f%2e%2e%2fetc%2fpasswd")
        << QStringLiteral("../../etc/passwd") << QStringLiteral("passwd");
    QTest::newRow("dotdot alone") << QByteArray("attachment; filename=\"..\"")
                                  << QStringLiteral("..") << QStringLiteral("download");
    QTest::newRow("dotfile") << QByteArray("attachment; filename=.bashrc")
                             << QStringLiteral(".bashrc") << QStringLiteral("bashrc");
    QTest::newRow("windows path") << QByteArray(
                                         "attachment; filename=\"C:\\\\Windows\\\\evil.dll\"")
                                  << QStringLiteral("C:\\Windows\\evil.dll")
                                  << QStringLiteral("evil.dll");
    QTest::newRow("nul byte") << QByteArray("attachment; filename*=UTF-8''a%00b.txt")
                              << QString::fromUtf8("a\0b.txt", 7) << QStringLiteral("ab.txt");
    QTest::newRow("newline") << QByteArray("attachment; filename*=UTF-8''a%0d%0ab.txt")
                             << QStringLiteral("a\r\nb.txt") << QStringLiteral("ab.txt");
    QTest::newRow("absolute") << QByteArray("attachment; filename=\"/etc/shadow\"")
                              << QStringLiteral("/etc/shadow") << QStringLiteral("shadow");
    QTest::newRow("trailing slash") << QByteArray("attachment; filename=\"dir/\"")
                                    << QStringLiteral("dir/") << QStringLiteral("download");
}

void TestContentDisposition::hostile()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, raw);
    QFETCH(QString, sanitized);
    const QString name = contentDispositionFileName(value);
    QCOMPARE(name, raw);
    QCOMPARE(sanitizeFileName(name), sanitized);
}

QTEST_APPLESS_MAIN(TestContentDisposition)
#include "tst_contentdisposition.moc"
