#include "upload/S3Config.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSettings>

namespace bt {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bt::S3Config", text);
}

// One section of an AWS ini file (QSettings reads the format; a value with commas comes back
// as a list and is joined again).
QString iniValue(const QString &file, const QString &section, const QString &key)
{
    if (!QFileInfo(file).isFile())
        return {};
    QSettings ini(file, QSettings::IniFormat);
    ini.beginGroup(section);
    const QVariant value = ini.value(key);
    ini.endGroup();
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QLatin1Char(',')).trimmed();
    return value.toString().trimmed();
}

} // namespace

bool S3Config::resolve(const UploadRequest &request, const QProcessEnvironment &env,
                       const QString &home, S3Config *out, Error *error)
{
    S3Config c;
    const auto envValue = [&env](const char *name) {
        return env.value(QString::fromLatin1(name)).trimmed();
    };
    QString profile = request.s3Profile;
    const bool profileNamed = !profile.isEmpty();
    if (profile.isEmpty())
        profile = envValue("AWS_PROFILE");
    if (profile.isEmpty())
        profile = QStringLiteral("default");
    QString credentialsFile = envValue("AWS_SHARED_CREDENTIALS_FILE");
    if (credentialsFile.isEmpty())
        credentialsFile = home + QStringLiteral("/.aws/credentials");
    QString configFile = envValue("AWS_CONFIG_FILE");
    if (configFile.isEmpty())
        configFile = home + QStringLiteral("/.aws/config");
    const QString configSection =
        profile == QLatin1String("default") ? profile : QStringLiteral("profile ") + profile;
    const auto profileValue = [&](const QString &key, QString *from = nullptr) {
        QString v = iniValue(credentialsFile, profile, key);
        if (from)
            *from = credentialsFile;
        if (v.isEmpty()) {
            v = iniValue(configFile, configSection, key);
            if (from)
                *from = configFile;
        }
        return v;
    };

    // Credentials: those given with the upload (the program's targets), else the
    // environment's, unless a profile was named on the command line.
    if (!request.s3AccessKeyId.isEmpty()) {
        c.accessKeyId = request.s3AccessKeyId.trimmed().toUtf8();
        c.secretAccessKey = request.s3SecretAccessKey.toUtf8();
        c.sessionToken = request.s3SessionToken.trimmed().toUtf8();
        c.credentialSource = tr("the upload target's settings");
        if (c.secretAccessKey.isEmpty()) {
            *error = Error{ErrorCode::InvalidArgument,
                           tr("No secret access key for the access key %1: enter it in the "
                              "upload target's settings.")
                               .arg(request.s3AccessKeyId),
                           0, -1};
            return false;
        }
    } else if (!profileNamed && !envValue("AWS_ACCESS_KEY_ID").isEmpty()) {
        c.accessKeyId = envValue("AWS_ACCESS_KEY_ID").toUtf8();
        c.secretAccessKey = envValue("AWS_SECRET_ACCESS_KEY").toUtf8();
        c.sessionToken = envValue("AWS_SESSION_TOKEN").toUtf8();
        c.credentialSource = tr("AWS_ACCESS_KEY_ID in the environment");
    } else {
        QString from;
        c.accessKeyId = profileValue(QStringLiteral("aws_access_key_id"), &from).toUtf8();
        c.secretAccessKey = profileValue(QStringLiteral("aws_secret_access_key")).toUtf8();
        c.sessionToken = profileValue(QStringLiteral("aws_session_token")).toUtf8();
        c.credentialSource = tr("profile %1 in %2").arg(profile, from);
    }
    if (c.accessKeyId.isEmpty() || c.secretAccessKey.isEmpty()) {
        *error = Error{ErrorCode::InvalidArgument,
                       tr("No S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                          "or give a profile with aws_access_key_id and aws_secret_access_key "
                          "in %1 (--profile, AWS_PROFILE; now \"%2\").")
                           .arg(credentialsFile, profile),
                       0, -1};
        return false;
    }

    c.region = request.s3Region;
    for (const char *name : {"AWS_REGION", "AWS_DEFAULT_REGION"})
        if (c.region.isEmpty())
            c.region = envValue(name);
    if (c.region.isEmpty())
        c.region = iniValue(configFile, configSection, QStringLiteral("region"));
    if (c.region.isEmpty())
        c.region = QStringLiteral("us-east-1");

    QString endpoint = request.s3Endpoint;
    for (const char *name : {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"})
        if (endpoint.isEmpty())
            endpoint = envValue(name);
    if (endpoint.isEmpty())
        endpoint = iniValue(configFile, configSection, QStringLiteral("endpoint_url"));
    c.customEndpoint = !endpoint.isEmpty();
    if (endpoint.isEmpty())
        endpoint = QStringLiteral("https://s3.%1.amazonaws.com").arg(c.region);
    c.endpoint = QUrl(endpoint, QUrl::StrictMode);
    const QString scheme = c.endpoint.scheme().toLower();
    if (!c.endpoint.isValid() || c.endpoint.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        *error = Error{
            ErrorCode::InvalidArgument,
            tr("The S3 endpoint must be an http or https URL, not \"%1\".").arg(endpoint), 0, -1};
        return false;
    }
    c.endpoint = c.endpoint.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                     QUrl::RemoveUserInfo);
    switch (request.s3Addressing) {
    case UploadRequest::S3Addressing::Path:
        c.pathStyle = true;
        break;
    case UploadRequest::S3Addressing::VirtualHosted:
        c.pathStyle = false;
        break;
    case UploadRequest::S3Addressing::Auto:
        // MinIO, Ceph and local servers answer at one host: path-style. AWS: virtual-hosted
        // (path-style is deprecated there), unless the bucket has dots (its TLS certificate
        // covers one label only) - decided per bucket by S3Protocol.
        c.pathStyle = c.customEndpoint;
        break;
    }
    *out = c;
    return true;
}

} // namespace bt
