#pragma once

#include <QNetworkReply>

namespace bt::curl {

// The QNetworkReply error for a failed libcurl transfer (a CURLcode), so that
// ResponseInfo::networkError classifies it as it did Qt's: a cut connection is transient, a
// bad certificate is not. `redirected`: the request followed a redirect before failing.
QNetworkReply::NetworkError networkError(int curlCode, bool redirected);

// What QNetworkReply reports for an HTTP error status (as QNetworkReplyHttpImpl does).
QNetworkReply::NetworkError statusError(int status);

} // namespace bt::curl
