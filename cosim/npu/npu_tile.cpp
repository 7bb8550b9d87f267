// Transactions for the NPU tile (npu_tile: sparse PE array + sparsity monitor). Each command runs a
// whole operation inside C++ and replies once:
//
//   npu_weights K HEX0 ... HEX{K-1}
//       writes weight rows 0..K-1 (one hex word per row: lane 0 in the low bits). Reply: ok K
//   npu_layer ROWS RELU SHIFT NBEATS  I0 V0 L0  I1 V1 L1 ...
//       starts a layer, offers one stream beat (index, signed value, last flag) every cycle the
//       array is ready, collects every output row, waits for the monitor. An op `w ADDR HEX` in place
//       of a beat writes weight row ADDR in that cycle with the stream paused (how the host swaps the
//       chunks of a reduction longer than the buffer, hwgen/pe-array/passes.ts). Reply:
//       ok CYCLES MEASURED NONZERO TOTAL STALLS ROWHEX0 ROWHEX1 ...
//       CYCLES = the array's own cycle counter, MEASURED = cycles the harness counted from the start
//       edge to the done edge, STALLS = cycles a beat was offered but not accepted.
#include <string>
#include <vector>

#include "cosim_harness.h"

namespace {

const cosim::Port& P(cosim::Harness& h, const char* name) { return h.portOrThrow(name); }

std::string npuWeights(cosim::Harness& h, const cosim::Args& a) {
    const uint64_t k = a.u64(0);
    a.expect(1 + k, 1 + k);
    const cosim::Port& en = P(h, "w_wr_en");
    const cosim::Port& addr = P(h, "w_wr_addr");
    const cosim::Port& data = P(h, "w_wr_data");
    if (k > (uint64_t(1) << addr.width)) throw cosim::Error("K = " + std::to_string(k) + " exceeds the weight buffer depth");
    for (uint64_t i = 0; i < k; i++) {
        en.setU64(1);
        addr.setU64(i);
        data.setHex(a.str(1 + i));
        h.step();
    }
    en.setU64(0);
    h.eval();
    return std::to_string(k);
}

std::string npuLayer(cosim::Harness& h, const cosim::Args& a) {
    const uint64_t rows = a.u64(0), relu = a.u64(1), shift = a.u64(2), nbeats = a.u64(3);
    a.expect(4 + 3 * nbeats, 4 + 3 * nbeats);
    const cosim::Port& start = P(h, "start");
    const cosim::Port& busy = P(h, "busy");
    const cosim::Port& valid = P(h, "act_valid");
    const cosim::Port& ready = P(h, "act_ready");
    const cosim::Port& value = P(h, "act_value");
    const cosim::Port& index = P(h, "act_index");
    const cosim::Port& last = P(h, "act_last");
    const cosim::Port& outValid = P(h, "out_valid");
    const cosim::Port& outData = P(h, "out_data");
    const cosim::Port& done = P(h, "done");
    const cosim::Port& wEn = P(h, "w_wr_en");
    const cosim::Port& wAddr = P(h, "w_wr_addr");
    const cosim::Port& wData = P(h, "w_wr_data");
    const uint64_t valueMask = value.width >= 64 ? ~uint64_t(0) : (uint64_t(1) << value.width) - 1;

    P(h, "w_wr_en").setU64(0);
    valid.setU64(0);
    h.eval();
    if (busy.u64()) throw cosim::Error("the array is busy; a layer is still running");
    start.setU64(1);
    P(h, "cfg_rows").setU64(rows);
    P(h, "cfg_relu").setU64(relu);
    P(h, "cfg_shift").setU64(shift);
    h.step();
    start.setU64(0);

    std::vector<std::string> outRows;
    uint64_t next = 0, measured = 0, stalls = 0;
    const uint64_t limit = 4 * (nbeats + rows) + 64;
    bool finished = false;
    while (!finished) {
        const bool isWrite = next < nbeats && a.str(4 + 3 * next) == "w";
        if (isWrite) {
            valid.setU64(0);
            wEn.setU64(1);
            wAddr.setU64(a.u64(5 + 3 * next));
            wData.setHex(a.str(6 + 3 * next));
        } else if (next < nbeats) {
            valid.setU64(1);
            index.setU64(a.u64(4 + 3 * next));
            value.setU64(uint64_t(a.i64(5 + 3 * next)) & valueMask);
            last.setU64(a.u64(6 + 3 * next));
        } else {
            valid.setU64(0);
        }
        h.eval();
        const bool accepted = next < nbeats && (isWrite || ready.u64());
        if (next < nbeats && !accepted) stalls++;
        h.step();
        wEn.setU64(0);
        measured++;
        if (accepted) next++;
        if (outValid.u64()) outRows.push_back(outData.hex());
        finished = done.u64() != 0;
        if (measured > limit) throw cosim::Error("layer did not finish within " + std::to_string(limit) + " cycles");
    }
    valid.setU64(0);
    h.step();  // the monitor folds in the last row and marks its counts valid
    if (!P(h, "mon_valid").u64()) throw cosim::Error("monitor counts not valid after done");
    std::string reply = std::to_string(P(h, "cycles").u64()) + " " + std::to_string(measured) + " " +
                        std::to_string(P(h, "mon_nonzero").u64()) + " " + std::to_string(P(h, "mon_total").u64()) + " " +
                        std::to_string(stalls);
    for (const auto& r : outRows) reply += " " + r;
    return reply;
}

cosim::Command weightsCmd("npu_weights", "K HEX...", npuWeights);
cosim::Command layerCmd("npu_layer", "ROWS RELU SHIFT NOPS (INDEX VALUE LAST | w ADDR HEX)...", npuLayer);

}  // namespace
