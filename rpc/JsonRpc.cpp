#include "JsonRpc.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace bt::rpc {

namespace {

RpcCall invalidCall(const QJsonValue &id, int code, const QString &message)
{
    RpcCall call;
    call.id = id.isUndefined() ? QJsonValue(QJsonValue::Null) : id;
    call.errorCode = code;
    call.errorMessage = message;
    return call;
}

RpcCall callOf(const QJsonValue &value)
{
    if (!value.isObject())
        return invalidCall(QJsonValue::Null, InvalidRequest,
                           QStringLiteral("Invalid Request: a call is an object"));
    const QJsonObject object = value.toObject();
    QJsonValue id = object.value(QLatin1String("id"));
    // An id is a string, a number or null; anything else makes the call invalid.
    if (!id.isUndefined() && !id.isString() && !id.isDouble() && !id.isNull())
        return invalidCall(QJsonValue::Null, InvalidRequest,
                           QStringLiteral("Invalid Request: the id must be a string, a number "
                                          "or null"));
    const QJsonValue method = object.value(QLatin1String("method"));
    if (!method.isString())
        return invalidCall(id, InvalidRequest,
                           QStringLiteral("Invalid Request: the method must be a string"));
    const QJsonValue params = object.value(QLatin1String("params"));
    if (!params.isUndefined() && !params.isArray())
        return invalidCall(id, InvalidParams,
                           QStringLiteral("Invalid params: params must be an array"));
    RpcCall call;
    call.id = id;
    call.method = method.toString();
    call.params = params.toArray();
    return call;
}

RpcRequest wholeError(int code, const QString &message)
{
    RpcRequest request;
    request.errorCode = code;
    request.errorMessage = message;
    return request;
}

} // namespace

RpcRequest parseRequest(const QByteArray &body)
{
    if (body.size() > MaxRequestBytes)
        return wholeError(InvalidRequest, QStringLiteral("Invalid Request: larger than 1 MiB"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || document.isNull())
        return wholeError(ParseError, QStringLiteral("Parse error"));
    RpcRequest request;
    if (document.isObject()) {
        request.calls.append(callOf(document.object()));
        return request;
    }
    const QJsonArray array = document.array();
    if (array.isEmpty())
        return wholeError(InvalidRequest, QStringLiteral("Invalid Request: an empty batch"));
    request.batch = true;
    for (const QJsonValue &value : array)
        request.calls.append(callOf(value));
    return request;
}

RpcRequest parseQueryRequest(const QString &method, const QString &id,
                             const QByteArray &paramsBase64)
{
    if (method.isEmpty())
        return wholeError(InvalidRequest, QStringLiteral("Invalid Request: no method"));
    RpcCall call;
    call.id = id.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(id);
    call.method = method;
    if (!paramsBase64.isEmpty()) {
        const auto decoded =
            QByteArray::fromBase64Encoding(paramsBase64, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return wholeError(ParseError, QStringLiteral("Parse error: params is not base64"));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(*decoded, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isArray())
            call = invalidCall(call.id, InvalidParams,
                               QStringLiteral("Invalid params: params must be an array"));
        else
            call.params = document.array();
    }
    RpcRequest request;
    request.calls.append(call);
    return request;
}

bool takeToken(QJsonArray *params, QString *secret)
{
    static const QLatin1String prefix("token:");
    if (params->isEmpty() || !params->first().isString())
        return false;
    const QString first = params->first().toString();
    if (!first.startsWith(prefix))
        return false;
    *secret = first.mid(prefix.size());
    params->removeFirst();
    return true;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Every byte of the longer one is looked at, whatever matches.
    const qsizetype n = qMax(a.size(), b.size());
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? uchar(a.at(i)) : 0;
        const unsigned char y = i < b.size() ? uchar(b.at(i)) : 0;
        diff |= x ^ y;
    }
    return diff == 0;
}

QJsonObject resultResponse(const QJsonValue &id, const QJsonValue &result)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
            {QStringLiteral("result"), result}};
}

QJsonObject errorObject(int code, const QString &message)
{
    return {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
}

QJsonObject errorResponse(const QJsonValue &id, int code, const QString &message)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
            {QStringLiteral("error"), errorObject(code, message)}};
}

QJsonObject notification(const QString &method, const QJsonArray &params)
{
    return {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
            {QStringLiteral("method"), method},
            {QStringLiteral("params"), params}};
}

} // namespace bt::rpc
