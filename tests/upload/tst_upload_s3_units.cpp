// The pure parts of S3 uploads: addresses in SigV4's canonical form, the part plan, the XML
// documents, and where credentials, region and endpoint come from (as the AWS CLI reads them).
#include "upload/S3Config.h"
#include "upload/S3Protocol.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;

namespace {
constexpr qint64 MiB = 1024 * 1024;

bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}
} // namespace

class TstUploadS3Units : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitsS3Urls()
    {
        QString bucket;
        QString key;
        QVERIFY(s3::splitUrl(QUrl(QStringLiteral("s3://my-bucket/a/b c.txt")), &bucket, &key));
        QCOMPARE(bucket, QStringLiteral("my-bucket"));
        QCOMPARE(key, QStringLiteral("a/b c.txt"));
        QVERIFY(s3::splitUrl(QUrl(QStringLiteral("s3://b")), &bucket, &key));
        QCOMPARE(key, QString());
        QVERIFY(!s3::splitUrl(QUrl(QStringLiteral("https://b/k")), &bucket, &key));
    }

    void buildsCanonicalAddresses()
    {
        const QUrl local(QStringLiteral("http://127.0.0.1:9000"));
        const QString key = QStringLiteral("dir/a b+c!(1)~é.txt");
        QCOMPARE(s3::objectUrl(local, true, QStringLiteral("bkt"), key).toEncoded(),
                 QByteArray("http://127.0.0.1:9000/bkt/dir/a%20b%2Bc%21%281%29~%C3%A9.txt"));
        QCOMPARE(s3::objectUrl(local, true, QStringLiteral("bkt"), QStringLiteral("k"),
                               s3::partQuery(3, QStringLiteral("id/+=")))
                     .toEncoded(),
                 QByteArray("http://127.0.0.1:9000/bkt/k?partNumber=3&uploadId=id%2F%2B%3D"));
        const QUrl aws(QStringLiteral("https://s3.eu-west-1.amazonaws.com"));
        QCOMPARE(s3::objectUrl(aws, false, QStringLiteral("bkt"), QStringLiteral("k"), "uploads=")
                     .toEncoded(),
                 QByteArray("https://bkt.s3.eu-west-1.amazonaws.com/k?uploads="));
        // A bucket with dots on https: path-style (the certificate covers one label).
        QCOMPARE(
            s3::objectUrl(aws, false, QStringLiteral("my.bkt"), QStringLiteral("k")).toEncoded(),
            QByteArray("https://s3.eu-west-1.amazonaws.com/my.bkt/k"));
    }

    void choosesPartSizes()
    {
        QCOMPARE(s3::choosePartSize(100 * MiB, 0), 8 * MiB);
        QCOMPARE(s3::choosePartSize(1024 * MiB, 0), 8 * MiB); // 128 parts
        QVERIFY(s3::partCount(100LL * 1024 * MiB, s3::choosePartSize(100LL * 1024 * MiB, 0)) <=
                s3::kTargetParts);
        QCOMPARE(s3::choosePartSize(100 * MiB, 1 * MiB), 5 * MiB); // S3's minimum
        // 10,000 parts at most, whatever was asked.
        const qint64 huge = 5LL * 1024 * 1024 * MiB; // 5 TiB
        QVERIFY(s3::partCount(huge, s3::choosePartSize(huge, 5 * MiB)) <= s3::kMaxParts);
        const QList<s3::Part> parts = s3::planParts(23 * MiB + 1, 5 * MiB);
        QCOMPARE(parts.size(), 5);
        QCOMPARE(parts.last().number, 5);
        QCOMPARE(parts.last().offset, 20 * MiB);
        QCOMPARE(parts.last().size, 3 * MiB + 1);
    }

    void readsAndWritesXml()
    {
        QCOMPARE(s3::parseUploadId("<?xml version=\"1.0\"?><InitiateMultipartUploadResult "
                                   "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b"
                                   "</Bucket><Key>k</Key><UploadId>abc.DEF-1</UploadId>"
                                   "</InitiateMultipartUploadResult>"),
                 QStringLiteral("abc.DEF-1"));
        QCOMPARE(s3::parseUploadId("not xml"), QString());
        const s3::ErrorInfo e = s3::parseError(
            "<Error><Code>NoSuchUpload</Code><Message>gone &amp; lost</Message></Error>");
        QCOMPARE(e.code, QStringLiteral("NoSuchUpload"));
        QCOMPARE(e.message, QStringLiteral("gone & lost"));
        QVERIFY(!s3::parseError("<CompleteMultipartUploadResult><ETag>x</ETag>"
                                "</CompleteMultipartUploadResult>")
                     .isError());
        QList<s3::Part> parts = s3::planParts(12 * MiB, 5 * MiB);
        parts[0].etag = "\"a&b\"";
        parts[1].etag = "\"c\"";
        parts[2].etag = "\"d\"";
        const QByteArray body = s3::completeBody(parts);
        QVERIFY2(body.contains("<Part><PartNumber>1</PartNumber><ETag>&quot;a&amp;b&quot;</ETag>"
                               "</Part>"),
                 body.constData());
        QVERIFY(body.contains("<PartNumber>3</PartNumber>"));
        bool truncated = false;
        int next = 0;
        const QList<s3::Part> listed = s3::parseListParts(
            "<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>2"
            "</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag>"
            "<Size>5242880</Size></Part><Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag>"
            "<Size>10</Size></Part></ListPartsResult>",
            &truncated, &next);
        QVERIFY(truncated);
        QCOMPARE(next, 2);
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed.at(0).size, 5 * MiB);
        QCOMPARE(listed.at(1).etag, QByteArray("\"e2\""));
    }

    void readsCredentialsAsTheAwsCli()
    {
        QTemporaryDir home;
        QVERIFY(QDir(home.path()).mkpath(QStringLiteral(".aws")));
        QVERIFY(writeText(home.filePath(QStringLiteral(".aws/credentials")),
                          "[default]\naws_access_key_id = AKDEFAULT\n"
                          "aws_secret_access_key = se/cr+et=\n\n"
                          "[work]\naws_access_key_id=AKWORK\naws_secret_access_key=workSecret\n"
                          "aws_session_token = tok/en+==\n"));
        QVERIFY(writeText(home.filePath(QStringLiteral(".aws/config")),
                          "[default]\nregion = eu-west-3\n\n[profile work]\nregion = ap-south-1\n"
                          "endpoint_url = http://minio.local:9000\n\n"
                          "[profile cfgonly]\naws_access_key_id = AKCFG\n"
                          "aws_secret_access_key = cfgSecret\n"));
        UploadRequest r;
        QProcessEnvironment env;
        S3Config c;
        Error error;
        QVERIFY(S3Config::resolve(r, env, home.path(), &c, &error));
        QCOMPARE(c.accessKeyId, QByteArray("AKDEFAULT"));
        QCOMPARE(c.secretAccessKey, QByteArray("se/cr+et="));
        QCOMPARE(c.region, QStringLiteral("eu-west-3"));
        QCOMPARE(c.endpoint, QUrl(QStringLiteral("https://s3.eu-west-3.amazonaws.com")));
        QVERIFY(!c.pathStyle); // AWS: virtual-hosted

        // The environment's keys win over the default profile...
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKENV"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("envSecret"));
        env.insert(QStringLiteral("AWS_REGION"), QStringLiteral("us-west-2"));
        env.insert(QStringLiteral("AWS_DEFAULT_REGION"), QStringLiteral("ignored"));
        QVERIFY(S3Config::resolve(r, env, home.path(), &c, &error));
        QCOMPARE(c.accessKeyId, QByteArray("AKENV"));
        QCOMPARE(c.region, QStringLiteral("us-west-2"));
        // ... but not over a profile named with --profile.
        r.s3Profile = QStringLiteral("work");
        env.remove(QStringLiteral("AWS_REGION"));
        env.remove(QStringLiteral("AWS_DEFAULT_REGION"));
        QVERIFY(S3Config::resolve(r, env, home.path(), &c, &error));
        QCOMPARE(c.accessKeyId, QByteArray("AKWORK"));
        QCOMPARE(c.sessionToken, QByteArray("tok/en+=="));
        QCOMPARE(c.region, QStringLiteral("ap-south-1"));
        QCOMPARE(c.endpoint, QUrl(QStringLiteral("http://minio.local:9000")));
        QVERIFY(c.pathStyle); // a custom endpoint: path-style
        // Keys in the config file only; AWS_PROFILE names it; --endpoint and --region win.
        r.s3Profile.clear();
        env.clear();
        env.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("cfgonly"));
        r.s3Endpoint = QStringLiteral("http://127.0.0.1:1234/ignored/path");
        r.s3Region = QStringLiteral("local");
        r.s3Addressing = UploadRequest::S3Addressing::VirtualHosted;
        QVERIFY(S3Config::resolve(r, env, home.path(), &c, &error));
        QCOMPARE(c.accessKeyId, QByteArray("AKCFG"));
        QCOMPARE(c.region, QStringLiteral("local"));
        QCOMPARE(c.endpoint, QUrl(QStringLiteral("http://127.0.0.1:1234")));
        QVERIFY(!c.pathStyle);
        // AWS_ENDPOINT_URL_S3 before AWS_ENDPOINT_URL.
        r.s3Endpoint.clear();
        env.insert(QStringLiteral("AWS_ENDPOINT_URL"), QStringLiteral("http://general:1"));
        env.insert(QStringLiteral("AWS_ENDPOINT_URL_S3"), QStringLiteral("http://s3only:2"));
        QVERIFY(S3Config::resolve(r, env, home.path(), &c, &error));
        QCOMPARE(c.endpoint, QUrl(QStringLiteral("http://s3only:2")));
        // Keys given with the request (the program's targets, from the keyring) win over all.
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKENV"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("envSecret"));
        r.s3Profile = QStringLiteral("work");
        r.s3AccessKeyId = QStringLiteral("AKTARGET");
        r.s3SecretAccessKey = QStringLiteral("targetSecret");
        r.s3SessionToken = QStringLiteral("targetToken");
        QVERIFY(S3Config::resolve(r, env, home.path(), &c, &error));
        QCOMPARE(c.accessKeyId, QByteArray("AKTARGET"));
        QCOMPARE(c.secretAccessKey, QByteArray("targetSecret"));
        QCOMPARE(c.sessionToken, QByteArray("targetToken"));
        QVERIFY(c.credentialSource.contains(QLatin1String("upload target")));
    }

    void saysWhenThereAreNoCredentials()
    {
        QTemporaryDir home;
        UploadRequest r;
        r.s3Profile = QStringLiteral("missing");
        S3Config c;
        Error error;
        QVERIFY(!S3Config::resolve(r, QProcessEnvironment(), home.path(), &c, &error));
        QCOMPARE(error.code, ErrorCode::InvalidArgument);
        QVERIFY2(error.message.contains(QLatin1String("AWS_ACCESS_KEY_ID")) &&
                     error.message.contains(QLatin1String("\"missing\"")),
                 qPrintable(error.message));
        QProcessEnvironment env;
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AK"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("S"));
        r.s3Profile.clear();
        r.s3Endpoint = QStringLiteral("ftp://nope");
        QVERIFY(!S3Config::resolve(r, env, home.path(), &c, &error));
        QVERIFY(error.message.contains(QLatin1String("http or https")));
        // A key id without its secret (not in the keyring): said so, not the AWS setup's.
        r.s3Endpoint.clear();
        r.s3AccessKeyId = QStringLiteral("AKTARGET");
        QVERIFY(!S3Config::resolve(r, env, home.path(), &c, &error));
        QVERIFY2(error.message.contains(QLatin1String("No secret access key for the access key "
                                                      "AKTARGET")),
                 qPrintable(error.message));
    }
};

QTEST_GUILESS_MAIN(TstUploadS3Units)
#include "tst_upload_s3_units.moc"
