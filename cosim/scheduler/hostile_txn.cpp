// The hostile host of the scheduler's contract checks (verify/scheduler-contract.ts) as one
// transaction: every cycle it draws the inputs from a seeded generator — an admission offered (or
// withdrawn) at random, ev_ready dropped at random, a time skip and a host command requested in
// every cycle, the trace NPU's layer end — and reacts to what the design does (an accepted offer is
// taken, a new decision starts a layer of random length). Node checks the interface rules at every
// edge afterwards, and draws every edge's inputs again from the same generator in TypeScript: they
// must equal what this host drove, so the two stay the same host.
//
//   sched_hostile WATCH SEED DECISIONS LIMIT OFFER WITHDRAW EV_READY MAX_SKIP COMMANDS TASKS VARIANTS
//                 V0_ADDR V0_DATA LAYER_MIN LAYER_MAX SCALE_MAX NNZ_MAX
//
// WATCH: ports recorded at every rising edge (comma-separated; the reply is `sample`'s format).
// OFFER, WITHDRAW, EV_READY: chances as integer thresholds t (an event when a draw from 0..999999
// is below t; WITHDRAW 0: an offer is never withdrawn). MAX_SKIP 0: no time skips. COMMANDS 0/1.
// V0_DATA: the WRITE_VARIANT word of variant 0 (hex). SCALE_MAX, NNZ_MAX: the widest penalty
// scale and non-zero count (saturation). Runs until DECISIONS decisions have been made and the last
// layer has ended, or LIMIT + 1 cycles.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cosim_harness.h"

namespace {

// pure-rand's mersenne (the standard MT19937) and its uniform integer distribution, as Rng in
// verify/scheduler-scenarios.ts uses them: a draw is the 32-bit output with its top bit flipped
// (pure-rand reads the output as signed and adds 2^31), rejected above the largest multiple of the
// range.
class Rng {
public:
    explicit Rng(uint32_t seed) : m_mt(seed) {}
    int64_t integer(int64_t lo, int64_t hi) {
        const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
        const uint64_t maxAllowed = range > 2 ? (0x100000000ull / range) * range : 0x100000000ull;
        uint64_t v = static_cast<uint32_t>(m_mt()) ^ 0x80000000u;
        while (v >= maxAllowed) v = static_cast<uint32_t>(m_mt()) ^ 0x80000000u;
        return lo + static_cast<int64_t>(v % range);
    }
    bool chance(uint64_t threshold) { return static_cast<uint64_t>(integer(0, 999999)) < threshold; }

private:
    std::mt19937 m_mt;
};

std::vector<std::string> splitComma(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t at = text.find(',', start);
        out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}

struct Offer {
    uint64_t variant, deadline, arrival, scale;
};

cosim::Command schedHostile(
    "sched_hostile",
    "WATCH SEED DECISIONS LIMIT OFFER WITHDRAW EV_READY MAX_SKIP COMMANDS TASKS VARIANTS V0_ADDR V0_DATA LAYER_MIN LAYER_MAX SCALE_MAX NNZ_MAX",
    [](cosim::Harness& h, const cosim::Args& a) -> std::string {
        a.expect(17, 17);
        std::vector<const cosim::Port*> watch;
        for (const std::string& n : splitComma(a.str(0))) watch.push_back(&h.portOrThrow(n));
        Rng rng(static_cast<uint32_t>(a.u64(1)));
        const uint64_t decisionsWanted = a.u64(2), limit = a.u64(3);
        const uint64_t offerT = a.u64(4), withdrawT = a.u64(5), evReadyT = a.u64(6), maxSkip = a.u64(7);
        const bool commands = a.u64(8) != 0;
        const int64_t tasks = static_cast<int64_t>(a.u64(9)), variants = static_cast<int64_t>(a.u64(10));
        const uint64_t v0Addr = a.u64(11);
        const std::string v0Data = a.str(12);
        const int64_t layerMin = static_cast<int64_t>(a.u64(13)), layerMax = static_cast<int64_t>(a.u64(14));
        const uint64_t scaleMax = a.u64(15), nnzMax = a.u64(16);
        const auto in = [&h](const char* name) -> const cosim::Port& {
            const cosim::Port& p = h.portOrThrow(name);
            if (!p.input) throw cosim::Error(std::string("sched_hostile: ") + name + " is an output");
            return p;
        };
        const cosim::Port &admValid = in("adm_valid"), &admVariant = in("adm_variant"), &admDeadline = in("adm_deadline"),
                          &admArrival = in("adm_arrival"), &admScale = in("adm_penalty_scale"), &evReady = in("ev_ready"),
                          &layerDone = in("npu_layer_done"), &countExt = in("npu_count_ext"), &count = in("npu_count");
        const cosim::Port *skipEn = maxSkip ? &in("time_skip_en") : nullptr, *skip = maxSkip ? &in("time_skip") : nullptr;
        const cosim::Port *cmdOp = commands ? &in("cmd_op") : nullptr, *cmdAddr = commands ? &in("cmd_addr") : nullptr,
                          *cmdData = commands ? &in("cmd_data") : nullptr, *cmdValid = commands ? &in("cmd_valid") : nullptr;
        const cosim::Port &admReady = h.portOrThrow("adm_ready"), &npuStart = h.portOrThrow("npu_start"), &timeNow = h.portOrThrow("time_now");

        bool haveOffer = false, havePrev = false;
        Offer offer{};
        int64_t layerLeft = -1;  // cycles until the running layer ends (-1: none running)
        uint64_t prevTime = 0, decisions = 0;
        std::string out;
        for (uint64_t cycle = 0; (decisions < decisionsWanted || layerLeft >= 0) && cycle <= limit; ++cycle) {
            // ---- this cycle's inputs, drawn in runHostile's order
            if (!haveOffer && rng.chance(offerT)) {
                const uint64_t t = havePrev ? prevTime : 0;
                offer.variant = static_cast<uint64_t>(rng.integer(0, variants - 1));
                offer.deadline = t + static_cast<uint64_t>(rng.integer(0, 40000));
                offer.arrival = t > 100 ? t - static_cast<uint64_t>(rng.integer(0, 100)) : t;
                offer.scale = std::min<uint64_t>(static_cast<uint64_t>(rng.integer(0, 1 << 20)), scaleMax);
                haveOffer = true;
            } else if (haveOffer && withdrawT && rng.chance(withdrawT)) {
                haveOffer = false;  // the host withdraws and retries later
            }
            admValid.setU64(haveOffer);
            if (haveOffer) {
                admVariant.setU64(offer.variant);
                admDeadline.setU64(offer.deadline);
                admArrival.setU64(offer.arrival);
                admScale.setU64(offer.scale);
            }
            evReady.setU64(rng.chance(evReadyT));
            if (maxSkip) {
                skipEn->setU64(1);
                skip->setU64(static_cast<uint64_t>(rng.integer(1, static_cast<int64_t>(maxSkip))));
            }
            if (commands) {
                const int64_t kind = rng.integer(0, 2);
                if (kind == 0) {
                    cmdOp->setU64(4);  // READ_COUNTER 6: valid tasks
                    cmdAddr->setU64(6);
                    cmdData->setHex("0");
                } else if (kind == 1) {
                    cmdOp->setU64(3);  // READ_TASK status of a random slot
                    cmdAddr->setU64(static_cast<uint64_t>(rng.integer(0, tasks - 1)));
                    cmdData->setHex("0");
                } else {
                    cmdOp->setU64(1);  // rewrite variant 0 with the same words
                    cmdAddr->setU64(v0Addr);
                    cmdData->setHex(v0Data);
                }
                cmdValid->setU64(1);
            }
            const bool done = layerLeft == 0;
            layerDone.setU64(done);
            countExt.setU64(done);
            if (done) count.setU64(std::min<uint64_t>(static_cast<uint64_t>(rng.integer(0, 3000)), nnzMax));

            // ---- the edge
            h.eval();
            if (cycle) out += ',';
            for (size_t i = 0; i < watch.size(); ++i) out += (i ? " " : "") + watch[i]->hex();
            const bool decided = npuStart.u64() != 0;
            const bool admitted = haveOffer && admReady.u64() != 0;
            prevTime = timeNow.u64();
            havePrev = true;
            h.step();

            // ---- the host's reactions
            if (decided) {
                ++decisions;
                layerLeft = rng.integer(layerMin, layerMax);
            }
            if (admitted) haveOffer = false;
            if (done) layerLeft = -1;
            else if (layerLeft > 0) --layerLeft;
        }
        return out;
    });

}  // namespace
