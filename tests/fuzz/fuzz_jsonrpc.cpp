#include "FuzzCheck.h"
#include "JsonRpc.h"

// The JSON-RPC request parser of the daemon (rpc/JsonRpc): whatever the bytes, no crash, and
// what it returns keeps its promises.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const bt::rpc::RpcRequest request = bt::rpc::parseRequest(body);
    if (request.errorCode != 0) {
        BT_FUZZ_CHECK(request.calls.isEmpty());
        BT_FUZZ_CHECK(!request.errorMessage.isEmpty());
    } else {
        BT_FUZZ_CHECK(!request.calls.isEmpty());
        BT_FUZZ_CHECK(request.batch || request.calls.size() == 1);
    }
    for (const bt::rpc::RpcCall &call : request.calls) {
        BT_FUZZ_CHECK(call.isValid() || !call.errorMessage.isEmpty());
        BT_FUZZ_CHECK(!call.isValid() || call.id.isUndefined() || call.id.isNull() ||
                      call.id.isString() || call.id.isDouble());
        QJsonArray params = call.params;
        QString secret;
        const qsizetype before = params.size();
        if (bt::rpc::takeToken(&params, &secret))
            BT_FUZZ_CHECK(params.size() == before - 1);
    }
    // The GET form: the same bytes as base64 params.
    const bt::rpc::RpcRequest query =
        bt::rpc::parseQueryRequest(QStringLiteral("aria2.tellStatus"), QStringLiteral("1"), body);
    BT_FUZZ_CHECK(query.errorCode != 0 || query.calls.size() == 1);
    BT_FUZZ_CHECK(bt::rpc::constantTimeEquals(body, body));
    return 0;
}
