#pragma once

#include "CliOptions.h"

#include <QString>

namespace bt::cli {

// `btstream list`: reads the store (no queue, no network) and prints its transfers.
struct ListCommand
{
    // The exit code: 0, or 7 when the store cannot be opened.
    static int run(const QString &dataDir, CliOptions::ListFormat format);
};

} // namespace bt::cli
