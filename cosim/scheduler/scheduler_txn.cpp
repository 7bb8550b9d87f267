// Transactions for the Dysta scheduler (dysta_scheduler). The whole host + trace-NPU loop runs in
// C++; Node only writes a script and reads a log, so 10,000 decisions cost one round trip.
//
//   sched_run SCRIPT LOG LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT [EV_STALL]]
//       Plays SCRIPT (format: cosim/scheduler/README.md) against the scheduler and writes one line
//       per observed fact to LOG. Reply: ok DECISIONS END_TIME. LIMIT bounds the cycles spent waiting
//       for any one event (default 1000000); EV_STALL holds ev_ready low that many cycles after
//       every event (event-stream backpressure, default 0).
//
// The host/NPU behaviour (the TS mirror in test/scheduler/harness-model.ts does exactly the same):
//   - reset, program the tables (one command per cycle), tick to `start`;
//   - when the table is empty: read back the last finished slot (G), tick to the next arrival, admit it;
//   - wait for the decision event (D); read back the slot that ran last (G) and every valid slot's
//     score (S); admit, in order, every pending request that arrives before the layer ends (A), or
//     stop at the first refusal (B, backpressure: it stays pending); tick to the layer's end and
//     pulse npu_layer_done with the layer's non-zero count (trace NPU); on the last layer of a
//     request wait for its completion event (C);
//   - at the end, read the counters (K).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cosim_harness.h"

namespace {

struct Layer {
    uint64_t cycles, nnz, rows;  // rows > 0: stream the non-zeros through the monitor
};

struct Req {
    uint64_t arrival, variant, deadline, scale;
    std::vector<Layer> layers;
};

struct Script {
    uint64_t start = 0;
    uint64_t lanes = 0, laneWidth = 0;
    std::vector<std::tuple<uint64_t, uint64_t, std::string>> cmds;  // op, addr, data hex
    std::vector<Req> reqs;
};

Script readScript(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw cosim::Error("cannot read script " + path);
    Script s;
    std::string line;
    size_t lineNo = 0;
    while (std::getline(in, line)) {
        lineNo++;
        std::istringstream ls(line);
        std::string kind;
        if (!(ls >> kind) || kind[0] == '#') continue;
        bool ok = true;
        if (kind == "start") {
            ok = bool(ls >> s.start);
        } else if (kind == "lanes") {
            ok = bool(ls >> s.lanes >> s.laneWidth);
        } else if (kind == "cmd") {
            uint64_t op, addr;
            std::string data;
            ok = bool(ls >> op >> addr >> data);
            s.cmds.emplace_back(op, addr, data);
        } else if (kind == "req") {
            Req r;
            uint64_t n;
            ok = bool(ls >> r.arrival >> r.variant >> r.deadline >> r.scale >> n);
            r.layers.reserve(n);
            s.reqs.push_back(r);
            s.reqs.back().layers.reserve(n);
        } else if (kind == "lay") {
            uint64_t c, z, rows = 0;
            ok = bool(ls >> c >> z) && !s.reqs.empty();
            if (!(ls >> rows)) rows = 0;
            if (ok) s.reqs.back().layers.push_back(Layer{c, z, rows});
        } else {
            ok = false;
        }
        if (!ok) throw cosim::Error("script " + path + " line " + std::to_string(lineNo) + ": cannot parse '" + line + "'");
    }
    return s;
}

uint64_t low64(const cosim::Port& p) {
    const std::vector<uint32_t> w = p.get();
    uint64_t v = w[0];
    if (w.size() > 1) v |= uint64_t(w[1]) << 32;
    return v;
}

class Runner {
public:
    Runner(cosim::Harness& h, std::ostream& log, uint64_t limit)
        : h(h), log(log), limit(limit),
          cmdValid(h.portOrThrow("cmd_valid")), cmdReady(h.portOrThrow("cmd_ready")), cmdOp(h.portOrThrow("cmd_op")),
          cmdAddr(h.portOrThrow("cmd_addr")), cmdData(h.portOrThrow("cmd_data")), rspValid(h.portOrThrow("rsp_valid")),
          rspData(h.portOrThrow("rsp_data")), admValid(h.portOrThrow("adm_valid")), admReady(h.portOrThrow("adm_ready")),
          admVariant(h.portOrThrow("adm_variant")), admDeadline(h.portOrThrow("adm_deadline")), admArrival(h.portOrThrow("adm_arrival")),
          admScale(h.portOrThrow("adm_penalty_scale")), admSlot(h.portOrThrow("adm_slot")), evValid(h.portOrThrow("ev_valid")),
          evReady(h.portOrThrow("ev_ready")), evKind(h.portOrThrow("ev_kind")), evTask(h.portOrThrow("ev_task")),
          evLayer(h.portOrThrow("ev_layer")), evTime(h.portOrThrow("ev_time")), evScore(h.portOrThrow("ev_score")),
          layerDone(h.portOrThrow("npu_layer_done")), countExt(h.portOrThrow("npu_count_ext")), count(h.portOrThrow("npu_count")),
          laneValid(h.portOrThrow("npu_lane_valid")), laneData(h.portOrThrow("npu_lane_data")),
          timeNow(h.portOrThrow("time_now")), skipEn(h.port("time_skip_en")), skip(h.port("time_skip")) {}

    uint64_t now() { return timeNow.u64(); }

    void tickTo(uint64_t target) {
        const uint64_t t = now();
        if (t >= target) return;
        if (skipEn && skip) {
            skipEn->setU64(1);
            skip->setU64(target - t);
            h.step();
            skipEn->setU64(0);
        } else {
            h.step(target - t);
        }
    }

    void command(uint64_t op, uint64_t addr, const std::string& dataHex) {
        cmdValid.setU64(1);
        cmdOp.setU64(op);
        cmdAddr.setU64(addr);
        cmdData.setHex(dataHex);
        h.eval();
        if (!cmdReady.u64()) throw cosim::Error("cmd_ready is low in a waiting state (t=" + std::to_string(now()) + ")");
        h.step();
        cmdValid.setU64(0);
    }

    uint64_t read(uint64_t op, uint64_t addr, uint64_t field) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%llx", (unsigned long long)field);
        command(op, addr, buf);
        if (!rspValid.u64()) throw cosim::Error("no read response one cycle after the read");
        return low64(rspData);
    }

    /** Steps until an event is visible; returns its kind. */
    uint64_t waitEvent() {
        uint64_t n = 0;
        while (!evValid.u64()) {
            h.step();
            if (++n > limit) throw cosim::Error("no scheduler event within " + std::to_string(limit) + " cycles (t=" + std::to_string(now()) + ")");
        }
        return evKind.u64();
    }

    void readBack(int slot) {
        // READ_TASK fields: STATUS 0, GAMMA 1, PRED 2, RATIO_SUM 3, LAST_RUN 4, SEQ 7.
        const uint64_t status = read(3, slot, 0);
        const uint64_t gamma = read(3, slot, 1);
        const uint64_t pred = read(3, slot, 2);
        const uint64_t rsum = read(3, slot, 3);
        const uint64_t lastRun = read(3, slot, 4);
        const uint64_t seq = read(3, slot, 7);
        const int lcw = layerCountWidth;
        const uint64_t nextLayer = status & ((uint64_t(1) << lcw) - 1);
        const uint64_t validBit = (status >> (lcw + variantWidth)) & 1;
        log << "G " << slot << ' ' << validBit << ' ' << nextLayer << ' ' << gamma << ' ' << pred << ' ' << rsum << ' ' << lastRun << ' ' << seq << '\n';
    }

    std::string run(const Script& s) {
        evReady.setU64(1);
        h.reset(2);
        for (const auto& [op, addr, data] : s.cmds) command(op, addr, data);
        if (now() > s.start) throw cosim::Error("programming took until t=" + std::to_string(now()) + ", after the script's start " + std::to_string(s.start));
        tickTo(s.start);

        const size_t n = s.reqs.size();
        std::map<int, size_t> occ;  // slot -> request
        std::vector<size_t> layerOf(n, 0);
        size_t pending = 0, completed = 0;
        uint64_t decisions = 0;
        int prevG = -1;
        while (completed < n) {
            if (occ.empty()) {
                if (prevG >= 0) readBack(prevG), prevG = -1;
                if (pending >= n) throw cosim::Error("internal: nothing pending with an empty table");
                const Req& r = s.reqs[pending];
                tickTo(r.arrival);
                present(r);
                if (!admReady.u64()) throw cosim::Error("admission refused by an empty scheduler");
                const int slot = int(admSlot.u64());
                h.step();
                admValid.setU64(0);
                occ[slot] = pending;
                log << "A " << pending << ' ' << slot << '\n';
                pending++;
            }
            if (waitEvent() != 1) throw cosim::Error("expected a decision event, got kind " + std::to_string(evKind.u64()));
            const int slot = int(evTask.u64());
            const uint64_t tEv = now();
            auto it = occ.find(slot);
            if (it == occ.end()) throw cosim::Error("decision for empty slot " + std::to_string(slot));
            const size_t req = it->second;
            const uint64_t layer = evLayer.u64();
            decisions++;
            log << "D " << evTime.u64() << ' ' << tEv << ' ' << slot << ' ' << req << ' ' << layer << ' ' << evScore.u64() << '\n';
            take();
            if (prevG >= 0) readBack(prevG), prevG = -1;
            for (const auto& [s2, r2] : occ) log << "S " << s2 << ' ' << read(3, s2, 6) << '\n';
            const Req& rr = s.reqs[req];
            if (layer != layerOf[req] || layer >= rr.layers.size())
                throw cosim::Error("request " + std::to_string(req) + " got layer " + std::to_string(layer) + ", expected " + std::to_string(layerOf[req]));
            const Layer& lay = rr.layers[layer];
            const uint64_t tEnd = tEv + lay.cycles;
            while (pending < n && s.reqs[pending].arrival < tEnd) {
                present(s.reqs[pending]);
                if (admReady.u64()) {
                    const int ns = int(admSlot.u64());
                    h.step();
                    admValid.setU64(0);
                    occ[ns] = pending;
                    log << "A " << pending << ' ' << ns << '\n';
                    pending++;
                } else {
                    h.step();
                    admValid.setU64(0);
                    log << "B " << pending << '\n';
                    break;
                }
            }
            if (lay.rows) streamRows(s, lay);
            if (now() > tEnd) throw cosim::Error("layer of " + std::to_string(lay.cycles) + " cycles is too short for the harness's reads, admissions and rows");
            tickTo(tEnd);
            layerDone.setU64(1);
            countExt.setU64(lay.rows ? 0 : 1);
            count.setU64(lay.rows ? 0 : lay.nnz);
            h.step();
            layerDone.setU64(0);
            countExt.setU64(0);
            prevG = slot;
            layerOf[req]++;
            if (layerOf[req] == rr.layers.size()) {
                if (waitEvent() != 2) throw cosim::Error("expected a completion event for request " + std::to_string(req));
                if (int(evTask.u64()) != slot) throw cosim::Error("completion of slot " + std::to_string(evTask.u64()) + ", expected " + std::to_string(slot));
                log << "C " << slot << ' ' << req << ' ' << evTime.u64() << '\n';
                take();
                occ.erase(slot);
                completed++;
            }
        }
        if (prevG >= 0) readBack(prevG);
        // READ_COUNTER: DECISIONS 1, COMPLETIONS 2, ADMISSIONS 3, ADMIT_STALLS 4, LAST_LATENCY 5,
        // VALID 6, LAST_SELECT_TIME 7, NOW 0 (the cycle of that read).
        log << 'K';
        for (uint64_t i : {1, 2, 3, 4, 5, 6, 7, 0}) log << ' ' << read(4, i, 0);
        log << '\n';
        return std::to_string(decisions) + " " + std::to_string(now());
    }

    int layerCountWidth = 0, variantWidth = 0;
    /** Cycles the host holds ev_ready low after an event appears (event-stream backpressure). */
    uint64_t evStall = 0;

private:
    /** Takes the visible event: ev_ready low for evStall cycles, then high for one. */
    void take() {
        if (evStall) {
            evReady.setU64(0);
            h.step(evStall);
            evReady.setU64(1);
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

    void present(const Req& r) {
        admValid.setU64(1);
        admVariant.setU64(r.variant);
        admDeadline.setU64(r.deadline);
        admArrival.setU64(r.arrival);
        admScale.setU64(r.scale);
        h.eval();
    }

    cosim::Harness& h;
    std::ostream& log;
    uint64_t limit;
    const cosim::Port &cmdValid, &cmdReady, &cmdOp, &cmdAddr, &cmdData, &rspValid, &rspData;
    const cosim::Port &admValid, &admReady, &admVariant, &admDeadline, &admArrival, &admScale, &admSlot;
    const cosim::Port &evValid, &evReady, &evKind, &evTask, &evLayer, &evTime, &evScore;
    const cosim::Port &layerDone, &countExt, &count, &laneValid, &laneData, &timeNow;
    const cosim::Port* skipEn;
    const cosim::Port* skip;
};

// sched_run SCRIPT LOG LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT [EV_STALL]]
cosim::Command schedRun("sched_run", "SCRIPT LOG LAYER_COUNT_WIDTH VARIANT_WIDTH [LIMIT [EV_STALL]]", [](cosim::Harness& h, const cosim::Args& a) -> std::string {
    a.expect(4, 6);
    const Script s = readScript(a.str(0));
    std::ofstream log(a.str(1));
    if (!log) throw cosim::Error("cannot write log " + a.str(1));
    Runner r(h, log, a.u64(4, 1000000));
    r.layerCountWidth = int(a.u64(2));
    r.variantWidth = int(a.u64(3));
    r.evStall = a.u64(5, 0);
    const std::string reply = r.run(s);
    log.flush();
    return reply;
});

}  // namespace
