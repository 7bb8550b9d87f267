// Transactions for the Dysta scheduler (dysta_scheduler). The whole host + trace-NPU loop runs in
// C++; Node only writes a script and reads a log, so 10,000 decisions cost one round trip.
//
//   sched_run SCRIPT LOG LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT [EV_STALL [SCORES]]]
//       Plays SCRIPT (format: cosim/scheduler/README.md) against the scheduler and writes one line
//       per observed fact to LOG. Reply: ok DECISIONS END_TIME. LIMIT bounds the cycles spent waiting
//       for any one event (default 1000000); EV_STALL holds ev_ready low that many cycles after
//       every event (event-stream backpressure, default 0); SCORES 0 skips reading back every
//       valid slot's score after a decision (the S lines; default 1).
//
// The host/NPU behaviour (the TS mirror in compare/scheduler-harness-model.ts does exactly the same):
//   - reset, program the tables (one command per cycle), tick to `start`;
//   - when the table is empty: read back the last finished slot (G), tick to the next arrival, admit it;
//   - wait for the decision event (D); read back the slot that ran last (G) and, unless SCORES is 0,
//     every valid slot's score (S); admit, in order, every pending request that arrives before the layer ends (A), or
//     stop at the first refusal (B, backpressure: it stays pending); tick to the layer's end and
//     pulse npu_layer_done with the layer's non-zero count (trace NPU); on the last layer of a
//     request wait for its completion event (C);
//   - at the end, read the counters (K).
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cosim_harness.h"
#include "scheduler_host.h"

namespace {

struct Layer {
    uint64_t cycles, nnz, rows;  // rows > 0: stream the non-zeros through the monitor
};

struct Req : schedhost::Admission {
    std::vector<Layer> layers;
};

struct Script {
    schedhost::Program program;
    uint64_t lanes = 0, laneWidth = 0;
    std::vector<Req> reqs;
};

Script readScript(const std::string& path) {
    Script s;
    schedhost::readScript(path, s.program, [&s](const std::string& kind, std::istringstream& ls) {
        if (kind == "lanes") return bool(ls >> s.lanes >> s.laneWidth);
        if (kind == "req") {
            Req r;
            uint64_t n;
            if (!(ls >> r.arrival >> r.variant >> r.deadline >> r.scale >> n)) return false;
            if (!(ls >> r.bank)) r.bank = 0;
            r.layers.reserve(n);
            s.reqs.push_back(std::move(r));
            return true;
        }
        if (kind == "lay") {
            uint64_t c, z, rows = 0;
            if (!(ls >> c >> z) || s.reqs.empty()) return false;
            if (!(ls >> rows)) rows = 0;
            s.reqs.back().layers.push_back(Layer{c, z, rows});
            return true;
        }
        return false;
    });
    return s;
}

class Runner {
public:
    Runner(cosim::Harness& h, std::ostream& log, uint64_t limit, int layerCountWidth, int variantWidth)
        : host(h, limit, layerCountWidth, variantWidth), h(h), log(log),
          layerDone(h.portOrThrow("npu_layer_done")), countExt(h.portOrThrow("npu_count_ext")), count(h.portOrThrow("npu_count")),
          laneValid(h.portOrThrow("npu_lane_valid")), laneData(h.portOrThrow("npu_lane_data")) {}

    std::string run(const Script& s) {
        layerDone.setU64(0);
        countExt.setU64(0);
        laneValid.setU64(0);
        host.setup(s.program);

        const size_t n = s.reqs.size();
        std::map<int, size_t> occ;  // slot -> request
        std::vector<size_t> layerOf(n, 0);
        size_t pending = 0, completed = 0;
        uint64_t decisions = 0;
        int prevG = -1;
        while (completed < n) {
            if (occ.empty()) {
                if (prevG >= 0) log << host.readBack(prevG) << '\n', prevG = -1;
                if (pending >= n) throw cosim::Error("internal: nothing pending with an empty table");
                const Req& r = s.reqs[pending];
                host.tickTo(r.arrival);
                host.present(r);
                if (!host.admReady.u64()) throw cosim::Error("admission refused by an empty scheduler");
                const int slot = int(host.admSlot.u64());
                h.step();
                host.admValid.setU64(0);
                occ[slot] = pending;
                log << "A " << pending << ' ' << slot << '\n';
                pending++;
            }
            if (host.waitEvent() != 1) throw cosim::Error("expected a decision event, got kind " + std::to_string(host.evKind.u64()));
            const int slot = int(host.evTask.u64());
            const uint64_t tEv = host.now();
            auto it = occ.find(slot);
            if (it == occ.end()) throw cosim::Error("decision for empty slot " + std::to_string(slot));
            const size_t req = it->second;
            const uint64_t layer = host.evLayer.u64();
            decisions++;
            log << "D " << host.evTime.u64() << ' ' << tEv << ' ' << slot << ' ' << req << ' ' << layer << ' ' << host.evScore.u64() << '\n';
            take();
            if (prevG >= 0) log << host.readBack(prevG) << '\n', prevG = -1;
            if (scoreReads)
                for (const auto& [s2, r2] : occ) log << host.scoreLine(s2) << '\n';
            const Req& rr = s.reqs[req];
            if (layer != layerOf[req] || layer >= rr.layers.size())
                throw cosim::Error("request " + std::to_string(req) + " got layer " + std::to_string(layer) + ", expected " + std::to_string(layerOf[req]));
            const Layer& lay = rr.layers[layer];
            const uint64_t tEnd = tEv + lay.cycles;
            while (pending < n && s.reqs[pending].arrival < tEnd) {
                host.present(s.reqs[pending]);
                if (host.admReady.u64()) {
                    const int ns = int(host.admSlot.u64());
                    h.step();
                    host.admValid.setU64(0);
                    occ[ns] = pending;
                    log << "A " << pending << ' ' << ns << '\n';
                    pending++;
                } else {
                    h.step();
                    host.admValid.setU64(0);
                    log << "B " << pending << '\n';
                    break;
                }
            }
            if (lay.rows) streamRows(s, lay);
            if (host.now() > tEnd) throw cosim::Error("layer of " + std::to_string(lay.cycles) + " cycles is too short for the harness's reads, admissions and rows");
            host.tickTo(tEnd);
            layerDone.setU64(1);
            countExt.setU64(lay.rows ? 0 : 1);
            count.setU64(lay.rows ? 0 : lay.nnz);
            h.step();
            layerDone.setU64(0);
            countExt.setU64(0);
            prevG = slot;
            layerOf[req]++;
            if (layerOf[req] == rr.layers.size()) {
                if (host.waitEvent() != 2) throw cosim::Error("expected a completion event for request " + std::to_string(req));
                if (int(host.evTask.u64()) != slot) throw cosim::Error("completion of slot " + std::to_string(host.evTask.u64()) + ", expected " + std::to_string(slot));
                log << "C " << slot << ' ' << req << ' ' << host.evTime.u64() << '\n';
                take();
                occ.erase(slot);
                completed++;
            }
        }
        if (prevG >= 0) log << host.readBack(prevG) << '\n';
        log << host.counters() << '\n';
        return std::to_string(decisions) + " " + std::to_string(host.now());
    }

    /** Cycles the host holds ev_ready low after an event appears (event-stream backpressure). */
    uint64_t evStall = 0;
    /** Read back every valid slot's score after each decision (S lines). */
    bool scoreReads = true;

private:
    /** Takes the visible event: ev_ready low for evStall cycles, then high for one. */
    void take() {
        if (evStall) {
            host.evReady.setU64(0);
            h.step(evStall);
            host.evReady.setU64(1);
        }
        h.step();
    }

    /** Real-NPU mode: `rows` output rows on the lanes, the first `nnz` lane values (row-major) = 1. */
    void streamRows(const Script& s, const Layer& lay) {
        if (!s.lanes || !s.laneWidth) throw cosim::Error("script has rows but no 'lanes' line");
        if (lay.nnz > lay.rows * s.lanes) throw cosim::Error("more non-zeros than lanes x rows");
        uint64_t left = lay.nnz;
        std::vector<uint32_t> words(laneData.words());
        for (uint64_t r = 0; r < lay.rows; r++) {
            std::fill(words.begin(), words.end(), 0);
            const uint64_t k = left < s.lanes ? left : s.lanes;
            for (uint64_t j = 0; j < k; j++) {
                const uint64_t bit = j * s.laneWidth;
                words[bit / 32] |= uint32_t(1) << (bit % 32);
            }
            left -= k;
            laneData.set(words);
            laneValid.setU64(1);
            h.step();
        }
        laneValid.setU64(0);
        std::fill(words.begin(), words.end(), 0);
        laneData.set(words);
    }

    schedhost::Host host;
    cosim::Harness& h;
    std::ostream& log;
    const cosim::Port &layerDone, &countExt, &count, &laneValid, &laneData;
};

// sched_run SCRIPT LOG LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT [EV_STALL [SCORES]]]
cosim::Command schedRun("sched_run", "SCRIPT LOG LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT [EV_STALL [SCORES]]]", [](cosim::Harness& h, const cosim::Args& a) -> std::string {
    a.expect(4, 7);
    const Script s = readScript(a.str(0));
    std::ofstream log(a.str(1));
    if (!log) throw cosim::Error("cannot write log " + a.str(1));
    Runner r(h, log, a.u64(4, 1000000), int(a.u64(2)), int(a.u64(3)));
    r.evStall = a.u64(5, 0);
    r.scoreReads = a.u64(6, 1) != 0;
    const std::string reply = r.run(s);
    log.flush();
    return reply;
});

}  // namespace
