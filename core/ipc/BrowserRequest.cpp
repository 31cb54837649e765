#include "ipc/BrowserRequest.h"

#include "http/FileName.h"
#include "model/DownloadRequest.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace bt {

namespace {

// lupdate files tr() in free functions under their namespace; BrowserRequest's own members
// use its Q_DECLARE_TR_FUNCTIONS context.
QString tr(const char *text)
{
    return QCoreApplication::translate("bt", text);
}

const QString kType = QStringLiteral("type");
const QString kUrl = QStringLiteral("url");
const QString kFinalUrl = QStringLiteral("finalUrl");
const QString kReferrer = QStringLiteral("referrer");
const QString kUserAgent = QStringLiteral("userAgent");
const QString kFileName = QStringLiteral("fileName");
const QString kSize = QStringLiteral("size");
const QString kCookies = QStringLiteral("cookies");
const QString kLinks = QStringLiteral("links");
const QString kName = QStringLiteral("name");
const QString kValue = QStringLiteral("value");
const QString kArgument = QStringLiteral("--browser-request");

// A field name is always the first thing a message names, so a person finds it at once.
bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

bool onlyKnownFields(const QJsonObject &o, const QSet<QString> &known, const QString &where,
                     QString *error)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return fail(error, tr("%1: unknown field \"%2\".").arg(where, it.key()));
    return true;
}

// Header values must not break the request: no CR, LF or NUL (nor ';' in cookie parts).
bool headerSafe(const QString &s, bool cookiePart)
{
    for (QChar c : s)
        if (c == u'\r' || c == u'\n' || c == u'\0' || (cookiePart && c == u';'))
            return false;
    return true;
}

bool optionalString(const QJsonObject &o, const QString &key, int maxLength, QString *out,
                    QString *error)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString())
        return fail(error, tr("\"%1\" must be a string.").arg(key));
    if (v.toString().size() > maxLength)
        return fail(error, tr("\"%1\" is longer than %2 characters.").arg(key).arg(maxLength));
    *out = v.toString();
    return true;
}

bool parseUrl(const QString &text, const QString &key, bool required, QUrl *out, QString *error)
{
    if (text.isEmpty()) {
        if (required)
            return fail(error, tr("\"%1\" is missing.").arg(key));
        return true;
    }
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty())
        return fail(error, tr("\"%1\" is not a valid URL.").arg(key));
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https") &&
        scheme != QLatin1String("ftp"))
        return fail(error, tr("\"%1\": only http, https and ftp links can be downloaded, not %2.")
                               .arg(key, scheme));
    *out = url;
    return true;
}

bool parseCookies(const QJsonValue &v, QList<QPair<QByteArray, QByteArray>> *out, QString *error)
{
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isArray())
        return fail(error, tr("\"cookies\" must be a list."));
    const QJsonArray list = v.toArray();
    if (list.size() > BrowserRequest::kMaxCookies)
        return fail(error,
                    tr("\"cookies\" holds more than %1 cookies.").arg(BrowserRequest::kMaxCookies));
    for (const QJsonValue &c : list) {
        if (!c.isObject())
            return fail(error, tr("\"cookies\": each cookie must be an object."));
        const QJsonObject o = c.toObject();
        if (!onlyKnownFields(o, {kName, kValue}, tr("a cookie"), error))
            return false;
        if (!o.value(kName).isString() || !o.value(kValue).isString())
            return fail(error, tr("\"cookies\": \"name\" and \"value\" must be strings."));
        const QString name = o.value(kName).toString();
        const QString value = o.value(kValue).toString();
        if (name.isEmpty() || name.contains(u'=') || !headerSafe(name, true) ||
            !headerSafe(value, true))
            return fail(error, tr("\"cookies\": a cookie has a name or value that cannot be "
                                  "sent (empty, or with '=', ';' or a line break)."));
        out->append({name.toUtf8(), value.toUtf8()});
    }
    return true;
}

bool parseLink(const QJsonObject &o, bool single, BrowserLink *link, QString *error)
{
    QString url;
    QString finalUrl;
    QString fileName;
    if (!optionalString(o, kUrl, 16384, &url, error) ||
        !parseUrl(url, kUrl, true, &link->url, error))
        return false;
    if (!parseCookies(o.value(kCookies), &link->cookies, error))
        return false;
    if (!single)
        return true;
    if (!optionalString(o, kFinalUrl, 16384, &finalUrl, error) ||
        !parseUrl(finalUrl, kFinalUrl, false, &link->finalUrl, error) ||
        !optionalString(o, kFileName, 1024, &fileName, error))
        return false;
    if (!fileName.isEmpty())
        link->fileName = http::sanitizeFileName(fileName);
    const QJsonValue size = o.value(kSize);
    if (!size.isUndefined() && !size.isNull()) {
        if (!size.isDouble() || size.toDouble() < -1 || size.toDouble() > 9.0e15 ||
            size.toDouble() != double(qint64(size.toDouble())))
            return fail(error, tr("\"size\" must be a whole number of bytes, or -1."));
        link->size = qint64(size.toDouble());
    }
    return true;
}

QJsonArray cookiesJson(const QList<QPair<QByteArray, QByteArray>> &cookies)
{
    QJsonArray list;
    for (const auto &c : cookies)
        list.append(QJsonObject{{kName, QString::fromUtf8(c.first)},
                                {kValue, QString::fromUtf8(c.second)}});
    return list;
}

} // namespace

std::optional<BrowserRequest> BrowserRequest::fromJson(const QJsonObject &json, QString *error)
{
    BrowserRequest r;
    const QString type = json.value(kType).toString();
    QSet<QString> known{kType};
    if (type == QLatin1String("ping")) {
        r.kind = Kind::Ping;
    } else if (type == QLatin1String("download")) {
        r.kind = Kind::Download;
        known += {kUrl, kFinalUrl, kReferrer, kUserAgent, kFileName, kSize, kCookies};
    } else if (type == QLatin1String("links")) {
        r.kind = Kind::Links;
        known += {kLinks, kReferrer, kUserAgent};
    } else {
        fail(error, json.contains(kType) ? tr("Unknown message type \"%1\".").arg(type)
                                         : tr("The message has no \"type\"."));
        return std::nullopt;
    }
    if (!onlyKnownFields(json, known, tr("The message"), error))
        return std::nullopt;
    QString referrer;
    if (!optionalString(json, kReferrer, 16384, &referrer, error) ||
        !optionalString(json, kUserAgent, 1024, &r.userAgent, error))
        return std::nullopt;
    // A page's referrer may be any scheme the browser shows (file:, about:): kept only for http.
    const QUrl ref(referrer, QUrl::StrictMode);
    if (ref.isValid() &&
        (ref.scheme() == QLatin1String("http") || ref.scheme() == QLatin1String("https")))
        r.referrer = ref;
    if (!headerSafe(r.userAgent, false)) {
        fail(error, tr("\"userAgent\" holds a line break."));
        return std::nullopt;
    }
    if (r.kind == Kind::Download) {
        BrowserLink link;
        if (!parseLink(json, true, &link, error))
            return std::nullopt;
        r.links.append(link);
    } else if (r.kind == Kind::Links) {
        const QJsonValue links = json.value(kLinks);
        if (!links.isArray() || links.toArray().isEmpty()) {
            fail(error, tr("\"links\" must be a list of at least one link."));
            return std::nullopt;
        }
        if (links.toArray().size() > kMaxLinks) {
            fail(error, tr("\"links\" holds more than %1 links.").arg(kMaxLinks));
            return std::nullopt;
        }
        for (const QJsonValue &v : links.toArray()) {
            if (!v.isObject()) {
                fail(error, tr("\"links\": each link must be an object."));
                return std::nullopt;
            }
            BrowserLink link;
            if (!onlyKnownFields(v.toObject(), {kUrl, kCookies}, tr("a link"), error) ||
                !parseLink(v.toObject(), false, &link, error))
                return std::nullopt;
            r.links.append(link);
        }
    }
    return r;
}

QJsonObject BrowserRequest::toJson() const
{
    QJsonObject o;
    if (kind == Kind::Ping) {
        o.insert(kType, QStringLiteral("ping"));
        return o;
    }
    if (!referrer.isEmpty())
        o.insert(kReferrer, referrer.toString());
    if (!userAgent.isEmpty())
        o.insert(kUserAgent, userAgent);
    if (kind == Kind::Download && !links.isEmpty()) {
        const BrowserLink &l = links.first();
        o.insert(kType, QStringLiteral("download"));
        o.insert(kUrl, l.url.toString());
        if (!l.finalUrl.isEmpty())
            o.insert(kFinalUrl, l.finalUrl.toString());
        if (!l.fileName.isEmpty())
            o.insert(kFileName, l.fileName);
        o.insert(kSize, double(l.size));
        if (!l.cookies.isEmpty())
            o.insert(kCookies, cookiesJson(l.cookies));
        return o;
    }
    o.insert(kType, QStringLiteral("links"));
    QJsonArray list;
    for (const BrowserLink &l : links) {
        QJsonObject item{{kUrl, l.url.toString()}};
        if (!l.cookies.isEmpty())
            item.insert(kCookies, cookiesJson(l.cookies));
        list.append(item);
    }
    o.insert(kLinks, list);
    return o;
}

QStringList BrowserRequest::toArguments() const
{
    return {kArgument, QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Compact))};
}

bool BrowserRequest::isArguments(const QStringList &arguments)
{
    return arguments.size() == 2 && arguments.first() == kArgument;
}

void BrowserRequest::applyTo(const BrowserLink &link, DownloadRequest *request) const
{
    request->url = link.url;
    if (!userAgent.isEmpty())
        request->headers.append({QByteArrayLiteral("User-Agent"), userAgent.toUtf8()});
    if (!referrer.isEmpty())
        request->headers.append(
            {QByteArrayLiteral("Referer"), referrer.toString(QUrl::RemoveUserInfo).toUtf8()});
    if (!link.cookies.isEmpty()) {
        QByteArray cookie;
        for (const auto &c : link.cookies) {
            if (!cookie.isEmpty())
                cookie += "; ";
            cookie += c.first + '=' + c.second;
        }
        request->headers.append({QByteArrayLiteral("Cookie"), cookie});
    }
}

} // namespace bt
