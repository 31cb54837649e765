#pragma once

namespace bt {

// Where one run of a transfer is, as the transfer itself says it (Transfer::phaseChanged):
// the queue and the views show it, nothing guesses it from the progress.
enum class TransferPhase
{
    Waiting,      // made, not started
    Connecting,   // asking the server (first request, probe, tus discovery)
    Transferring, // bytes flow
    Retrying,     // a transient error; the next attempt is due (Transfer::nextAttemptMs)
    Verifying,    // every byte is in: digests, checksums
    Publishing,   // the durable facts, then the rename into place
    Done,
    Failed,
    Stopped, // stop() or cancel(): kept for a resume, or cancelled
};

} // namespace bt
