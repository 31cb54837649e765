#include "upload/PostUpload.h"

#include "upload/FileBodyDevice.h"

#include <QFileInfo>
#include <QNetworkReply>

namespace bt {

namespace {
// A quoted-string of RFC 9110 for a header parameter: no CR/LF, '"' and '\' escaped.
QByteArray quoted(const QString &value)
{
    QByteArray out = "\"";
    for (char c : value.toUtf8()) {
        if (c == '\r' || c == '\n')
            continue;
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}
} // namespace

PostUpload::PostUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                       QObject *parent)
    : Upload(request, network, storage, parent)
{
}

PostUpload::~PostUpload() = default;

QByteArray PostUpload::dispositionFor(const QString &name, const QString &fileName)
{
    QByteArray out = "form-data; name=" + quoted(name);
    if (!fileName.isNull())
        out += "; filename=" + quoted(fileName);
    return out;
}

void PostUpload::begin()
{
    post();
}

void PostUpload::post()
{
    m_confirmed = 0;
    UploadBody *body = openBody(0, m_size);
    if (!body)
        return;
    CurlReply::Form form;
    for (const auto &field : std::as_const(m_request.postFields))
        form.fields.append({dispositionFor(field.first), field.second.toUtf8()});
    form.fileDisposition = dispositionFor(m_request.postField, remoteName());
    form.fileType = mimeType();
    // curl writes Content-Type: multipart/form-data with its boundary.
    const QNetworkRequest r = buildRequest(m_request.url);
    send("POST", r, body, form, [this, body](QNetworkReply *reply) {
        const Error error = replyError(reply, body);
        if (!error.isError()) {
            finishComplete();
            return;
        }
        retryLater(error, tr("a POST cannot resume: sending the whole file again"),
                   [this] { post(); });
    });
}

QString PostUpload::stoppedMessage() const
{
    return tr("Stopped; a POST cannot resume, so the next run sends the whole file again.");
}

} // namespace bt
