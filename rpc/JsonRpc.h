#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

// JSON-RPC 2.0 as aria2 speaks it: pure functions (no I/O, no QObject), unit tested and fuzzed
// (tests/fuzz/fuzz_jsonrpc.cpp). The transport (RpcServer) and the methods (Aria2Service) sit
// on top.
namespace bt::rpc {

// The codes of JSON-RPC 2.0, and aria2's own code 1 for every error a method reports
// (unknown GID, bad option, unauthorized).
enum RpcErrorCode
{
    ParseError = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    InternalError = -32603,
    MethodError = 1,
};

// A request body larger than this is refused before it is parsed (HTTP 413, or the WebSocket
// closed).
constexpr qsizetype MaxRequestBytes = 1 << 20;

// One call of a request (a batch has several).
struct RpcCall
{
    QJsonValue id;        // as sent (string, number or null); Undefined: a notification
    QString method;       // "aria2.addUri"
    QJsonArray params;    // empty when absent
    int errorCode = 0;    // non-zero: the call is malformed and answered with this error
    QString errorMessage; // with errorCode
    bool isValid() const { return errorCode == 0; }
};

struct RpcRequest
{
    int errorCode = 0; // the whole body is unusable (not JSON, an empty batch): one error
    QString errorMessage;
    bool batch = false; // the body was an array: the answer is an array
    QList<RpcCall> calls;
};

// Parses a POST body or a WebSocket text message. Never throws, whatever the bytes. As aria2,
// "jsonrpc": "2.0" is not required (some clients send "json-rpc"), "params" must be an
// array when present, "method" a string.
RpcRequest parseRequest(const QByteArray &body);

// aria2's GET form: /jsonrpc?method=M&id=I&params=BASE64(JSON array). The values are the
// query's decoded items; params may be empty.
RpcRequest parseQueryRequest(const QString &method, const QString &id,
                             const QByteArray &paramsBase64);

// aria2's secret: the first parameter "token:SECRET". Takes it out of params when it is there
// and returns whether it was (the secret, without the prefix, in *secret).
bool takeToken(QJsonArray *params, QString *secret);

// Compares in time that depends on the lengths only, never on where the first difference is.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

// The answer objects.
QJsonObject resultResponse(const QJsonValue &id, const QJsonValue &result);
QJsonObject errorResponse(const QJsonValue &id, int code, const QString &message);
QJsonObject errorObject(int code, const QString &message);
QJsonObject notification(const QString &method, const QJsonArray &params);

} // namespace bt::rpc
