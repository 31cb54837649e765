#include "queue/SpeedLimits.h"

#include "transfer/RateLimiter.h"

namespace bt {

SpeedLimits::SpeedLimits()
    : m_download(std::make_shared<RateLimiter>()), m_upload(std::make_shared<RateLimiter>())
{
}

SpeedLimits::~SpeedLimits() = default;

void SpeedLimits::setNormal(const SpeedLimitSet &limits)
{
    m_normal = limits;
    apply();
}

void SpeedLimits::setAlternative(const SpeedLimitSet &limits)
{
    m_alternative = limits;
    apply();
}

void SpeedLimits::setAlternativeEnabled(bool enabled)
{
    m_alternativeEnabled = enabled;
    apply();
}

qint64 SpeedLimits::perTransferLimit(qint64 transferOwn) const
{
    const qint64 common = effective().perTransfer;
    if (transferOwn <= 0)
        return common;
    return common <= 0 ? transferOwn : qMin(common, transferOwn);
}

void SpeedLimits::apply()
{
    // setRate() empties the bucket: only touch it when the rate really changes.
    const SpeedLimitSet e = effective();
    if (m_download->rate() != e.download)
        m_download->setRate(e.download);
    if (m_upload->rate() != e.upload)
        m_upload->setRate(e.upload);
}

} // namespace bt
