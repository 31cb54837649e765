// The desktop file and the AppStream metainfo pass their validators.
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QXmlStreamReader>

class TestPackaging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void desktopFile();
    void metainfo();
    void iconsInstalledNames();
    void germanTranslationIsComplete();

private:
    static QString file(const char *name)
    {
        return QStringLiteral(BT_SOURCE_DIR "/packaging/") + QLatin1String(name);
    }
    static void run(const QString &tool, const QStringList &args)
    {
        const QString path = QStandardPaths::findExecutable(tool);
        if (path.isEmpty())
            QSKIP(qPrintable(tool + QStringLiteral(" is not installed (scripts/setup.sh --test)")));
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(path, args);
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAll();
        if (p.exitCode() != 0)
            qWarning().noquote() << out;
        QCOMPARE(p.exitCode(), 0);
    }
};

void TestPackaging::desktopFile()
{
    run(QStringLiteral("desktop-file-validate"),
        {file("io.github.btfilestream.BTFileStream.desktop")});
}

void TestPackaging::metainfo()
{
    run(QStringLiteral("appstreamcli"),
        {QStringLiteral("validate"), QStringLiteral("--no-net"), QStringLiteral("--pedantic"),
         file("io.github.btfilestream.BTFileStream.metainfo.xml")});
}

void TestPackaging::iconsInstalledNames()
{
    // The desktop file's Icon= is the SVG installed into hicolor.
    QVERIFY(QFile::exists(QStringLiteral(BT_SOURCE_DIR "/resources/icons/btfilestream.svg")));
}

void TestPackaging::germanTranslationIsComplete()
{
    QFile ts(QStringLiteral(BT_SOURCE_DIR "/translations/btfilestream_de.ts"));
    QVERIFY(ts.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&ts);
    int messages = 0;
    QStringList unfinished;
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("message"))
            ++messages;
        else if (xml.name() == QLatin1String("source"))
            source = xml.readElementText();
        else if (xml.name() == QLatin1String("translation")) {
            const bool open =
                xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
            const bool hasForms = xml.attributes().isEmpty();
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (open || (hasForms && text.isEmpty()))
                unfinished << source;
        }
    }
    QVERIFY(!xml.hasError());
    QVERIFY(messages > 100);
    QVERIFY2(unfinished.isEmpty(), qPrintable(unfinished.join(QLatin1Char('|'))));
}

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
