#pragma once

#include "Error.h"
#include "model/UploadRequest.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

namespace bt {

// Where an S3 upload goes and as whom, read as the AWS CLI reads it:
// - credentials: the request's s3AccessKeyId and secret when given (the program's upload
//   targets), else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (unless a profile
//   was named with --profile), else the profile's aws_access_key_id, aws_secret_access_key,
//   aws_session_token in the credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials,
//   section [NAME]), then in the config file (AWS_CONFIG_FILE, ~/.aws/config, section
//   [profile NAME], [default]);
// - the profile: --profile, else AWS_PROFILE, else "default";
// - the region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1;
// - the endpoint: --endpoint, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's
//   endpoint_url, else AWS (https://s3.REGION.amazonaws.com).
// The secret stays in memory: never logged, never stored.
struct S3Config
{
    QUrl endpoint; // scheme://host[:port], no path
    bool customEndpoint = false;
    bool pathStyle = true; // else virtual-hosted: BUCKET.host
    QString region;
    QByteArray accessKeyId;
    QByteArray secretAccessKey;
    QByteArray sessionToken;
    QString credentialSource; // "the environment", "profile NAME in FILE": for messages

    // False with *error (code InvalidArgument) when no credentials are found or the endpoint
    // is not an http(s) URL. `home` holds .aws/ (tests give their own).
    static bool resolve(const UploadRequest &request, const QProcessEnvironment &environment,
                        const QString &home, S3Config *out, Error *error);
};

} // namespace bt
